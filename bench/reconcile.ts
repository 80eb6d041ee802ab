// Reconciliation benchmark: `reconcile()` (matching, statuses, FEST interactions, CAVE, duplicates,
// expiry) for one patient and for 1,000 patients, each beside a single-pass reference over the
// same data: one Map by ReseptId, then one lookup per local entry, PLL entry and dispensing, touching
// every item. The reference is the floor any reconciliation must pay; the ratio says how far above it
// the engine is.
//
// The patients are synthetic but shaped like a busy GP's elderly patient: 20 local entries, 25
// prescriptions in RF (20 current, 5 older links of renewal chains), an 18-entry PLL, 150 dispensings
// over two years and 2 CAVE entries, with medicines drawn from the curated FEST catalogue (which is
// also the catalogue the safety checks use). Generated deterministically from a seed.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CriticalInfo, Dispensing, LocalListEntry, MedicationRead, MedicineRef, Patient, PllEntry, Prescription } from '../shared/model';
import { readFest, type FestCatalogue, type FestProduct } from '../shared/fest/reader';
import { reconcile, safetyCatalogueFromFest, type SafetyCatalogue } from '../shared/reconcile';
import { mulberry32 } from '../fixtures/prng';

const here = path.dirname(fileURLToPath(import.meta.url));
const CURATED = path.resolve(here, '..', 'fixtures', 'fest', 'fest-curated.xml');
const NOW = new Date('2026-11-26T09:00:00Z');
const SEED = 20261126;
export const SHAPE = { local: 20, prescriptions: 25, renewalLinks: 5, pll: 18, dispensings: 150, cave: 2 } as const;

const rng = mulberry32;
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

const DOSES: [string, string][] = [
  ['1 tablett morgen', '1+0+0+0'],
  ['1 tablett kveld', '0+0+0+1'],
  ['1 tablett morgen og kveld', '1+0+0+1'],
  ['2 tabletter morgen', '2+0+0+0'],
  ['1 tablett 3 ganger daglig', '1+1+0+1'],
];
const GP = { name: 'Knut Pettersen', hpr: '2127296', organisation: 'Varacet Testlegekontor' };

export interface BenchPatient {
  patient: Patient;
  local: LocalListEntry[];
  read: MedicationRead;
}

function medicineOf(p: FestProduct): MedicineRef {
  return {
    name: p.nameFormStrength,
    atc: p.atc,
    festId: p.id,
    kind: p.kind === 'brand' ? 'brand' : 'substance',
    form: p.form,
    ...(p.strength ? { strength: p.strength } : {}),
    prescriptionGroup: p.prescriptionGroup,
    substances: p.substances.map((s) => s.toLowerCase()),
  };
}

