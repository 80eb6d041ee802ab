import type { Dispensing, Dosage, LocalListEntry, MedicineRef, PllEntry, Prescription } from '../model';
import { normalizeDosageText } from '../dosage';
import { describeDosage, sameDosage, sameForm, sameStrength, USE_LABEL } from './compare';
import { daysBetween, inDays, isoDateOf, isPlannedStop, isStopped, norDate } from './dates';
import { computeFindings, RECENT_DISPENSING_DAYS } from './findings';
import { cmp, matchItems, type MatchedGroup } from './match';
import type { Difference, OtherDrugDispensing, ReconcileInput, ReconcileResult, ReconcileRow, RowStatus, SafetyCatalogue, Source } from './types';
import { ROW_GROUPS, ROW_STATUSES, STATUS_GROUP, STATUS_LABEL } from './types';

/** A prescription "expires soon" when it has this many days or fewer left. */
export const EXPIRES_SOON_DAYS = 30;
/** Discontinued PLL entries stay in the list this many days after the discontinuation date. */
export const DISCONTINUED_RETENTION_DAYS = 90;

const NON_PLL_CATEGORIES = new Set(['vaccine', 'nutrition', 'consumable']);

/**
 * Compare the local list with one `$getMedication` read. Pure and deterministic: the same sources
 * in any order give the same rows (same ids, same order) and the same findings.
 */
export function reconcile(input: ReconcileInput, catalogue: SafetyCatalogue | null, now: Date): ReconcileResult {
  const { read } = input;
  const today = isoDateOf(now);
  const hasPll = read.pll.length > 0 || !!read.pllMessageId;
  const groups = matchItems(input.local, read.pll, read.prescriptions, read.dispensings, today);
  const ctx: Ctx = { today, hasPll, catalogue, facts: new Map() };
  const used = new Set<string>();
  const rows = groups
    .map((g) => buildRow(g, ctx))
    .sort((a, b) => cmp(a.id, b.id))
    .map((r) => {
      // Ids are unique by construction (different rows share no identifier); guard anyway.
      let id = r.id;
      for (let n = 2; used.has(id); n++) id = `${r.id}#${n}`;
      used.add(id);
      return { ...r, id };
    })
    .sort(rowOrder);
  const notes: string[] = [];
  if (!hasPll) notes.push('Pasienten har ingen pasientens legemiddelliste (PLL) i Reseptformidleren ennå.');
  for (const e of [...read.errors].sort((a, b) => cmp(a.source + a.code, b.source + b.code))) {
    notes.push(`${e.source} svarte med feil ${e.code}: ${e.text}. Opplysninger fra ${e.source} kan mangle; les på nytt.`);
  }
  const findings = computeFindings(rows, read.criticalInfo, catalogue, now);
  return {
    patient: input.patient,
    readId: read.readId,
    today,
    hasPll,
    rows,
    findings,
    notes,
    ...(read.rfFetchedAt ? { rfFetchedAt: read.rfFetchedAt } : {}),
    ...(read.kjFetchedAt ? { kjFetchedAt: read.kjFetchedAt } : {}),
  };
}

function rowOrder(a: ReconcileRow, b: ReconcileRow): number {
  return (
    ROW_GROUPS.indexOf(a.group) - ROW_GROUPS.indexOf(b.group) ||
    ROW_STATUSES.indexOf(a.status) - ROW_STATUSES.indexOf(b.status) ||
    cmp(a.name.toLowerCase(), b.name.toLowerCase()) ||
    cmp(a.id, b.id)
  );
}

export const isNonPllLocal = (l: LocalListEntry) =>
  (l.category !== undefined && NON_PLL_CATEGORIES.has(l.category)) || l.use === '4' || l.itemGroup === 'A' || isVaccineAtc(l.medicine);
const isVaccineAtc = (m: MedicineRef) => !!m.atc && m.atc.toUpperCase().startsWith('J07');
export const isNonPllPrescription = (p: Prescription) => p.use === '4' || p.itemGroup === 'A' || isVaccineAtc(p.medicine);

