import { describe, expect, it } from 'vitest';
import type { CatalogueInteraction, CriticalInfo } from '../model';
import { applyPlan } from './apply';
import { decide } from './decide';
import { allergyMatch } from './findings';
import { reconcileToJson, reconcileToText } from './output';
import { reconcile } from './reconcile';
import { counterIds, GP, INTERACTIONS, MEDS, mkCatalogue, mkCave, mkDisp, mkLocal, mkPll, mkRead, mkRx } from './testkit';
import type { ReconcileRow } from './types';
import { groupOf, ROW_STATUSES, STATUS_GROUP, STATUS_LABEL } from './types';

const NOW = new Date('2026-11-26T09:00:00Z');
const cat = mkCatalogue(NOW);

describe('row identity', () => {
  const read = mkRead({
    pllMessageId: 'm',
    pll: [mkPll({ libId: 'LIB-A', reseptId: 'R-A', medicine: 'simvastatin-20' })],
    prescriptions: [mkRx({ reseptId: 'R-A', medicine: 'simvastatin-20' }), mkRx({ reseptId: 'R-B1', medicine: 'levaxin-50', prescribedOn: '2025-01-01', expiresOn: '2025-12-31', status: 'T', recall: { reason: '1' } }), mkRx({ reseptId: 'R-B2', renews: 'R-B1', medicine: 'levaxin-50' })],
  });
  const local = [mkLocal({ id: 'loc-1', medicine: 'paracet-500', use: '3' })];

  it('comes from the LibId, the local id or the first ReseptId of the chain, never from the read', () => {
    const ids = reconcile({ patient: read.patient, local, read }, cat, NOW).rows.map((r) => r.id).sort();
    expect(ids).toEqual(['lib:LIB-A', 'local:loc-1', 'rx:R-B1']);
    const again = reconcile({ patient: read.patient, local, read: { ...read, readId: 'another-read' } }, cat, NOW).rows.map((r) => r.id).sort();
    expect(again).toEqual(ids);
  });

  it('stays the same for untouched treatments after a send', () => {
    const before = reconcile({ patient: read.patient, local, read }, cat, NOW);
    const lev = before.rows.find((r) => r.name.startsWith('Levaxin'))!;
    const out = decide(before.rows, [{ rowId: lev.id, kind: 'renew' }, { rowId: 'lib:LIB-A', kind: 'take-into-local' }, { rowId: 'local:loc-1', kind: 'not-taking' }], { read, local, now: NOW, sender: GP, newId: counterIds() });
    expect(out.blockers).toEqual([]);
    const after = reconcile({ patient: read.patient, local: out.local, read: applyPlan(read, out.plan, NOW) }, cat, NOW);
    expect(after.rows.find((r) => r.name.startsWith('Simvastatin'))!.id).toBe('lib:LIB-A');
    expect(after.rows.find((r) => r.name.startsWith('Paracet'))!.id).toBe('local:loc-1');
    expect(after.rows.map((r) => r.status).sort()).toEqual(['discontinued', 'in-sync', 'in-sync']);
  });
});

describe('matching', () => {
  it('prefers the FEST id over ATC when a local line could be one of two national treatments', () => {
    const read = mkRead({
      pllMessageId: 'm',
      prescriptions: [mkRx({ reseptId: 'R-20', medicine: 'simvastatin-20' }), mkRx({ reseptId: 'R-40', medicine: 'simvastatin-40' })],
    });
    const local = [mkLocal({ id: 'L', medicine: 'simvastatin-40' })];
    const rows = reconcile({ patient: read.patient, local, read }, cat, NOW).rows;
    const joined = rows.find((r) => r.items.local.length > 0)!;
    expect(joined.reseptIds).toEqual(['R-40']);
    expect(joined.match).toBe('fest-id');
    expect(joined.weakMatch).toBe(true);
    expect(joined.notes.join(' ')).toContain('kontroller');
    expect(rows).toHaveLength(2);
  });

  it('does not tie a discontinued local line to a current national one by ATC alone', () => {
    const other = { ...MEDS['simvastatin-20'], festId: undefined, strength: undefined, name: 'Simvastatin 20' };
    const read = mkRead({ pllMessageId: 'm', prescriptions: [mkRx({ reseptId: 'R', medicine: 'simvastatin-40' })] });
    const local = [mkLocal({ id: 'L', medicine: other, discontinued: { at: '2026-01-01T00:00:00Z', reason: 'A' } })];
    const rows = reconcile({ patient: read.patient, local, read }, cat, NOW).rows;
    expect(rows.map((r) => r.status).sort()).toEqual(['discontinued-expired', 'only-prescription']);
  });

  it('shows a patient without PLL as in sync when local list and prescriptions agree', () => {
    const read = mkRead({ prescriptions: [mkRx({ reseptId: 'R', medicine: 'metformin-500' })] });
    const local = [mkLocal({ id: 'L', reseptId: 'R', medicine: 'metformin-500' })];
    const res = reconcile({ patient: read.patient, local, read }, cat, NOW);
    expect(res.hasPll).toBe(false);
    expect(res.rows.map((r) => r.status)).toEqual(['in-sync']);
    expect(res.notes.join(' ')).toContain('ingen pasientens legemiddelliste');
  });

  it('groups statuses as the user reads them', () => {
    for (const s of ROW_STATUSES) expect(['same', 'changed', 'only-one-source']).toContain(groupOf(s));
    expect(STATUS_GROUP['dose-differs']).toBe('changed');
    expect(STATUS_GROUP['only-pll']).toBe('only-one-source');
    expect(STATUS_GROUP['in-sync']).toBe('same');
    for (const s of ROW_STATUSES) expect(STATUS_LABEL[s].length).toBeGreaterThan(3);
  });
});