/** One patient, deterministic in `seed`. `pool` is the catalogue's prescribable products. */
export function makePatient(seed: number, pool: FestProduct[]): BenchPatient {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const id = pad(seed % 1e11, 11);
  const patient: Patient = { identityNumber: id, identityKind: 'FNR', givenName: 'Bench', familyName: `Pasient ${seed}`, birthDate: '1940-01-01', sex: seed % 2 ? 'male' : 'female' };
  const uuid = (kind: string, n: number) => `${kind}-${seed.toString(16)}-${pad(n, 4)}`;

  // 20 distinct treatments (distinct products, so no accidental duplicates beyond what the catalogue makes).
  const chosen = new Set<FestProduct>();
  while (chosen.size < SHAPE.prescriptions - SHAPE.renewalLinks) chosen.add(pick(pool));
  const treatments = [...chosen];

  const prescriptions: Prescription[] = [];
  const pll: PllEntry[] = [];
  const local: LocalListEntry[] = [];
  const heads: Prescription[] = [];
  treatments.forEach((product, i) => {
    const medicine = medicineOf(product);
    const [text, shortCode] = pick(DOSES);
    const prescribedOn = isoDay(NOW.getTime() - Math.floor(30 + r() * 300) * DAY);
    const expiresOn = isoDay(Date.parse(prescribedOn) + 364 * DAY);
    const head: Prescription = {
      reseptId: uuid('rx', i),
      prescribedOn,
      expiresOn,
      medicine,
      dosage: { text, shortCode },
      use: '1',
      status: r() < 0.2 ? 'U' : 'E',
      prescriber: GP,
      type: 'E',
      itemGroup: 'L',
    };
    // The first five treatments were renewed once: the older link was recalled with reason 1 (Fornying).
    if (i < SHAPE.renewalLinks) {
      const older: Prescription = {
        ...head,
        reseptId: uuid('rx-old', i),
        prescribedOn: isoDay(Date.parse(prescribedOn) - 365 * DAY),
        expiresOn: isoDay(Date.parse(prescribedOn) - 1 * DAY),
        status: 'T',
        recall: { reason: '1', at: `${prescribedOn}T10:00:00+01:00` },
      };
      prescriptions.push(older);
      head.renews = older.reseptId;
    }
    prescriptions.push(head);
    heads.push(head);
    if (i < SHAPE.pll) {
      pll.push({ libId: uuid('lib', i), reseptId: head.reseptId, type: 'E', startedOn: prescribedOn, lastChanged: `${prescribedOn}T10:00:00+01:00`, medicine, dosage: head.dosage, use: '1', expiresOn, prescriber: GP });
    }
    // Local list: 18 of the 20 treatments; 2 with another dose, 1 stopped locally.
    if (i < 18) {
      const dose = i === 3 || i === 11 ? { text: '1 tablett morgen og kveld', shortCode: '1+0+0+1' } : head.dosage;
      local.push({
        id: uuid('loc', i),
        patientId: id,
        ...(i < SHAPE.pll ? { libId: uuid('lib', i) } : {}),
        reseptId: head.reseptId,
        ...(head.renews ? { previousReseptIds: [head.renews] } : {}),
        medicine,
        dosage: dose,
        use: '1',
        startedOn: prescribedOn,
        expiresOn,
        prescriber: GP,
        rfStatus: head.status,
        category: 'medicine',
        updatedAt: `${prescribedOn}T10:00:00+01:00`,
        ...(i === 7 ? { discontinued: { at: '2026-11-10T09:00:00+01:00', reason: 'A' } } : {}),
      });
    }
  });
  // Two local-only entries (bought over the counter, written down at the last visit).
  for (let k = 0; k < SHAPE.local - 18; k++) {
    const product = pick(pool);
    local.push({ id: uuid('loc-otc', k), patientId: id, medicine: medicineOf(product), dosage: { text: 'Ved behov' }, use: '3', category: 'medicine', updatedAt: '2026-09-01T10:00:00+02:00' });
  }

  // 150 dispensings over two years: 140 on the current prescriptions, 10 without a prescription id.
  const dispensings: Dispensing[] = [];
  for (let n = 0; n < SHAPE.dispensings; n++) {
    const withRx = n < SHAPE.dispensings - 10;
    const rx = withRx ? heads[n % heads.length]! : undefined;
    const medicine = rx ? rx.medicine : medicineOf(pick(pool));
    const at = NOW.getTime() - Math.floor(r() * 730) * DAY;
    dispensings.push({
      id: uuid('m10', n),
      ...(rx ? { reseptId: rx.reseptId } : {}),
      dispensedAt: new Date(at).toISOString(),
      medicine,
      quantity: { value: 100, unit: 'stk' },
      pharmacy: 'Vitusapotek Testbyen',
    });
  }
  dispensings.sort((a, b) => (a.dispensedAt < b.dispensedAt ? -1 : 1));

  const criticalInfo: CriticalInfo[] = [
    { id: uuid('cave', 0), kind: 'allergy', agent: 'Penicillin', atc: 'J01CE02', reaction: 'Urtikaria', severity: 'serious', certainty: 'likely', source: 'KJ' },
    { id: uuid('cave', 1), kind: 'reaction', agent: 'Kodein', reaction: 'Kvalme', severity: 'mild', source: 'KJ' },
  ];
  const read: MedicationRead = {
    readId: uuid('read', 0),
    patient,
    prescriptions,
    pll,
    pllMessageId: uuid('m251', 0),
    dispensings,
    criticalInfo,
    rfFetchedAt: '2026-11-26T09:55:00+01:00',
    kjFetchedAt: '2026-11-26T09:55:00+01:00',
    errors: [],
  };
  return { patient, local, read };
}

/**
 * The reference: one pass. A Map by ReseptId over the prescriptions, then each local entry, PLL entry
 * and dispensing looks up its prescription and touches its fields. Returns a checksum so the work
 * cannot be optimised away.
 */
export function singlePass(p: BenchPatient): number {
  const byReseptId = new Map<string, Prescription>();
  let sum = 0;
  for (const rx of p.read.prescriptions) {
    byReseptId.set(rx.reseptId, rx);
    sum += rx.medicine.name.length + rx.dosage.text.length;
  }
  for (const l of p.local) {
    const rx = l.reseptId ? byReseptId.get(l.reseptId) : undefined;
    sum += l.medicine.name.length + (rx && rx.dosage.text === l.dosage.text ? 1 : 2);
  }
  for (const e of p.read.pll) {
    const rx = e.reseptId ? byReseptId.get(e.reseptId) : undefined;
    sum += e.medicine.name.length + (rx ? 1 : 2);
  }
  for (const d of p.read.dispensings) {
    const rx = d.reseptId ? byReseptId.get(d.reseptId) : undefined;
    sum += d.medicine.name.length + (rx ? 1 : 2);
  }
  for (const c of p.read.criticalInfo) sum += c.agent.length;
  return sum;
}