/**
 * Valid = can be dispensed today: E or U, not recalled, not expired. The expiry date (utløpsdato)
 * is the last day it can be dispensed, as a Norwegian calendar date: valid through that day.
 */
export function isValidPrescription(p: Prescription, today: string): boolean {
  return (p.status === 'E' || p.status === 'U') && !p.recall && isoDateOf(p.expiresOn) >= today;
}
export const isRecalled = (p: Prescription) => p.status === 'T' || !!p.recall;

/** The current link of a renewal chain: renewed by no other prescription in the row; newest first. */
export function chainHead(prescriptions: Prescription[]): Prescription | undefined {
  const renewed = new Set(prescriptions.map((p) => p.renews).filter((x): x is string => !!x));
  const heads = prescriptions.filter((p) => !renewed.has(p.reseptId));
  const pool = heads.length > 0 ? heads : prescriptions;
  return [...pool].sort((a, b) => cmp(b.prescribedOn, a.prescribedOn) || cmp(b.reseptId, a.reseptId))[0];
}

/** The renewal chain, oldest first. */
export function chainOf(items: MatchedGroup['items']): string[] {
  const out: string[] = [];
  const add = (id: string | undefined) => {
    if (id && !out.includes(id)) out.push(id);
  };
  for (const l of items.local) for (const id of l.previousReseptIds ?? []) add(id);
  const rx = [...items.prescriptions].sort((a, b) => cmp(a.prescribedOn, b.prescribedOn) || cmp(a.reseptId, b.reseptId));
  for (const r of rx) {
    add(r.renews);
    add(r.reseptId);
  }
  for (const p of items.pll) add(p.reseptId);
  for (const l of items.local) add(l.reseptId);
  return out;
}

const latestLocal = (list: LocalListEntry[]) => [...list].sort((a, b) => cmp(b.updatedAt, a.updatedAt) || cmp(a.id, b.id))[0];
const latestPll = (list: PllEntry[]) => [...list].sort((a, b) => cmp(b.lastChanged, a.lastChanged) || cmp(a.libId, b.libId))[0];

interface Ctx {
  today: string;
  hasPll: boolean;
  catalogue: SafetyCatalogue | null;
  /** Catalogue facts per medicine (ATC, FEST id, substances), cached for one reconcile() call. */
  facts: Map<string, DrugFacts>;
}

interface NationalRef {
  medicine: MedicineRef;
  dosage: PllEntry['dosage'];
  use: PllEntry['use'];
  expiresOn?: string;
  prescriber?: PllEntry['prescriber'];
}

