import { describe, expect, it } from 'vitest';
import type { MedicationRead } from '../model';
import { applyPlan } from './apply';
import { decide, type DecideContext } from './decide';
import type { SendPlan } from './plan';
import { reconcile } from './reconcile';
import { counterIds, GP, mkCatalogue, mkDisp, mkLocal, mkPll, mkRead, mkRx } from './testkit';
import { validatePlan } from './validate';

const NOW = new Date('2026-11-26T09:00:00Z');
const cat = mkCatalogue(NOW);

function setup(read: MedicationRead, local = [] as ReturnType<typeof mkLocal>[]) {
  const res = reconcile({ patient: read.patient, local, read }, cat, NOW);
  const ctx: DecideContext = { read, local, now: NOW, sender: GP, newId: counterIds() };
  const row = (name: string) => res.rows.find((r) => r.name.includes(name))!.id;
  return { res, ctx, row };
}

const inSyncRead = () =>
  mkRead({
    pllMessageId: 'm',
    pll: [mkPll({ libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20' })],
    prescriptions: [mkRx({ reseptId: 'R-S', medicine: 'simvastatin-20' })],
  });
const inSyncLocal = () => [mkLocal({ id: 'L-S', libId: 'LIB-S', reseptId: 'R-S', medicine: 'simvastatin-20' })];

describe('decide', () => {
  it('refuses two decisions for one row and decisions for unknown rows', () => {
    const { res, ctx, row } = setup(inSyncRead(), inSyncLocal());
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'keep' }, { rowId: row('Simva'), kind: 'renew' }, { rowId: 'lib:nope', kind: 'keep' }], ctx);
    expect(out.blockers.map((b) => b.code).sort()).toEqual(['conflicting-decisions', 'unknown-row']);
  });

  it('needs a dosage to change dose', () => {
    const { res, ctx, row } = setup(inSyncRead(), inSyncLocal());
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'change-dose', dosage: { text: ' ' } }], ctx);
    expect(out.blockers.map((b) => b.code)).toEqual(['dosage-missing']);
    expect(out.plan.newPrescriptions).toEqual([]);
  });

  it('registers a registration error as recall reason 4 and a stopped PLL entry', () => {
    const { res, ctx, row } = setup(inSyncRead(), inSyncLocal());
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'registration-error' }], ctx);
    expect(out.blockers).toEqual([]);
    expect(out.plan.recalls).toEqual([{ reseptId: 'R-S', reason: '4', note: 'Registreringsfeil' }]);
    expect(out.plan.pll![0]!.discontinued).toMatchObject({ reason: 'X', note: 'Registreringsfeil', by: GP });
    expect(out.local[0]!.discontinued).toMatchObject({ reason: 'X' });
  });

  it('marks "not taking" with cessation code P', () => {
    const { res, ctx, row } = setup(inSyncRead(), inSyncLocal());
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'not-taking' }], ctx);
    expect(out.plan.recalls.map((r) => r.reason)).toEqual(['2']);
    expect(out.plan.pll![0]!.discontinued?.reason).toBe('P');
  });

  it('takes a dispensed medicine into the lists only with a dosage', () => {
    const read = mkRead({ pllMessageId: 'm', dispensings: [mkDisp({ id: 'D', medicine: 'imovane-7.5', dispensedAt: '2026-11-20T10:00:00Z' })] });
    const { res, ctx, row } = setup(read);
    expect(decide(res.rows, [{ rowId: row('Imovane'), kind: 'take-into-local' }], ctx).blockers.map((b) => b.code)).toEqual(['dosage-missing']);
    expect(decide(res.rows, [{ rowId: row('Imovane'), kind: 'renew' }], ctx).blockers.map((b) => b.code)).toEqual(['not-applicable']);
    const out = decide(res.rows, [{ rowId: row('Imovane'), kind: 'take-into-local', dosage: { text: '1 tablett kveld ved behov' } }], { ...ctx, newId: counterIds() });
    expect(out.blockers).toEqual([]);
    expect(out.local).toHaveLength(1);
    expect(out.plan.pll).toHaveLength(1);
    expect(out.plan.pll![0]).toMatchObject({ type: 'U', dosage: { text: '1 tablett kveld ved behov' } });
    expect(out.local[0]!.libId).toBe(out.plan.pll![0]!.libId);
  });

  it('creates a PLL with new LibIds for medicines only when asked (SFM worked example)', () => {
    const read = mkRead({
      prescriptions: [mkRx({ reseptId: 'R-S', medicine: 'simvastatin-20' }), mkRx({ reseptId: 'R-V', medicine: 'bcg-vaksine', use: '4' })],
    });
    const local = [
      mkLocal({ id: 'L-S', reseptId: 'R-S', libId: 'never-published', medicine: 'simvastatin-20' }),
      mkLocal({ id: 'L-V', reseptId: 'R-V', medicine: 'bcg-vaksine', use: '4', category: 'vaccine' }),
    ];
    const { res, ctx } = setup(read, local);
    expect(decide(res.rows, [], ctx).plan.pll).toBeNull();
    const out = decide(res.rows, [], { ...ctx, createPll: true, newId: counterIds('lib') });
    expect(out.blockers).toEqual([]);
    expect(out.plan.pll).toHaveLength(1);
    expect(out.plan.pll![0]).toMatchObject({ libId: 'lib-1', reseptId: 'R-S', type: 'E' });
    expect(out.local.find((l) => l.id === 'L-S')!.libId).toBe('lib-1');
    const after = reconcile({ patient: read.patient, local: out.local, read: applyPlan(read, out.plan, NOW) }, cat, NOW);
    expect(after.hasPll).toBe(true);
    expect(after.rows.map((r) => r.status)).toEqual(['in-sync', 'in-sync']);
  });

  it('moves a PLL entry that points at an older link of the chain to the valid prescription', () => {
    const read = mkRead({
      pllMessageId: 'm',
      pll: [mkPll({ libId: 'LIB', reseptId: 'R1', medicine: 'levaxin-50' })],
      prescriptions: [
        mkRx({ reseptId: 'R1', medicine: 'levaxin-50', prescribedOn: '2025-01-01', expiresOn: '2025-12-31', status: 'T', recall: { reason: '1' } }),
        mkRx({ reseptId: 'R2', renews: 'R1', medicine: 'levaxin-50', prescribedOn: '2026-06-20', expiresOn: '2027-06-19' }),
      ],
    });
    const local = [mkLocal({ id: 'L', libId: 'LIB', reseptId: 'R1', medicine: 'levaxin-50' })];
    const { res, ctx, row } = setup(read, local);
    expect(res.rows.map((r) => r.status)).toEqual(['pll-entry-without-valid-prescription']);
    expect(res.rows[0]!.notes.join(' ')).toContain('eldre resept');
    const out = decide(res.rows, [{ rowId: row('Levaxin'), kind: 'keep' }], ctx);
    expect(out.blockers).toEqual([]);
    expect(out.plan.newPrescriptions).toEqual([]);
    expect(out.plan.pll![0]).toMatchObject({ libId: 'LIB', reseptId: 'R2' });
    const after = reconcile({ patient: read.patient, local: out.local, read: applyPlan(read, out.plan, NOW) }, cat, NOW);
    expect(after.rows.map((r) => r.status)).toEqual(['in-sync']);
  });

  it('returns every local entry, changed or not', () => {
    const local = [...inSyncLocal(), mkLocal({ id: 'L-old', medicine: 'furix-40', discontinued: { at: '2020-01-01T00:00:00Z', reason: 'A' } })];
    const { res, ctx, row } = setup(inSyncRead(), local);
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'renew' }], ctx);
    expect(out.local.map((l) => l.id).sort()).toEqual(['L-S', 'L-old']);
    expect(out.local.find((l) => l.id === 'L-S')).toMatchObject({ reseptId: 'new-1', previousReseptIds: ['R-S'], libId: 'LIB-S' });
  });
});

