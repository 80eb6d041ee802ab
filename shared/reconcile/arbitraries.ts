// fast-check arbitraries for realistic reconciliation sources: treatments that appear in any
// subset of the local list, PLL, RF (with renewal chains) and KJ dispensings, with the usual
// inconsistencies (dose changed elsewhere, recalled, expired, discontinued, unlinked local lines).
import fc from 'fast-check';
import type { CriticalInfo, Dispensing, LocalListEntry, MedicationRead, PllEntry, Prescription } from '../model';
import { addDays, isoDateOf } from './dates';
import { dose, GP, HOSPITAL_DOCTOR, MEDS, mkCave, mkDisp, mkLocal, mkPatient, mkPll, mkRead, mkRx, type MedKey } from './testkit';

export const NOW = new Date('2026-11-26T09:00:00Z');
const TODAY = isoDateOf(NOW);
const MED_KEYS = Object.keys(MEDS).filter((k) => k !== 'fenylketonuri-naering') as MedKey[];

const treatmentArb = fc.record({
  med: fc.constantFrom(...MED_KEYS),
  chain: fc.integer({ min: 0, max: 3 }),
  headStatus: fc.constantFrom('E', 'E', 'E', 'E', 'U', 'R', 'T', 'F'),
  expiresIn: fc.constantFrom(-100, -5, 12, 200, 300),
  inPll: fc.boolean(),
  /** Days since the PLL stop; negative = a planned stop that many days ahead (in use until then). */
  pllStopped: fc.constantFrom(0, 0, 0, 30, 120, -14),
  pllDose: fc.constantFrom('same', 'same', 'other'),
  local: fc.constantFrom('none', 'resept', 'lib', 'old', 'unlinked', 'resept'),
  /** Days since the local stop; negative = a planned stop ahead. */
  localStopped: fc.constantFrom(0, 0, 0, 0, 20, 150, -14, -40),
  localDose: fc.constantFrom('same', 'same', 'same', 'other'),
  dispensings: fc.integer({ min: 0, max: 2 }),
  dispLinked: fc.boolean(),
  /** A linked dispensing of another drug than the prescribed one (the pharmacy's "valgt annen vare"), recent or years old. */
  dispOther: fc.constantFrom('none', 'none', 'none', 'recent', 'old'),
  /** The PLL entry points to the head, to a prescription RF did not return, or to the oldest link. */
  pllRx: fc.constantFrom('head', 'head', 'head', 'gone', 'old'),
  /** The local line has another prescriber / expiry than RF. */
  localDetails: fc.constantFrom('same', 'same', 'same', 'prescriber', 'expiry'),
});
export type TreatmentSpec = typeof treatmentArb extends fc.Arbitrary<infer T> ? T : never;

export interface GeneratedSources {
  read: MedicationRead;
  local: LocalListEntry[];
}