describe('findings', () => {
  const rowOf = (atc: string, substances: string[] = []): ReconcileRow => ({ atcs: [atc], substances, atc } as unknown as ReconcileRow);
  const cave = (over: Partial<CriticalInfo>): CriticalInfo => mkCave({ id: 'c', agent: 'x', ...over });

  it('matches CAVE by substance, ATC class and the penicillin rule', () => {
    expect(allergyMatch(cave({ agent: 'Penicillin', atc: 'J01CE' }), rowOf('J01CA04'))?.severity).toBe('high');
    expect(allergyMatch(cave({ agent: 'Penicillin' }), rowOf('J01CR02'))?.severity).toBe('high');
    expect(allergyMatch(cave({ agent: 'Fenoksymetylpenicillin', atc: 'J01CE02' }), rowOf('J01DB01'))?.severity).toBe('low');
    expect(allergyMatch(cave({ agent: 'Simvastatin', atc: 'C10AA01' }), rowOf('C10AA05'))?.severity).toBe('medium');
    expect(allergyMatch(cave({ agent: 'Sulfa' }), rowOf('J01EE01'))?.severity).toBe('high');
    expect(allergyMatch(cave({ agent: 'Kodein', substance: 'kodein' }), rowOf('N02AJ06', ['kodein', 'paracetamol']))?.severity).toBe('high');
    expect(allergyMatch(cave({ agent: 'Jordbær' }), rowOf('J01CA04'))).toBeNull();
    expect(allergyMatch(cave({ agent: 'Penicillin', atc: 'J01CE' }), rowOf('C10AA01'))).toBeNull();
  });

  it('uses a KJ dispensing in the checks only while it is recent', () => {
    const base = { pllMessageId: 'm', pll: [mkPll({ libId: 'W', reseptId: 'RW', medicine: 'marevan-2.5' })], prescriptions: [mkRx({ reseptId: 'RW', medicine: 'marevan-2.5' })] };
    const local = [mkLocal({ id: 'L', libId: 'W', reseptId: 'RW', medicine: 'marevan-2.5' })];
    const recent = mkRead({ ...base, dispensings: [mkDisp({ id: 'D', medicine: 'ibux-400', dispensedAt: '2026-11-01T10:00:00Z' })] });
    const old = mkRead({ ...base, dispensings: [mkDisp({ id: 'D', medicine: 'ibux-400', dispensedAt: '2025-11-01T10:00:00Z' })] });
    expect(reconcile({ patient: recent.patient, local, read: recent }, cat, NOW).findings.map((f) => f.kind)).toEqual(['interaction']);
    expect(reconcile({ patient: old.patient, local, read: old }, cat, NOW).findings).toEqual([]);
  });

  it("carries FEST's condition for an interaction with the finding", () => {
    const base = { pllMessageId: 'm', pll: [mkPll({ libId: 'W', reseptId: 'RW', medicine: 'marevan-2.5' })], prescriptions: [mkRx({ reseptId: 'RW', medicine: 'marevan-2.5' })] };
    const local = [mkLocal({ id: 'L', libId: 'W', reseptId: 'RW', medicine: 'marevan-2.5' })];
    const read = mkRead({ ...base, dispensings: [mkDisp({ id: 'D', medicine: 'ibux-400', dispensedAt: '2026-11-01T10:00:00Z' })] });
    const withSituation = mkCatalogue(NOW, 10, INTERACTIONS.map((ia) => ({ ...ia, situation: 'Gjelder ved langvarig bruk' })));
    const [finding] = reconcile({ patient: read.patient, local, read }, withSituation, NOW).findings;
    expect(finding?.details?.situation).toBe('Gjelder ved langvarig bruk');
    expect(reconcile({ patient: read.patient, local, read }, cat, NOW).findings[0]?.details?.situation).toBeUndefined();
  });

  it('says when the catalogue has no interactions', () => {
    const read = mkRead();
    const f = reconcile({ patient: read.patient, local: [], read }, mkCatalogue(NOW, 1, []), NOW).findings;
    expect(f.map((x) => [x.kind, x.severity])).toEqual([['catalogue', 'high']]);
  });

  it('says which medicines FEST has not assessed for interactions', () => {
    const read = mkRead({ prescriptions: [mkRx({ reseptId: 'R', medicine: 'sertralin-50' })] });
    const f = reconcile({ patient: read.patient, local: [], read }, { ...cat, notAssessed: (atc) => atc === 'N06AB06' }, NOW).findings;
    expect(f.map((x) => [x.kind, x.severity])).toEqual([['catalogue', 'info']]);
  });

  it('rates a fixed plus an as-needed dose of one substance as a low duplicate', () => {
    const read = mkRead({ prescriptions: [mkRx({ reseptId: 'R1', medicine: 'paracet-500' }), mkRx({ reseptId: 'R2', medicine: { ...MEDS['paracet-500'], festId: 'OTHER' }, use: '3' })] });
    const f = reconcile({ patient: read.patient, local: [], read }, cat, NOW).findings;
    expect(f.map((x) => [x.kind, x.severity, x.rows.length])).toEqual([['duplicate', 'low', 2]]);
  });

  it('does not warn that a course (kur) prescription expires', () => {
    const read = mkRead({ prescriptions: [mkRx({ reseptId: 'R', medicine: 'imacillin-500', use: '2', expiresOn: '2026-12-01' })] });
    const local = [mkLocal({ id: 'L', reseptId: 'R', medicine: 'imacillin-500', use: '2' })];
    expect(reconcile({ patient: read.patient, local, read }, cat, NOW).findings).toEqual([]);
  });
});

