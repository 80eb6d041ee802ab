import { describe, expect, it } from 'vitest';
import { decide, reconcile } from '../../../../shared/reconcile';
import { showcase, NOW } from '../reconcile/testSupport';
import { diffReads, summarisePlan } from './summary';

describe('what a send will do', () => {
  it('lists new prescriptions, recalls with their reason and the PLL entries that change', () => {
    const { read, local } = showcase();
    const rows = reconcile({ patient: read.patient, local, read }, null, NOW).rows;
    const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
    const marevan = rows.find((r) => r.name.startsWith('Marevan'))!;
    let i = 0;
    const { plan } = decide(
      rows,
      [
        { rowId: selo.id, kind: 'change-dose', dosage: { text: '1 tablett morgen' } },
        { rowId: marevan.id, kind: 'discontinue', reason: 'I' },
      ],
      { read, local, now: NOW, sender: { name: 'Kristin Berg', hpr: '9144897' }, newId: () => `n${++i}` },
    );
    const s = summarisePlan(read, plan);
    expect(s.newPrescriptions.map((p) => [p.name, p.dosage, !!p.renews])).toEqual([['Selo-Zok depottab 50 mg', '1 tablett morgen', true]]);
    expect(s.recalls.map((r) => [r.name, r.reason]).sort()).toEqual([
      ['Marevan tab 2,5 mg', '2'],
      ['Selo-Zok depottab 50 mg', '3'],
    ]);
    expect(s.pll.map((e) => [e.name, e.change]).sort()).toEqual([
      ['Marevan tab 2,5 mg', 'discontinued'],
      ['Selo-Zok depottab 50 mg', 'changed'],
    ]);
  });

  it('tells what changed between two reads and who did it', () => {
    const { read } = showcase();
    const after = structuredClone(read);
    const marevan = after.prescriptions.find((p) => p.medicine.name.startsWith('Marevan'))!;
    marevan.status = 'T';
    marevan.recall = { reason: '2', at: '2026-11-26T10:00:00Z' };
    after.pll = after.pll.map((e) => (e.medicine.name.startsWith('Marevan') ? { ...e, discontinued: { at: '2026-11-26T10:00:00Z', reason: 'L', by: { name: 'Dr. Annen' } }, lastChanged: '2026-11-26T10:00:00Z' } : e));
    const changes = diffReads(read, after);
    expect(changes).toContainEqual(expect.objectContaining({ name: 'Marevan tab 2,5 mg', what: 'recalled' }));
    expect(changes).toContainEqual(expect.objectContaining({ name: 'Marevan tab 2,5 mg', what: 'pll-discontinued', by: 'Dr. Annen' }));
    expect(diffReads(read, read)).toEqual([]);
  });
});
