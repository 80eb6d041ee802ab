// Seeds the store from fixtures/demo. Idempotent: rows are keyed by the fixtures' stable ids and
// inserted only when missing, so seeding twice adds nothing and never undoes what a
// $sendMedication changed since (a restart with --seed demo keeps the sent state).
import { buildDemoFixtures, type DemoPatient, type DemoUnit } from '../fixtures/demo';
import { addCareRelation, type Db } from './db';

export interface SeedResult {
  patients: number;
  prescriptions: number;
  pllVersions: number;
  dispensings: number;
  criticalInfo: number;
}

export function seedPatients(db: Db, patients: DemoPatient[], now: Date = new Date()): SeedResult {
  const stamp = now.toISOString();
  const ins = {
    patient: db.prepare('INSERT OR IGNORE INTO patients (identity_number, data, created_at, updated_at) VALUES (?, ?, ?, ?)'),
    rx: db.prepare('INSERT OR IGNORE INTO prescriptions (resept_id, patient, status, data, updated_at) VALUES (?, ?, ?, ?, ?)'),
    pll: db.prepare('INSERT OR IGNORE INTO pll_versions (message_id, patient, created_at, author, entries) VALUES (?, ?, ?, ?, ?)'),
    disp: db.prepare('INSERT OR IGNORE INTO dispensings (id, patient, resept_id, dispensed_at, data) VALUES (?, ?, ?, ?, ?)'),
    cave: db.prepare('INSERT OR IGNORE INTO critical_info (id, patient, data) VALUES (?, ?, ?)'),
  };
  const result: SeedResult = { patients: 0, prescriptions: 0, pllVersions: 0, dispensings: 0, criticalInfo: 0 };
  db.transaction(() => {
    for (const d of patients) {
      const id = d.patient.identityNumber;
      result.patients += ins.patient.run(id, JSON.stringify(d.patient), stamp, stamp).changes;
      for (const p of d.prescriptions) result.prescriptions += ins.rx.run(p.reseptId, id, p.status, JSON.stringify(p), stamp).changes;
      if (d.pllMessageId) {
        result.pllVersions += ins.pll.run(d.pllMessageId, id, d.pllCreatedAt ?? stamp, d.pllAuthor ? JSON.stringify(d.pllAuthor) : null, JSON.stringify(d.pll)).changes;
      }
      for (const x of d.dispensings) result.dispensings += ins.disp.run(x.id, id, x.reseptId ?? null, x.dispensedAt, JSON.stringify(x)).changes;
      for (const c of d.criticalInfo) result.criticalInfo += ins.cave.run(c.id, id, JSON.stringify(c)).changes;
      if (d.gpOrgNr) addCareRelation(db, id, 'gp-org', d.gpOrgNr);
      for (const hpr of d.careRelations ?? []) addCareRelation(db, id, 'doctor', hpr);
    }
  })();
  return result;
}

/**
 * Stores the units' names and organisations (migration 006). Idempotent; the residents of a unit
 * are the patients whose `units` name it (seedPatients), not a list kept here.
 */
export function seedUnits(db: Db, units: readonly Pick<DemoUnit, 'id' | 'name' | 'organisation'>[], now: Date = new Date()): number {
  const ins = db.prepare('INSERT OR IGNORE INTO units (unit_id, name, org_name, org_nr, created_at) VALUES (?, ?, ?, ?, ?)');
  let n = 0;
  db.transaction(() => {
    for (const u of units) n += ins.run(u.id, u.name, u.organisation.name, u.organisation.orgNr, now.toISOString()).changes;
  })();
  return n;
}

/** When the demo data was first seeded into this database, or undefined. */
export function demoSeededAt(db: Db): string | undefined {
  return (db.prepare("SELECT value FROM meta WHERE key = 'demo_seeded_at'").pluck().get() as string | undefined) ?? undefined;
}

/**
 * Seeds the demo patients and the unit's residents. Dates are relative to the time of the first
 * seeding of this database (kept in `meta`), so a re-seed of an old file fills gaps with data
 * that fits what is already there; `now` is used only the first time.
 */
export function seedDemo(db: Db, now: Date = new Date()): SeedResult {
  db.prepare("INSERT OR IGNORE INTO meta (key, value, updated_at) VALUES ('demo_seeded_at', ?, ?)").run(now.toISOString(), now.toISOString());
  const base = new Date(demoSeededAt(db)!);
  const fixtures = buildDemoFixtures(base);
  seedUnits(db, fixtures.units, now);
  return seedPatients(db, fixtures.patients, now);
}