describe('read problems', () => {
  it('turns errors of the read into notes, not silence', () => {
    const read = mkRead({ errors: [{ source: 'KJ', code: 'KJ-403', text: 'Ingen tilgang til kjernejournal' }] });
    const res = reconcile({ patient: read.patient, local: [], read }, cat, NOW);
    expect(res.notes.join('\n')).toContain('KJ-403');
    expect(reconcileToText(res)).toContain('KJ-403');
  });
});

describe('output', () => {
  it('gives the CLI JSON shape', () => {
    const read = mkRead({ pllMessageId: 'm', pll: [mkPll({ libId: 'L1', reseptId: 'R1', medicine: 'selozok-50', dosage: '2 tabletter morgen' })], prescriptions: [mkRx({ reseptId: 'R1', medicine: 'selozok-50', dosage: '2 tabletter morgen' })] });
    const local = [mkLocal({ id: 'x', reseptId: 'R1', medicine: 'selozok-50', dosage: '1 tablett morgen' })];
    const json = reconcileToJson(reconcile({ patient: read.patient, local, read }, null, NOW));
    expect(Object.keys(json).sort()).toEqual(['findings', 'patient', 'rows']);
    expect(json.rows[0]).toMatchObject({ status: 'dose-differs', atc: 'C07AB02', reseptIds: ['R1'], libId: 'L1', sources: ['local', 'pll', 'prescription'] });
    expect(json.rows[0]!.differences).toEqual([{ field: 'dose', label: 'Dosering', local: '1 tablett morgen', national: '2 tabletter morgen' }]);
    expect(json.findings[0]).toMatchObject({ kind: 'catalogue', severity: 'high', atc: [], rows: [] });
    const text = reconcileToText(reconcile({ patient: read.patient, local, read }, null, NOW));
    expect(text).toContain('lokalt «1 tablett morgen» – nasjonalt «2 tabletter morgen»');
    expect(text.indexOf('VARSLER')).toBeLessThan(text.indexOf('ENDRET'));
  });
});