function buildRow(g: MatchedGroup, ctx: Ctx): ReconcileRow {
  const { items } = g;
  const { today } = ctx;
  // A stop date after today is a planned end of treatment: the entry is in use until that day.
  const localActive = items.local.filter((l) => !isStopped(l.discontinued, today));
  const localStopped = items.local.filter((l) => isStopped(l.discontinued, today));
  const pllActive = items.pll.filter((p) => !isStopped(p.discontinued, today));
  const pllStopped = items.pll.filter((p) => isStopped(p.discontinued, today));
  const head = chainHead(items.prescriptions);
  const headValid = !!head && isValidPrescription(head, today);
  const headRecalled = !!head && isRecalled(head);
  const headExpired = !!head && !headRecalled && !headValid;
  const L = latestLocal(localActive) ?? latestLocal(localStopped);
  // The current PLL entry (newest active one).
  const pCur = latestPll(pllActive);
  const P = pCur ?? latestPll(pllStopped);
  const nonPll = items.local.some(isNonPllLocal) || items.prescriptions.some(isNonPllPrescription);
  const reseptIds = chainOf(items);

  // The active PLL entry must point at a valid prescription: not one RF did not return, and not an
  // older, recalled or expired link of the chain when a newer valid one exists.
  const pRx = pCur?.reseptId ? items.prescriptions.find((p) => p.reseptId === pCur.reseptId) : undefined;
  // PLL is the national list: its current entry's dose is the national dose, even when the
  // prescription (M1) behind it still has the old one (another doctor changed PLL only).
  const rxOfEntry = pRx ?? head;
  const pllDose = pCur ? pllDosage(pCur, rxOfEntry) : undefined;
  const national: NationalRef | undefined = pCur ? { ...pCur, dosage: pllDose!, expiresOn: head?.expiresOn ?? pCur.expiresOn } : (head ?? P);

  const differences: Difference[] = L && national ? compareFields(L, national) : [];
  const major = differences.some((d) => d.field === 'dose' || d.field === 'strength' || d.field === 'form' || d.field === 'use');
  const notes: string[] = [];

  // The latest date the treatment was stopped anywhere (PLL, local, recall "Seponering"); planned stops are not yet stops.
  const stopDates = [
    ...pllStopped.map((p) => p.discontinued!.at),
    ...localStopped.map((l) => l.discontinued!.at),
    ...items.prescriptions.filter((p) => p.recall?.reason === '2' && isStopped(p.recall.at ? { at: p.recall.at } : undefined, today)).map((p) => p.recall!.at!),
  ].sort();
  const discontinuedAt = stopDates[stopDates.length - 1];

  let status: RowStatus;
  const pllEntryWithoutValidRx =
    !!pCur &&
    pCur.type === 'E' &&
    (!pCur.reseptId || !pRx || (!isValidPrescription(pRx, today) && headValid && head!.reseptId !== pRx.reseptId));
  if (items.local.length === 0 && items.pll.length === 0 && items.prescriptions.length === 0) {
    status = 'dispensed-not-listed';
    notes.push('Kjernejournal viser utlevering av et legemiddel som ikke står på lokal liste, i PLL eller som gyldig resept.');
  } else if (localActive.length > 0) {
    if (headRecalled) {
      status = 'recalled-but-active-locally';
      notes.push(`Resepten ble tilbakekalt${head!.recall?.reason ? ` (${recallLabel(head!.recall.reason)})` : ''}, men står som aktiv i lokal liste.`);
    } else if (ctx.hasPll && pllActive.length === 0 && pllStopped.length > 0) {
      status = 'discontinued-in-pll-active-locally';
      notes.push(`Seponert i PLL ${norDate(latestPll(pllStopped)!.discontinued!.at)}${latestPll(pllStopped)!.discontinued!.by ? ` av ${latestPll(pllStopped)!.discontinued!.by!.name}` : ''}, men aktiv i lokal liste.`);
    } else if (!head && pllActive.length === 0) {
      status = nonPll ? 'not-pll-item' : 'only-local';
    } else if (headExpired && !nonPll) {
      status = 'prescription-expired-treatment-continues';
      notes.push(head!.status === 'R' ? 'Resepten er ferdig ekspedert; behandlingen står som aktiv.' : `Resepten utløp ${norDate(head!.expiresOn)}; behandlingen står som aktiv.`);
    } else if (major) {
      status = 'dose-differs';
    } else if (pllEntryWithoutValidRx) {
      status = 'pll-entry-without-valid-prescription';
      notes.push(
        pRx
          ? 'PLL-oppføringen viser til en eldre resept i kjeden, ikke til den gyldige resepten.'
          : 'PLL-oppføringen viser til en resept som ikke finnes som gyldig resept i Reseptformidleren.',
      );
    } else if (ctx.hasPll && pllActive.length === 0 && headValid && !nonPll) {
      status = 'prescription-without-pll-entry';
      notes.push('Gyldig resept som ikke er ført i pasientens legemiddelliste.');
    } else if (headValid && !nonPll && head!.use !== '2' && daysBetween(today, head!.expiresOn) <= EXPIRES_SOON_DAYS && !endsBeforeExpiry(head!, pCur, L, today)) {
      status = 'expires-soon';
      notes.push(`Resepten utløper ${norDate(head!.expiresOn)} (om ${daysBetween(today, head!.expiresOn)} dager).`);
    } else if (differences.length > 0) {
      status = 'details-differ';
    } else {
      status = 'in-sync';
    }
  } else if (localStopped.length > 0 && (pllActive.length > 0 || headValid)) {
    status = 'discontinued-locally-active-nationally';
    notes.push(`Seponert i lokal liste ${norDate(latestLocal(localStopped)!.discontinued!.at)}, men ${pllActive.length > 0 ? 'aktiv i PLL' : 'resepten kan fortsatt ekspederes'}.`);
  } else if (pllActive.length > 0) {
    status = 'only-pll';
  } else if (headValid) {
    status = 'only-prescription';
  } else if (discontinuedAt) {
    const days = daysBetween(discontinuedAt, today);
    status = days > DISCONTINUED_RETENTION_DAYS ? 'discontinued-expired' : 'discontinued';
    notes.push(`Seponert ${norDate(discontinuedAt)} (${daysAgo(days)}).`);
  } else {
    status = 'ended';
  }
  // Planned ends of treatment (stop date after today): in use until then, and the row says when.
  const pllPlanned = pCur && isPlannedStop(pCur.discontinued, today) ? pCur.discontinued : undefined;
  const localPlanned = L && isPlannedStop(L.discontinued, today) ? L.discontinued : undefined;
  if (pllPlanned) notes.push(`${plannedStopText(pllPlanned.at, today, 'i PLL')}${pllPlanned.by ? ` (satt av ${pllPlanned.by.name})` : ''}; legemidlet er i bruk til da.`);
  if (localPlanned) notes.push(`${plannedStopText(localPlanned.at, today, 'i lokal liste')}; legemidlet er i bruk til da.`);
  const plannedDay = (x: { at: string } | undefined) => (x ? isoDateOf(x.at) : undefined);
  if (localActive.length > 0 && pCur && plannedDay(pllPlanned) !== plannedDay(localPlanned)) {
    differences.push({
      field: 'status',
      label: 'Planlagt seponering',
      local: localPlanned ? norDate(localPlanned.at) : 'Ingen',
      national: pllPlanned ? norDate(pllPlanned.at) : 'Ingen',
    });
    if (status === 'in-sync') status = 'details-differ';
  }
  if (pCur && rxOfEntry && pllDose && !sameDosage(pllDose, rxOfEntry.dosage)) {
    notes.push(`Resepten har annen dosering: «${describeDosage(rxOfEntry.dosage)}». PLL (nasjonal dosering) sier «${describeDosage(pllDose)}».`);
  }
  if (g.match === 'atc' || g.match === 'atc-strength-form' || g.match === 'fest-id' || g.match === 'name') {
    const how = { atc: 'ATC-kode', 'fest-id': 'FEST-id', 'atc-strength-form': 'ATC, styrke og form', name: 'legemiddelnavn' }[g.match];
    notes.push(`Koblet bare på ${how}: kontroller at det er samme behandling.`);
  }
  const lastDisp = items.dispensings[items.dispensings.length - 1];
  if (discontinuedAt && lastDisp && lastDisp.dispensedAt > discontinuedAt && (status === 'discontinued' || status === 'discontinued-expired' || status === 'ended')) {
    notes.push(`Utlevert ${norDate(lastDisp.dispensedAt)}, etter seponeringen: spør pasienten om legemidlet fortsatt brukes.`);
  }
  if (status === 'discontinued-locally-active-nationally' && L?.discontinued) {
    differences.push({
      field: 'status',
      label: 'Status',
      local: `Seponert ${norDate(L.discontinued.at)}`,
      national: pllActive.length > 0 ? 'Aktiv i PLL' : 'Gyldig resept',
    });
  }

  const sources: Source[] = [];
  if (items.local.length) sources.push('local');
  if (items.pll.length) sources.push('pll');
  if (items.prescriptions.length) sources.push('prescription');
  if (items.dispensings.length) sources.push('dispensing');

  const medicine =
    pCur?.medicine ?? head?.medicine ?? L?.medicine ?? P?.medicine ?? items.dispensings[items.dispensings.length - 1]!.medicine;
  const listedMeds = [...items.local.map((x) => x.medicine), ...items.pll.map((x) => x.medicine), ...items.prescriptions.map((x) => x.medicine)];
  // A dispensing of another drug than the one prescribed (not a generic substitution) must not
  // widen the row: it is shown on its own, and counted by the checks only while it may be in use.
  const listed = mergeFacts(listedMeds.map((m) => drugFactsOf(m, ctx)));
  const ownDispensings: Dispensing[] = [];
  const otherDrugDispensings: OtherDrugDispensing[] = [];
  for (const d of items.dispensings) {
    // The usual case first, without catalogue look-ups: the same ATC code or FEST id as prescribed.
    const dAtc = d.medicine.atc?.trim().toUpperCase();
    if (listedMeds.length === 0 || (dAtc && listed.atcs.has(dAtc)) || (d.medicine.festId && listed.festIds.has(d.medicine.festId))) {
      ownDispensings.push(d);
      continue;
    }
    const facts = drugFactsOf(d.medicine, ctx);
    if (sameDrug(facts, listed)) {
      ownDispensings.push(d);
      continue;
    }
    const current = daysBetween(d.dispensedAt, today) <= RECENT_DISPENSING_DAYS;
    otherDrugDispensings.push({
      dispensingId: d.id,
      name: d.medicine.name,
      ...(d.medicine.atc ? { atc: d.medicine.atc.toUpperCase() } : {}),
      substances: [...facts.substances].sort(),
      dispensedAt: d.dispensedAt,
      current,
    });
    const what = (f: DrugFacts) => [...(f.substances.size ? [[...f.substances].sort().join(', ')] : []), ...(f.atcs.size ? [`ATC ${[...f.atcs].sort().join(', ')}`] : [])].join('; ');
    notes.push(
      `Kjernejournal: ${d.medicine.name} ble utlevert ${norDate(d.dispensedAt)} på denne resepten, men er et annet legemiddel (${what(facts)}) enn det forskrevne (${what(listed)}). ` +
        (current
          ? 'Spør pasienten hva som faktisk brukes; utleveringen er tatt med i kontrollene.'
          : `Utleveringen er over ${RECENT_DISPENSING_DAYS} dager gammel og er ikke tatt med i interaksjons-, allergi- og dobbeltbehandlingskontrollen.`),
    );
  }
  const allMeds = [...listedMeds, ...ownDispensings.map((x) => x.medicine)];
  const atcs = [...new Set(allMeds.map((m) => m.atc?.toUpperCase()).filter((x): x is string => !!x))].sort();
  const atc = medicine.atc?.toUpperCase() ?? atcs[0];
  // The medicines' own substances, their FEST products' and their full ATC codes' (drugFactsOf);
  // a shorter code is asked for separately.
  const substances = new Set<string>(listed.substances);
  for (const { medicine: m } of ownDispensings) {
    // A dispensing of the prescribed product (same FEST id and ATC code, no new substance names) adds nothing.
    const mAtc = m.atc?.trim().toUpperCase();
    const known = !!m.festId && listed.festIds.has(m.festId) && (!mAtc || listed.atcs.has(mAtc)) && (m.substances ?? []).every((x) => listed.substances.has(x.toLowerCase()));
    if (!known) for (const x of drugFactsOf(m, ctx).substances) substances.add(x);
  }
  if (ctx.catalogue?.substancesOfAtc) for (const a of atcs) if (a.length < 7) for (const s of ctx.catalogue.substancesOfAtc(a)) substances.add(s.toLowerCase());

  const libIds = [...pllActive.map((p) => p.libId).sort(), ...pllStopped.map((p) => p.libId).sort(), ...items.local.map((l) => l.libId).filter((x): x is string => !!x).sort()];
  const libId = libIds[0];
  const localIds = items.local.map((l) => l.id).sort();
  const id = libId
    ? `lib:${libId}`
    : localIds[0]
      ? `local:${localIds[0]}`
      : reseptIds[0]
        ? `rx:${reseptIds[0]}`
        : `disp:${g.dispensingKey ?? items.dispensings[0]!.id}`;

  const active = localActive.length > 0 || pllActive.length > 0 || headValid;
  const plannedStopOn = [pllPlanned, localPlanned].filter((x): x is NonNullable<typeof x> => !!x).map((x) => isoDateOf(x.at)).sort()[0];
  const lastDispensedAt = items.dispensings[items.dispensings.length - 1]?.dispensedAt;
  return {
    id,
    status,
    group: STATUS_GROUP[status],
    label: STATUS_LABEL[status],
    name: medicine.name,
    ...(atc ? { atc } : {}),
    atcs,
    substances: [...substances].sort(),
    reseptIds,
    ...(head ? { headReseptId: head.reseptId } : {}),
    ...(libId ? { libId } : {}),
    sources,
    match: g.match,
    weakMatch: g.match === 'atc' || g.match === 'atc-strength-form' || g.match === 'fest-id' || g.match === 'name',
    differences,
    notes,
    nonPll,
    active,
    ...(head ? { expiresOn: head.expiresOn } : {}),
    ...(discontinuedAt ? { discontinuedAt } : {}),
    ...(plannedStopOn ? { plannedStopOn } : {}),
    ...(national ? { nationalDosage: national.dosage } : {}),
    ...(lastDispensedAt ? { lastDispensedAt } : {}),
    ...(otherDrugDispensings.length ? { otherDrugDispensings } : {}),
    items: {
      local: [...items.local].sort((a, b) => cmp(a.id, b.id)),
      pll: [...items.pll].sort((a, b) => cmp(a.libId, b.libId)),
      prescriptions: [...items.prescriptions].sort((a, b) => cmp(a.prescribedOn, b.prescribedOn) || cmp(a.reseptId, b.reseptId)),
      dispensings: items.dispensings,
    },
  };
}

