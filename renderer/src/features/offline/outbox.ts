// The outbox (issue 7): a send prepared while offline is stored together with the local change it
// belongs to, in ONE Dexie transaction, under its Idempotency-Key; replayed when online. The broker
// applies a key once, so a replay after a crash or a lost answer cannot double-send; a conflict
// (RF changed meanwhile) is kept for the doctor, never retried or dropped silently.

import { readSendMedicationRequest } from '../../../../shared/fhir/sendMedication';
import type { LocalListEntry } from '../../../../shared/model';
import { blindIndex, seal, unseal, type AtRestKeys } from '../../db/cipher/sealed';
import { sealLocalEntry, type OutboxRow, type SamstemDb } from '../../db/db';
import { nb } from '../../i18n/nb';
import { appendAudit } from '../audit/auditLog';
import type { SendClient } from '../send/sendClient';
import { reportBrokerReachable } from './connectivity';

export interface QueuedSend {
  idempotencyKey: string;
  patientId: string;
  /** The exact $sendMedication body; a replay sends exactly this. */
  body: unknown;
  /** The local list after the send, written in the same transaction as the outbox row. */
  localAfter: LocalListEntry[];
}

export class DuplicateSendError extends Error {
  override name = 'DuplicateSendError';
  constructor(key: string) {
    super(nb.outbox.duplicate(key));
  }
}

const context = (key: string) => `outbox:${key}`;

/** Stores the local change (sealed) and the outbox row atomically. A second call with the same key fails. */
export async function queueSend(db: SamstemDb, keys: AtRestKeys, q: QueuedSend, now: Date = new Date()): Promise<void> {
  // WebCrypto is async: seal first, so the transaction itself only touches IndexedDB.
  const row: OutboxRow = {
    idempotencyKey: q.idempotencyKey,
    createdAt: now.toISOString(),
    patientKey: await blindIndex(keys, q.patientId),
    kind: 'sendMedication',
    state: 'pending',
    sealed: await seal(keys, { patientId: q.patientId, body: q.body }, context(q.idempotencyKey)),
    attempts: 0,
  };
  // The local list is stored sealed too (as saveLocalEntries does), never in clear text.
  const localRows = await Promise.all(q.localAfter.map((e) => sealLocalEntry(keys, e)));
  await db.transaction('rw', db.localList, db.localSealed, db.outbox, async () => {
    if (await db.outbox.get(q.idempotencyKey)) throw new DuplicateSendError(q.idempotencyKey);
    await db.localSealed.bulkPut(localRows);
    await db.localList.bulkDelete(q.localAfter.map((e) => e.id));
    await db.outbox.add(row);
  });
}

/** What the send attempt came to: accepted, a conflict for the doctor, or try again later. */
export type ReplayOutcome = { kind: 'sent' } | { kind: 'conflict'; detail: string } | { kind: 'retry'; error: string };

export interface ReplayReport {
  sent: string[];
  conflicts: string[];
  waiting: string[];
  /** Conflicts replaced by a registered send the doctor made after choosing to reconcile anew. */
  superseded: string[];
}

// One replay at a time per database in this window.
const running = new WeakMap<SamstemDb, Promise<ReplayReport>>();

/**
 * Sends the pending rows oldest first. Each row is claimed in a transaction (pending → sending) so
 * two windows never send it at the same time; a 'retry' puts it back to pending and stops (order
 * is kept: a later send may depend on an earlier one).
 */
