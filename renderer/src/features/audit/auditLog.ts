// The client's own audit log (issue 7): every patient open, view, send, print and emergency access,
// with who (user, role), which patient (blind index + sealed identity number), what, when and why.
// Entries form one hash chain per user: each stores SHA-256 of the same user's previous entry's hash
// and its own content, so altering, removing or reordering an entry in the middle breaks
// `verifyAuditChain`. Per user (not per device) because each user ships her own entries to the broker
// (POST /audit, which checks the links per user): on a shared ward PC, a device-wide chain would
// look broken at the broker at every change of user.

import type { AuditRow, SamstemDb, SealedValue } from '../../db/db';
import { blindIndex, seal, sha256Hex, TamperedDataError, unseal, type AtRestKeys } from '../../db/cipher/sealed';
import { BrokerError } from '../../api/errors';
import { nb } from '../../i18n/nb';

/** 'outbox-discard': the doctor threw away a send RF refused on replay (it is never sent). */
export type AuditAction = 'patient-open' | 'patient-view' | 'send' | 'print' | 'emergency-access' | 'ward-download' | 'ward-view' | 'lock' | 'unlock' | 'cache-purge' | 'outbox-discard';

export interface AuditInput {
  userId: string;
  role: string;
  action: AuditAction;
  identityNumber?: string;
  reason?: string;
  at?: Date;
}

/** An entry as a person reads it (decrypted). */
export interface AuditEntry {
  seq: number;
  at: string;
  userId: string;
  role: string;
  action: string;
  identityNumber?: string;
  reason?: string;
  shippedAt?: string;
}

function b64(bytes: ArrayBuffer | Uint8Array): string {
  const u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of u) s += String.fromCharCode(b);
  return btoa(s);
}

/** The bytes the hash covers: every stored field but seq, hash and shippedAt, in a fixed order. */
export function auditContent(row: Omit<AuditRow, 'seq' | 'hash' | 'shippedAt'>): string {
  const sealed: SealedValue | null = row.sealed;
  return JSON.stringify([row.prevHash, row.at, row.userId, row.role, row.action, row.patientKey, sealed ? [sealed.v, b64(sealed.iv), b64(sealed.ct)] : null]);
}

const hashOf = (row: Omit<AuditRow, 'seq' | 'hash' | 'shippedAt'>) => sha256Hex(auditContent(row));
const sealContext = (at: string, action: string) => `audit:${at}:${action}`;

class ChainMoved extends Error {}

/** The user's latest entry: the head of her chain. */
const headOf = (db: SamstemDb, userId: string) => db.audit.orderBy('seq').reverse().filter((r) => r.userId === userId).first();

// Appends from this tab go one at a time; another tab appending meanwhile makes us retry.
const queues = new WeakMap<SamstemDb, Promise<unknown>>();

/** Appends one entry at the head of the chain. Resolves when it is durably stored. */
export function appendAudit(db: SamstemDb, keys: AtRestKeys, input: AuditInput): Promise<AuditRow> {
  const run = async (): Promise<AuditRow> => {
    const at = (input.at ?? new Date()).toISOString();
    const patientKey = input.identityNumber ? await blindIndex(keys, input.identityNumber) : '';
    const secret = { ...(input.identityNumber ? { identityNumber: input.identityNumber } : {}), ...(input.reason ? { reason: input.reason } : {}) };
    const sealed = Object.keys(secret).length ? await seal(keys, secret, sealContext(at, input.action)) : null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const head = await headOf(db, input.userId);
      const prevHash = head?.hash ?? '';
      const draft = { at, userId: input.userId, role: input.role, action: input.action, patientKey, sealed, prevHash };
      const row: AuditRow = { ...draft, hash: await hashOf(draft) };
      try {
        await db.transaction('rw', db.audit, async () => {
          const now = await headOf(db, input.userId);
          if ((now?.hash ?? '') !== prevHash) throw new ChainMoved();
          row.seq = await db.audit.add(row);
        });
        return row;
      } catch (err) {
        if (!(err instanceof ChainMoved)) throw err;
      }
    }
    throw new Error(nb.audit.raced);
  };
  const next = (queues.get(db) ?? Promise.resolve()).then(run, run);
  queues.set(db, next.catch(() => undefined));
  return next;
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; problem: string };

/** Recomputes every hash and link, oldest first. */
export async function verifyAuditChain(db: SamstemDb): Promise<ChainCheck> {
  const rows = await db.audit.orderBy('seq').toArray();
  const prevOf = new Map<string, string>();
  for (const row of rows) {
    if (row.prevHash !== (prevOf.get(row.userId) ?? '')) return { ok: false, entries: rows.length, brokenAt: row.seq!, problem: nb.audit.brokenLink };
    const { seq: _s, hash, shippedAt: _sh, ...content } = row;
    if ((await hashOf(content)) !== hash) return { ok: false, entries: rows.length, brokenAt: row.seq!, problem: nb.audit.altered };
    prevOf.set(row.userId, hash);
  }
  return { ok: true, entries: rows.length };
}

