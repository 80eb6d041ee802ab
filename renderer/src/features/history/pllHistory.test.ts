import { afterEach, describe, expect, it } from 'vitest';
import { showcase } from '../reconcile/testSupport';
import { diffPll, recordRead, resetHistoryForTests, versionsFor } from './pllHistory';

afterEach(() => resetHistoryForTests());

describe('PLL history', () => {
  it('keeps one version per M25.1 MsgId, oldest first', () => {
    const { read } = showcase();
    recordRead(read);
    recordRead({ ...read, readId: 'again' }); // same PLL read twice
    expect(versionsFor(read.patient.identityNumber)).toHaveLength(1);
    recordRead({ ...read, pllMessageId: 'm2' });
    expect(versionsFor(read.patient.identityNumber).map((v) => v.messageId)).toEqual([read.pllMessageId, 'm2']);
    recordRead({ ...read, pllMessageId: undefined as unknown as string }); // no PLL: nothing to record
    expect(versionsFor(read.patient.identityNumber)).toHaveLength(2);
  });

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