function runReconcile(p: BenchPatient, catalogue: SafetyCatalogue): number {
  const res = reconcile({ patient: p.patient, local: p.local, read: p.read }, catalogue, NOW);
  return res.rows.length + res.findings.length;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export async function loadCuratedCatalogue(): Promise<FestCatalogue> {
  return readFest(createReadStream(CURATED, { highWaterMark: 1 << 16 }), { source: 'fest-curated.xml' });
}

export function prescribablePool(fest: FestCatalogue): FestProduct[] {
  return fest.products.filter((p) => p.atc && p.atc.length === 7 && !p.atc.startsWith('J07') && p.substances.length > 0).sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function benchReconcile(): Promise<Record<string, number | string>> {
  const fest = await loadCuratedCatalogue();
  const catalogue = safetyCatalogueFromFest(fest)!;
  const pool = prescribablePool(fest);
  let sink = 0;

  // 1,000 different patients, generated up front (not timed). A first untimed pass warms the JIT
  // (and counts rows and findings); the timed rounds follow below.
  const cohort = Array.from({ length: 1000 }, (_, i) => makePatient(SEED + 1 + i, pool));
  let rows = 0;
  let findings = 0;
  for (const p of cohort) {
    const r = reconcile({ patient: p.patient, local: p.local, read: p.read }, catalogue, NOW);
    rows += r.rows.length;
    findings += r.findings.length;
  }
  // One patient, the same one again and again. Reconcile and reference alternate in rounds, so load
  // from other processes on the machine falls on both; the figure is the median round.
  const one = makePatient(SEED, pool);
  const oneResult = reconcile({ patient: one.patient, local: one.local, read: one.read }, catalogue, NOW);
  for (let i = 0; i < 200; i++) sink += runReconcile(one, catalogue) + singlePass(one); // warm-up
  const oneRec: number[] = [];
  const oneRef: number[] = [];
  for (let round = 0; round < 30; round++) {
    let t0 = performance.now();
    for (let j = 0; j < 10; j++) sink += runReconcile(one, catalogue);
    oneRec.push((performance.now() - t0) / 10);
    t0 = performance.now();
    for (let j = 0; j < 2000; j++) sink += singlePass(one);
    oneRef.push((performance.now() - t0) / 2000);
  }

  // Three rounds over the 1,000: every patient's reconcile timed on its own (for the per-patient
  // spread), then the reference over all of them.
  const rounds: { total: number; each: number[]; ref: number }[] = [];
  for (let k = 0; k < 3; k++) {
    const each: number[] = [];
    const start = performance.now();
    for (const p of cohort) {
      const t0 = performance.now();
      sink += runReconcile(p, catalogue);
      each.push(performance.now() - t0);
    }
    const total = performance.now() - start;
    const t1 = performance.now();
    for (const p of cohort) sink += singlePass(p);
    rounds.push({ total, each, ref: performance.now() - t1 });
  }
  rounds.sort((a, b) => a.total - b.total);
  const mid = rounds[1]!;
  const cohortRef = median(rounds.map((r) => r.ref));

  return {
    'data per patient': `${SHAPE.local} local, ${SHAPE.prescriptions} RF prescriptions (${SHAPE.renewalLinks} older renewal links), ${SHAPE.pll} PLL entries, ${SHAPE.dispensings} dispensings, ${SHAPE.cave} CAVE; curated FEST (${fest.meta.counts.products} products, ${fest.interactions.length} interactions)`,
    'one patient: rows / findings': `${oneResult.rows.length} / ${oneResult.findings.length}`,
    'one patient: reconcile ms (median of 30 rounds)': round(median(oneRec)),
    'one patient: single-pass reference ms': round(median(oneRef), 5),
    'one patient: ratio reconcile / reference': round(median(oneRec) / median(oneRef), 0),
    '1000 patients: reconcile ms total (median of 3)': round(mid.total, 1),
    '1000 patients: reconcile ms per patient p50 / p95 / max': `${round(median(mid.each), 2)} / ${round(pct(mid.each, 95), 2)} / ${round(Math.max(...mid.each), 2)}`,
    '1000 patients: single-pass reference ms total (median of 3)': round(cohortRef, 2),
    '1000 patients: ratio reconcile / reference': round(mid.total / cohortRef, 0),
    '1000 patients: rows / findings (total)': `${rows} / ${findings}`,
    checksum: sink % 1000,
  };
}