interface DrugFacts {
  /** Full (level 5) ATC codes. */
  atcs: Set<string>;
  substances: Set<string>;
  festIds: Set<string>;
}

function drugFactsOf(m: MedicineRef, ctx: Ctx): DrugFacts {
  const atc = m.atc?.trim().toUpperCase();
  const key = `${atc ?? ''}|${m.festId ?? ''}|${(m.substances ?? []).join(',')}`;
  const hit = ctx.facts.get(key);
  if (hit) return hit;
  const out: DrugFacts = { atcs: new Set(), substances: new Set(), festIds: new Set() };
  if (atc && atc.length >= 7) out.atcs.add(atc);
  if (m.festId) out.festIds.add(m.festId);
  for (const s of m.substances ?? []) out.substances.add(s.toLowerCase());
  const { catalogue } = ctx;
  if (m.festId && catalogue?.productById) for (const s of catalogue.productById(m.festId)?.substances ?? []) out.substances.add(s.toLowerCase());
  if (atc && catalogue?.substancesOfAtc) for (const s of catalogue.substancesOfAtc(atc)) out.substances.add(s.toLowerCase());
  ctx.facts.set(key, out);
  return out;
}

function mergeFacts(list: DrugFacts[]): DrugFacts {
  const out: DrugFacts = { atcs: new Set(), substances: new Set(), festIds: new Set() };
  for (const f of list) {
    for (const x of f.atcs) out.atcs.add(x);
    for (const x of f.substances) out.substances.add(x);
    for (const x of f.festIds) out.festIds.add(x);
  }
  return out;
}