describe('validatePlan', () => {
  const read = mkRead({
    pllMessageId: 'm',
    pll: [
      mkPll({ libId: 'A', reseptId: 'R-A', medicine: 'simvastatin-20' }),
      mkPll({ libId: 'B', reseptId: 'R-B', medicine: 'furix-40', discontinued: { at: '2026-11-01T00:00:00Z', reason: 'A' } }),
      mkPll({ libId: 'C', reseptId: 'R-C', medicine: 'enalapril-10', discontinued: { at: '2026-06-01T00:00:00Z', reason: 'A' } }),
    ],
    prescriptions: [mkRx({ reseptId: 'R-A', medicine: 'simvastatin-20' }), mkRx({ reseptId: 'R-U', medicine: 'imovane-7.5', status: 'U' }), mkRx({ reseptId: 'R-R', medicine: 'paracet-500', status: 'R' })],
  });
  const plan = (over: Partial<SendPlan>): SendPlan => ({ readId: read.readId, patient: read.patient, newPrescriptions: [], recalls: [], pll: read.pll, sentAt: NOW.toISOString(), sender: GP, ...over });
  const codes = (p: SendPlan, r: MedicationRead = read) => validatePlan(r, p, NOW).map((b) => b.code).sort();

  it('accepts the read sent back as it is', () => {
    expect(codes(plan({}))).toEqual([]);
  });
  it('lets a discontinued entry go only after 90 days', () => {
    expect(codes(plan({ pll: read.pll.filter((e) => e.libId !== 'C') }))).toEqual([]);
    expect(codes(plan({ pll: read.pll.filter((e) => e.libId !== 'B') }))).toEqual(['discontinued-dropped-early']);
    expect(codes(plan({ pll: read.pll.filter((e) => e.libId !== 'A') }))).toEqual(['entry-missing']);
  });
  it('keeps LibIds unique and one active entry per ReseptId', () => {
    expect(codes(plan({ pll: [...read.pll, read.pll[0]!] }))).toEqual(['duplicate-lib-id', 'duplicate-resept-id']);
    expect(codes(plan({ pll: [...read.pll, { ...read.pll[0]!, libId: 'Z' }] }))).toEqual(['duplicate-resept-id']);
  });
  it('refuses recalls RF cannot do', () => {
    expect(codes(plan({ recalls: [{ reseptId: 'R-U', reason: '2' }] }))).toEqual(['recall-locked']);
    expect(codes(plan({ recalls: [{ reseptId: 'R-R', reason: '2' }] }))).toEqual(['recall-not-valid']);
    expect(codes(plan({ recalls: [{ reseptId: 'R-X', reason: '2' }] }))).toEqual(['recall-unknown']);
  });
  it('requires read before write: at most 4 hours, with a known time', () => {
    expect(codes(plan({}), { ...read, rfFetchedAt: '2026-11-26T04:59:00Z' })).toEqual(['read-too-old']);
    expect(codes(plan({}), { ...read, rfFetchedAt: '2026-11-26T05:01:00Z' })).toEqual([]);
    const { rfFetchedAt: _, ...noTime } = read;
    expect(codes(plan({}), noTime)).toEqual(['read-missing-time']);
    expect(codes(plan({}), { ...read, errors: [{ source: 'RF', code: 'x', text: 'y' }] })).toEqual(['read-errors']);
  });
  it('requires the PLL entry of a new prescription to carry the same content', () => {
    const rx = mkRx({ reseptId: 'NEW', medicine: 'metformin-500', prescribedOn: '2026-11-26', expiresOn: '2027-11-25' });
    const entry = mkPll({ libId: 'N', reseptId: 'NEW', medicine: 'metformin-500', expiresOn: '2027-11-25' });
    expect(codes(plan({ newPrescriptions: [rx], pll: [...read.pll, entry] }))).toEqual([]);
    expect(codes(plan({ newPrescriptions: [rx], pll: [...read.pll, { ...entry, dosage: { text: '2 tabletter' } }] }))).toEqual(['pll-prescription-mismatch']);
  });
  it('requires a sender with an HPR number', () => {
    expect(codes(plan({ sender: { name: 'Uten HPR' } }))).toEqual(['sender-without-hpr']);
  });
});

describe('applyPlan', () => {
  it('recalls, adds prescriptions and replaces the PLL, as RF would', () => {
    const read = inSyncRead();
    const local = inSyncLocal();
    const { res, ctx, row } = setup(read, local);
    const out = decide(res.rows, [{ rowId: row('Simva'), kind: 'change-dose', dosage: { text: '2 tabletter kveld' } }], ctx);
    const next = applyPlan(read, out.plan, NOW);
    expect(next.readId).not.toBe(read.readId);
    expect(next.pllMessageId).not.toBe(read.pllMessageId);
    expect(next.prescriptions.find((p) => p.reseptId === 'R-S')).toMatchObject({ status: 'T', recall: { reason: '3' } });
    expect(next.prescriptions.find((p) => p.reseptId === 'new-1')).toMatchObject({ status: 'E', renews: 'R-S', dosage: { text: '2 tabletter kveld' } });
    expect(next.pll).toEqual(out.plan.pll);
    expect(next.pll[0]).toMatchObject({ libId: 'LIB-S', reseptId: 'new-1' });
    expect(next.rfFetchedAt).toBe(NOW.toISOString());
  });
});
