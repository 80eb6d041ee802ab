import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { useTestDbs } from '../../db/testDb';
import { webKeys } from '../../db/cipher/keys';
import { BrokerError } from '../../api/errors';
import { appendAudit, createAuditPoster, createAuditShipRunner, readAudit, recentOpenedPatients, shipAudit, verifyAuditChain, type AuditInput, type AuditShipAnswer, type ShippedAuditEntry } from './auditLog';

const dbs = useTestDbs('audit-test');
/** A fresh database and its keys, not attached (the code under test seals by hand). */
async function setup() {
  const db = dbs.bare();
  return { db, keys: await webKeys(db) };
}

const nurse = { userId: 'nurse-sigrid', role: 'nurse' };
const PATIENT = '23013106088';
const inputs: AuditInput[] = [
  { ...nurse, action: 'ward-download' },
  { ...nurse, action: 'patient-open', identityNumber: PATIENT },
  { ...nurse, action: 'patient-view', identityNumber: PATIENT },
  { userId: 'ooh-anders', role: 'ooh-doctor', action: 'emergency-access', identityNumber: '14034827061', reason: 'Bevisstløs pasient, Ingrid H.' },
  { ...nurse, action: 'print', identityNumber: PATIENT },
];

describe('client audit log', () => {
  it('logs who, role, patient, action, time and reason, and verifies an untouched chain', async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: inputs.length });
    const entries = await readAudit(db, keys);
    expect(entries.map((e) => e.action)).toEqual(inputs.map((i) => i.action));
    expect(entries[3]).toMatchObject({ userId: 'ooh-anders', role: 'ooh-doctor', identityNumber: '14034827061', reason: 'Bevisstløs pasient, Ingrid H.' });
    expect(Date.parse(entries[0]!.at)).not.toBeNaN();
    expect((await readAudit(db, keys, PATIENT)).map((e) => e.action)).toEqual(['patient-open', 'patient-view', 'print']);
    // the stored rows hold neither the identity number nor the reason in clear text
    const raw = JSON.stringify(await db.audit.toArray());
    expect(raw).not.toContain(PATIENT);
    expect(raw).not.toContain('Bevisstløs');
  });

  it('concurrent appends still form one chain', async () => {
    const { db, keys } = await setup();
    await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(db, keys, { ...nurse, action: 'patient-view', identityNumber: PATIENT, reason: `r${i}` })));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 12 });
  });

  it.each([
    ['the action', (r: Record<string, unknown>) => ({ ...r, action: 'patient-view' })],
    ['the user', (r: Record<string, unknown>) => ({ ...r, userId: 'gp-kristin' })],
    ['the time', (r: Record<string, unknown>) => ({ ...r, at: '2020-01-01T00:00:00.000Z' })],
    ['the patient', (r: Record<string, unknown>) => ({ ...r, patientKey: 'f'.repeat(64) })],
  ])('fails when one entry is altered: %s', async (_what, alter) => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const victim = (await db.audit.orderBy('seq').toArray())[1]!;
    await db.audit.put(alter(victim as unknown as Record<string, unknown>) as never);
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, brokenAt: victim.seq });
  });

  it('fails when an entry is altered and its own hash recomputed (the next link breaks), or removed', async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const rows = await db.audit.orderBy('seq').toArray();
    // forge entry 2 completely (new content + matching hash): entry 3 no longer points at it
    const { auditContent } = await import('./auditLog');
    const { sha256Hex } = await import('../../db/cipher/sealed');
    const forged = { ...rows[2]!, action: 'lock' };
    forged.hash = await sha256Hex(auditContent(forged));
    await db.audit.put(forged);
    // (each user has her own chain: the nurse's next entry is rows[4]; rows[3] is the doctor's)
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: rows[4]!.seq });
    await db.audit.put(rows[2]!);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    await db.audit.delete(rows[1]!.seq!);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: rows[2]!.seq });
  });

  it("chains each user separately: a user's entries link to her own previous entry", async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const rows = await db.audit.orderBy('seq').toArray();
    expect(rows[3]!.prevHash).toBe(''); // the doctor's first entry
    expect(rows[4]!.prevHash).toBe(rows[2]!.hash); // the nurse's print follows her view, not the doctor's entry
    // removing the doctor's only entry leaves the nurse's chain whole (the broker has it once shipped)
    await db.audit.delete(rows[3]!.seq!);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("ships the user's unshipped entries in order, stops at the first failure, and resumes later", async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const batches: ShippedAuditEntry[][] = [];
    let fail = true;
    const post = async (entries: ShippedAuditEntry[]): Promise<AuditShipAnswer> => {
      batches.push(entries);
      if (fail) throw new Error('offline');
      return { accepted: entries.map((e) => e.seq), duplicates: [], continuous: true, breaks: [] };
    };
    await expect(shipAudit(db, keys, 'nurse-sigrid', post)).rejects.toThrow('offline');
    expect((await readAudit(db, keys)).filter((e) => e.shippedAt)).toEqual([]);
    fail = false;
    expect(await shipAudit(db, keys, 'nurse-sigrid', post)).toEqual({ shipped: 4, continuous: true, breaks: [] });
    const sent = batches.at(-1)!;
    // only the nurse's entries, oldest first, unsealed, with the chain links
    expect(sent.map((e) => e.action)).toEqual(['ward-download', 'patient-open', 'patient-view', 'print']);
    expect(sent[1]).toMatchObject({ userId: 'nurse-sigrid', role: 'nurse', identityNumber: PATIENT, prevHash: sent[0]!.hash });
    expect((await shipAudit(db, keys, 'nurse-sigrid', post)).shipped).toBe(0);
    const after = await readAudit(db, keys);
    expect(after.filter((e) => e.shippedAt).map((e) => e.userId)).toEqual(['nurse-sigrid', 'nurse-sigrid', 'nurse-sigrid', 'nurse-sigrid']);
    expect(after.find((e) => e.userId === 'ooh-anders')!.shippedAt).toBeUndefined();
    expect((await shipAudit(db, keys, 'ooh-anders', post)).shipped).toBe(1);
    // shipping marks do not break the chain
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('marks only what the broker accepted, and passes on a broken-chain answer', async () => {
    const { db, keys } = await setup();
    for (const i of inputs.filter((x) => x.userId === 'nurse-sigrid')) await appendAudit(db, keys, i);
    const breaks = [{ seq: 2, prevHash: 'a'.repeat(64), expected: 'b'.repeat(64), expectedSeq: 1 }];
    await expect(shipAudit(db, keys, 'nurse-sigrid', async (entries) => ({ accepted: entries.slice(0, 2).map((e) => e.seq), duplicates: [], continuous: false, breaks }))).rejects.toThrow(/tatt imot/);
    expect((await readAudit(db, keys)).map((e) => Boolean(e.shippedAt))).toEqual([true, true, false, false]);
    expect(await shipAudit(db, keys, 'nurse-sigrid', async (entries) => ({ accepted: entries.map((e) => e.seq), duplicates: [], continuous: false, breaks }))).toEqual({ shipped: 2, continuous: false, breaks });
  });
});

