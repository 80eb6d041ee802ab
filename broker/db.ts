// The broker's SQLite store (better-sqlite3). Schema changes are numbered SQL files in
// ./migrations applied once each, in order, inside a transaction, and recorded in
// schema_migrations. Nothing the broker knows lives only in memory.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  CriticalInfo,
  Dispensing,
  Patient,
  PllEntry,
  Prescriber,
  Prescription,
} from '../shared/model';

export type Db = Database.Database;

/** Where the migration files are; override when the broker is bundled without its folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const migrations = files.map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(`${dir}/${f}`, 'utf8') }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name}: expected number ${String(i + 1).padStart(3, '0')} (numbers must run 001, 002, … without gaps)`);
  });
  return migrations;
}

/** Applies the migrations not yet recorded; returns the names applied now. */
export function migrate(db: Db, migrations: Migration[] = loadMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.name);
  }
  return applied;
}

export interface OpenOptions {
  migrationsDir?: string;
}

/** Opens (creating if needed) and migrates the database file. WAL, foreign keys on. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, loadMigrations(opts.migrationsDir));
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

// Prepared statements, cached per connection: preparing is a large share of a request's cost.
const statements = new WeakMap<Db, Map<string, Database.Statement>>();
/** The prepared statement for `sql` on this connection (prepared once). */
export function stmt(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

// ---- reading ----

const json = <T>(s: string): T => JSON.parse(s) as T;

export function getPatient(db: Db, identityNumber: string): (Patient & { version: number }) | undefined {
  const row = stmt(db, 'SELECT data, version FROM patients WHERE identity_number = ?').get(identityNumber) as { data: string; version: number } | undefined;
  return row ? { ...json<Patient>(row.data), version: row.version } : undefined;
}

export function listPatients(db: Db): Patient[] {
  return (stmt(db, 'SELECT data FROM patients ORDER BY identity_number').pluck().all() as string[]).map((d) => json<Patient>(d));
}

export interface CurrentPll {
  messageId: string;
  createdAt: string;
  author?: Prescriber;
  entries: PllEntry[];
}

export function currentPll(db: Db, patient: string): CurrentPll | undefined {
  const row = stmt(db, 'SELECT message_id, created_at, author, entries FROM pll_versions WHERE patient = ? ORDER BY seq DESC LIMIT 1').get(patient) as
    | { message_id: string; created_at: string; author: string | null; entries: string }
    | undefined;
  if (!row) return undefined;
  const pll: CurrentPll = { messageId: row.message_id, createdAt: row.created_at, entries: json<PllEntry[]>(row.entries) };
  if (row.author) pll.author = json<Prescriber>(row.author);
  return pll;
}

/** Everything RF and KJ hold for a patient, as the domain records. */
export interface PatientRecord {
  patient: Patient;
  version: number;
  prescriptions: Prescription[];
  pll?: CurrentPll;
  dispensings: Dispensing[];
  criticalInfo: CriticalInfo[];
}

export function loadPatientRecord(db: Db, identityNumber: string): PatientRecord | undefined {
  const p = getPatient(db, identityNumber);
  if (!p) return undefined;
  const { version, ...patient } = p;
  const record: PatientRecord = {
    patient,
    version,
    prescriptions: (stmt(db, 'SELECT data FROM prescriptions WHERE patient = ? ORDER BY rowid').pluck().all(identityNumber) as string[]).map((d) => json<Prescription>(d)),
    dispensings: (stmt(db, 'SELECT data FROM dispensings WHERE patient = ? ORDER BY dispensed_at DESC').pluck().all(identityNumber) as string[]).map((d) => json<Dispensing>(d)),
    criticalInfo: (stmt(db, 'SELECT data FROM critical_info WHERE patient = ? ORDER BY rowid').pluck().all(identityNumber) as string[]).map((d) => json<CriticalInfo>(d)),
  };
  const pll = currentPll(db, identityNumber);
  if (pll) record.pll = pll;
  return record;
}

// ---- writing ----

export interface ReadRow {
  readId: string;
  patient: string;
  userId?: string;
  at: string;
  patientVersion: number;
  pllMessageId?: string;
  reseptIds: string[];
  libIds: string[];
  /** The reason given when the read was made under emergency access. */
  emergencyReason?: string;
}

export function recordRead(db: Db, r: ReadRow): void {
  stmt(db, `INSERT INTO reads (read_id, patient, user_id, at, patient_version, pll_message_id, resept_ids, lib_ids, emergency_reason)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.readId, r.patient, r.userId ?? null, r.at, r.patientVersion, r.pllMessageId ?? null, JSON.stringify(r.reseptIds), JSON.stringify(r.libIds), r.emergencyReason ?? null);
}

export function getRead(db: Db, readId: string): ReadRow | undefined {
  const row = stmt(db, 'SELECT * FROM reads WHERE read_id = ?').get(readId) as
    | { read_id: string; patient: string; user_id: string | null; at: string; patient_version: number; pll_message_id: string | null; resept_ids: string; lib_ids: string; emergency_reason: string | null }
    | undefined;
  if (!row) return undefined;
  const r: ReadRow = { readId: row.read_id, patient: row.patient, at: row.at, patientVersion: row.patient_version, reseptIds: json(row.resept_ids), libIds: json(row.lib_ids) };
  if (row.user_id) r.userId = row.user_id;
  if (row.emergency_reason) r.emergencyReason = row.emergency_reason;
  if (row.pll_message_id) r.pllMessageId = row.pll_message_id;
  return r;
}

export interface AuditEvent {
  at: string;
  userId?: string;
  userName?: string;
  userHpr?: string;
  role?: string;
  organisation?: string;
  patient?: string;
  /** What was done: 'getMedication', 'sendMedication', 'emergency-access', … */
  action: string;
  /** Why (tjenstlig behov / the emergency reason given). */
  reason?: string;
  readId?: string;
  /** 'ok' or the HTTP status / error code. */
  outcome: string;
  detail?: string;
}

export function insertAudit(db: Db, e: AuditEvent): void {
  stmt(db, `INSERT INTO audit (at, user_id, user_name, user_hpr, role, organisation, patient, action, reason, read_id, outcome, detail)
              VALUES (@at, @userId, @userName, @userHpr, @role, @organisation, @patient, @action, @reason, @readId, @outcome, @detail)`).run({
    userId: null, userName: null, userHpr: null, role: null, organisation: null, patient: null, reason: null, readId: null, detail: null, ...e,
  });
}

export function listAudit(db: Db, patient: string): (AuditEvent & { id: number })[] {
  const rows = stmt(db, 'SELECT * FROM audit WHERE patient = ? ORDER BY id').all(patient) as Record<string, string | number | null>[];
  return rows.map((r) => {
    const e: Record<string, unknown> = {};
    const map: Record<string, string> = { user_id: 'userId', user_name: 'userName', user_hpr: 'userHpr', read_id: 'readId' };
    for (const [k, v] of Object.entries(r)) if (v !== null) e[map[k] ?? k] = v;
    return e as unknown as AuditEvent & { id: number };
  });
}

// ---- changes (what a 409 names) and care relationships ----

export interface ChangeRow {
  at: string;
  /** 'send', 'pharmacy-lock', 'pharmacy-release', 'dispense', 'multidose-proposal', 'pll-change', 'expired' */
  kind: string;
  /** Who made the change: a name and organisation (never the patient). */
  actor: string;
  /** What changed, in Norwegian, naming medicines (never the patient). */
  detail: string;
}

/**
 * Bumps the patient's version and records what changed and who changed it. Call inside the
 * transaction that makes the change. Returns the new version.
 */
export function recordChange(db: Db, patient: string, c: ChangeRow): number {
  stmt(db, 'UPDATE patients SET version = version + 1, updated_at = ? WHERE identity_number = ?').run(c.at, patient);
  const version = stmt(db, 'SELECT version FROM patients WHERE identity_number = ?').pluck().get(patient) as number;
  stmt(db, 'INSERT INTO changes (patient, version, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?, ?)').run(patient, version, c.at, c.kind, c.actor, c.detail);
  return version;
}

/** The changes to a patient's national data after `version`, oldest first. */
export function changesSince(db: Db, patient: string, version: number): (ChangeRow & { version: number })[] {
  return stmt(db, 'SELECT version, at, kind, actor, detail FROM changes WHERE patient = ? AND version > ? ORDER BY id').all(patient, version) as (ChangeRow & { version: number })[];
}

export interface CareRelations {
  /** Organisation numbers of the patient's fastlege practice. */
  gpOrgs: string[];
  /** HPR numbers of further doctors with a care relationship. */
  doctors: string[];
}

export function careRelations(db: Db, patient: string): CareRelations {
  const rows = stmt(db, 'SELECT kind, value FROM care_relations WHERE patient = ?').all(patient) as { kind: string; value: string }[];
  return { gpOrgs: rows.filter((r) => r.kind === 'gp-org').map((r) => r.value), doctors: rows.filter((r) => r.kind === 'doctor').map((r) => r.value) };
}

export function addCareRelation(db: Db, patient: string, kind: 'gp-org' | 'doctor', value: string): number {
  return stmt(db, 'INSERT OR IGNORE INTO care_relations (patient, kind, value) VALUES (?, ?, ?)').run(patient, kind, value).changes;
}

/** The broker's clock offset (ms) set by the "time passes" actor; 0 when never moved. */
export function clockOffsetMs(db: Db): number {
  const v = stmt(db, "SELECT value FROM meta WHERE key = 'clock_offset_ms'").pluck().get() as string | undefined;
  return v ? Number(v) : 0;
}

export function setClockOffsetMs(db: Db, ms: number, at: string): void {
  stmt(db, "INSERT INTO meta (key, value, updated_at) VALUES ('clock_offset_ms', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at").run(String(ms), at);
}
