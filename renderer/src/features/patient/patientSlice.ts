// Workflow state of the patient on screen: which patient is being opened, the status of the read
// and the read itself (server data that is not stored in Dexie). Cleared on sign-out and on every
// new open, so a failure never leaves an older read on screen.

import { createAsyncThunk, createSlice, type ThunkAction, type UnknownAction } from '@reduxjs/toolkit';
import type { IdentityKind, MedicationRead } from '../../../../shared/model';
import { BrokerError, toErrorInfo, type BrokerErrorInfo } from '../../api/errors';
import type { ThunkExtra } from '../../app/extra';
import type { BrokerClient } from '../../api/broker';
import { nb } from '../../i18n/nb';
import { signedOut, type SessionState } from '../session/sessionSlice';
import { patientTokens } from './tokenCache';

export interface PatientState {
  /** The identity number asked for, or null when no patient is open. */
  identityNumber: string | null;
  identityKind: IdentityKind | null;
  status: 'idle' | 'loading' | 'loaded' | 'error';
  /** requestId of the read in flight; answers to any other request are ignored. */
  requestId: string | null;
  read: MedicationRead | null;
  error: BrokerErrorInfo | null;
  /** Set when the open was made under emergency access (issue 7): the reason given. */
  emergencyReason?: string | null;
}

const initialState: PatientState = {
  identityNumber: null,
  identityKind: null,
  status: 'idle',
  requestId: null,
  read: null,
  error: null,
};

export interface OpenPatientArg {
  identityNumber: string;
  kind: IdentityKind;
  /** Emergency access outside the care relationship: the reason, sent to the broker and logged. */
  emergencyReason?: string;
}

/** Broker clients already resolved, per thunk extra (the app has one; tests bring their own). */
const knownBrokers = new WeakMap<ThunkExtra, BrokerClient>();

export const openPatient = createAsyncThunk<
  MedicationRead,
  OpenPatientArg,
  { state: { session: SessionState; patient: PatientState }; extra: ThunkExtra; rejectValue: BrokerErrorInfo }
>('patient/open', async (arg, { getState, extra, rejectWithValue }) => {
  const userId = getState().session.userId;
  if (!userId) return rejectWithValue({ kind: 'no-session', message: nb.errors.noSession });
  try {
    // With the client and a valid token at hand, the request leaves before React renders the
    // loading state (that render runs in a microtask after this dispatch), not after it.
    const broker = knownBrokers.get(extra) ?? (await extra.broker());
    knownBrokers.set(extra, broker);
    const read = async (token: string | null) =>
      broker.getMedication({ value: arg.identityNumber, kind: arg.kind }, token, arg.emergencyReason ? { emergencyReason: arg.emergencyReason } : undefined);
    const kept = patientTokens.peek(userId);
    const { token, fresh } = kept !== undefined ? { token: kept, fresh: false } : await patientTokens.get(userId, () => broker.getToken(userId));
    try {
      return await read(token);
    } catch (err) {
      // A kept token the broker no longer accepts (expired early, new signing key): once more with a fresh one.
      if (fresh || !(err instanceof BrokerError) || err.info.status !== 401) throw err;
      patientTokens.forget(userId);
      return await read((await patientTokens.get(userId, () => broker.getToken(userId))).token);
    }
  } catch (err) {
    return rejectWithValue(toErrorInfo(err));
  }
});

/**
 * Fetches the signed-in user's token ahead of the first open (from the search field), so the
 * first patient opened does not wait for it. Failures are left to the open, which reports them.
 */
export const warmPatientToken = (): ThunkAction<void, { session: SessionState }, ThunkExtra, UnknownAction> => (_dispatch, getState, extra) => {
  const userId = getState().session.userId;
  if (!userId) return;
  void extra
    .broker()
    .then((broker) => patientTokens.get(userId, () => broker.getToken(userId)))
    .catch(() => undefined);
};

export const patientSlice = createSlice({
  name: 'patient',
  initialState,
  reducers: {
    patientClosed: () => initialState,
  },
  extraReducers: (builder) => {
    builder
      .addCase(openPatient.pending, (state, action) => {
        state.identityNumber = action.meta.arg.identityNumber;
        state.identityKind = action.meta.arg.kind;
        state.status = 'loading';
        state.requestId = action.meta.requestId;
        state.read = null;
        state.error = null;
        state.emergencyReason = action.meta.arg.emergencyReason ?? null;
      })
      .addCase(openPatient.fulfilled, (state, action) => {
        if (state.requestId !== action.meta.requestId) return;
        state.status = 'loaded';
        state.requestId = null;
        state.read = action.payload;
      })
      .addCase(openPatient.rejected, (state, action) => {
        if (state.requestId !== action.meta.requestId) return;
        state.status = 'error';
        state.requestId = null;
        state.read = null;
        state.error = action.payload ?? { kind: 'unexpected', message: nb.errors.unexpected, detail: action.error.message ?? '' };
      })
      .addCase(signedOut, () => initialState);
  },
  selectors: {
    selectPatient: (s) => s,
    selectRead: (s) => s.read,
  },
});

export const { patientClosed } = patientSlice.actions;
export const { selectPatient, selectRead } = patientSlice.selectors;