describe('differences', () => {
  it('does not report the same strength spelt differently', () => {
    const read = mkRead({ prescriptions: [mkRx({ reseptId: 'R', medicine: { ...MEDS['levaxin-50'], strength: '50 mikrog' } })] });
    const local = [mkLocal({ id: 'L', reseptId: 'R', medicine: { ...MEDS['levaxin-50'], strength: '50 µg' } })];
    expect(reconcile({ patient: read.patient, local, read }, cat, NOW).rows.map((r) => [r.status, r.differences.length])).toEqual([['in-sync', 0]]);
    const other = [mkLocal({ id: 'L', reseptId: 'R', medicine: { ...MEDS['levaxin-50'], strength: '100 µg' } })];
    expect(reconcile({ patient: read.patient, local: other, read }, cat, NOW).rows[0]!.differences).toEqual([{ field: 'strength', label: 'Styrke', local: '100 µg', national: '50 mikrog' }]);
  });
});

describe('local-acting medicines and FEST interactions', () => {
  const systemicOnly: CatalogueInteraction = {
    id: 'IA_SYSTEMIC_ONLY',
    substanceGroups: [
      // FEST names the eye drop's ATC code here, but its condition limits the interaction to systemic use.
      { atc: ['H02AB06', 'S01CA01'], substances: ['prednisolon', 'deksametason'] },
      { atc: ['M01AE01'], substances: ['ibuprofen'] },
    ],
    relevance: 'avoid',
    consequence: 'Økt risiko for magesår',
    situation: 'Gjelder ved systemisk bruk av kortikosteroider.',
  };
  const run = (interactions: CatalogueInteraction[] = [systemicOnly]) =>
    reconcile(
      {
        patient: mkRead().patient,
        local: [],
        read: mkRead({
          prescriptions: [mkRx({ reseptId: 'R-MAX', medicine: 'maxitrol-oyedr' }), mkRx({ reseptId: 'R-IBUX', medicine: 'ibux-400' }), mkRx({ reseptId: 'R-PRED', medicine: 'prednisolon-5' })],
        }),
      },
      mkCatalogue(NOW, 10, interactions),
      NOW,
    ).findings.filter((f) => f.kind === 'interaction');

  it("follows FEST's Situasjonskriterium: systemic use only → the eye drop gets a low finding quoting FEST, the tablet keeps its severity", () => {
    const f = run();
    const eye = f.find((x) => x.rows.includes('rx:R-MAX'))!;
    const tab = f.find((x) => x.rows.includes('rx:R-PRED'))!;
    expect(eye.severity).toBe('low');
    expect(eye.message).toContain('FEST: «Gjelder ved systemisk bruk av kortikosteroider.»');
    expect(eye.message).toMatch(/^Lokal bruk – FEST «Bør unngås» gjelder systemisk bruk: Ibux tab 400 mg \+ Maxitrol øyedr, susp – /);
    expect(tab.severity).toBe('high');
    expect(tab.message).toMatch(/^Bør unngås: /);
  });

  it('keeps full severity when FEST names the eye drop and sets no such condition', () => {
    const { situation: _s, ...plain } = systemicOnly;
    const eye = run([plain]).find((x) => x.rows.includes('rx:R-MAX'))!;
    expect(eye.severity).toBe('high');
  });

  it('downgrades a substance-name-only match of the eye drop, and never drops it', () => {
    const { situation: _s, ...plain } = systemicOnly;
    const byName: CatalogueInteraction = { ...plain, substanceGroups: [{ atc: ['H02AB06', 'H02AB02'], substances: ['prednisolon', 'deksametason'] }, systemicOnly.substanceGroups[1]!] };
    const eye = run([byName]).find((x) => x.rows.includes('rx:R-MAX'))!;
    expect(eye.severity).toBe('low');
    expect(eye.message).toContain('FEST oppgir interaksjonen for systemiske legemidler (ATC H02AB02, H02AB06), ikke for denne formen');
  });
});

