// Sign and send: the plan the user confirmed, its one Idempotency-Key and the exact body, the
// broker's answer. Workflow state only; the local list after the send is written to Dexie.
import { createAsyncThunk, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { writeSendMedicationRequest, type SendPlan, type SendResult } from '../../../../shared/fhir/sendMedication';
import type { LocalListEntry, MedicationRead } from '../../../../shared/model';
import type { ReconcileRow } from '../../../../shared/reconcile';
import { toErrorInfo, type BrokerErrorInfo } from '../../api/errors';
import type { ThunkExtra } from '../../app/extra';
import { platform } from '../../platform';
import { nb } from '../../i18n/nb';
import { openPatient, type PatientState } from '../patient/patientSlice';
import { signedOut, type SessionState } from '../session/sessionSlice';
import { rowFingerprint, workspaceCleared } from '../reconcile/workspaceSlice';
import { createSendClient, SendConflict, type SendClient } from './sendClient';
import { appDb, keysOf, saveLocalEntries } from '../../db/db';
import { connectivity, reportBrokerReachable } from '../offline/connectivity';
import { queueSend, settleQueued, supersedeReworked, type QueuedSend } from '../offline/outbox';

export interface SendExtra {
  sendClient(): Promise<SendClient>;
  /**
   * Writes the local list after a successful send. In the app: sealed (encrypted at rest) through
   * `saveLocalEntries`; fails loudly when the vault is not open, never falls back to clear text.
   */
  saveLocal(entries: LocalListEntry[]): Promise<void>;
  /** Stores the send and its local change in the outbox, in one transaction (sealed). */
  queueOutbox(q: QueuedSend): Promise<void>;
  /** The send flow got an answer for a queued send itself: the outbox must not send it again. */
  settleOutbox(key: string, outcome: { kind: 'sent' } | { kind: 'conflict'; detail: string }): Promise<void>;
  /** Whether the app believes it can reach the broker (offline: straight to the outbox). */
  isOnline(): boolean;
  /** What the attempt showed about the connection: any answer = reachable; network/timeout = not (the offline banner shows). */
  reportReachable(reachable: boolean): void;
  /** A send was registered: outbox conflicts of the patient the doctor chose to rework are replaced by it. */
  supersedeOutbox(patientId: string, sentKey: string, madeAt: Date): Promise<string[]>;
}

export const defaultSendExtra: SendExtra = {
  async sendClient() {
    const info = await platform().getAppInfo();
    return createSendClient(info.brokerUrl);
  },
  saveLocal(entries) {
    return saveLocalEntries(appDb(), entries);
  },
  async queueOutbox(q) {
    const db = appDb();
    const keys = keysOf(db);
    if (!keys) throw new Error(nb.outbox.vaultClosed);
    await queueSend(db, keys, q);
  },
  settleOutbox(key, outcome) {
    return settleQueued(appDb(), key, outcome);
  },
  isOnline() {
    return connectivity().online;
  },
  reportReachable(reachable) {
    reportBrokerReachable(reachable);
  },
  async supersedeOutbox(patientId, sentKey, madeAt) {
    const db = appDb();
    const keys = keysOf(db);
    return keys ? supersedeReworked(db, keys, patientId, sentKey, madeAt) : [];
  },
};

/** 'queued': offline, the send waits in the outbox (the local list already has the change). */
export type SendPhase = 'idle' | 'review' | 'sending' | 'done' | 'conflict' | 'lost' | 'queued' | 'error';


export interface SendState {
  patientId: string | null;
  phase: SendPhase;
  plan: SendPlan | null;
  /** The $sendMedication body, built once: a retry sends exactly this with the same key. */
  body: unknown;
  idempotencyKey: string | null;
  localAfter: LocalListEntry[] | null;
  readBefore: MedicationRead | null;
  rowsBefore: Record<string, string> | null;
  result: SendResult | null;
  error: BrokerErrorInfo | null;
  conflictDetail: string | null;
  /** Set when RF accepted the send but the local list could not be written. */
  localSaveError: string | null;
  /** The send (with its key and the local change) is in the outbox; OutboxRunner sends it when online. */
  queued: boolean;
  /** Why it could not be put in the outbox (then only a retry by hand sends it). */
  queueError: string | null;
  /** Refused outbox sends of this patient (the doctor chose to reconcile anew) that this send replaced. */
  superseded: number;
  /** When the user confirmed the plan (ISO): the time the send was made. */
  preparedAt: string | null;
  attempts: number;
}

const initialState: SendState = {
  patientId: null,
  phase: 'idle',
  plan: null,
  body: null,
  idempotencyKey: null,
  localAfter: null,
  readBefore: null,
  rowsBefore: null,
  result: null,
  error: null,
  conflictDetail: null,
  localSaveError: null,
  queued: false,
  queueError: null,
  superseded: 0,
  preparedAt: null,
  attempts: 0,
};

type State = { session: SessionState; patient: PatientState; send: SendState };
type Extra = ThunkExtra & Partial<SendExtra>;

export const submitSend = createAsyncThunk<SendResult, void, { state: State; extra: Extra; rejectValue: { conflict?: string; error?: BrokerErrorInfo; queued?: true } }>(
  'send/submit',
  async (_arg, { getState, extra, rejectWithValue, dispatch }) => {
    const s = getState().send;
    const userId = getState().session.userId;
    if (!userId) return rejectWithValue({ error: { kind: 'no-session', message: nb.errors.noSession } });
    if (!s.body || !s.idempotencyKey || !s.patientId) return rejectWithValue({ error: { kind: 'unexpected', message: nb.errors.unexpected, detail: 'Ingen sending er forberedt' } });
    const ex: SendExtra = { ...defaultSendExtra, ...extra };
    const patientId = s.patientId;
    /** Puts the send in the outbox once (same key, same body, the local change in the same transaction). */
    const queue = async (): Promise<boolean> => {
      if (getState().send.queued) return true;
      try {
        await ex.queueOutbox({ idempotencyKey: s.idempotencyKey!, patientId, body: s.body, localAfter: s.localAfter ?? [] });
        dispatch(sendSlice.actions.sendQueued());
        // The local list has the change and the outbox will send it: the decisions are done with,
        // so the same change cannot be sent a second time under a new key.
        dispatch(workspaceCleared({ patientId }));
        return true;
      } catch (err) {
        dispatch(sendSlice.actions.queueFailed(err instanceof Error ? err.message : String(err)));
        return false;
      }
    };
    if (!s.queued && !ex.isOnline()) {
      if (await queue()) return rejectWithValue({ queued: true });
      return rejectWithValue({ error: { kind: 'network', message: nb.errors.network } });
    }
    let result: SendResult;
    try {
      const token = await (await extra.broker()).getToken(userId);
      result = await (await ex.sendClient()).send(s.body, s.idempotencyKey, token);
    } catch (err) {
      if (err instanceof SendConflict) {
        ex.reportReachable(true);
        if (s.queued) await ex.settleOutbox(s.idempotencyKey, { kind: 'conflict', detail: err.detail }).catch(() => undefined);
        // RF changed (or the read is too old): read again; the view shows what changed.
        const read = s.readBefore;
        if (read) void dispatch(openPatient({ identityNumber: read.patient.identityNumber, kind: read.patient.identityKind }));
        return rejectWithValue({ conflict: err.detail });
      }
      const info = toErrorInfo(err);
      const unreachable = info.kind === 'network' || info.kind === 'timeout';
      // Only an answer from the broker proves it is there; a local failure says nothing either way.
      if (unreachable) ex.reportReachable(false);
      else if (info.kind !== 'no-session' && info.kind !== 'platform' && info.kind !== 'unexpected') ex.reportReachable(true);
      // The answer did not come (or the connection is gone): the send also waits in the outbox.
      if (unreachable) await queue();
      return rejectWithValue({ error: info });
    }
    ex.reportReachable(true);
    if (s.queued) await ex.settleOutbox(s.idempotencyKey, { kind: 'sent' }).catch(() => undefined);
    // Refused outbox sends the doctor chose to reconcile anew are replaced by this one (never others).
    const superseded = await ex.supersedeOutbox(patientId, s.idempotencyKey, new Date(s.preparedAt ?? Date.now())).catch(() => [] as string[]);
    if (superseded.length > 0) dispatch(sendSlice.actions.outboxSuperseded(superseded.length));
    if (s.localAfter) {
      // RF has the send now; a local failure must not read as "not sent".
      try {
        await ex.saveLocal(s.localAfter);
      } catch (err) {
        dispatch(sendSlice.actions.localSaveFailed(err instanceof Error ? err.message : String(err)));
      }
    }
    dispatch(workspaceCleared({ patientId: s.patientId }));
    const read = s.readBefore;
    if (read) void dispatch(openPatient({ identityNumber: read.patient.identityNumber, kind: read.patient.identityKind }));
    return result;
  },
);

export const sendSlice = createSlice({
  name: 'send',
  initialState,
  reducers: {
    sendPrepared: {
      reducer(state, action: PayloadAction<{ patientId: string; plan: SendPlan; body: unknown; idempotencyKey: string; localAfter: LocalListEntry[]; readBefore: MedicationRead; rowsBefore: Record<string, string>; preparedAt: string }>) {
        return { ...initialState, ...action.payload, phase: 'review' };
      },
      prepare(arg: { patientId: string; plan: SendPlan; localAfter: LocalListEntry[]; readBefore: MedicationRead; rows: ReconcileRow[] }) {
        const { rows, ...rest } = arg;
        return {
          payload: {
            ...rest,
            body: writeSendMedicationRequest(arg.plan) as unknown,
            idempotencyKey: globalThis.crypto.randomUUID(),
            rowsBefore: Object.fromEntries(rows.map((r) => [r.id, rowFingerprint(r)])),
            preparedAt: new Date().toISOString(),
          },
        };
      },
    },
    sendClosed: () => initialState,
    localSaveFailed(state, action: PayloadAction<string>) {
      state.localSaveError = action.payload;
    },
    sendQueued(state) {
      state.queued = true;
      state.queueError = null;
    },
    queueFailed(state, action: PayloadAction<string>) {
      state.queueError = action.payload;
    },
    outboxSuperseded(state, action: PayloadAction<number>) {
      state.superseded = action.payload;
    },
  },
  extraReducers: (builder) => {
    builder
      .addCase(submitSend.pending, (state) => {
        state.phase = 'sending';
        state.attempts += 1;
        state.error = null;
      })
      .addCase(submitSend.fulfilled, (state, action) => {
        state.phase = 'done';
        state.result = action.payload;
      })
      .addCase(submitSend.rejected, (state, action) => {
        const v = action.payload;
        if (v?.queued) {
          state.phase = 'queued';
        } else if (v?.conflict !== undefined) {
          state.phase = 'conflict';
          state.conflictDetail = v.conflict;
        } else if (v?.error && (v.error.kind === 'network' || v.error.kind === 'timeout')) {
          state.phase = 'lost';
          state.error = v.error;
        } else {
          state.phase = 'error';
          state.error = v?.error ?? { kind: 'unexpected', message: nb.errors.unexpected, detail: action.error.message ?? '' };
        }
      })
      .addCase(signedOut, () => initialState);
  },
});

export const { sendPrepared, sendClosed } = sendSlice.actions;
export const selectSend = (s: { send: SendState }) => s.send;

/** After a conflict: the rows whose situation is unchanged, so their decisions still apply. */
export function rowsStillApplying(rowsBefore: Record<string, string>, rowsNow: readonly ReconcileRow[]): string[] {
  return rowsNow.filter((r) => rowsBefore[r.id] === rowFingerprint(r)).map((r) => r.id);
}
