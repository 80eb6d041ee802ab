// POST /audit: the client's own hash-chained audit log (renderer/src/features/audit/auditLog.ts),
// shipped to the broker so a patient's view of "who looked" (GET /audit?patient=…) also shows what
// happened on the device: opens, views, prints, emergency access — not only the national reads.
//
// Rules: every entry must be the token user's own (403 otherwise; nothing of the batch is stored);
// idempotent on (user, hash); each new entry's prevHash is checked against the hash of that user's
// previous stored entry. A broken link is stored as sent and flagged ('broken'), never repaired, and
// the answer says so. The broker cannot recompute an entry's hash (it covers sealed fields the
// client keeps), so it vouches for the links between entries, not for their content.
//
// Tail check: a hash chain cannot show that its newest entries were deleted. A request with
// `chainFrom` (the hash of the first entry of the device's chain for the user; `entries` may then be
// empty) is answered with `head`, the newest entry the broker holds on that chain; the device
// compares it with its own log and says so loudly when entries the broker has are gone locally.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseIdentityNumber } from '../shared/identity';
import { testUsers } from './auth';
import { stmt, type AuditEvent, type Db } from './db';
import { problem } from './outcome';

const HEX64 = /^[0-9a-f]{64}$/;
/** At most this many entries per request: the client ships in batches. */
export const MAX_AUDIT_BATCH = 1000;

const entrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
  userId: z.string().min(1).max(100),
  role: z.string().min(1).max(50),
  action: z.string().min(1).max(64),
  identityNumber: z.string().max(20).optional(),
  reason: z.string().max(2000).optional(),
  hash: z.string().regex(HEX64, 'SHA-256 in lower-case hex (64 characters)'),
  prevHash: z.string().refine((s) => s === '' || HEX64.test(s), 'SHA-256 in lower-case hex (64 characters), or "" for the first entry'),
}).strict();

const bodySchema = z
  .object({
    entries: z.array(entrySchema).max(MAX_AUDIT_BATCH),
    /**
     * The hash of the first entry of the device's chain for this user. When given, the answer
     * carries `head`: the newest entry the broker holds on the chain that starts there.
     */
    chainFrom: z.string().regex(HEX64, 'SHA-256 in lower-case hex (64 characters)').optional(),
  })
  .strict()
  .refine((b) => b.entries.length > 0 || b.chainFrom !== undefined, { message: 'Too small: expected at least 1 entry (or chainFrom for a head query)', path: ['entries'] });

export type ClientAuditEntryIn = z.infer<typeof entrySchema>;
export type ChainState = 'start' | 'continuous' | 'broken';

export interface ChainBreak {
  seq: number;
  /** The prevHash the entry carries. */
  prevHash: string;
  /** The hash of the user's previous stored entry, which prevHash should have been. */
  expected: string;
  /** The seq of that previous stored entry. */
  expectedSeq: number;
}

export interface AuditIngestResult {
  /** Seqs stored (now or by an earlier shipment), in the order processed (ascending seq). */
  accepted: number[];
  /** Of those, the seqs that were already stored (a re-shipment): nothing changed for them. */
  duplicates: number[];
  /** False when any entry of this batch has a broken link (stored, flagged). */
  continuous: boolean;
  breaks: ChainBreak[];
  /**
   * Only when the request named `chainFrom`: the newest entry the broker holds on the chain that
   * starts at that hash (null when it holds no such entry). The device compares it with its own
   * log: a hash chain cannot show that its newest entries were deleted, the broker's copy can.
   */
  head?: ChainHead | null;
}

/** The end of a device's chain as the broker holds it. */
export interface ChainHead {
  seq: number;
  hash: string;
  at: string;
}

/**
 * A client entry as GET /audit shows it beside the broker's own events. Its action is shown as
 * `client:<action>` (stored as sent): the app's 'emergency-access' (the user gave a reason in the
 * app) is not the broker's 'emergency-access' (the broker granted the read), and a filter on the
 * broker's action names must not count the app's entries too.
 */