describe('createAuditPoster (POST /audit) with a fake fetch', () => {
  const entry: ShippedAuditEntry = { seq: 1, at: '2026-11-26T08:00:00.000Z', userId: 'nurse-sigrid', role: 'nurse', action: 'patient-open', identityNumber: PATIENT, hash: 'c'.repeat(64), prevHash: '' };
  const answer: AuditShipAnswer = { accepted: [1], duplicates: [], continuous: true, breaks: [] };
  const fakeFetch = (status: number, body: unknown, calls: { url: string; init: RequestInit }[] = []) =>
    (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;

  it('posts {entries} as JSON with the bearer token and returns the answer', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const post = createAuditPoster('http://127.0.0.1:9/', 'tok', fakeFetch(200, answer, calls));
    expect(await post([entry])).toEqual(answer);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/audit');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ entries: [entry] });
  });

  it('ships through it end to end and marks the entries shipped', async () => {
    const { db, keys } = await setup();
    await appendAudit(db, keys, { ...nurse, action: 'patient-open', identityNumber: PATIENT });
    const calls: { url: string; init: RequestInit }[] = [];
    expect((await shipAudit(db, keys, 'nurse-sigrid', createAuditPoster('http://b', null, fakeFetch(200, answer, calls)))).shipped).toBe(1);
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
    expect((await readAudit(db, keys))[0]!.shippedAt).toBeDefined();
  });

  it("turns the broker's refusal into a Norwegian error with its diagnostics, and keeps the entries unshipped", async () => {
    const { db, keys } = await setup();
    await appendAudit(db, keys, { ...nurse, action: 'patient-open', identityNumber: PATIENT });
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Oppføring 1 tilhører en annen bruker' }] };
    const err = await shipAudit(db, keys, 'nurse-sigrid', createAuditPoster('http://b', 'tok', fakeFetch(403, oo))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerError);
    expect((err as BrokerError).info).toMatchObject({ kind: 'rejected', status: 403, detail: 'Oppføring 1 tilhører en annen bruker' });
    expect((err as BrokerError).info.message).toMatch(/Revisjonsloggen/);
    expect((await readAudit(db, keys))[0]!.shippedAt).toBeUndefined();
  });

  it('reports a network failure as such, and an unknown answer as a format error', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(createAuditPoster('http://b', 'tok', down)([entry])).rejects.toMatchObject({ info: { kind: 'network' } });
    await expect(createAuditPoster('http://b', 'tok', fakeFetch(200, { ok: true }))([entry])).rejects.toMatchObject({ info: { kind: 'format' } });
  });
});

