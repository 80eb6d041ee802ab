// Planned stop dates (seponering fram i tid) and PLL-only dose changes: what the engine shows and decides.
import { describe, expect, it } from 'vitest';
import { formatDosage } from '../dosage';
import type { Dosage, MedicationRead } from '../model';
import { applyPlan } from './apply';
import { isPlannedStop, isStopped } from './dates';
import { decide } from './decide';
import { isValidPrescription, pllDosage, reconcile } from './reconcile';
import { counterIds, GP, HOSPITAL_DOCTOR, mkCatalogue, mkLocal, mkPll, mkRead, mkRx } from './testkit';
import { validatePlan } from './validate';

const NOW = new Date('2026-11-26T09:00:00Z');
const cat = mkCatalogue(NOW);

/** Marevan in all three sources, and an Ibux course in PLL (no local line) stopping at `stopAt`. */
function warfarinAndIbux(stopAt: string, rxStatus: 'E' | 'R' = 'E'): MedicationRead {
  return mkRead({
    pllMessageId: 'm',
    pll: [
      mkPll({ libId: 'LIB-WAR', reseptId: 'R-WAR', medicine: 'marevan-2.5', dosage: 'Etter INR-skjema' }),
      mkPll({ libId: 'LIB-IBUX', reseptId: 'R-IBUX', medicine: 'ibux-400', dosage: '1 tablett 3 ganger daglig', use: '2', prescriber: HOSPITAL_DOCTOR, discontinued: { at: stopAt, reason: 'A', by: HOSPITAL_DOCTOR } }),
    ],
    prescriptions: [
      mkRx({ reseptId: 'R-WAR', medicine: 'marevan-2.5', dosage: 'Etter INR-skjema' }),
      mkRx({ reseptId: 'R-IBUX', medicine: 'ibux-400', dosage: '1 tablett 3 ganger daglig', use: '2', status: rxStatus, prescriber: HOSPITAL_DOCTOR }),
    ],
  });
}
const marevanLocal = () => [mkLocal({ id: 'L-WAR', libId: 'LIB-WAR', reseptId: 'R-WAR', medicine: 'marevan-2.5', dosage: 'Etter INR-skjema' })];

function run(read: MedicationRead, now: Date, local = marevanLocal()) {
  const res = reconcile({ patient: read.patient, local, read }, mkCatalogue(now), now);
  const ibux = res.rows.find((r) => r.name.startsWith('Ibux'))!;
  const interaction = res.findings.filter((f) => f.kind === 'interaction');
  return { res, ibux, interaction };
}