export interface ClientAuditEvent {
  source: 'client';
  at: string;
  userId: string;
  userName?: string;
  userHpr?: string;
  role: string;
  organisation?: string;
  patient?: string;
  action: string;
  reason?: string;
  seq: number;
  receivedAt: string;
  chain: ChainState;
}

function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return { path: path || '(body)', message: issue.message };
}

/** Checks and stores a batch for `userId` (undefined when auth is off: the entries' own user is trusted). */
export function ingestClientAudit(db: Db, userId: string | undefined, body: unknown, now: Date): AuditIngestResult {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw problem(400, 'structure', `Revisjonsloggen kunne ikke tas imot: feltet ${path} er ugyldig (${message}). Send {"entries": [{seq, at, userId, role, action, hash, prevHash, …}], "chainFrom"?: hash}.`, `Invalid audit batch at ${path}: ${message}. Expected {"entries": [{seq, at, userId, role, action, identityNumber?, reason?, hash, prevHash}], "chainFrom"?: "<hash of the device's first entry>"}.`, path);
  }
  const entries = [...parsed.data.entries].sort((a, b) => a.seq - b.seq);
  const patients = new Map<ClientAuditEntryIn, string>();
  for (const [i, e] of parsed.data.entries.entries()) {
    if (userId !== undefined && e.userId !== userId) {
      throw problem(403, 'forbidden', `Oppføring ${e.seq} i revisjonsloggen tilhører en annen bruker (${e.userId}). Hver bruker sender bare sine egne oppføringer.`, `Entry seq ${e.seq} belongs to user ${e.userId}, not to the token's user ${userId}: nothing was stored.`, `entries[${i}].userId`);
    }
    if (e.identityNumber !== undefined) {
      const id = parseIdentityNumber(e.identityNumber);
      if (!id.ok) throw problem(400, 'value', `Oppføring ${e.seq}: ugyldig fødselsnummer/D-nummer: ${id.message}`, `Entry seq ${e.seq}: invalid identity number (${id.reason}).`, `entries[${i}].identityNumber`);
      patients.set(e, id.value);
    }
  }
  const result: AuditIngestResult = { accepted: [], duplicates: [], continuous: true, breaks: [] };
  const receivedAt = now.toISOString();
  db.transaction(() => {
    for (const e of entries) {
      const existing = stmt(db, 'SELECT chain FROM client_audit WHERE user_id = ? AND hash = ?').get(e.userId, e.hash) as { chain: ChainState } | undefined;
      if (existing) {
        result.accepted.push(e.seq);
        result.duplicates.push(e.seq);
        if (existing.chain === 'broken') result.continuous = false;
        continue;
      }
      const prev = stmt(db, 'SELECT seq, hash FROM client_audit WHERE user_id = ? ORDER BY id DESC LIMIT 1').get(e.userId) as { seq: number; hash: string } | undefined;
      let chain: ChainState = 'start';
      let detail: string | null = null;
      if (prev) {
        chain = e.prevHash === prev.hash ? 'continuous' : 'broken';
        if (chain === 'broken') {
          detail = `prevHash ${e.prevHash || '(empty: a new chain)'} is not the hash of the previous stored entry (seq ${prev.seq})`;
          result.continuous = false;
          result.breaks.push({ seq: e.seq, prevHash: e.prevHash, expected: prev.hash, expectedSeq: prev.seq });
        }
      }
      stmt(db, `INSERT INTO client_audit (user_id, seq, at, role, action, patient, reason, hash, prev_hash, received_at, chain, chain_detail)
                VALUES (@userId, @seq, @at, @role, @action, @patient, @reason, @hash, @prevHash, @receivedAt, @chain, @detail)`).run({
        userId: e.userId, seq: e.seq, at: new Date(e.at).toISOString(), role: e.role, action: e.action, patient: patients.get(e) ?? null, reason: e.reason ?? null,
        hash: e.hash, prevHash: e.prevHash, receivedAt, chain, detail,
      });
      result.accepted.push(e.seq);
    }
  })();
  if (parsed.data.chainFrom !== undefined) result.head = chainHead(db, userId, parsed.data.chainFrom);
  return result;
}

