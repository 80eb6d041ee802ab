// The renderer's own database (IndexedDB through Dexie): the practice's local medication list and
// small bookkeeping values. Plain records typed in shared/model.ts, no class instances.

import { Dexie, type EntityTable } from 'dexie';
import type { LocalListEntry, Patient } from '../../../shared/model';
import { blindIndex, seal, unseal, type AtRestKeys } from './cipher/sealed';
import { guardStorage } from './storageHealth';

/** Key/value bookkeeping. `value` is any structured-cloneable plain value. */
export interface MetaRow {
  key: string;
  value: unknown;
}

export const META_KEYS = {
  /** Set once the demo local lists have been written; never written again after that. */
  demoSeeded: 'demoSeeded',
  /** The patients of the local record (EPJ), for the quick list on the start page. v1: clear text. */
  patients: 'patients',
  /** The same list sealed (v3); written instead of `patients` once the install has its keys. */
  patientsSealed: 'patientsSealed',
} as const;

/** A local list entry sealed (v3): only the id and the blind index of the patient are readable. */
export interface LocalSealedRow {
  id: string;
  patientKey: string;
  sealed: SealedValue;
}

/**
 * An encrypted value (AES-GCM, see renderer/src/crypto/sealed.ts): 12-byte IV and ciphertext with
 * the 16-byte tag appended. Nothing readable about the patient sits beside it in clear text.
 */
export interface SealedValue {
  v: 1;
  iv: Uint8Array;
  ct: ArrayBuffer;
}

/** A cached `$getMedication` result of one patient (v2). */
export interface ReadRow {
  /** Blind index: HMAC-SHA-256 of the identity number with the install's key, hex. Never the number. */
  patientKey: string;
  /** The unit the read was downloaded for (ward cache), if any. */
  unitId?: string;
  /** When the broker answered (ISO). Not identifying; kept clear so staleness is visible without the key. */
  fetchedAt: string;
  /** The MedicationRead, sealed. */
  sealed: SealedValue;
}

/** One entry of the local audit log (v2): a hash chain, see renderer/src/features/audit/auditLog.ts. */
export interface AuditRow {
  seq?: number;
  at: string;
  userId: string;
  role: string;
  action: string;
  /** Blind index of the patient (see ReadRow.patientKey), or '' when no patient is involved. */
  patientKey: string;
  /** Identity number and the free-text reason, sealed (a reason may name the patient). */
  sealed: SealedValue | null;
  /** SHA-256 (hex) of the previous entry's hash, '' for the first entry. */
  prevHash: string;
  /** SHA-256 (hex) over prevHash and this entry's content. */
  hash: string;
  /** When the broker accepted the entry (ISO); absent while not shipped. */
  shippedAt?: string;
}

/** A change waiting to be sent to the broker (v2). */
export interface OutboxRow {
  idempotencyKey: string;
  createdAt: string;
  patientKey: string;
  kind: string;
  /**
   * pending → sending (claimed by one window) → sent | conflict (back to the doctor). A conflict
   * leaves only by the doctor's choice: discarded ("Forkast sendingen"), or superseded by a later
   * successful send after she chose to read again and reconcile anew (no schema change: `state` is
   * indexed as before, the new values are additive).
   */
  state: 'pending' | 'sending' | 'sent' | 'conflict' | 'discarded' | 'superseded';
  sealed: SealedValue;
  attempts: number;
  lastError?: string;
  sentAt?: string;
  /** When the broker refused it (ISO). */
  conflictAt?: string;
  /** The doctor chose "read again and reconcile" for this conflict (ISO, and who: user id). */
  reworkAt?: string;
  reworkBy?: string;
  /** Discarded by the doctor (ISO, user id). */
  discardedAt?: string;
  discardedBy?: string;
  /** Superseded by the successful send with this Idempotency-Key (ISO time of that send). */
  supersededBy?: string;
  supersededAt?: string;
}

/** User-adjustable settings (v2). */
export interface SettingRow {
  key: string;
  value: unknown;
}

/** Keys of this install (web mode: non-extractable CryptoKeys; never exported). */
export interface KeyRow {
  id: string;
  key: CryptoKey;
  createdAt: string;
}

