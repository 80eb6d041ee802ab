import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { BrokerError } from '../../api/errors';
import { useTestDbs } from '../../db/testDb';
import {
  appendAudit,
  auditContent,
  checkAuditTail,
  checkAuditTailWithBroker,
  createAuditPoster,
  shipAudit,
  verifyAuditChain,
  type AuditInput,
  type AuditPoster,
  type ShippedAuditEntry,
} from './auditLog';
import { sha256Hex } from '../../db/cipher/sealed';

const dbs = useTestDbs('audit-tail');
const nurse = { userId: 'nurse-sigrid', role: 'nurse' };
const gp = { userId: 'gp-kristin', role: 'gp' };
const PATIENT = '23013106088';

/**
 * A stand-in for POST /audit as broker/audit-ingest.ts answers it: stores what it is sent (first
 * arrival wins per hash) and, asked with chainFrom, follows the links from that entry to the
 * newest one (at a fork, the branch received first).
 */
function fakeBroker() {
  const stored: ShippedAuditEntry[] = [];
  const calls: { entries: number; chainFrom?: string }[] = [];
  const post: AuditPoster = async (entries, options) => {
    calls.push({ entries: entries.length, ...(options?.chainFrom ? { chainFrom: options.chainFrom } : {}) });
    for (const e of entries) if (!stored.some((s) => s.hash === e.hash)) stored.push(e);
    const answer = { accepted: entries.map((e) => e.seq), duplicates: [], continuous: true, breaks: [] };
    if (!options?.chainFrom) return answer;
    let head = stored.find((s) => s.hash === options.chainFrom);
    for (let next = head && stored.find((s) => s.prevHash === head!.hash); next; next = stored.find((s) => s.prevHash === head!.hash)) head = next;
    return { ...answer, head: head ? { seq: head.seq, hash: head.hash, at: head.at } : null };
  };
  return { post, stored, calls };
}

async function logged(inputs: AuditInput[]) {
  const v = await dbs.open();
  for (const input of inputs) await appendAudit(v.db, v.keys, input);
  return v;
}

const five: AuditInput[] = [
  { ...nurse, action: 'ward-download' },
  { ...nurse, action: 'patient-view', identityNumber: PATIENT },
  { ...gp, action: 'patient-open', identityNumber: PATIENT },
  { ...nurse, action: 'print', identityNumber: PATIENT },
  { ...nurse, action: 'patient-view', identityNumber: PATIENT, reason: 'Kveldsrunde' },
  { ...nurse, action: 'lock' },
];
const seqsOf = async (db: Awaited<ReturnType<typeof logged>>['db'], userId: string) => (await db.audit.orderBy('seq').toArray()).filter((r) => r.userId === userId).map((r) => r.seq!);