/**
 * Follows the links from the entry with hash `from` to the newest entry on that chain: each step
 * takes the entry whose prevHash is the current hash (at a fork, the one received first: the other
 * branch is a break the broker flagged when it came). Several devices of one user make separate
 * chains, each with its own first entry, so a new device never sees another device's head.
 * `userId` undefined (auth off): the user is the one whose entry has that hash.
 */
export function chainHead(db: Db, userId: string | undefined, from: string): ChainHead | null {
  const start = (userId === undefined
    ? stmt(db, 'SELECT user_id, seq, hash, at FROM client_audit WHERE hash = ? ORDER BY id LIMIT 1').get(from)
    : stmt(db, 'SELECT user_id, seq, hash, at FROM client_audit WHERE user_id = ? AND hash = ?').get(userId, from)) as { user_id: string; seq: number; hash: string; at: string } | undefined;
  if (!start) return null;
  const rows = stmt(db, 'SELECT seq, hash, prev_hash, at FROM client_audit WHERE user_id = ? ORDER BY id').all(start.user_id) as { seq: number; hash: string; prev_hash: string; at: string }[];
  const next = new Map<string, { seq: number; hash: string; at: string }>();
  for (const r of rows) if (!next.has(r.prev_hash)) next.set(r.prev_hash, r);
  let head = { seq: start.seq, hash: start.hash, at: start.at };
  const seen = new Set([head.hash]);
  for (let step = next.get(head.hash); step && !seen.has(step.hash); step = next.get(head.hash)) {
    seen.add(step.hash);
    head = { seq: step.seq, hash: step.hash, at: step.at };
  }
  return head;
}

/** The client entries about a patient, oldest first, with the user's name, HPR and organisation. */
export function listClientAudit(db: Db, patient: string): ClientAuditEvent[] {
  const rows = stmt(db, 'SELECT * FROM client_audit WHERE patient = ? ORDER BY at, id').all(patient) as {
    user_id: string; seq: number; at: string; role: string; action: string; patient: string; reason: string | null; received_at: string; chain: ChainState;
  }[];
  return rows.map((r) => {
    const user = testUsers.find((u) => u.id === r.user_id);
    return {
      source: 'client',
      at: r.at,
      userId: r.user_id,
      ...(user ? { userName: user.name, userHpr: user.hpr, organisation: `${user.organisation.name} (${user.organisation.orgNr})` } : {}),
      role: r.role,
      patient: r.patient,
      action: `client:${r.action}`,
      ...(r.reason !== null ? { reason: r.reason } : {}),
      seq: r.seq,
      receivedAt: r.received_at,
      chain: r.chain,
    };
  });
}

export type MergedAuditEvent = (AuditEvent & { id: number; source: 'broker' }) | ClientAuditEvent;

/**
 * The broker's own events in their stored order, with the client's entries placed among them by
 * time (a client entry goes before the first broker event that is later than it).
 */
export function mergeAudit(server: (AuditEvent & { id: number })[], client: ClientAuditEvent[]): MergedAuditEvent[] {
  const out: MergedAuditEvent[] = [];
  let c = 0;
  for (const s of server) {
    const t = Date.parse(s.at);
    while (c < client.length && Date.parse(client[c]!.at) < t) out.push(client[c++]!);
    out.push({ ...s, source: 'broker' });
  }
  while (c < client.length) out.push(client[c++]!);
  return out;
}

export function registerClientAudit(app: FastifyInstance, db: Db, now: () => Date): void {
  app.post('/audit', async (req) => {
    const result = ingestClientAudit(db, req.user?.id, req.body, now());
    req.log.info({ accepted: result.accepted.length, duplicates: result.duplicates.length, continuous: result.continuous }, 'client audit received');
    return result;
  });
}