describe('stop dates: stopped from the start of the stop day, Europe/Oslo', () => {
  it('isStopped / isPlannedStop compare Norwegian calendar dates', () => {
    const stop = { at: '2026-11-27T00:00:00+01:00' };
    expect(isStopped(stop, '2026-11-26')).toBe(false);
    expect(isPlannedStop(stop, '2026-11-26')).toBe(true);
    expect(isStopped(stop, '2026-11-27')).toBe(true);
    expect(isPlannedStop(stop, '2026-11-27')).toBe(false);
    expect(isStopped(undefined, '2026-11-27')).toBe(false);
    // 23:30 UTC on the 26th is the 27th in Oslo.
    expect(isStopped({ at: '2026-11-26T23:30:00Z' }, '2026-11-26')).toBe(false);
    expect(isStopped({ at: '2026-11-26T23:30:00Z' }, '2026-11-27')).toBe(true);
  });

  it('a stop tomorrow: in use, in the interaction check, and the row says when it stops', () => {
    const { ibux, interaction } = run(warfarinAndIbux('2026-11-27T00:00:00+01:00'), NOW);
    expect(ibux.active).toBe(true);
    expect(ibux.status).toBe('only-pll');
    expect(ibux.discontinuedAt).toBeUndefined();
    expect(ibux.plannedStopOn).toBe('2026-11-27');
    expect(ibux.notes).toContain(`Seponeres i PLL 27.11.2026 (om 1 dag) (satt av ${HOSPITAL_DOCTOR.name}); legemidlet er i bruk til da.`);
    expect(interaction.map((f) => [f.severity, f.rows.length])).toEqual([['high', 2]]);
  });

  it('a stop yesterday: stopped, out of the checks', () => {
    const { ibux, interaction } = run(warfarinAndIbux('2026-11-25T00:00:00+01:00', 'R'), NOW);
    expect(ibux.active).toBe(false);
    expect(ibux.status).toBe('discontinued');
    expect(ibux.plannedStopOn).toBeUndefined();
    expect(ibux.notes).toContain('Seponert 25.11.2026 (1 dag siden).');
    expect(interaction).toEqual([]);
  });

  it('the stop day itself: stopped from 00:00 Oslo time, in use until 23:59 the day before', () => {
    const read = warfarinAndIbux('2026-11-26T00:00:00+01:00', 'R');
    // 23:30 Oslo time on the 25th (22:30 UTC): the last evening of the course.
    const evening = run(read, new Date('2026-11-25T22:30:00Z'));
    expect(evening.ibux.active).toBe(true);
    expect(evening.ibux.notes.join('\n')).toContain('Seponeres i PLL 26.11.2026 (om 1 dag)');
    expect(evening.interaction).toHaveLength(1);
    // 00:30 Oslo time on the 26th (still the 25th in UTC): stopped.
    const night = run(read, new Date('2026-11-25T23:30:00Z'));
    expect(night.ibux.active).toBe(false);
    expect(night.ibux.status).toBe('discontinued');
    expect(night.ibux.notes).toContain('Seponert 26.11.2026 (i dag).');
    expect(night.interaction).toEqual([]);
  });

  it('a local line with a planned stop is active locally, and a planned stop only one side has is a difference', () => {
    const read = mkRead({ pllMessageId: 'm', pll: [mkPll({ libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20' })], prescriptions: [mkRx({ reseptId: 'R-S', medicine: 'simvastatin-20' })] });
    const local = [mkLocal({ id: 'L-S', libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20', discontinued: { at: '2026-12-10T00:00:00+01:00', reason: 'A' } })];
    const row = reconcile({ patient: read.patient, local, read }, cat, NOW).rows[0]!;
    expect(row.active).toBe(true);
    expect(row.status).toBe('details-differ');
    expect(row.differences).toEqual([{ field: 'status', label: 'Planlagt seponering', local: '10.12.2026', national: 'Ingen' }]);
    expect(row.notes.join('\n')).toContain('Seponeres i lokal liste 10.12.2026 (om 14 dager)');
  });

  it('no "expires soon" when the planned stop comes before the prescription runs out', () => {
    const read = mkRead({
      pllMessageId: 'm',
      pll: [mkPll({ libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20', discontinued: { at: '2026-12-05T00:00:00+01:00', reason: 'A' } })],
      prescriptions: [mkRx({ reseptId: 'R-S', medicine: 'simvastatin-20', expiresOn: '2026-12-10' })],
    });
    const local = [mkLocal({ id: 'L-S', libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20', discontinued: { at: '2026-12-05T00:00:00+01:00', reason: 'A' } })];
    const res = reconcile({ patient: read.patient, local, read }, cat, NOW);
    expect(res.rows[0]!.status).toBe('in-sync');
    expect(res.findings.filter((f) => f.kind === 'expiry')).toEqual([]);
    // Without the planned stop it would expire soon.
    const plain = mkRead({ ...read, pll: [mkPll({ libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20' })] });
    const res2 = reconcile({ patient: read.patient, local: [mkLocal({ id: 'L-S', libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20' })], read: plain }, cat, NOW);
    expect(res2.rows[0]!.status).toBe('expires-soon');
  });

  it('a prescription is valid through its expiry day (Oslo date), not after', () => {
    const rx = mkRx({ reseptId: 'R', medicine: 'simvastatin-20', expiresOn: '2026-11-26' });
    expect(isValidPrescription(rx, '2026-11-26')).toBe(true);
    expect(isValidPrescription(rx, '2026-11-27')).toBe(false);
    // An expiry written as an instant counts by its Oslo date.
    expect(isValidPrescription({ ...rx, expiresOn: '2026-11-26T23:30:00Z' }, '2026-11-27')).toBe(true);
    expect(isValidPrescription({ ...rx, expiresOn: '2026-11-26T23:30:00Z' }, '2026-11-28')).toBe(false);
  });
});

describe('decide and validate with a planned stop', () => {
  it('taking the entry into the local list keeps its planned stop; the plan keeps the PLL entry as it is', () => {
    const read = warfarinAndIbux('2026-11-27T00:00:00+01:00');
    const local = marevanLocal();
    const res = reconcile({ patient: read.patient, local, read }, cat, NOW);
    const out = decide(res.rows, [{ rowId: 'lib:LIB-IBUX', kind: 'take-into-local' }], { read, local, now: NOW, sender: GP, newId: counterIds() });
    expect(out.blockers).toEqual([]);
    expect(out.plan.recalls).toEqual([]);
    expect(out.plan.pll!.find((e) => e.libId === 'LIB-IBUX')).toEqual(read.pll.find((e) => e.libId === 'LIB-IBUX'));
    const line = out.local.find((l) => l.libId === 'LIB-IBUX')!;
    expect(line.discontinued?.at).toBe('2026-11-27T00:00:00+01:00');
    const after = reconcile({ patient: read.patient, local: out.local, read: applyPlan(read, out.plan, NOW) }, cat, NOW);
    expect(after.rows.find((r) => r.id === 'lib:LIB-IBUX')!.status).toBe('in-sync');
  });

  it('discontinuing now replaces the planned stop with today, and recalls the valid prescription', () => {
    const read = warfarinAndIbux('2026-12-20T00:00:00+01:00');
    const res = reconcile({ patient: read.patient, local: marevanLocal(), read }, cat, NOW);
    const out = decide(res.rows, [{ rowId: 'lib:LIB-IBUX', kind: 'discontinue', reason: 'A' }], { read, local: marevanLocal(), now: NOW, sender: GP, newId: counterIds() });
    expect(out.blockers).toEqual([]);
    expect(out.plan.recalls.map((r) => [r.reseptId, r.reason])).toEqual([['R-IBUX', '2']]);
    expect(out.plan.pll!.find((e) => e.libId === 'LIB-IBUX')!.discontinued!.at).toBe(NOW.toISOString());
  });

  it('a plan that drops an entry with a planned stop is refused as a missing current entry', () => {
    const read = warfarinAndIbux('2026-12-20T00:00:00+01:00');
    const plan = { readId: read.readId, patient: read.patient, newPrescriptions: [], recalls: [], pll: read.pll.filter((e) => e.libId !== 'LIB-IBUX'), pllMessageId: 'm', sentAt: NOW.toISOString(), sender: GP };
    expect(validatePlan(read, plan, NOW).map((b) => b.code)).toEqual(['entry-missing']);
  });

  it('a planned-stop entry counts as active for "one active entry per ReseptId"', () => {
    const read = warfarinAndIbux('2026-12-20T00:00:00+01:00');
    const twin = { ...read.pll.find((e) => e.libId === 'LIB-IBUX')!, libId: 'LIB-IBUX-2', discontinued: undefined };
    delete twin.discontinued;
    const plan = { readId: read.readId, patient: read.patient, newPrescriptions: [], recalls: [], pll: [...read.pll, twin], pllMessageId: 'm', sentAt: NOW.toISOString(), sender: GP };
    expect(validatePlan(read, plan, NOW).map((b) => b.code)).toEqual(['duplicate-resept-id']);
  });
});

describe('PLL-only dose change: PLL is the national dose', () => {
  const night: Dosage = { text: '1 tablett til natten', shortCode: '0+0+0+1', doses: [{ time: 'night', amount: 1, unit: 'tablett' }], intervalDays: 1 };
  const morning2: Dosage = { text: '2 tabletter om morgenen', shortCode: '2+0+0+0', doses: [{ time: 'morning', amount: 2, unit: 'tablett' }], intervalDays: 1 };
  const readWith = (pllDose: Dosage) =>
    mkRead({
      pllMessageId: 'm',
      pll: [mkPll({ libId: 'LIB-Z', reseptId: 'R-Z', medicine: 'imovane-7.5', dosage: pllDose, lastChanged: '2026-11-25T14:00:00Z', prescriber: HOSPITAL_DOCTOR })],
      prescriptions: [mkRx({ reseptId: 'R-Z', medicine: 'imovane-7.5', dosage: night, prescriber: HOSPITAL_DOCTOR })],
    });
  const local = [mkLocal({ id: 'L-Z', libId: 'LIB-Z', reseptId: 'R-Z', medicine: 'imovane-7.5', dosage: night, prescriber: HOSPITAL_DOCTOR })];

  it('a full dose change in PLL (text and structured): national dose is PLL\'s, the prescription\'s is a noted difference', () => {
    const row = reconcile({ patient: mkRead().patient, local, read: readWith(morning2) }, cat, NOW).rows[0]!;
    expect(row.status).toBe('dose-differs');
    expect(formatDosage(row.nationalDosage!)).toBe('2 tabletter morgen');
    expect(row.differences).toEqual([{ field: 'dose', label: 'Dosering', local: '1 tablett natt', national: '2 tabletter morgen' }]);
    expect(row.notes).toContain('Resepten har annen dosering: «1 tablett natt». PLL (nasjonal dosering) sier «2 tabletter morgen».');
  });

  it('only the PLL text changed, structured doses left from the prescription: the text is the national dose', () => {
    const changed = { ...night, text: '2 tabletter om morgenen' };
    expect(pllDosage(readWith(changed).pll[0]!, readWith(changed).prescriptions[0]!)).toEqual({ text: '2 tabletter om morgenen' });
    const row = reconcile({ patient: mkRead().patient, local, read: readWith(changed) }, cat, NOW).rows[0]!;
    expect(row.status).toBe('dose-differs');
    expect(formatDosage(row.nationalDosage!)).toBe('2 tabletter om morgenen');
    expect(row.differences.map((d) => [d.field, d.local, d.national])).toEqual([['dose', '1 tablett natt', '2 tabletter om morgenen']]);
    expect(row.notes.join('\n')).toContain('Resepten har annen dosering: «1 tablett natt»');
  });

  it('PLL and prescription alike: no note, and the structured dose is kept', () => {
    const row = reconcile({ patient: mkRead().patient, local, read: readWith(night) }, cat, NOW).rows[0]!;
    expect(row.status).toBe('in-sync');
    expect(row.nationalDosage).toEqual(night);
    expect(row.notes.join('\n')).not.toContain('Resepten har annen dosering');
  });

  it('renewing sends PLL\'s dose in the new prescription and the PLL entry, and settles the row', () => {
    const read = readWith({ ...night, text: '2 tabletter om morgenen' });
    const res = reconcile({ patient: read.patient, local, read }, cat, NOW);
    const out = decide(res.rows, [{ rowId: res.rows[0]!.id, kind: 'renew' }], { read, local, now: NOW, sender: GP, newId: counterIds() });
    expect(out.blockers).toEqual([]);
    expect(out.plan.newPrescriptions.map((p) => p.dosage)).toEqual([{ text: '2 tabletter om morgenen' }]);
    expect(out.plan.pll!.find((e) => e.libId === 'LIB-Z')!.dosage).toEqual({ text: '2 tabletter om morgenen' });
    const after = reconcile({ patient: read.patient, local: out.local, read: applyPlan(read, out.plan, NOW) }, cat, NOW);
    expect(after.rows.map((r) => r.status)).toEqual(['in-sync']);
    expect(after.rows[0]!.notes.join('\n')).not.toContain('Resepten har annen dosering');
  });
});
