import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../../fixtures/demo/patients';
import { localListFor } from '../../db/db';
import { everythingStored, useTestDbs } from '../../db/testDb';
import { writeOperationOutcome, writeSendMedicationResponse } from '../../../../shared/fhir/sendMedication';
import { createSendClient } from '../send/sendClient';
import { DuplicateSendError, outboxConflicts, outcomeOfError, queueSend, replayOutbox, replaySender, settleQueued, type ReplayOutcome } from './outbox';

const now = new Date('2026-11-26T09:00:00Z');
const demo = buildDemoPatients(now).filter((d) => d.local.length > 0);
const dbs = useTestDbs('outbox-test');
const setup = dbs.open;

const queued = (i: number, key = `key-${i}`) => {
  const d = demo[i]!;
  return { idempotencyKey: key, patientId: d.patient.identityNumber, body: { resourceType: 'Parameters', n: i, who: d.patient.familyName }, localAfter: d.local.map((e) => ({ ...e, dosage: { text: `etter sending ${i}` } })) };
};

/** A broker that applies each key once and answers retries with the first answer. */
function broker(script: (key: string, call: number) => ReplayOutcome | 'throw' = () => ({ kind: 'sent' })) {
  const applied = new Map<string, unknown>();
  let calls = 0;
  return {
    applied,
    calls: () => calls,
    async send(key: string, body: unknown): Promise<ReplayOutcome> {
      const r = script(key, ++calls);
      if (r === 'throw') throw new Error('Ingen forbindelse');
      if (r.kind === 'sent' && !applied.has(key)) applied.set(key, body);
      return r;
    },
  };
}

describe('outbox', () => {
  it('writes the local change and the outbox row together, sealed', async () => {
    const { db, keys } = await setup();
    const q = queued(0);
    await queueSend(db, keys, q, now);
    expect((await localListFor(db, q.patientId)).every((e) => e.dosage.text === 'etter sending 0')).toBe(true);
    const row = (await db.outbox.get(q.idempotencyKey))!;
    expect(row).toMatchObject({ state: 'pending', attempts: 0, kind: 'sendMedication' });
    expect(JSON.stringify(row)).not.toContain(q.patientId);
    expect(JSON.stringify(row)).not.toContain(demo[0]!.patient.familyName);
    // The local change is sealed as well: no drug name, dose text or identity number in clear text.
    expect(await db.localList.count()).toBe(0);
    expect(await db.localSealed.count()).toBe(q.localAfter.length);
    const raw = await everythingStored(db);
    for (const s of [q.patientId, 'etter sending 0', ...q.localAfter.map((e) => e.medicine.name)]) expect(raw, s).not.toContain(s);
  });

  it('neither is written when one fails, and a key is queued only once', async () => {
    const { db, keys } = await setup();
    const before = (await db.localList.count()) + (await db.localSealed.count());
    const bad = { ...queued(1), localAfter: [queued(1).localAfter[0]!, { ...queued(1).localAfter[0]!, id: undefined as unknown as string }] };
    await expect(queueSend(db, keys, bad, now)).rejects.toThrow();
    expect(await db.outbox.count()).toBe(0);
    expect((await db.localList.count()) + (await db.localSealed.count())).toBe(before);

    await queueSend(db, keys, queued(1), now);
    await expect(queueSend(db, keys, { ...queued(2), idempotencyKey: 'key-1' }, now)).rejects.toThrow(DuplicateSendError);
    expect(await db.outbox.count()).toBe(1);
    expect((await localListFor(db, demo[2]!.patient.identityNumber)).some((e) => e.dosage.text === 'etter sending 2')).toBe(false);
  });

  it('replays in order exactly once; offline keeps the rest waiting; conflicts go to the doctor', async () => {
    const { db, keys } = await setup();
    for (let i = 0; i < 3; i++) await queueSend(db, keys, queued(i), new Date(now.getTime() + i * 1000));
    let offline = true;
    const b = broker((key) => (offline ? 'throw' : key === 'key-1' ? { kind: 'conflict', detail: 'RF er endret siden lesingen' } : { kind: 'sent' }));
    expect(await replayOutbox(db, keys, b.send)).toEqual({ sent: [], conflicts: [], waiting: ['key-0', 'key-1', 'key-2'], superseded: [] });
    expect((await db.outbox.get('key-0'))).toMatchObject({ state: 'pending', attempts: 1, lastError: 'Ingen forbindelse' });

    offline = false;
    const [a, again] = await Promise.all([replayOutbox(db, keys, b.send), replayOutbox(db, keys, b.send)]);
    expect(a).toEqual({ sent: ['key-0', 'key-2'], conflicts: ['key-1'], waiting: [], superseded: [] });
    expect(again).toBe(a);
    expect([...b.applied.keys()]).toEqual(['key-0', 'key-2']);
    expect(b.applied.get('key-0')).toEqual(queued(0).body);
    expect((await outboxConflicts(db)).map((r) => [r.idempotencyKey, r.lastError])).toEqual([['key-1', 'RF er endret siden lesingen']]);

    const calls = b.calls();
    expect(await replayOutbox(db, keys, b.send)).toEqual({ sent: [], conflicts: [], waiting: [], superseded: [] });
    expect(b.calls()).toBe(calls);
  });

  it('a row left "sending" by a crashed window is resent with the same key', async () => {
    const { db, keys } = await setup();
    await queueSend(db, keys, queued(0), now);
    await db.outbox.update('key-0', { state: 'sending', attempts: 1 });
    const seen: string[] = [];
    const report = await replayOutbox(db, keys, async (key) => {
      seen.push(key);
      return { kind: 'sent' };
    });
    expect(seen).toEqual(['key-0']);
    expect(report.sent).toEqual(['key-0']);
    expect((await db.outbox.get('key-0'))?.attempts).toBe(2);
  });
});