/**
 * Is a dispensed drug the one prescribed? Generic substitution keeps the substance (and the ATC
 * code), so a shared ATC code, substance or FEST id says yes. Only when both sides are known and
 * share none of them is it another drug; when either side is unknown there is nothing to tell.
 */
function sameDrug(d: DrugFacts, listed: DrugFacts): boolean {
  const shares = (a: Set<string>, b: Set<string>) => [...a].some((x) => b.has(x));
  if (shares(d.atcs, listed.atcs) || shares(d.substances, listed.substances) || shares(d.festIds, listed.festIds)) return true;
  const atcKnown = d.atcs.size > 0 && listed.atcs.size > 0;
  const subKnown = d.substances.size > 0 && listed.substances.size > 0;
  return !atcKnown && !subKnown;
}

/** A planned stop on or before the day after the prescription's expiry: it lasts the treatment out, no renewal needed. */
function endsBeforeExpiry(head: Prescription, pll: PllEntry | undefined, local: LocalListEntry | undefined, today: string): boolean {
  const stops = [pll?.discontinued, local?.discontinued].filter((s) => isPlannedStop(s, today));
  return stops.some((s) => daysBetween(head.expiresOn, s!.at) <= 1);
}

/**
 * The stop date of one of a row's entries, as a fact on the row: "Seponeres 01.01.2024" when it is
 * the row's planned stop or later (`row.plannedStopOn` is after the comparison date), else "Seponert 24.10.2023".
 */