describe('the audit tail check against the broker', () => {
  it('an untouched log agrees with the broker', async () => {
    const { db, keys } = await logged(five);
    const broker = fakeBroker();
    await shipAudit(db, keys, 'nurse-sigrid', broker.post);
    expect(await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post)).toEqual({ ok: true, compared: true });
    // Entries written since the last shipment are simply newer than the broker's head.
    await appendAudit(db, keys, { ...nurse, action: 'unlock' });
    expect(await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post)).toEqual({ ok: true, compared: true });
  });

  it('the newest entries deleted after shipping: the chain still verifies, the tail check says what is missing', async () => {
    const { db, keys } = await logged(five);
    const broker = fakeBroker();
    await shipAudit(db, keys, 'nurse-sigrid', broker.post);
    const sigrid = await seqsOf(db, 'nurse-sigrid');
    await db.audit.bulkDelete(sigrid.slice(-2));
    expect((await verifyAuditChain(db)).ok).toBe(true);

    const check = await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post);
    const kept = sigrid.at(-3)!;
    expect(check).toMatchObject({ ok: false, kind: 'missing-tail', lastLocal: kept, brokerSeq: sigrid.at(-1) });
    expect(check.ok === false && check.message).toContain(`Revisjonsloggen mangler oppføringer etter nr. ${kept}`);
    // The other user on the same PC is not affected.
    await shipAudit(db, keys, 'gp-kristin', broker.post);
    expect(await checkAuditTailWithBroker(db, 'gp-kristin', broker.post)).toEqual({ ok: true, compared: true });
  });

  it('deleted and written on: still reported, counted from the last entry the two logs share', async () => {
    const { db, keys } = await logged(five);
    const broker = fakeBroker();
    await shipAudit(db, keys, 'nurse-sigrid', broker.post);
    const sigrid = await seqsOf(db, 'nurse-sigrid');
    await db.audit.bulkDelete(sigrid.slice(-2));
    await appendAudit(db, keys, { ...nurse, action: 'unlock' });
    await shipAudit(db, keys, 'nurse-sigrid', broker.post);
    expect(await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post)).toMatchObject({ ok: false, kind: 'missing-tail', lastLocal: sigrid.at(-3), brokerSeq: sigrid.at(-1) });
  });

  it('an entry replaced after shipping (same number, other content) is reported as such', async () => {
    const { db, keys } = await logged(five);
    const broker = fakeBroker();
    await shipAudit(db, keys, 'nurse-sigrid', broker.post);
    const last = (await db.audit.orderBy('seq').last())!;
    const { seq: _seq, hash: _hash, shippedAt: _s, ...content } = last;
    const forged = { ...content, action: 'unlock' };
    await db.audit.put({ ...forged, seq: last.seq!, hash: await sha256Hex(auditContent(forged)) });
    expect((await verifyAuditChain(db)).ok).toBe(true);
    const check = await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post);
    expect(check).toMatchObject({ ok: false, kind: 'differs', brokerSeq: last.seq });
    expect(check.ok === false && check.message).toMatch(/stemmer ikke med det megleren har mottatt/);
  });

  it('nothing to compare: no entries here (no call), or nothing of this chain at the broker', async () => {
    const empty = await dbs.open();
    const broker = fakeBroker();
    expect(await checkAuditTailWithBroker(empty.db, 'nurse-sigrid', broker.post)).toEqual({ ok: true, compared: false });
    expect(broker.calls).toEqual([]);
    const { db } = await logged(five);
    expect(await checkAuditTailWithBroker(db, 'nurse-sigrid', broker.post)).toEqual({ ok: true, compared: false });
    expect(broker.calls).toEqual([{ entries: 0, chainFrom: (await db.audit.orderBy('seq').first())!.hash }]);
    expect(await checkAuditTail(db, 'nurse-sigrid', null)).toEqual({ ok: true, compared: false });
  });
});

describe('createAuditPoster with chainFrom', () => {
  const hex = 'a'.repeat(64);

  it('sends chainFrom beside the entries and returns the head', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ accepted: [], duplicates: [], continuous: true, breaks: [], head: { seq: 7, hash: hex, at: '2026-11-26T08:00:00.000Z' } }), { status: 200 }));
    const post = createAuditPoster('http://b', 'tok', fetchImpl as unknown as typeof fetch);
    expect((await post([], { chainFrom: hex })).head).toEqual({ seq: 7, hash: hex, at: '2026-11-26T08:00:00.000Z' });
    expect(JSON.parse(fetchImpl.mock.calls[0]![1].body as string)).toEqual({ entries: [], chainFrom: hex });
    await post([]);
    expect(JSON.parse(fetchImpl.mock.calls[1]![1].body as string)).toEqual({ entries: [] });
  });

  it('refuses a head of the wrong shape rather than trusting it', async () => {
    const fetchImpl = async () => new Response(JSON.stringify({ accepted: [], duplicates: [], continuous: true, breaks: [], head: { seq: 'sju' } }), { status: 200 });
    const post = createAuditPoster('http://b', 'tok', fetchImpl as unknown as typeof fetch);
    await expect(post([], { chainFrom: hex })).rejects.toBeInstanceOf(BrokerError);
  });
});