/**
 * A fake broker behind fetch: applies each Idempotency-Key once (a repeat gets the first answer,
 * flagged replayed), refuses a key listed as stale with a 409, and can drop the connection.
 */
function fakeFetchBroker(stale: Set<string>) {
  const applied: string[] = [];
  const seen: string[] = [];
  let down = false;
  const fetchImpl: typeof fetch = async (_url, init) => {
    const key = (init?.headers as Record<string, string>)['idempotency-key']!;
    seen.push(key);
    if (down) throw new TypeError('fetch failed');
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });
    if (stale.has(key)) return json(409, writeOperationOutcome([{ severity: 'error', code: 'conflict', diagnostics: 'Legemiddellisten i RF er endret siden oppslaget.' }]));
    if (!applied.includes(key)) applied.push(key);
    return json(200, writeSendMedicationResponse({ prescriptionCount: 1, recallCount: 0, operations: [{ reseptId: key, resultCode: '0' }] }));
  };
  return { fetchImpl, applied, seen, setDown: (v: boolean) => (down = v) };
}

describe('replay through the real send client (fake fetch)', () => {
  it('sends each queued send once with its key; a 409 stays with the doctor, never resent', async () => {
    const { db, keys } = await setup();
    for (let i = 0; i < 3; i++) await queueSend(db, keys, queued(i), new Date(now.getTime() + i * 1000));
    const b = fakeFetchBroker(new Set(['key-1']));
    const send = replaySender(createSendClient('http://broker', b.fetchImpl), 'tok');

    b.setDown(true);
    expect(await replayOutbox(db, keys, send)).toEqual({ sent: [], conflicts: [], waiting: ['key-0', 'key-1', 'key-2'], superseded: [] });
    expect(b.applied).toEqual([]);
    expect((await db.outbox.get('key-0'))?.state).toBe('pending');

    b.setDown(false);
    expect(await replayOutbox(db, keys, send)).toEqual({ sent: ['key-0', 'key-2'], conflicts: ['key-1'], waiting: [], superseded: [] });
    expect(b.applied).toEqual(['key-0', 'key-2']);
    const conflicts = await outboxConflicts(db);
    expect(conflicts.map((r) => [r.idempotencyKey, r.state])).toEqual([['key-1', 'conflict']]);
    expect(conflicts[0]!.lastError).toContain('endret siden oppslaget');

    // Online again later (next tick of the runner): nothing is sent twice, the conflict is kept.
    const calls = b.seen.length;
    expect(await replayOutbox(db, keys, send)).toEqual({ sent: [], conflicts: [], waiting: [], superseded: [] });
    expect(b.seen.length).toBe(calls);
    expect(b.seen.filter((k) => k === 'key-0')).toEqual(['key-0', 'key-0']); // once offline, once sent
    expect((await outboxConflicts(db)).map((r) => r.idempotencyKey)).toEqual(['key-1']);
  });

  it('a send the user retried to success is not replayed; one refused on retry is kept as a conflict', async () => {
    const { db, keys } = await setup();
    await queueSend(db, keys, queued(0), now);
    await queueSend(db, keys, queued(1), new Date(now.getTime() + 1000));
    await settleQueued(db, 'key-0', { kind: 'sent' });
    await settleQueued(db, 'key-1', { kind: 'conflict', detail: 'RF er endret' });
    const b = fakeFetchBroker(new Set());
    expect(await replayOutbox(db, keys, replaySender(createSendClient('http://broker', b.fetchImpl), null))).toEqual({ sent: [], conflicts: [], waiting: [], superseded: [] });
    expect(b.seen).toEqual([]);
    expect((await outboxConflicts(db)).map((r) => [r.idempotencyKey, r.lastError])).toEqual([['key-1', 'RF er endret']]);
    // Settling twice changes nothing: a conflict does not turn into 'sent'.
    await settleQueued(db, 'key-1', { kind: 'sent' });
    expect((await db.outbox.get('key-1'))?.state).toBe('conflict');
  });
});

describe('outcomeOfError', () => {
  it('waits on network trouble and server errors, hands conflicts and refusals to the doctor', async () => {
    const { BrokerError } = await import('../../api/errors');
    const { SendConflict } = await import('../send/sendClient');
    expect(outcomeOfError(new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }))).toEqual({ kind: 'retry', error: 'Ingen forbindelse' });
    expect(outcomeOfError(new BrokerError({ kind: 'timeout', message: 'Tidsavbrudd' })).kind).toBe('retry');
    expect(outcomeOfError(new BrokerError({ kind: 'server', message: 'Feil 503', status: 503 })).kind).toBe('retry');
    expect(outcomeOfError(new SendConflict('RF er endret'))).toEqual({ kind: 'conflict', detail: 'RF er endret' });
    expect(outcomeOfError(new BrokerError({ kind: 'rejected', message: 'Avvist', detail: 'Ugyldig dosering', status: 400 }))).toEqual({ kind: 'conflict', detail: 'Avvist Ugyldig dosering' });
  });
});
