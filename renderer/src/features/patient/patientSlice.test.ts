import { afterEach, describe, expect, it } from 'vitest';
import type { MedicationRead } from '../../../../shared/model';
import type { BrokerClient } from '../../api/broker';
import { BrokerError } from '../../api/errors';
import { makeStore } from '../../app/store';
import { nb } from '../../i18n/nb';
import { signedIn, signedOut } from '../session/sessionSlice';
import { openPatient, patientClosed, warmPatientToken } from './patientSlice';
import { patientTokens } from './tokenCache';

const FNR = '15069396949';

function readFor(identityNumber: string, givenName = 'Kari'): MedicationRead {
  return {
    readId: `read-${identityNumber}-${givenName}`,
    patient: { identityNumber, identityKind: 'FNR', givenName, familyName: 'Nordmann', birthDate: '1993-06-15', sex: 'female' },
    prescriptions: [],
    pll: [],
    dispensings: [],
    criticalInfo: [],
    errors: [],
    rfFetchedAt: '2026-11-26T09:42:00Z',
  };
}

/** A broker whose answers the test releases one by one. */
function controllableBroker() {
  const pending: { identity: string; resolve: (r: MedicationRead) => void; reject: (e: unknown) => void }[] = [];
  const tokensAskedFor: string[] = [];
  const broker: BrokerClient = {
    async getToken(userId) {
      tokensAskedFor.push(userId);
      return null;
    },
    getMedication(identity) {
      return new Promise((resolve, reject) => pending.push({ identity: identity.value, resolve, reject }));
    },
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { broker, pending, tokensAskedFor, settle };
}

function setup() {
  const b = controllableBroker();
  const store = makeStore(undefined, { broker: async () => b.broker });
  store.dispatch(signedIn('gp-kristin'));
  return { store, ...b };
}

describe('opening a patient', () => {
  it('goes loading → loaded and keeps the read', async () => {
    const { store, pending, settle, tokensAskedFor } = setup();
    const done = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient).toMatchObject({ status: 'loading', identityNumber: FNR, read: null });
    await settle();
    expect(tokensAskedFor).toEqual(['gp-kristin']);
    pending[0]!.resolve(readFor(FNR));
    await done;
    expect(store.getState().patient).toMatchObject({ status: 'loaded', error: null });
    expect(store.getState().patient.read?.patient.givenName).toBe('Kari');
  });

  it('a failed refresh removes the earlier read instead of showing stale data', async () => {
    const { store, pending, settle } = setup();
    const first = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await settle();
    pending[0]!.resolve(readFor(FNR));
    await first;
    const second = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient.read).toBeNull();
    await settle();
    pending[1]!.reject(new BrokerError({ kind: 'network', message: nb.errors.network }));
    await second;
    expect(store.getState().patient).toMatchObject({ status: 'error', read: null, error: { kind: 'network', message: nb.errors.network } });
  });

  it('ignores the answer of an older request when a newer one was started', async () => {
    const { store, pending, settle } = setup();
    const other = '05058000061';
    const a = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await settle();
    const b = store.dispatch(openPatient({ identityNumber: other, kind: 'FNR' }));
    await settle();
    pending[1]!.resolve(readFor(other, 'Ola'));
    await b;
    pending[0]!.resolve(readFor(FNR));
    await a;
    expect(store.getState().patient.identityNumber).toBe(other);
    expect(store.getState().patient.read?.patient.givenName).toBe('Ola');
  });

  it('signing out clears the patient, and a late answer does not bring it back', async () => {
    const { store, pending, settle } = setup();
    const a = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await settle();
    store.dispatch(signedOut());
    pending[0]!.resolve(readFor(FNR));
    await a;
    expect(store.getState().session.userId).toBeNull();
    expect(store.getState().patient).toMatchObject({ identityNumber: null, status: 'idle', read: null });
  });

  it('refuses to open a patient without a signed-in user', async () => {
    const b = controllableBroker();
    const store = makeStore(undefined, { broker: async () => b.broker });
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient.error).toEqual({ kind: 'no-session', message: nb.errors.noSession });
    expect(b.tokensAskedFor).toEqual([]);
  });

  it('reports a broken platform (no broker address) in Norwegian', async () => {
    const store = makeStore(undefined, {
      broker: async () => {
        const e = new Error('no http origin');
        e.name = 'PlatformError';
        throw e;
      },
    });
    store.dispatch(signedIn('gp-kristin'));
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient.error).toMatchObject({ kind: 'platform', message: nb.errors.platform });
  });

  it('closing the patient empties the screen', async () => {
    const { store, pending, settle } = setup();
    const a = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await settle();
    pending[0]!.resolve(readFor(FNR));
    await a;
    store.dispatch(patientClosed());
    expect(store.getState().patient).toMatchObject({ identityNumber: null, read: null, status: 'idle' });
  });
});