/** A unit downloaded for offline use (v2). */
export interface WardRow {
  unitId: string;
  downloadedAt: string;
  /** Blind indexes of the residents, in roster order. */
  residentKeys: string[];
  /** Residents whose read failed at the last download. */
  failed: number;
}

export const SETTING_KEYS = {
  /** Hours after which cached national data is marked as old. */
  staleAfterHours: 'staleAfterHours',
  /** Minutes of inactivity before the screen locks. */
  lockAfterMinutes: 'lockAfterMinutes',
} as const;

export const DEFAULT_SETTINGS = {
  staleAfterHours: 72,
  lockAfterMinutes: 10,
} as const;

export class SamstemDb extends Dexie {
  localList!: EntityTable<LocalListEntry, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  reads!: EntityTable<ReadRow, 'patientKey'>;
  audit!: EntityTable<AuditRow, 'seq'>;
  outbox!: EntityTable<OutboxRow, 'idempotencyKey'>;
  settings!: EntityTable<SettingRow, 'key'>;
  keys!: EntityTable<KeyRow, 'id'>;
  wards!: EntityTable<WardRow, 'unitId'>;
  localSealed!: EntityTable<LocalSealedRow, 'id'>;

  constructor(name = 'samstem') {
    // Medical data and the audit chain: ask the browser to flush to disk before a write counts as done.
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      localList: 'id, patientId, libId, reseptId',
      meta: 'key',
    });
    // v2 (issue 7): offline cache, local audit chain, outbox, settings, keys. v1 tables unchanged.
    this.version(2)
      .stores({
        reads: 'patientKey, unitId, fetchedAt',
        audit: '++seq, at, patientKey, action, shippedAt',
        outbox: 'idempotencyKey, createdAt, state, patientKey',
        settings: 'key',
        keys: 'id',
        wards: 'unitId',
      })
      .upgrade(async (tx) => {
        const settings = tx.table<SettingRow, string>('settings');
        for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
          if (!(await settings.get(key))) await settings.add({ key, value });
        }
      });
    // v3 (issue 7): the local list sealed. Rows move from `localList` once the keys are known
    // (sealLocalData); `localList` stays for v1/v2 data and for writers that do not seal yet.
    this.version(3).stores({ localSealed: 'id, patientKey' });
    this.on('populate', async (tx) => {
      await tx.table<SettingRow, string>('settings').bulkAdd(Object.entries(DEFAULT_SETTINGS).map(([key, value]) => ({ key, value })));
    });
  }
}

/**
 * The per-unit setting "delete local patient data at sign-out" (issue 7): true only when set to
 * true for that unit; missing means off (the offline copy survives sign-out). No schema change: a
 * row in `settings` per unit.
 */
export const purgeOnSignOutKey = (unitId: string) => `purgeOnSignOut:${unitId}`;

/** A yes/no setting: true only when stored as exactly `true`. */
export async function booleanSetting(db: SamstemDb, key: string): Promise<boolean> {
  return (await db.settings.get(key))?.value === true;
}

/** A numeric setting, falling back to its default when missing or not a positive number. */
export async function numberSetting(db: SamstemDb, key: keyof typeof DEFAULT_SETTINGS): Promise<number> {
  const row = await db.settings.get(key);
  const v = row?.value;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : DEFAULT_SETTINGS[key];
}

// The at-rest keys of each open database, attached once the vault is open (see attachKeys).
const attached = new WeakMap<SamstemDb, AtRestKeys>();

/** Makes the install's keys known to the data functions of this database. */
export function attachKeys(db: SamstemDb, keys: AtRestKeys): void {
  attached.set(db, keys);
}

export function keysOf(db: SamstemDb): AtRestKeys | undefined {
  return attached.get(db);
}

const localContext = (id: string) => `localList:${id}`;
const patientsContext = 'meta:patients';

export async function sealLocalEntry(keys: AtRestKeys, entry: LocalListEntry): Promise<LocalSealedRow> {
  return { id: entry.id, patientKey: await blindIndex(keys, entry.patientId), sealed: await seal(keys, entry, localContext(entry.id)) };
}

/**
 * Writes local list entries sealed (and drops clear-text copies of the same ids). Use this rather
 * than `db.localList.bulkPut` wherever the keys are known.
 */