describe('therapeutic duplication by class', () => {
  const run = (rx: Parameters<typeof mkRx>[0][]) =>
    reconcile({ patient: mkRead().patient, local: [], read: mkRead({ prescriptions: rx.map(mkRx) }) }, cat, NOW).findings.filter((f) => f.kind === 'duplicate');
  const cream = (name: string, atc: string, sub: string) => ({ name, atc, form: 'Krem', substances: [sub], kind: 'brand' as const });

  it('flags two statins with both names and the class, whatever order RF gives them in', () => {
    const a = run([{ reseptId: 'R1', medicine: 'simvastatin-20' }, { reseptId: 'R2', medicine: 'atorvastatin-40' }]);
    const b = run([{ reseptId: 'R2', medicine: 'atorvastatin-40' }, { reseptId: 'R1', medicine: 'simvastatin-20' }]);
    expect(a).toEqual(b);
    expect(a).toHaveLength(1);
    expect(a[0]!.severity).toBe('medium');
    expect(a[0]!.message).toBe('Mulig dobbeltbehandling (samme legemiddelgruppe: statiner, ATC C10AA): Atorvastatin tab 40 mg og Simvastatin tab 20 mg.');
  });

  it('gives one finding for two rows of one drug, not a class finding on top', () => {
    const f = run([{ reseptId: 'R1', medicine: 'simvastatin-20' }, { reseptId: 'R2', medicine: 'simvastatin-40' }]);
    expect(f.map((x) => x.message)).toEqual(['Mulig dobbeltbehandling (ATC C10AA01): Simvastatin tab 20 mg og Simvastatin tab 40 mg.']);
  });

  it('flags warfarin left on after a switch to apixaban (oral anticoagulants across ATC level 4)', () => {
    const f = run([{ reseptId: 'R1', medicine: 'marevan-2.5' }, { reseptId: 'R2', medicine: 'eliquis-5' }]);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('orale antikoagulantia');
    expect(f[0]!.severity).toBe('medium');
  });

  it('keeps two steroid creams low: both local, maybe on different parts of the body', () => {
    const f = run([
      { reseptId: 'R1', medicine: cream('Betnovat krem 0,1 %', 'D07AC01', 'betametason') },
      { reseptId: 'R2', medicine: cream('Elocon krem 0,1 %', 'D07AC13', 'mometason') },
    ]);
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('low');
    expect(f[0]!.message).toContain('begge er til lokal bruk (på huden)');
  });

  it('sees a statin inside a combination product, and a depot opioid with a fast one as possibly intended', () => {
    const inegy = { name: 'Inegy tab 10 mg/40 mg', atc: 'C10BA02', form: 'Tablett', substances: ['ezetimib', 'simvastatin'], kind: 'brand' as const };
    const statins = run([{ reseptId: 'R1', medicine: 'atorvastatin-40' }, { reseptId: 'R2', medicine: inegy }]);
    expect(statins.map((f) => [f.severity, f.message])).toEqual([
      ['medium', 'Mulig dobbeltbehandling (samme legemiddelgruppe: statiner, også i kombinasjonspreparater, ATC C10AA/C10BA/C10BX): Atorvastatin tab 40 mg og Inegy tab 10 mg/40 mg.'],
    ]);
    const opioid = (name: string, atc: string, form: string, sub: string) => ({ name, atc, form, substances: [sub], kind: 'brand' as const });
    const opioids = run([
      { reseptId: 'R1', medicine: opioid('Dolcontin depottab 30 mg', 'N02AA01', 'Depottablett', 'morfin') },
      { reseptId: 'R2', medicine: opioid('OxyNorm kaps 5 mg', 'N02AA05', 'Kapsel', 'oksykodon') },
    ]);
    expect(opioids).toHaveLength(1);
    expect(opioids[0]!.severity).toBe('low');
    expect(opioids[0]!.message).toContain('langtidsvirkende opioid (depot) + hurtigvirkende opioid');
  });

  it('gives no finding for short- and long-acting insulin', () => {
    expect(run([{ reseptId: 'R1', medicine: 'novorapid' }, { reseptId: 'R2', medicine: 'lantus' }])).toEqual([]);
  });
});

describe('another drug dispensed on a prescription', () => {
  it('checks it against the prescribed drug of the same row while it may be in use', () => {
    const read = mkRead({
      prescriptions: [mkRx({ reseptId: 'R-WAR', medicine: 'marevan-2.5' })],
      dispensings: [mkDisp({ id: 'D1', reseptId: 'R-WAR', medicine: 'ibux-400', dispensedAt: '2026-11-16T10:00:00Z' })],
    });
    const res = reconcile({ patient: read.patient, local: [], read }, cat, NOW);
    expect(res.rows).toHaveLength(1);
    const row = res.rows[0]!;
    expect(row.substances).toEqual(['warfarin']);
    const ia = res.findings.filter((f) => f.kind === 'interaction');
    expect(ia.map((f) => [f.severity, f.rows])).toEqual([['high', [row.id]]]);
    expect(ia[0]!.message).toBe(
      'Bør unngås: Marevan tab 2,5 mg + Ibux tab 400 mg (utlevert 16.11.2026 på resepten for Marevan tab 2,5 mg) – Økt blødningsrisiko',
    );
    // 91 days later it no longer counts, but the anomaly is still shown.
    const later = reconcile({ patient: read.patient, local: [], read }, cat, new Date('2027-02-15T09:00:00Z'));
    expect(later.findings.filter((f) => f.kind === 'interaction')).toEqual([]);
    expect(later.findings.filter((f) => f.kind === 'dispensing').map((f) => f.severity)).toEqual(['info']);
  });
});