export function replayOutbox(db: SamstemDb, keys: AtRestKeys, send: (key: string, body: unknown) => Promise<ReplayOutcome>, now: () => Date = () => new Date()): Promise<ReplayReport> {
  const existing = running.get(db);
  if (existing) return existing;
  const run = (async () => {
    const report: ReplayReport = { sent: [], conflicts: [], waiting: [], superseded: [] };
    // A row left 'sending' by a crashed window goes back to pending: resending is safe (same key).
    await db.outbox.where('state').equals('sending').modify({ state: 'pending' });
    const pending = await db.outbox.where('state').equals('pending').sortBy('createdAt');
    for (let i = 0; i < pending.length; i++) {
      const row = pending[i]!;
      const claimed = await db.transaction('rw', db.outbox, async () => {
        const current = await db.outbox.get(row.idempotencyKey);
        if (current?.state !== 'pending') return false;
        await db.outbox.update(row.idempotencyKey, { state: 'sending', attempts: current.attempts + 1 });
        return true;
      });
      if (!claimed) continue;
      const { body, patientId } = await unseal<{ patientId: string; body: unknown }>(keys, row.sealed, context(row.idempotencyKey));
      let outcome: ReplayOutcome;
      try {
        outcome = await send(row.idempotencyKey, body);
      } catch (err) {
        outcome = { kind: 'retry', error: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.kind === 'sent') {
        await db.outbox.update(row.idempotencyKey, { state: 'sent', sentAt: now().toISOString() });
        report.sent.push(row.idempotencyKey);
        // A reconciliation redone after a conflict, now registered: it replaces that conflict.
        report.superseded.push(...(await supersedeReworked(db, keys, patientId, row.idempotencyKey, new Date(row.createdAt), now())));
      } else if (outcome.kind === 'conflict') {
        await db.outbox.update(row.idempotencyKey, { state: 'conflict', lastError: outcome.detail, conflictAt: now().toISOString() });
        report.conflicts.push(row.idempotencyKey);
      } else {
        await db.outbox.update(row.idempotencyKey, { state: 'pending', lastError: outcome.error });
        report.waiting.push(...pending.slice(i).map((r) => r.idempotencyKey));
        break;
      }
    }
    return report;
  })();
  running.set(db, run);
  return run.finally(() => running.delete(db));
}

/** Sends that came back as conflicts, for the doctor to deal with. */
export async function outboxConflicts(db: SamstemDb): Promise<OutboxRow[]> {
  return db.outbox.where('state').equals('conflict').sortBy('createdAt');
}

/**
 * Maps what a send attempt threw to an outbox outcome: network trouble and server errors wait for
 * the next replay; a 409 conflict or any other refusal goes back to the doctor (never retried).
 */
export function outcomeOfError(err: unknown): ReplayOutcome {
  const e = err as { name?: string; detail?: string; info?: { kind?: string; message?: string; detail?: string }; message?: string } | null;
  if (e?.name === 'SendConflict') return { kind: 'conflict', detail: e.detail || e.message || 'Konflikt' };
  const kind = e?.info?.kind;
  if (kind === 'network' || kind === 'timeout' || kind === 'server') return { kind: 'retry', error: e?.info?.message ?? String(err) };
  const text = [e?.info?.message ?? e?.message ?? String(err), e?.info?.detail].filter(Boolean).join(' ');
  return { kind: 'conflict', detail: text };
}

/**
 * The outbox's sender over the real send client: the stored body under its stored key. Tells
 * connectivity what the attempt showed: any answer means the broker is reachable, a network failure
 * or timeout that it is not (the offline banner shows; the next answer clears it).
 */
export function replaySender(client: SendClient, token: string | null, reachable: (r: boolean) => void = reportBrokerReachable): (key: string, body: unknown) => Promise<ReplayOutcome> {
  return async (key, body) => {
    try {
      await client.send(body, key, token);
      reachable(true);
      return { kind: 'sent' };
    } catch (err) {
      const kind = (err as { info?: { kind?: string } } | null)?.info?.kind;
      reachable(!(kind === 'network' || kind === 'timeout'));
      return outcomeOfError(err);
    }
  };
}

/**
 * The send flow got an answer itself (a retry by the user) for a send that is also queued: marks
 * the row so the outbox does not send it again ('sent') or keeps it for the doctor ('conflict').
 * A row already settled is left as it is.
 */
export async function settleQueued(db: SamstemDb, key: string, outcome: { kind: 'sent' } | { kind: 'conflict'; detail: string }, now: Date = new Date()): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    const row = await db.outbox.get(key);
    if (!row || (row.state !== 'pending' && row.state !== 'sending')) return;
    await db.outbox.update(key, outcome.kind === 'sent' ? { state: 'sent', sentAt: now.toISOString() } : { state: 'conflict', lastError: outcome.detail, conflictAt: now.toISOString() });
  });
}

/** What a queued send holds: the ReseptIds it recalls and the drug names it prescribes. */
export interface OutboxContent {
  recalls: string[];
  newPrescriptions: string[];
}

/** A send RF refused on replay: not applied in RF, never retried, until the doctor decides. */
export interface OutboxConflict extends OutboxContent {
  key: string;
  createdAt: string;
  /** The broker's answer (the 409 says what changed, by whom and when). */
  detail: string;
  conflictAt?: string;
  /** Set once the doctor chose to read again and reconcile anew (the next send replaces this one). */
  reworkAt?: string;
}

/** One patient's sends in the outbox, as the patient view shows them. */
export interface PatientOutbox {
  /** Waiting for the connection (pending or being sent now), oldest first. */
  waiting: ({ key: string; createdAt: string } & OutboxContent)[];
  /** Refused on replay (409 or another refusal): not applied in RF, for the doctor. */
  conflicts: OutboxConflict[];
}

/**
 * The outbox rows of one patient (found by blind index, checked after unsealing): what waits, with
 * the ReseptIds it recalls and the drug names it prescribes, and what came back as a conflict.
 */
