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
  /** rowId → the row's situation when it was decided (see rowFingerprint). */
  fingerprints: Record<string, string>;
  /** New prescriptions added from the catalogue, in the order added. */
  newLines: NewLine[];
}

export interface WorkspaceState {
  byPatient: Record<string, PatientWorkspace>;
}

const initialState: WorkspaceState = { byPatient: {} };
const empty = (): PatientWorkspace => ({ decisions: {}, fingerprints: {}, newLines: [] });

/** What identifies a row's situation; a decision applies only while this is unchanged. */
export const rowFingerprint = (r: ReconcileRow): string => `${r.status}|${r.reseptIds.join(',')}|${r.items.pll.map((p) => p.lastChanged).join(',')}`;

export const workspaceSlice = createSlice({
  name: 'workspace',
  initialState,
  reducers: {
    decisionSet(state, action: PayloadAction<{ patientId: string; decision: RowDecision; fingerprint?: string }>) {
      const ws = (state.byPatient[action.payload.patientId] ??= empty());
      const id = action.payload.decision.rowId;
      ws.decisions[id] = action.payload.decision;
      if (action.payload.fingerprint !== undefined) ws.fingerprints[id] = action.payload.fingerprint;
      else delete ws.fingerprints[id];
    },
    decisionCleared(state, action: PayloadAction<{ patientId: string; rowId: string }>) {
      const ws = state.byPatient[action.payload.patientId];
      if (ws) {
        delete ws.decisions[action.payload.rowId];
        delete ws.fingerprints[action.payload.rowId];
      }
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
      for (const id of Object.keys(ws.decisions)) {
        if (keep.has(id)) continue;
        delete ws.decisions[id];
        delete ws.fingerprints[id];
      }
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

/**
 * The decisions that still apply to these rows: the row exists and, when the decision was taken
 * with a fingerprint, the row's situation is unchanged (a new read where someone else recalled or
 * changed it makes the user decide again).
 */
export function effectiveDecisions(ws: PatientWorkspace, rows: readonly ReconcileRow[]): Record<string, RowDecision> {
  const out: Record<string, RowDecision> = {};
  for (const r of rows) {
    const d = ws.decisions[r.id];
    if (!d) continue;
    const fp = ws.fingerprints?.[r.id];
    if (fp !== undefined && fp !== rowFingerprint(r)) continue;
    out[r.id] = d;
  }
  return out;
}

/** The decisions as `decide()` takes them: row decisions that still apply, then new lines. */
export function decisionsFor(ws: PatientWorkspace, rows: readonly ReconcileRow[]): Decision[] {
  return [...Object.values(effectiveDecisions(ws, rows)), ...ws.newLines];
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
  const decisions = effectiveDecisions(ws, rows);
  let decided = 0;
  let required = 0;
  let requiredDecided = 0;
  for (const r of rows) {
    const has = r.id in decisions;
    if (has) decided++;
    if (NEEDS_DECISION.has(r.status)) {
      required++;
      if (has) requiredDecided++;
    }
  }
  return { decided, total: rows.length, required, requiredDecided };
}
