// Decisions in progress on the reconciliation workspace: Redux workflow state, one record per
// patient so switching patients never mixes decisions. The rows themselves are computed (from the
// local list in Dexie and the last read); only what the user decided lives here.

import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Decision, ReconcileRow } from '../../../../shared/reconcile';
import { NEEDS_DECISION } from '../../../../shared/reconcile';
import { signedOut } from '../session/sessionSlice';

export type RowDecision = Exclude<Decision, { kind: 'new' }>;
export type NewLine = Extract<Decision, { kind: 'new' }> & { rowId: string };

export interface PatientWorkspace {
  /** rowId → the one decision on that row. */
  decisions: Record<string, RowDecision>;
  /** New prescriptions added from the catalogue, in the order added. */
  newLines: NewLine[];
}

export interface WorkspaceState {
  byPatient: Record<string, PatientWorkspace>;
}

const initialState: WorkspaceState = { byPatient: {} };
const empty = (): PatientWorkspace => ({ decisions: {}, newLines: [] });

export const workspaceSlice = createSlice({
  name: 'workspace',
  initialState,
  reducers: {
    decisionSet(state, action: PayloadAction<{ patientId: string; decision: RowDecision }>) {
      const ws = (state.byPatient[action.payload.patientId] ??= empty());
      ws.decisions[action.payload.decision.rowId] = action.payload.decision;
    },
    decisionCleared(state, action: PayloadAction<{ patientId: string; rowId: string }>) {
      const ws = state.byPatient[action.payload.patientId];
      if (ws) delete ws.decisions[action.payload.rowId];
    },
    newLineAdded(state, action: PayloadAction<{ patientId: string; line: NewLine }>) {
      const ws = (state.byPatient[action.payload.patientId] ??= empty());
      ws.newLines.push(action.payload.line);
    },
    newLineRemoved(state, action: PayloadAction<{ patientId: string; rowId: string }>) {
      const ws = state.byPatient[action.payload.patientId];
      if (ws) ws.newLines = ws.newLines.filter((l) => l.rowId !== action.payload.rowId);
    },
    /** Keep only the decisions on the given rows (after a new read: the rest no longer apply). */
    decisionsKept(state, action: PayloadAction<{ patientId: string; rowIds: string[] }>) {
      const ws = state.byPatient[action.payload.patientId];
      if (!ws) return;
      const keep = new Set(action.payload.rowIds);
      for (const id of Object.keys(ws.decisions)) if (!keep.has(id)) delete ws.decisions[id];
    },
    workspaceCleared(state, action: PayloadAction<{ patientId: string }>) {
      delete state.byPatient[action.payload.patientId];
    },
  },
  extraReducers: (builder) => {
    builder.addCase(signedOut, () => initialState);
  },
});

export const { decisionSet, decisionCleared, newLineAdded, newLineRemoved, decisionsKept, workspaceCleared } = workspaceSlice.actions;

const EMPTY: PatientWorkspace = empty();

export function selectWorkspace(state: { workspace: WorkspaceState }, patientId: string | null): PatientWorkspace {
  return (patientId && state.workspace.byPatient[patientId]) || EMPTY;
}

/** The decisions as `decide()` takes them: row decisions that still have a row, then new lines. */
export function decisionsFor(ws: PatientWorkspace, rows: readonly ReconcileRow[]): Decision[] {
  const ids = new Set(rows.map((r) => r.id));
  return [...Object.values(ws.decisions).filter((d) => ids.has(d.rowId)), ...ws.newLines];
}

export interface Progress {
  /** Rows with a decision. */
  decided: number;
  total: number;
  /** Rows that need a position before sending, and how many of them have one. */
  required: number;
  requiredDecided: number;
}

export function progressOf(ws: PatientWorkspace, rows: readonly ReconcileRow[]): Progress {
  let decided = 0;
  let required = 0;
  let requiredDecided = 0;
  for (const r of rows) {
    const has = r.id in ws.decisions;
    if (has) decided++;
    if (NEEDS_DECISION.has(r.status)) {
      required++;
      if (has) requiredDecided++;
    }
  }
  return { decided, total: rows.length, required, requiredDecided };
}
