import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../../shared/reconcile';
import { actionApplies, isStale, needsDosageToTakeIn } from './ReconcileView';
import { NOW, showcase } from './testSupport';
import { isoDateOf } from '../../../../shared/reconcile/dates';

const TODAY = isoDateOf(NOW);

describe('row actions and freshness', () => {
  const { read, local } = showcase();
  const rows = reconcile({ patient: read.patient, local, read }, null, NOW).rows;
  const byName = (n: string) => rows.find((r) => r.name.startsWith(n))!;

  it('offers "ta inn" only for external information, "forny" only where there is something to renew', () => {
    expect(actionApplies(byName('Losec'), 'take-into-local', TODAY)).toBe(true); // only in PLL
    expect(actionApplies(byName('Marevan'), 'take-into-local', TODAY)).toBe(false); // already local
    expect(actionApplies(byName('Ibux'), 'renew', TODAY)).toBe(true); // local line can be renewed
    expect(actionApplies(byName('Ibux'), 'discontinue', TODAY)).toBe(true);
  });

  it('"forny" applies to a PLL entry whose stop is planned for a later day, not once that day has come', () => {
    const losec = byName('Losec');
    const pll = losec.items.pll.map((e) => ({ ...e, discontinued: { at: '2026-12-10' } }));
    const planned = { ...losec, items: { ...losec.items, pll, prescriptions: [], local: [] } };
    expect(actionApplies(planned, 'renew', '2026-12-09')).toBe(true);
    expect(actionApplies(planned, 'renew', '2026-12-10')).toBe(false);
  });

  it('a read is stale after 4 hours, and when its time is unknown', () => {
    expect(isStale(read, new Date(NOW.getTime() + 4 * 3600_000))).toBe(false);
    expect(isStale(read, new Date(NOW.getTime() + 4 * 3600_000 + 60_000))).toBe(true);
    expect(isStale({ ...read, rfFetchedAt: undefined as unknown as string }, NOW)).toBe(true);
  });

  it('a medicine known only from a dispensing needs a dosage before it is taken in', () => {
    const onlyDispensed = reconcile({ patient: read.patient, local: [], read: { ...read, pll: [], prescriptions: [] } }, null, NOW).rows;
    expect(onlyDispensed.length).toBeGreaterThan(0);
    for (const r of onlyDispensed) {
      expect(r.status).toBe('dispensed-not-listed');
      expect(needsDosageToTakeIn(r)).toBe(true);
    }
    expect(needsDosageToTakeIn(byName('Losec'))).toBe(false); // PLL gives the dosage
  });
});
