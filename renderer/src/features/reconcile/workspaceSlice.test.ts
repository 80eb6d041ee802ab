import { describe, expect, it } from 'vitest';
import { decide, NEEDS_DECISION, reconcile } from '../../../../shared/reconcile';
import { makeStore } from '../../app/store';
import { signedIn, signedOut } from '../session/sessionSlice';
import { showcase, NOW } from './testSupport';
import { decisionCleared, decisionSet, decisionsFor, decisionsKept, effectiveDecisions, newLineAdded, progressOf, rowFingerprint, selectWorkspace, workspaceCleared } from './workspaceSlice';

const sender = { name: 'Kristin Berg', hpr: '9144897' };
let n = 0;
const newId = () => `id-${++n}`;

function rowsOfShowcase() {
  const { read, local } = showcase();
  return { read, local, rows: reconcile({ patient: read.patient, local, read }, null, NOW).rows };
}

describe('decisions in progress', () => {
  it('are kept per patient, one per row, and a new decision on a row replaces the old', () => {
    const store = makeStore();
    store.dispatch(signedIn('gp-kristin'));
    store.dispatch(decisionSet({ patientId: 'A', decision: { rowId: 'r1', kind: 'keep' } }));
    store.dispatch(decisionSet({ patientId: 'A', decision: { rowId: 'r1', kind: 'not-taking' } }));
    store.dispatch(decisionSet({ patientId: 'B', decision: { rowId: 'r1', kind: 'renew' } }));
    expect(selectWorkspace(store.getState(), 'A').decisions).toEqual({ r1: { rowId: 'r1', kind: 'not-taking' } });
    expect(selectWorkspace(store.getState(), 'B').decisions.r1?.kind).toBe('renew');
    store.dispatch(decisionCleared({ patientId: 'A', rowId: 'r1' }));
    expect(selectWorkspace(store.getState(), 'A').decisions).toEqual({});
    expect(selectWorkspace(store.getState(), 'B').decisions.r1?.kind).toBe('renew');
  });

  it('are dropped on sign-out and when the workspace is cleared', () => {
    const store = makeStore();
    store.dispatch(decisionSet({ patientId: 'A', decision: { rowId: 'r1', kind: 'keep' } }));
    store.dispatch(decisionSet({ patientId: 'B', decision: { rowId: 'r1', kind: 'keep' } }));
    store.dispatch(workspaceCleared({ patientId: 'A' }));
    expect(selectWorkspace(store.getState(), 'A').decisions).toEqual({});
    expect(selectWorkspace(store.getState(), 'B').decisions).not.toEqual({});
    store.dispatch(signedOut());
    expect(store.getState().workspace.byPatient).toEqual({});
  });

  it('after a new read keep only the rows named', () => {
    const store = makeStore();
    for (const id of ['a', 'b', 'c']) store.dispatch(decisionSet({ patientId: 'P', decision: { rowId: id, kind: 'keep' } }));
    store.dispatch(decisionsKept({ patientId: 'P', rowIds: ['b', 'x'] }));
    expect(Object.keys(selectWorkspace(store.getState(), 'P').decisions)).toEqual(['b']);
  });

  it('count progress against the rows that need a position, and unblock decide() once all have one', () => {
    const { read, local, rows } = rowsOfShowcase();
    const store = makeStore();
    const required = rows.filter((r) => NEEDS_DECISION.has(r.status));
    expect(required.length).toBeGreaterThan(0);
    const ctx = { read, local, now: NOW, sender, newId };
    expect(decide(rows, decisionsFor(selectWorkspace(store.getState(), read.patient.identityNumber), rows), ctx).blockers.some((b) => b.code === 'undecided')).toBe(true);

    for (const r of required) {
      const kind = r.items.local.length === 0 ? 'take-into-local' : r.status === 'recalled-but-active-locally' ? 'not-taking' : 'keep';
      store.dispatch(decisionSet({ patientId: read.patient.identityNumber, decision: { rowId: r.id, kind } }));
    }
    const ws = selectWorkspace(store.getState(), read.patient.identityNumber);
    expect(progressOf(ws, rows)).toEqual({ decided: required.length, total: rows.length, required: required.length, requiredDecided: required.length });
    const result = decide(rows, decisionsFor(ws, rows), ctx);
    expect(result.blockers.filter((b) => b.code === 'undecided')).toEqual([]);
  });

  it('give decide() the new lines and ignore decisions on rows that are gone', () => {
    const { rows } = rowsOfShowcase();
    const store = makeStore();
    store.dispatch(decisionSet({ patientId: 'P', decision: { rowId: 'gone', kind: 'keep' } }));
    store.dispatch(decisionSet({ patientId: 'P', decision: { rowId: rows[0]!.id, kind: 'keep' } }));
    store.dispatch(newLineAdded({ patientId: 'P', line: { kind: 'new', rowId: 'new:1', medicine: { name: 'Paracet tab 500 mg', kind: 'brand' }, dosage: { text: '1 tablett' }, use: '3' } }));
    const ds = decisionsFor(selectWorkspace(store.getState(), 'P'), rows);
    expect(ds.map((d) => d.rowId)).toEqual([rows[0]!.id, 'new:1']);
  });

  it('stop applying when a new read changes the row they were taken on', () => {
    const { read, local, rows } = rowsOfShowcase();
    const store = makeStore();
    const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
    const marevan = rows.find((r) => r.name.startsWith('Marevan'))!;
    for (const r of [selo, marevan]) store.dispatch(decisionSet({ patientId: 'P', decision: { rowId: r.id, kind: 'keep' }, fingerprint: rowFingerprint(r) }));
    expect(Object.keys(effectiveDecisions(selectWorkspace(store.getState(), 'P'), rows)).sort()).toEqual([selo.id, marevan.id].sort());
    // Someone recalls Selo-Zok in RF; the next read shows it.
    const changed = { ...read, prescriptions: read.prescriptions.map((p) => (p.medicine.name.startsWith('Selo-Zok') ? { ...p, status: 'T' as const, recall: { reason: '2' as const } } : p)) };
    const newRows = reconcile({ patient: read.patient, local, read: changed }, null, NOW).rows;
    const ws = selectWorkspace(store.getState(), 'P');
    expect(Object.keys(effectiveDecisions(ws, newRows))).toEqual([marevan.id]);
    expect(progressOf(ws, newRows).decided).toBe(1);
  });
});