describe('the token for opening patients', () => {
  afterEach(() => patientTokens.forget());

  const b64url = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  /** A broker that issues JWT-shaped tokens (valid for an hour) and answers with `refuse`'s error when it gives one. */
  function tokenBroker(refuse: (token: string | null) => BrokerError | null = () => null) {
    let n = 0;
    const tokens: string[] = [];
    const reads: (string | null)[] = [];
    const broker: BrokerClient = {
      async getToken(userId) {
        const t = `${b64url({ alg: 'ES256' })}.${b64url({ sub: userId, exp: Math.floor(Date.now() / 1000) + 3600, n: n++ })}.sig`;
        tokens.push(t);
        return t;
      },
      async getMedication(identity, token) {
        reads.push(token);
        const err = refuse(token);
        if (err) throw err;
        return readFor(identity.value);
      },
    };
    const store = makeStore(undefined, { broker: async () => broker });
    store.dispatch(signedIn('gp-kristin'));
    return { store, tokens, reads };
  }

  it('the second open reuses the token: one round trip to the broker instead of two', async () => {
    const { store, tokens, reads } = tokenBroker();
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient.status).toBe('loaded');
    expect(tokens).toHaveLength(1);
    expect(reads).toEqual([tokens[0], tokens[0]]);
  });

  it('with a kept token the request is on its way as soon as the open is dispatched', async () => {
    const { store, reads } = tokenBroker();
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    const second = store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(reads).toHaveLength(2); // before any await: not after the loading state has rendered
    await second;
  });

  it('a token fetched ahead (while typing) is the one the first open uses', async () => {
    const { store, tokens, reads } = tokenBroker();
    store.dispatch(warmPatientToken());
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(tokens).toHaveLength(1);
    expect(reads).toEqual([tokens[0]]);
  });

  it('a kept token the broker refuses (401) is replaced once, and the patient opens', async () => {
    let revoked: string | null = null;
    const { store, tokens, reads } = tokenBroker((t) => (t === revoked ? new BrokerError({ kind: 'unauthorized', message: nb.errors.unauthorized, status: 401 }) : null));
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    revoked = tokens[0]!;
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient).toMatchObject({ status: 'loaded', error: null });
    expect(tokens).toHaveLength(2);
    expect(reads).toEqual([tokens[0], tokens[0], tokens[1]]);
  });

  it('a refusal of a fresh token, or a 403, is shown at once and not retried', async () => {
    const { store, reads } = tokenBroker(() => new BrokerError({ kind: 'unauthorized', message: nb.errors.unauthorized, status: 401 }));
    await store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(store.getState().patient.error).toMatchObject({ kind: 'unauthorized' });
    expect(reads).toHaveLength(1);

    patientTokens.forget();
    let calls = 0;
    const forbidden = tokenBroker(() => (calls++ === 0 ? null : new BrokerError({ kind: 'unauthorized', message: nb.errors.unauthorized, status: 403, emergencyAccessRequired: true })));
    await forbidden.store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    await forbidden.store.dispatch(openPatient({ identityNumber: FNR, kind: 'FNR' }));
    expect(forbidden.store.getState().patient.error).toMatchObject({ kind: 'unauthorized', emergencyAccessRequired: true });
    expect(forbidden.reads).toHaveLength(2);
  });
});
