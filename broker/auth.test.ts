import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile, tokenFor } from './testing';
import users from '../fixtures/users.json';
import './testing-fhir';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('mock HelseID and the audit log', () => {
  const tmp = tempDbFile();
  let clock = new Date('2026-11-26T08:00:00Z');
  let broker: RunningBroker;
  const getMed = (id: string, headers: Record<string, string>) => postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody(id), headers);

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo', now: () => clock });
  });
  afterAll(async () => {
    await broker.stop();
    tmp.cleanup();
  });

  it('issues a token for every test user and refuses unknown users', async () => {
    for (const u of users) {
      const r = await fetch(`${broker.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: u.id }) });
      expect(r.status).toBe(200);
      const body = (await r.json()) as Json;
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(3600);
      expect(body.user.hpr).toBe(u.hpr);
      const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
      expect(claims.sub).toBe(u.id);
      expect(claims['helseid://claims/hpr/hpr_number']).toBe(u.hpr);
    }
    const bad = await fetch(`${broker.url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'mallory' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).issue[0].diagnostics).toMatch(/Ukjent bruker/);
  });

  it('refuses FHIR requests without a valid token with 401 OperationOutcome, but serves metadata', async () => {
    const none = await getMed('14034827061', {});
    expect(none.status).toBe(401);
    expect((none.json as Json).resourceType).toBe('OperationOutcome');
    expect((none.json as Json).issue[0].diagnostics).toMatch(/ikke logget inn/);
    const garbage = await getMed('14034827061', { authorization: 'Bearer abc.def.ghi' });
    expect(garbage.status).toBe(401);
    expect((await fetch(`${broker.url}/fhir/metadata`)).status).toBe(200);
    expect((await fetch(`${broker.url}/audit?patient=14034827061`)).status).toBe(401);
  });

  it('refuses a token signed by another broker (each database has its own key)', async () => {
    const other = tempDbFile();
    const b2 = await startBroker({ dbFile: other.file, seed: 'demo', now: () => clock });
    try {
      const foreign = await tokenFor(b2.url);
      expect((await getMed('14034827061', { authorization: `Bearer ${foreign}` })).status).toBe(401);
    } finally {
      await b2.stop();
      other.cleanup();
    }
  });

  it('refuses an expired token and says so', async () => {
    const headers = await authHeader(broker.url);
    expect((await getMed('14034827061', headers)).status).toBe(200);
    clock = new Date(clock.getTime() + 3601_000);
    const r = await getMed('14034827061', headers);
    expect(r.status).toBe(401);
    expect((r.json as Json).issue[0].diagnostics).toMatch(/utløpt/);
  });

  it('logs every read with who, role, organisation, patient, what, when and why, and shows it at /audit', async () => {
    const nurse = await authHeader(broker.url, 'nurse-sigrid');
    const reason = encodeURIComponent('Tilsyn på avdeling, ny beboer');
    expect((await getMed('23013106088', { ...nurse, 'x-request-reason': reason })).status).toBe(200);
    expect((await getMed('08122940188', nurse)).status).toBe(404);
    const r = await fetch(`${broker.url}/audit?patient=23013106088`, { headers: nurse });
    const body = (await r.json()) as Json;
    const last = body.events.at(-1);
    expect(last).toMatchObject({ userId: 'nurse-sigrid', userHpr: '4433221', role: 'nurse', patient: '23013106088', action: 'getMedication', outcome: 'ok', reason: 'Tilsyn på avdeling, ny beboer', at: clock.toISOString() });
    expect(last.organisation).toMatch(/Solsiden/);
    expect(last.readId).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = (await (await fetch(`${broker.url}/audit?patient=08122940188`, { headers: nurse })).json()) as Json;
    expect(unknown.events.at(-1)).toMatchObject({ outcome: 'not-found', userId: 'nurse-sigrid' });
    expect((await fetch(`${broker.url}/audit?patient=123`, { headers: nurse })).status).toBe(400);
  });

  it('logs emergency access as its own kind of event and requires a reason for it', async () => {
    const ooh = await authHeader(broker.url, 'ooh-anders');
    const body = getMedicationBody('27070154264');
    body.parameter.push({ name: 'SamtykkeKjernejournal', valueCode: 'HPAKUTT' } as never);
    const refused = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, body, ooh);
    expect(refused.status).toBe(403);
    expect((refused.json as Json).issue[0].diagnostics).toMatch(/begrunnelse/);
    const ok = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, body, { ...ooh, 'x-request-reason': encodeURIComponent('Bevisstløs pasient i akuttmottak') });
    expect(ok.status).toBe(200);
    const log = (await (await fetch(`${broker.url}/audit?patient=27070154264`, { headers: ooh })).json()) as Json;
    expect(log.events.at(-1)).toMatchObject({ action: 'getMedication:emergency', reason: 'Bevisstløs pasient i akuttmottak', role: 'ooh-doctor', outcome: 'ok' });
    expect(log.events.at(-2)).toMatchObject({ action: 'emergency-access', reason: 'Bevisstløs pasient i akuttmottak', userId: 'ooh-anders', outcome: 'ok' });
  });

  it('keeps the signing key across a restart, so issued tokens stay valid', async () => {
    const file = tempDbFile();
    try {
      const a = await startBroker({ dbFile: file.file, seed: 'demo' });
      const token = await tokenFor(a.url);
      await a.stop();
      const b = await startBroker({ dbFile: file.file });
      const r = await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'), { authorization: `Bearer ${token}` });
      await b.stop();
      expect(r.status).toBe(200);
    } finally {
      file.cleanup();
    }
  });

  it("can run without tokens (auth: 'off')", async () => {
    const file = tempDbFile();
    const b = await startBroker({ dbFile: file.file, seed: 'demo', auth: 'off' });
    try {
      expect((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'))).status).toBe(200);
    } finally {
      await b.stop();
      file.cleanup();
    }
  });
});