describe('createAuditShipRunner', () => {
  it('runs one shipment at a time: calls during a run share one follow-up run that takes the new entries', async () => {
    const { db, keys } = await setup();
    await appendAudit(db, keys, { ...nurse, action: 'patient-open', identityNumber: PATIENT });
    const bodies: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const releases: (() => void)[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      const seqs = (JSON.parse(init.body as string) as { entries: { seq: number }[] }).entries.map((e) => e.seq);
      bodies.push(seqs);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      return new Response(JSON.stringify({ accepted: seqs, duplicates: [], continuous: true, breaks: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    const ship = createAuditShipRunner(db, keys, async () => createAuditPoster('http://b', 'tok', fetchImpl));
    const first = ship('nurse-sigrid');
    await expect.poll(() => releases.length).toBe(1);
    // two more entries while the first run waits for the broker, and two more calls
    await appendAudit(db, keys, { ...nurse, action: 'patient-view', identityNumber: PATIENT });
    await appendAudit(db, keys, { ...nurse, action: 'print', identityNumber: PATIENT });
    const second = ship('nurse-sigrid');
    const third = ship('nurse-sigrid');
    expect(third).toBe(second);
    releases.shift()!();
    expect((await first).shipped).toBe(1);
    await expect.poll(() => releases.length).toBe(1);
    releases.shift()!();
    expect((await second).shipped).toBe(2);
    expect(bodies).toEqual([[1], [2, 3]]);
    expect(maxInFlight).toBe(1);
    expect((await readAudit(db, keys)).every((e) => e.shippedAt)).toBe(true);
  });

  it('a failed run does not stop the next one', async () => {
    const { db, keys } = await setup();
    await appendAudit(db, keys, { ...nurse, action: 'patient-open', identityNumber: PATIENT });
    let up = false;
    const ship = createAuditShipRunner(db, keys, async () => async (entries) => {
      if (!up) throw new Error('offline');
      return { accepted: entries.map((e) => e.seq), duplicates: [], continuous: true, breaks: [] };
    });
    await expect(ship('nurse-sigrid')).rejects.toThrow('offline');
    up = true;
    expect((await ship('nurse-sigrid')).shipped).toBe(1);
  });
});

describe('recent patients from the log', () => {
  it("lists the user's own opens, newest first, each patient once, at most the limit", async () => {
    const { db, keys } = await setup();
    const open = (userId: string, identityNumber: string) => appendAudit(db, keys, { userId, role: 'gp', action: 'patient-open', identityNumber });
    await open('gp-kristin', '14034827061');
    await open('gp-kristin', '02073918149');
    await open('nurse-sigrid', '23013106088');
    await appendAudit(db, keys, { userId: 'gp-kristin', role: 'gp', action: 'send', identityNumber: '11099543177' });
    await open('gp-kristin', '14034827061');
    await appendAudit(db, keys, { userId: 'gp-kristin', role: 'gp', action: 'lock' });
    expect(await recentOpenedPatients(db, keys, 'gp-kristin')).toEqual(['14034827061', '02073918149']);
    expect(await recentOpenedPatients(db, keys, 'nurse-sigrid')).toEqual(['23013106088']);
    expect(await recentOpenedPatients(db, keys, 'ooh-anders')).toEqual([]);
    expect(await recentOpenedPatients(db, keys, 'gp-kristin', 1)).toEqual(['14034827061']);
  });
});

describe('recent patients from an altered log', () => {
  it('leaves out an entry that no longer decrypts instead of failing (the chain check reports it)', async () => {
    const { db, keys } = await setup();
    await appendAudit(db, keys, { userId: 'gp-kristin', role: 'gp', action: 'patient-open', identityNumber: '14034827061' });
    await appendAudit(db, keys, { userId: 'gp-kristin', role: 'gp', action: 'patient-open', identityNumber: '02073918149' });
    const first = (await db.audit.orderBy('seq').first())!;
    await db.audit.update(first.seq!, { at: new Date(Date.parse(first.at) - 3_600_000).toISOString() });
    expect(await recentOpenedPatients(db, keys, 'gp-kristin')).toEqual(['02073918149']);
    expect((await verifyAuditChain(db)).ok).toBe(false);
  });
});