/**
 * The patients this user opened, newest first, each once, at most `limit`: walks the log from its
 * head by blind index and decrypts only the entries it returns (the log grows all day on a ward PC).
 */
export async function recentOpenedPatients(db: SamstemDb, keys: AtRestKeys, userId: string, limit = 8): Promise<string[]> {
  const picked: AuditRow[] = [];
  const seen = new Set<string>();
  await db.audit
    .orderBy('seq')
    .reverse()
    .until(() => picked.length >= limit)
    .each((r) => {
      if (r.userId !== userId || r.action !== 'patient-open' || !r.patientKey || !r.sealed || seen.has(r.patientKey)) return;
      seen.add(r.patientKey);
      picked.push(r);
    });
  const out: string[] = [];
  for (const r of picked) {
    // An altered entry does not decrypt: it is left out here; the chain check reports it loudly.
    const secret = await unseal<{ identityNumber?: string }>(keys, r.sealed!, sealContext(r.at, r.action)).catch((err: unknown) => {
      if (err instanceof TamperedDataError) return {} as { identityNumber?: string };
      throw err;
    });
    if (secret.identityNumber) out.push(secret.identityNumber);
  }
  return out;
}

/** The log decrypted, oldest first (optionally only for one patient). */
export async function readAudit(db: SamstemDb, keys: AtRestKeys, identityNumber?: string): Promise<AuditEntry[]> {
  const rows = identityNumber
    ? await db.audit.where('patientKey').equals(await blindIndex(keys, identityNumber)).sortBy('seq')
    : await db.audit.orderBy('seq').toArray();
  const out: AuditEntry[] = [];
  for (const row of rows) {
    const secret = row.sealed ? await unseal<{ identityNumber?: string; reason?: string }>(keys, row.sealed, sealContext(row.at, row.action)) : {};
    out.push({ seq: row.seq!, at: row.at, userId: row.userId, role: row.role, action: row.action, ...secret, ...(row.shippedAt ? { shippedAt: row.shippedAt } : {}) });
  }
  return out;
}

/** An entry as POST /audit takes it (the identity number and reason unsealed). */
export type ShippedAuditEntry = Omit<AuditEntry, 'shippedAt'> & { hash: string; prevHash: string };

/** The newest entry the broker holds on this device's chain (see broker/audit-ingest.ts). */
export interface BrokerChainHead {
  seq: number;
  hash: string;
  at: string;
}

/** What the broker answers to POST /audit. */
export interface AuditShipAnswer {
  accepted: number[];
  duplicates: number[];
  continuous: boolean;
  breaks: { seq: number; prevHash: string; expected: string; expectedSeq: number }[];
  /** Only when asked with `chainFrom`: null when the broker holds nothing of that chain. */
  head?: BrokerChainHead | null;
}

/** The broker call: POST /audit with these entries (may be empty with `chainFrom`, a head query). */
export type AuditPoster = (entries: ShippedAuditEntry[], options?: { chainFrom?: string }) => Promise<AuditShipAnswer>;

export interface ShipResult {
  /** Entries the broker took in this run (also ones it already had). */
  shipped: number;
  /** False when the broker found a broken link in the user's chain (it stores and flags it). */
  continuous: boolean;
  breaks: AuditShipAnswer['breaks'];
}

/** Entries per POST; the broker takes at most 1000. */
export const AUDIT_SHIP_BATCH = 200;

/**
 * Sends the user's entries the broker has not had yet, oldest first, in batches, and marks the ones
 * it accepted as shipped. Only this user's entries: the broker refuses anyone else's (403). `post`
 * is the broker call (see `createAuditPoster`); a failure stops the run, and what was not accepted
 * stays unshipped for the next run (re-sending is harmless: the broker is idempotent on the hash).
 */
export async function shipAudit(db: SamstemDb, keys: AtRestKeys, userId: string, post: AuditPoster): Promise<ShipResult> {
  const pending = (await db.audit.orderBy('seq').toArray()).filter((r) => !r.shippedAt && r.userId === userId);
  const result: ShipResult = { shipped: 0, continuous: true, breaks: [] };
  for (let i = 0; i < pending.length; i += AUDIT_SHIP_BATCH) {
    const batch: ShippedAuditEntry[] = [];
    for (const row of pending.slice(i, i + AUDIT_SHIP_BATCH)) {
      const secret = row.sealed ? await unseal<{ identityNumber?: string; reason?: string }>(keys, row.sealed, sealContext(row.at, row.action)) : {};
      batch.push({ seq: row.seq!, at: row.at, userId: row.userId, role: row.role, action: row.action, ...secret, hash: row.hash, prevHash: row.prevHash });
    }
    const answer = await post(batch);
    const accepted = new Set(answer.accepted);
    const shippedAt = new Date().toISOString();
    await db.transaction('rw', db.audit, async () => {
      for (const e of batch) if (accepted.has(e.seq)) await db.audit.update(e.seq, { shippedAt });
    });
    result.shipped += batch.filter((e) => accepted.has(e.seq)).length;
    if (!answer.continuous) result.continuous = false;
    result.breaks.push(...answer.breaks);
    if (batch.some((e) => !accepted.has(e.seq))) throw new Error(nb.audit.notAllAccepted);
  }
  return result;
}