export function buildSources(specs: TreatmentSpec[], hasPll: boolean, cave: CriticalInfo[]): GeneratedSources {
  const prescriptions: Prescription[] = [];
  const pll: PllEntry[] = [];
  const local: LocalListEntry[] = [];
  const dispensings: Dispensing[] = [];
  specs.forEach((s, i) => {
    const rxIds = Array.from({ length: s.chain }, (_, k) => `r${i}-${k}`);
    rxIds.forEach((reseptId, k) => {
      const head = k === rxIds.length - 1;
      const prescribedOn = addDays(TODAY, -400 + k * 120);
      prescriptions.push(
        mkRx({
          reseptId,
          medicine: s.med,
          prescribedOn,
          expiresOn: head ? addDays(TODAY, s.expiresIn) : addDays(prescribedOn, 364),
          status: head ? (s.headStatus as Prescription['status']) : 'T',
          ...(head && s.headStatus === 'T' ? { recall: { reason: '2' as const, at: addDays(TODAY, -10) + 'T10:00:00Z' } } : {}),
          ...(!head ? { recall: { reason: '1' as const, at: addDays(prescribedOn, 120) + 'T10:00:00Z' } } : {}),
          ...(k > 0 ? { renews: rxIds[k - 1]! } : {}),
          ...(s.med === 'bcg-vaksine' ? { use: '4' as const } : {}),
        }),
      );
    });
    const headId = rxIds[rxIds.length - 1];
    const libId = `lib-${i}`;
    const inPll = hasPll && s.inPll && s.med !== 'bcg-vaksine';
    if (inPll) {
      pll.push(
        mkPll({
          libId,
          ...(s.pllRx === 'gone' ? { reseptId: `gone-${i}` } : s.pllRx === 'old' && rxIds[0] ? { reseptId: rxIds[0] } : headId ? { reseptId: headId } : {}),
          medicine: s.med,
          dosage: s.pllDose === 'same' ? dose('1 tablett morgen', '1+0+0+0') : dose('2 tabletter morgen', '2+0+0+0'),
          prescriber: s.pllDose === 'same' ? GP : HOSPITAL_DOCTOR,
          ...(s.pllStopped ? { discontinued: { at: addDays(TODAY, -s.pllStopped) + 'T10:00:00Z', reason: 'A', by: HOSPITAL_DOCTOR } } : {}),
        }),
      );
    }
    if (s.local !== 'none') {
      const link =
        s.local === 'resept' && headId
          ? { reseptId: headId, ...(rxIds.length > 1 ? { previousReseptIds: rxIds.slice(0, -1) } : {}) }
          : s.local === 'old' && rxIds[0]
            ? { reseptId: rxIds[0] }
            : s.local === 'lib' && inPll
              ? { libId }
              : {};
      local.push(
        mkLocal({
          id: `loc-${i}`,
          medicine: s.med,
          dosage: s.localDose === 'same' ? dose('1 tablett morgen', '1+0+0+0') : dose('1 tablett kveld', '0+0+1+0'),
          ...link,
          ...(s.localDetails === 'prescriber' ? { prescriber: HOSPITAL_DOCTOR } : s.localDetails === 'expiry' ? { expiresOn: addDays(TODAY, 45) } : {}),
          ...(s.med === 'bcg-vaksine' ? { category: 'vaccine' as const, use: '4' as const } : {}),
          ...(s.localStopped ? { discontinued: { at: addDays(TODAY, -s.localStopped) + 'T10:00:00Z', reason: 'A' } } : {}),
        }),
      );
    }
    if (s.dispOther !== 'none' && headId) {
      const other = MED_KEYS[(MED_KEYS.indexOf(s.med) + 7) % MED_KEYS.length]!;
      dispensings.push(mkDisp({ id: `x${i}`, medicine: other, reseptId: headId, substituted: true, dispensedAt: addDays(TODAY, s.dispOther === 'recent' ? -15 : -900) + 'T12:00:00Z' }));
    }
    for (let k = 0; k < s.dispensings; k++) {
      dispensings.push(
        mkDisp({
          id: `d${i}-${k}`,
          medicine: s.med,
          dispensedAt: addDays(TODAY, -20 - 60 * k) + 'T12:00:00Z',
          ...(s.dispLinked && headId ? { reseptId: headId } : {}),
        }),
      );
    }
  });
  const read = mkRead({
    patient: mkPatient(),
    prescriptions,
    pll,
    ...(hasPll ? { pllMessageId: 'm25-1' } : {}),
    dispensings,
    criticalInfo: cave,
    rfFetchedAt: new Date(NOW.getTime() - 5 * 60_000).toISOString(),
  });
  return { read, local };
}

const caveArb = fc.subarray([
  mkCave({ id: 'cave-pen', agent: 'Penicillin', atc: 'J01CE', reaction: 'Anafylaksi' }),
  mkCave({ id: 'cave-nsaid', agent: 'NSAID', reaction: 'Astma' }),
  mkCave({ id: 'cave-simva', agent: 'Simvastatin', substance: 'simvastatin', atc: 'C10AA01', reaction: 'Myalgi' }),
]);

export const sourcesArb: fc.Arbitrary<GeneratedSources> = fc
  .tuple(fc.array(treatmentArb, { maxLength: 8 }), fc.boolean(), caveArb)
  .map(([specs, hasPll, cave]) => buildSources(specs, hasPll, cave));

/** Deterministic shuffle (Fisher–Yates with a small LCG), so a failing seed replays. */
export function shuffle<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
