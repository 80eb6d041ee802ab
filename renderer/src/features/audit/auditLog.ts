// The client's own audit log (issue 7): every patient open, view, send, print and emergency access,
// with who (user, role), which patient (blind index + sealed identity number), what, when and why.
// Entries form a hash chain: each stores SHA-256 of the previous entry's hash and its own content,
// so altering, removing or reordering an entry in the middle breaks `verifyAuditChain`.

import type { AuditRow, SamstemDb, SealedValue } from '../../db/db';
import { blindIndex, seal, sha256Hex, unseal, type AtRestKeys } from '../../db/cipher/sealed';

export type AuditAction = 'patient-open' | 'patient-view' | 'send' | 'print' | 'emergency-access' | 'ward-download' | 'ward-view' | 'lock' | 'unlock';

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
      const head = await db.audit.orderBy('seq').last();
      const prevHash = head?.hash ?? '';
      const draft = { at, userId: input.userId, role: input.role, action: input.action, patientKey, sealed, prevHash };
      const row: AuditRow = { ...draft, hash: await hashOf(draft) };
      try {
        await db.transaction('rw', db.audit, async () => {
          const now = await db.audit.orderBy('seq').last();
          if ((now?.hash ?? '') !== prevHash) throw new ChainMoved();
          row.seq = await db.audit.add(row);
        });
        return row;
      } catch (err) {
        if (!(err instanceof ChainMoved)) throw err;
      }
    }
    throw new Error('Revisjonsloggen ble endret av et annet vindu mens vi skrev; handlingen ble ikke logget.');
  };
  const next = (queues.get(db) ?? Promise.resolve()).then(run, run);
  queues.set(db, next.catch(() => undefined));
  return next;
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; problem: string };

/** Recomputes every hash and link, oldest first. */
export async function verifyAuditChain(db: SamstemDb): Promise<ChainCheck> {
  const rows = await db.audit.orderBy('seq').toArray();
  let prev = '';
  for (const row of rows) {
    if (row.prevHash !== prev) return { ok: false, entries: rows.length, brokenAt: row.seq!, problem: 'Oppføringen peker ikke på oppføringen før (en oppføring er fjernet, satt inn eller flyttet).' };
    const { seq: _s, hash, shippedAt: _sh, ...content } = row;
    if ((await hashOf(content)) !== hash) return { ok: false, entries: rows.length, brokenAt: row.seq!, problem: 'Innholdet i oppføringen er endret etter at den ble skrevet.' };
    prev = hash;
  }
  return { ok: true, entries: rows.length };
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

/**
 * Sends entries the broker has not had yet, oldest first, and marks them shipped. `post` is the
 * broker call (it must accept the entry or throw); stops at the first failure so order is kept.
 */
export async function shipAudit(db: SamstemDb, keys: AtRestKeys, post: (entry: AuditEntry & { hash: string; prevHash: string }) => Promise<void>): Promise<number> {
  const pending = (await db.audit.orderBy('seq').toArray()).filter((r) => !r.shippedAt);
  let shipped = 0;
  for (const row of pending) {
    const secret = row.sealed ? await unseal<{ identityNumber?: string; reason?: string }>(keys, row.sealed, sealContext(row.at, row.action)) : {};
    await post({ seq: row.seq!, at: row.at, userId: row.userId, role: row.role, action: row.action, ...secret, hash: row.hash, prevHash: row.prevHash });
    await db.audit.update(row.seq!, { shippedAt: new Date().toISOString() });
    shipped++;
  }
  return shipped;
}
