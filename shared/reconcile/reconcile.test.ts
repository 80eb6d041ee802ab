import { describe, expect, it } from 'vitest';
import type { CriticalInfo } from '../model';
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