export async function saveLocalEntries(db: SamstemDb, entries: LocalListEntry[]): Promise<void> {
  const keys = keysOf(db);
  if (!keys) throw new Error('Den krypterte lokale lagringen er ikke åpnet: legemiddellisten kan ikke lagres.');
  const rows = await Promise.all(entries.map((e) => sealLocalEntry(keys, e)));
  await db.transaction('rw', db.localList, db.localSealed, async () => {
    await db.localSealed.bulkPut(rows);
    await db.localList.bulkDelete(entries.map((e) => e.id));
  });
}

/**
 * Moves clear-text local data (v1/v2 rows, or rows written by code that does not seal) into the
 * sealed tables. A row changed meanwhile is left for the next run, never overwritten.
 */
export async function sealLocalData(db: SamstemDb, keys: AtRestKeys): Promise<{ entries: number; patients: boolean }> {
  const plain = await db.localList.toArray();
  const rows = await Promise.all(plain.map((e) => sealLocalEntry(keys, e)));
  const patientsRow = await db.meta.get(META_KEYS.patients);
  const sealedPatients = Array.isArray(patientsRow?.value) ? await seal(keys, patientsRow.value, patientsContext) : undefined;
  let entries = 0;
  let patients = false;
  await db.transaction('rw', db.localList, db.localSealed, db.meta, async () => {
    const now = await db.localList.bulkGet(plain.map((e) => e.id));
    for (let i = 0; i < plain.length; i++) {
      if (!now[i] || JSON.stringify(now[i]) !== JSON.stringify(plain[i])) continue;
      await db.localSealed.put(rows[i]!);
      await db.localList.delete(plain[i]!.id);
      entries++;
    }
    const current = await db.meta.get(META_KEYS.patients);
    if (sealedPatients && current && JSON.stringify(current.value) === JSON.stringify(patientsRow!.value)) {
      await db.meta.put({ key: META_KEYS.patientsSealed, value: sealedPatients });
      await db.meta.delete(META_KEYS.patients);
      patients = true;
    }
  });
  return { entries, patients };
}

/** Local list of one patient, active entries first, then by name. */
export async function localListFor(db: SamstemDb, patientId: string): Promise<LocalListEntry[]> {
  const byId = new Map<string, LocalListEntry>();
  const keys = keysOf(db);
  if (keys) {
    const sealedRows = await db.localSealed.where('patientKey').equals(await blindIndex(keys, patientId)).toArray();
    for (const row of sealedRows) {
      const entry = await unseal<LocalListEntry>(keys, row.sealed, localContext(row.id));
      if (entry.patientId !== patientId) throw new Error('En lagret legemiddellinje hører til en annen pasient. Lokale data er skadet.');
      byId.set(entry.id, entry);
    }
  }
  // Clear-text rows are newer than sealed ones with the same id (written since the last sealing).
  for (const row of await db.localList.where('patientId').equals(patientId).toArray()) byId.set(row.id, row);
  const rows = [...byId.values()];
  return rows.sort(
    (a, b) => Number(Boolean(a.discontinued)) - Number(Boolean(b.discontinued)) || a.medicine.name.localeCompare(b.medicine.name, 'nb'),
  );
}

export async function localPatients(db: SamstemDb): Promise<Patient[]> {
  const row = await db.meta.get(META_KEYS.patients);
  if (Array.isArray(row?.value)) return row.value as Patient[];
  const keys = keysOf(db);
  const sealed = await db.meta.get(META_KEYS.patientsSealed);
  if (!sealed) return [];
  if (!keys) throw new Error('Den krypterte lokale lagringen er ikke åpnet: pasientlisten kan ikke leses.');
  return unseal<Patient[]>(keys, sealed.value as SealedValue, patientsContext);
}

/** The meta row holding the local patient list sealed. */
export async function sealedPatientsRow(db: SamstemDb, keys: AtRestKeys, patients: Patient[]): Promise<MetaRow> {
  return { key: META_KEYS.patientsSealed, value: await seal(keys, patients, patientsContext) };
}

let instance: SamstemDb | undefined;

/** The app's database, opened lazily so tests and tools can use their own instances. */
export function appDb(): SamstemDb {
  if (!instance) {
    instance = new SamstemDb();
    // Every failed write stops the app with a screen (storageHealth.ts); installed before the first open.
    guardStorage(instance);
  }
  return instance;
}