export function stopLabel(at: string, plannedStopOn: string | undefined): string {
  return plannedStopOn && isoDateOf(at) >= plannedStopOn ? `Seponeres ${norDate(at)}` : `Seponert ${norDate(at)}`;
}

/** "i dag", "1 dag siden", "47 dager siden". */
function daysAgo(n: number): string {
  return n === 0 ? 'i dag' : n === 1 ? '1 dag siden' : `${n} dager siden`;
}

/** "Seponeres i PLL 01.01.2024 (om 22 dager)". */
export function plannedStopText(at: string, today: string, where: string): string {
  return `Seponeres ${where} ${norDate(at)} (${inDays(daysBetween(today, at))})`;
}

/**
 * The dose a PLL entry says. PLL must hold the prescription's content, so a dosage text that differs
 * from the entry's own prescription while the structured doses are still the prescription's means the
 * entry's text was changed and its structured doses were left behind (seen when another system
 * changes only DosVeiledEnkel). The text is what the patient reads and the newer statement: the
 * national dose is then the text alone, not the stale structure.
 */
export function pllDosage(entry: PllEntry, rx: Prescription | undefined): Dosage {
  const d = entry.dosage;
  if (!rx || !sameDosage(d, rx.dosage) || normalizeDosageText(d.text) === normalizeDosageText(rx.dosage.text)) return d;
  return { text: d.text, ...(d.start ? { start: d.start } : {}), ...(d.end ? { end: d.end } : {}) };
}

