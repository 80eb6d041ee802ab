import { describe, expect, it } from 'vitest';
import { showcase } from '../reconcile/testSupport';
import { diffPll } from './pllHistory';

describe('PLL history', () => {
  it('says entry by entry what changed, matched on LibId', () => {
    const { read } = showcase();
    const before = read.pll;
    const [first, second, ...rest] = before;
    const after = [
      { ...first!, dosage: { text: '1 tablett morgen' }, lastChanged: '2026-11-26T10:00:00Z', prescriber: { name: 'Kristin Berg' } },
      { ...second!, discontinued: { at: '2026-11-26T10:00:00Z', reason: 'A', by: { name: 'Kristin Berg' } }, lastChanged: '2026-11-26T10:00:00Z' },
      ...rest.slice(1),
      { ...first!, libId: 'new-lib', medicine: { name: 'Ibux tab 400 mg', kind: 'brand' as const } },
    ];
    const changes = diffPll(before, after);
    expect(changes.find((c) => c.libId === first!.libId)).toMatchObject({ change: 'changed', by: 'Kristin Berg', fields: [['Dosering', first!.dosage.text, '1 tablett morgen']] });
    expect(changes.find((c) => c.libId === second!.libId)?.change).toBe('discontinued');
    expect(changes.find((c) => c.libId === 'new-lib')?.change).toBe('added');
    expect(changes.find((c) => c.libId === rest[0]!.libId)?.change).toBe('removed');
    expect(diffPll(before, before)).toEqual([]);
  });
});
