import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PATIENT = '23013106088';
const OTHER_PATIENT = '14034827061';

interface Entry { seq: number; at: string; userId: string; role: string; action: string; identityNumber?: string; reason?: string; hash: string; prevHash: string }

/** A per-user chain like the client writes: each hash covers the previous hash and the content. */
function chain(userId: string, role: string, items: { action: string; identityNumber?: string; reason?: string }[], from: { seq: number; prevHash: string; at?: number } = { seq: 1, prevHash: '' }): Entry[] {
  let prevHash = from.prevHash;
  const start = from.at ?? Date.parse('2026-11-26T08:00:00.000Z');
  return items.map((item, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    const hash = createHash('sha256').update(JSON.stringify([prevHash, at, userId, role, item])).digest('hex');
    const e: Entry = { seq: from.seq + i, at, userId, role, ...item, hash, prevHash };
    prevHash = hash;
    return e;
  });
}

describe('POST /audit (the client audit log) over HTTP', () => {
  const tmp = tempDbFile();
  let broker: RunningBroker;
  let nurse: Record<string, string>;
  let gp: Record<string, string>;
  const post = async (body: unknown, headers: Record<string, string> = nurse) => {
    const r = await fetch(`${broker.url}/audit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, contentType: r.headers.get('content-type') ?? '', json: (await r.json()) as Json };
  };
  const events = async (patient: string, headers = nurse) => ((await (await fetch(`${broker.url}/audit?patient=${patient}`, { headers })).json()) as Json).events as Json[];
  const diagnostics = (json: Json) => {
    expect(json.resourceType).toBe('OperationOutcome');
    return json.issue[0].diagnostics as string;
  };

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo', now: () => new Date('2026-11-26T08:30:00.000Z') });
    nurse = await authHeader(broker.url, 'nurse-sigrid');
    gp = await authHeader(broker.url, 'gp-kristin');
  });
  afterAll(async () => {
    await broker?.stop();
    tmp.cleanup();
  });

  const sigrid = chain('nurse-sigrid', 'nurse', [
    { action: 'ward-download' },
    { action: 'patient-open', identityNumber: PATIENT, reason: 'Tilsyn' },
    { action: 'patient-view', identityNumber: PATIENT },
    { action: 'print', identityNumber: PATIENT },
  ]);

  it('stores the entries, says which seqs it took and that the chain is continuous; GET /audit shows them for the patient', async () => {
    const r = await post({ entries: sigrid.slice(0, 3) });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accepted: [1, 2, 3], duplicates: [], continuous: true, breaks: [] });
    const log = (await events(PATIENT)).filter((e) => e.source === 'client');
    expect(log).toEqual([
      expect.objectContaining({ source: 'client', seq: 2, action: 'client:patient-open', userId: 'nurse-sigrid', userName: 'Sigrid Moen', role: 'nurse', patient: PATIENT, reason: 'Tilsyn', at: sigrid[1]!.at, chain: 'continuous' }),
      expect.objectContaining({ source: 'client', seq: 3, action: 'client:patient-view', chain: 'continuous' }),
    ]);
    // the entry without a patient is not in any patient's view; another patient's view has none of them
    expect((await events(OTHER_PATIENT)).filter((e) => e.source === 'client')).toEqual([]);
  });

  it('re-shipping the same entries changes nothing, and the next entry continues the chain', async () => {
    const again = await post({ entries: sigrid.slice(0, 3) });
    expect(again.json).toEqual({ accepted: [1, 2, 3], duplicates: [1, 2, 3], continuous: true, breaks: [] });
    const overlap = await post({ entries: sigrid.slice(2) });
    expect(overlap.json).toEqual({ accepted: [3, 4], duplicates: [3], continuous: true, breaks: [] });
    const log = (await events(PATIENT)).filter((e) => e.source === 'client');
    expect(log.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(log.at(-1)).toMatchObject({ action: 'client:print', chain: 'continuous' });
  });

  it('stores a broken chain but flags it, in the answer and in GET /audit', async () => {
    // seq 5 was removed on the device before shipping: seq 6 points at a hash the broker never saw
    const tail = chain('nurse-sigrid', 'nurse', [{ action: 'patient-view', identityNumber: PATIENT }, { action: 'patient-view', identityNumber: PATIENT, reason: 'etter fjerning' }], { seq: 5, prevHash: sigrid[3]!.hash, at: Date.parse('2026-11-26T09:00:00.000Z') });
    const r = await post({ entries: [tail[1]] });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accepted: [6], duplicates: [], continuous: false, breaks: [{ seq: 6, prevHash: tail[0]!.hash, expected: sigrid[3]!.hash, expectedSeq: 4 }] });
    expect((await events(PATIENT)).at(-1)).toMatchObject({ source: 'client', seq: 6, chain: 'broken', reason: 'etter fjerning' });
    // re-shipping it still says the chain is broken
    expect((await post({ entries: [tail[1]] })).json).toMatchObject({ duplicates: [6], continuous: false });
  });

  it("places the client's entries among the broker's own events by time, each marked with its source", async () => {
    // the broker's clock says 08:30: between the client's entries of 08:01–08:03 and 09:01
    expect((await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody(PATIENT), nurse)).status).toBe(200);
    const log = await events(PATIENT);
    expect(log.map((e) => `${e.source} ${e.action}`)).toEqual(['client client:patient-open', 'client client:patient-view', 'client client:print', 'broker getMedication', 'client client:patient-view']);
    expect(log[3]).toMatchObject({ source: 'broker', userId: 'nurse-sigrid', outcome: 'ok', at: '2026-11-26T08:30:00.000Z' });
    // a filter on the broker's own action names never counts the app's entries
    expect(log.filter((e) => e.action === 'patient-view')).toEqual([]);
  });

  it("refuses another user's entries with 403 and stores nothing of the batch", async () => {
    const kristin = chain('gp-kristin', 'gp', [{ action: 'patient-open', identityNumber: OTHER_PATIENT }]);
    const mine = chain('nurse-sigrid', 'nurse', [{ action: 'patient-open', identityNumber: OTHER_PATIENT }], { seq: 40, prevHash: '' });
    const r = await post({ entries: [...mine, ...kristin] });
    expect(r.status).toBe(403);
    expect(r.contentType).toMatch(/^application\/fhir\+json/);
    expect(diagnostics(r.json)).toMatch(/annen bruker/);
    expect((await events(OTHER_PATIENT, gp)).filter((e) => e.source === 'client')).toEqual([]);
    // her own token takes them
    expect((await post({ entries: kristin }, gp)).json).toMatchObject({ accepted: [1], continuous: true });
    expect((await events(OTHER_PATIENT, gp)).filter((e) => e.source === 'client')).toEqual([expect.objectContaining({ userId: 'gp-kristin', role: 'gp', chain: 'start' })]);
  });

  it('needs a token (401), and a valid one', async () => {
    const none = await post({ entries: sigrid }, {});
    expect(none.status).toBe(401);
    expect(diagnostics(none.json)).toMatch(/Bearer/);
    expect((await post({ entries: sigrid }, { authorization: 'Bearer not.a.token' })).status).toBe(401);
  });

  it.each([
    ['no entries', { entries: [] }, /entries/],
    ['a bad chainFrom', { entries: [], chainFrom: 'abc' }, /chainFrom/],
    ['an unknown top-level field', { entries: sigrid, device: 'x' }, /body|device/],
    ['not an object', [1, 2], /body/],
    ['a bad hash', { entries: [{ ...sigrid[0]!, hash: 'abc' }] }, /entries\[0\]\.hash/],
    ['a missing userId', { entries: [{ ...sigrid[0]!, userId: undefined }] }, /entries\[0\]\.userId/],
    ['a bad time', { entries: [{ ...sigrid[0]!, at: 'yesterday' }] }, /entries\[0\]\.at/],
    ['an unknown field', { entries: [{ ...sigrid[0]!, patientName: 'Ola' }] }, /entries\[0\]/],
    ['an invalid identity number', { entries: [{ ...sigrid[0]!, identityNumber: '23013106089' }] }, /fødselsnummer/],
  ])('answers bad input with 400 and says what is wrong: %s', async (_what, body, expected) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.contentType).toMatch(/^application\/fhir\+json/);
    expect(diagnostics(r.json)).toMatch(expected);
  });

  it('answers invalid JSON with 400', async () => {
    const r = await post('{"entries": [');
    expect(r.status).toBe(400);
    expect(diagnostics(r.json)).toMatch(/JSON/);
  });
});

describe('POST /audit with chainFrom: the head of the device\'s chain, for the tail check', () => {
  const tmp = tempDbFile();
  let broker: RunningBroker;
  let nurse: Record<string, string>;
  let gp: Record<string, string>;
  const post = async (body: unknown, headers: Record<string, string> = nurse) => {
    const r = await fetch(`${broker.url}/audit`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Json };
  };
  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'none', now: () => new Date('2026-11-26T08:30:00.000Z') });
    nurse = await authHeader(broker.url, 'nurse-sigrid');
    gp = await authHeader(broker.url, 'gp-kristin');
  });
  afterAll(async () => {
    await broker?.stop();
    tmp.cleanup();
  });

  // Device A: five entries. Device B (another PC, the same nurse): its own chain from ''.
  const a = chain('nurse-sigrid', 'nurse', [{ action: 'ward-download' }, { action: 'ward-view' }, { action: 'lock' }, { action: 'unlock' }, { action: 'ward-view' }]);
  const b = chain('nurse-sigrid', 'nurse', [{ action: 'ward-download' }, { action: 'print', identityNumber: PATIENT }], { seq: 1, prevHash: '', at: Date.parse('2026-11-26T10:00:00.000Z') });

  it('a chain the broker has never seen has no head; nothing is stored by the question', async () => {
    const r = await post({ entries: [], chainFrom: a[0]!.hash });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ accepted: [], duplicates: [], continuous: true, breaks: [], head: null });
  });

  it('after shipping, the head is the newest entry on the chain, also when asked with a batch', async () => {
    expect((await post({ entries: a.slice(0, 3), chainFrom: a[0]!.hash })).json).toMatchObject({ accepted: [1, 2, 3], head: { seq: 3, hash: a[2]!.hash, at: a[2]!.at } });
    expect((await post({ entries: a.slice(3) })).json).not.toHaveProperty('head');
    expect((await post({ entries: [], chainFrom: a[0]!.hash })).json.head).toEqual({ seq: 5, hash: a[4]!.hash, at: a[4]!.at });
  });

  it("another device of the same user has its own head; neither sees the other's", async () => {
    await post({ entries: b });
    expect((await post({ entries: [], chainFrom: b[0]!.hash })).json.head).toMatchObject({ seq: 2, hash: b[1]!.hash });
    expect((await post({ entries: [], chainFrom: a[0]!.hash })).json.head).toMatchObject({ seq: 5, hash: a[4]!.hash });
  });

  it('when the device deleted its newest entries and wrote on, the head stays the newest entry the broker received first', async () => {
    // A deleted 4 and 5 after shipping them, and wrote a new 6 after 3
    const after3 = chain('nurse-sigrid', 'nurse', [{ action: 'patient-view', identityNumber: PATIENT }], { seq: 6, prevHash: a[2]!.hash, at: Date.parse('2026-11-26T11:00:00.000Z') });
    expect((await post({ entries: after3, chainFrom: a[0]!.hash })).json).toMatchObject({ continuous: false, head: { seq: 5, hash: a[4]!.hash } });
  });

  it("a user cannot ask for another user's chain (her token decides whose chain)", async () => {
    expect((await post({ entries: [], chainFrom: a[0]!.hash }, gp)).json.head).toBeNull();
    expect((await post({ entries: [], chainFrom: a[0]!.hash }, {})).status).toBe(401);
  });
});