export function recallLabel(reason: string): string {
  return { '1': 'fornying', '2': 'seponering', '3': 'fornying med endring', '4': 'annen årsak', '5': 'administrativ sletting' }[reason] ?? `årsak ${reason}`;
}

function compareFields(local: LocalListEntry, national: NationalRef): Difference[] {
  const out: Difference[] = [];
  if (!sameDosage(local.dosage, national.dosage)) {
    out.push({ field: 'dose', label: 'Dosering', local: describeDosage(local.dosage), national: describeDosage(national.dosage) });
  }
  if (local.medicine.strength && national.medicine.strength && !sameStrength(local.medicine.strength, national.medicine.strength)) {
    out.push({ field: 'strength', label: 'Styrke', local: local.medicine.strength, national: national.medicine.strength });
  }
  if (local.medicine.form && national.medicine.form && !sameForm(local.medicine.form, national.medicine.form)) {
    out.push({ field: 'form', label: 'Legemiddelform', local: local.medicine.form, national: national.medicine.form });
  }
  if (local.use !== national.use) {
    out.push({ field: 'use', label: 'Bruk', local: USE_LABEL[local.use] ?? local.use, national: USE_LABEL[national.use] ?? national.use });
  }
  if (local.expiresOn && national.expiresOn && local.expiresOn.slice(0, 10) !== national.expiresOn.slice(0, 10)) {
    out.push({ field: 'expiry', label: 'Utløpsdato', local: norDate(local.expiresOn), national: norDate(national.expiresOn) });
  }
  const lp = local.prescriber;
  const np = national.prescriber;
  if (lp && np) {
    const same = lp.hpr && np.hpr ? lp.hpr === np.hpr : lp.name.trim().toLowerCase() === np.name.trim().toLowerCase();
    if (!same) out.push({ field: 'prescriber', label: 'Forskriver', local: prescriberText(lp), national: prescriberText(np) });
  }
  return out;
}

const prescriberText = (p: { name: string; hpr?: string }) => (p.hpr ? `${p.name} (HPR ${p.hpr})` : p.name);