/**
 * The broker call for `shipAudit`: POST {base}/audit with the user's bearer token. Throws a
 * BrokerError (Norwegian message, the broker's diagnostics as detail) when it is not accepted.
 */
export function createAuditPoster(baseUrl: string, token: string | null, fetchImpl: typeof fetch = (i, init) => globalThis.fetch(i, init), timeoutMs = 20_000): AuditPoster {
  const url = `${baseUrl.replace(/\/+$/, '')}/audit`;
  return async (entries, options) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify({ entries, ...(options?.chainFrom ? { chainFrom: options.chainFrom } : {}) }), signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      throw new BrokerError(name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout', message: nb.errors.timeout } : { kind: 'network', message: nb.errors.network });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const issues = (json as { issue?: { diagnostics?: string }[] } | undefined)?.issue;
      const detail = issues?.map((i) => i.diagnostics).filter(Boolean).join(' ') || `HTTP ${res.status}`;
      const kind = res.status === 401 ? 'unauthorized' : res.status >= 500 ? 'server' : 'rejected';
      throw new BrokerError({ kind, status: res.status, message: nb.audit.shipFailed, detail });
    }
    const a = json as Partial<AuditShipAnswer> | undefined;
    const headOk = a?.head === undefined || a.head === null || (typeof a.head === 'object' && Number.isInteger(a.head.seq) && typeof a.head.hash === 'string' && typeof a.head.at === 'string');
    if (!a || !Array.isArray(a.accepted) || !Array.isArray(a.duplicates) || typeof a.continuous !== 'boolean' || !Array.isArray(a.breaks) || !headOk) {
      throw new BrokerError({ kind: 'format', status: res.status, message: nb.audit.shipFormat });
    }
    return a as AuditShipAnswer;
  };
}

/**
 * Runs `shipAudit` one run at a time per database: a call while a run is going waits for it and then
 * ships once more (entries written meanwhile go too); calls piling up meanwhile share that one run.
 * `connect` gives the broker call for the user (URL and token), e.g. `createAuditPoster`.
 */
export function createAuditShipRunner(db: SamstemDb, keys: AtRestKeys, connect: (userId: string) => Promise<AuditPoster>): (userId: string) => Promise<ShipResult> {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting: { userId: string; run: Promise<ShipResult> } | undefined;
  return (userId) => {
    if (waiting && waiting.userId === userId) return waiting.run;
    const entry: { userId: string; run: Promise<ShipResult> } = { userId, run: Promise.resolve({ shipped: 0, continuous: true, breaks: [] }) };
    entry.run = tail.then(async () => {
      if (waiting === entry) waiting = undefined;
      return shipAudit(db, keys, userId, await connect(userId));
    });
    waiting = entry;
    tail = entry.run.catch(() => undefined);
    return entry.run;
  };
}

/** The result of comparing this device's log with the broker's copy of it. */
export type TailCheck =
  | { ok: true; compared: boolean }
  | { ok: false; kind: 'missing-tail'; lastLocal: number; brokerSeq: number; message: string }
  | { ok: false; kind: 'differs'; brokerSeq: number; message: string };

/** The hash of the user's first entry on this device: where her chain here starts. */
export async function chainStartOf(db: SamstemDb, userId: string): Promise<string | undefined> {
  return (await db.audit.orderBy('seq').filter((r) => r.userId === userId).first())?.hash;
}

/**
 * Compares the broker's head of this device's chain with the local log. The broker's newest entry
 * must be here: when it is not, entries were deleted here after they were shipped (or the log was
 * replaced). A hash chain alone cannot show a missing tail; this can, whenever the broker answers.
 */
export async function checkAuditTail(db: SamstemDb, userId: string, head: BrokerChainHead | null | undefined): Promise<TailCheck> {
  if (!head) return { ok: true, compared: false };
  const mine = (await db.audit.orderBy('seq').toArray()).filter((r) => r.userId === userId);
  if (mine.some((r) => r.hash === head.hash)) return { ok: true, compared: true };
  const sameSeq = mine.find((r) => r.seq === head.seq);
  if (sameSeq) {
    return { ok: false, kind: 'differs', brokerSeq: head.seq, message: nb.audit.tailDiffers(head.seq) };
  }
  const lastLocal = mine.filter((r) => r.seq! < head.seq).at(-1)?.seq ?? 0;
  return {
    ok: false,
    kind: 'missing-tail',
    lastLocal,
    brokerSeq: head.seq,
    message: nb.audit.tailMissing(lastLocal, head.seq),
  };
}

/** Asks the broker for the head of this device's chain for the user, and compares (needs the network). */
export async function checkAuditTailWithBroker(db: SamstemDb, userId: string, post: AuditPoster): Promise<TailCheck> {
  const from = await chainStartOf(db, userId);
  if (!from) return { ok: true, compared: false };
  const answer = await post([], { chainFrom: from });
  return checkAuditTail(db, userId, answer.head);
}
