// Storage health (issue 7): the local store is the clinician's safety net when the network goes, so
// it must be known to work. Asks for persistent storage, watches the quota, and catches every failed
// IndexedDB write in one place (a Dexie DBCore middleware): a failed write stops the app with a screen
// that says what to do, instead of carrying on in memory as if the data were saved.

import type { DBCore, Middleware } from 'dexie';
import type { SamstemDb } from './db';

/** Share of the quota at which the user is warned, and at which the warning turns serious. */
export const QUOTA_WARN_SHARE = 0.8;
export const QUOTA_CRITICAL_SHARE = 0.95;

export type QuotaLevel = 'ok' | 'near' | 'critical' | 'unknown';

export interface QuotaState {
  level: QuotaLevel;
  usage?: number;
  quota?: number;
  /** usage / quota, 0..1 */
  share?: number;
}

/** What navigator.storage.estimate() said, as a level for the UI. */
export function quotaLevel(estimate: { usage?: number; quota?: number } | undefined): QuotaState {
  const usage = estimate?.usage;
  const quota = estimate?.quota;
  if (typeof usage !== 'number' || typeof quota !== 'number' || !(quota > 0) || usage < 0) return { level: 'unknown' };
  const share = Math.min(usage / quota, 1);
  const level: QuotaLevel = share >= QUOTA_CRITICAL_SHARE ? 'critical' : share >= QUOTA_WARN_SHARE ? 'near' : 'ok';
  return { level, usage, quota, share };
}

/** The failure that stopped local storage: when, which operation, and the browser's own words. */
export interface StorageFailure {
  at: string;
  /** e.g. 'QuotaExceededError' */
  name: string;
  message: string;
  /** Where it happened: a table name, 'open' or 'probe'. */
  where: string;
  /** The disk is full (or the quota reached): a different thing to do than a broken database. */
  quota: boolean;
}

// Errors that mean "the local store cannot be trusted to hold what we write". Constraint errors
// (a duplicate key the code expects and handles, like the outbox's one-send-per-key) are not among them.
const STORAGE_ERROR_NAMES = new Set([
  'QuotaExceededError',
  'DatabaseClosedError',
  'OpenFailedError',
  'InvalidStateError',
  'UnknownError',
  'VersionError',
  'DataError',
  'ReadOnlyError',
  'NotReadableError',
]);

function errorNames(err: unknown): string[] {
  const names: string[] = [];
  let e = err as { name?: unknown; inner?: unknown } | null | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.name === 'string') names.push(e.name);
    e = e.inner as typeof e;
  }
  return names;
}

/** True when an IndexedDB/Dexie error means local storage failed (not a handled constraint). */
export function isStorageFailure(err: unknown): boolean {
  const names = errorNames(err);
  if (names.includes('ConstraintError')) return false;
  // AbortError alone is a transaction the code aborted on purpose; with a storage cause inside, it is a failure.
  return names.some((n) => STORAGE_ERROR_NAMES.has(n));
}

export function describeFailure(err: unknown, where: string, now: Date = new Date()): StorageFailure {
  const names = errorNames(err);
  const name = names.find((n) => STORAGE_ERROR_NAMES.has(n)) ?? names[0] ?? 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return { at: now.toISOString(), name, message, where, quota: names.includes('QuotaExceededError') };
}

// ---- the window's storage state, for React (useSyncExternalStore) ----

type Listener = () => void;
const listeners = new Set<Listener>();
let failure: StorageFailure | null = null;

export function storageFailure(): StorageFailure | null {
  return failure;
}

/** Records a failure (the first one wins until cleared: it is the one the user must act on). */
export function reportStorageFailure(f: StorageFailure): void {
  if (failure) return;
  failure = f;
  for (const l of listeners) l();
}

export function clearStorageFailure(): void {
  if (!failure) return;
  failure = null;
  for (const l of listeners) l();
}

export function subscribeStorage(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/**
 * A DBCore middleware that reports every failed write (and a closed database on read) to the
 * storage state, then rethrows: the caller still sees its error, and the app stops on the failure.
 */
export function storageGuardMiddleware(report: (f: StorageFailure) => void = reportStorageFailure, now: () => Date = () => new Date()): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'samstemStorageGuard',
    create(down) {
      return {
        ...down,
        table(name) {
          const t = down.table(name);
          const watch = <T>(p: Promise<T>): Promise<T> =>
            p.catch((err: unknown) => {
              if (isStorageFailure(err)) report(describeFailure(err, name, now()));
              throw err;
            });
          return {
            ...t,
            mutate: (req) => watch(t.mutate(req)),
            get: (req) => watch(t.get(req)),
            getMany: (req) => watch(t.getMany(req)),
            query: (req) => watch(t.query(req)),
          };
        },
      };
    },
  };
}

const guarded = new WeakSet<SamstemDb>();

/** Installs the guard on a database once (before it is opened, or it reopens on next use). */
export function guardStorage(db: SamstemDb, report: (f: StorageFailure) => void = reportStorageFailure): void {
  if (guarded.has(db)) return;
  guarded.add(db);
  db.use(storageGuardMiddleware(report));
  // Closed under us (site data cleared, another version opened it, disk gone): nothing more is saved.
  db.on('close', () => report({ at: new Date().toISOString(), name: 'DatabaseClosedError', message: 'Databasen ble lukket uventet.', where: 'open', quota: false }));
}

const PROBE_KEY = 'storage-probe';

/**
 * Writes, reads back and deletes a small row: proves the store takes writes now. Throws what the
 * browser threw (the guard has reported it too).
 */
export async function probeWrite(db: SamstemDb, now: Date = new Date()): Promise<void> {
  const value = now.toISOString();
  await db.meta.put({ key: PROBE_KEY, value });
  const back = (await db.meta.get(PROBE_KEY)) as { value?: unknown } | undefined;
  if (back?.value !== value) throw Object.assign(new Error('Det som ble skrevet til lokal lagring, kunne ikke leses tilbake.'), { name: 'NotReadableError' });
  await db.meta.delete(PROBE_KEY);
}

export type PersistOutcome = 'persisted' | 'granted' | 'refused' | 'unsupported';

/** Asks the browser to keep this origin's data under storage pressure (Electron grants it). */
export async function requestPersistence(storage: Partial<Pick<StorageManager, 'persist' | 'persisted'>> | undefined = globalThis.navigator?.storage): Promise<PersistOutcome> {
  if (!storage?.persist || !storage.persisted) return 'unsupported';
  if (await storage.persisted()) return 'persisted';
  return (await storage.persist()) ? 'granted' : 'refused';
}