export async function patientOutbox(db: SamstemDb, keys: AtRestKeys, patientId: string): Promise<PatientOutbox> {
  const rows = await db.outbox.where('patientKey').equals(await blindIndex(keys, patientId)).sortBy('createdAt');
  const out: PatientOutbox = { waiting: [], conflicts: [] };
  for (const row of rows) {
    if (row.state !== 'pending' && row.state !== 'sending' && row.state !== 'conflict') continue;
    const v = await unseal<{ patientId: string; body: unknown }>(keys, row.sealed, context(row.idempotencyKey));
    if (v.patientId !== patientId) throw new Error(nb.outbox.otherPatient);
    const plan = readSendMedicationRequest(v.body, 'utboksen');
    const content: OutboxContent = { recalls: plan.recalls.map((r) => r.reseptId), newPrescriptions: plan.newPrescriptions.map((p) => p.medicine.name) };
    if (row.state === 'conflict') {
      out.conflicts.push({
        key: row.idempotencyKey, createdAt: row.createdAt, detail: row.lastError ?? '', ...content,
        ...(row.conflictAt ? { conflictAt: row.conflictAt } : {}), ...(row.reworkAt ? { reworkAt: row.reworkAt } : {}),
      });
      continue;
    }
    out.waiting.push({ key: row.idempotencyKey, createdAt: row.createdAt, ...content });
  }
  return out;
}

/** The row is not (or no longer) a conflict: someone else decided already, or it was sent. */
export class NotAConflictError extends Error {
  override name = 'NotAConflictError';
  constructor(key: string, state: string | undefined) {
    super(state ? nb.outbox.notAConflict(key, state) : nb.outbox.missing(key));
  }
}

async function updateConflict(db: SamstemDb, key: string, change: Partial<OutboxRow>): Promise<OutboxRow> {
  return db.transaction('rw', db.outbox, async () => {
    const row = await db.outbox.get(key);
    if (row?.state !== 'conflict') throw new NotAConflictError(key, row?.state);
    await db.outbox.update(key, change);
    return { ...row, ...change };
  });
}

/**
 * The doctor chose "read again and reconcile" for a conflict: it stays shown (and is never sent),
 * and the next successful send for the patient replaces it (supersedeReworked).
 */
export function markConflictRework(db: SamstemDb, key: string, userId: string, now: Date = new Date()): Promise<OutboxRow> {
  return updateConflict(db, key, { reworkAt: now.toISOString(), reworkBy: userId });
}

/** The doctor discarded a conflict: it is never sent and no longer shown; who and when are kept. */
export function discardConflict(db: SamstemDb, key: string, userId: string, now: Date = new Date()): Promise<OutboxRow> {
  return updateConflict(db, key, { state: 'discarded', discardedAt: now.toISOString(), discardedBy: userId });
}

/**
 * The doctor's "Ja, forkast sendingen": discards the conflict, then logs it in her audit log as
 * 'outbox-discard' with the patient and the send's key. Nothing is logged when the discard is refused
 * (not a conflict, or gone).
 */
export async function discardConflictLogged(db: SamstemDb, keys: AtRestKeys, key: string, user: { id: string; role: string }, patientId: string, now: Date = new Date()): Promise<OutboxRow> {
  const row = await discardConflict(db, key, user.id, now);
  await appendAudit(db, keys, { userId: user.id, role: user.role, action: 'outbox-discard', identityNumber: patientId, reason: nb.patientOutbox.auditDiscard(key), at: now });
  return row;
}

/**
 * A send for the patient was registered: the conflicts the doctor chose to rework before that send
 * was made (`madeAt`) are replaced by it. Conflicts she has not acted on stay, so none vanishes
 * unseen. Returns the keys superseded.
 */
export async function supersedeReworked(db: SamstemDb, keys: AtRestKeys, patientId: string, sentKey: string, madeAt: Date, now: Date = new Date()): Promise<string[]> {
  const patientKey = await blindIndex(keys, patientId);
  const made = madeAt.toISOString();
  return db.transaction('rw', db.outbox, async () => {
    const rows = await db.outbox.where('patientKey').equals(patientKey).filter((r) => r.state === 'conflict' && r.reworkAt !== undefined && r.reworkAt <= made && r.idempotencyKey !== sentKey).toArray();
    for (const r of rows) await db.outbox.update(r.idempotencyKey, { state: 'superseded', supersededBy: sentKey, supersededAt: now.toISOString() });
    return rows.map((r) => r.idempotencyKey);
  });
}

/**
 * The broker answers "<Norwegian> / <English>" in its OperationOutcome diagnostics: the doctor reads
 * the Norwegian part; the whole answer stays available as it came.
 */
export function brokerAnswerParts(detail: string): { nb: string; full: string | null } {
  const i = detail.indexOf(' / ');
  return i > 0 ? { nb: detail.slice(0, i).trim(), full: detail } : { nb: detail.trim(), full: null };
}
