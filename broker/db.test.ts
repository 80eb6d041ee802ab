import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadMigrations, migrate, openDatabase } from './db';
import { demoSeededAt, seedDemo } from './seed';
import { buildDemoFixtures } from '../fixtures/demo';
import { tempDbFile } from './testing';

describe('migrations', () => {
  it('opens in WAL mode with foreign keys on, and records each migration once', () => {
    const tmp = tempDbFile();
    try {
      const db = openDatabase(tmp.file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      const names = db.prepare('SELECT name FROM schema_migrations ORDER BY version').pluck().all();
      expect(names).toEqual(loadMigrations().map((m) => m.name));
      expect(migrate(db)).toEqual([]);
      expect(() => db.prepare("INSERT INTO prescriptions (resept_id, patient, status, data, updated_at) VALUES ('x', 'nobody', 'E', '{}', 'now')").run()).toThrow(/FOREIGN KEY/);
      db.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses numbering gaps and rolls back a failing migration without recording it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'samstem-mig-'));
    try {
      writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x INTEGER);');
      writeFileSync(join(dir, '003_c.sql'), 'CREATE TABLE c (x INTEGER);');
      expect(() => loadMigrations(dir)).toThrow(/002/);
      rmSync(join(dir, '003_c.sql'));
      writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);');
      const db = new Database(':memory:');
      expect(() => migrate(db, loadMigrations(dir))).toThrow(/nope/);
      expect(db.prepare('SELECT name FROM schema_migrations').pluck().all()).toEqual(['001_a.sql']);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('seeding', () => {
  it('is idempotent and keeps the first seeding time, so re-seeding fills gaps with matching dates', () => {
    const tmp = tempDbFile();
    try {
      const db = openDatabase(tmp.file);
      const t0 = new Date('2026-11-01T10:00:00Z');
      const first = seedDemo(db, t0);
      const all = buildDemoFixtures(t0).patients;
      expect(first.patients).toBe(all.length);
      expect(first.prescriptions).toBe(all.reduce((n, p) => n + p.prescriptions.length, 0));
      expect(seedDemo(db, new Date('2026-11-20T10:00:00Z'))).toEqual({ patients: 0, prescriptions: 0, pllVersions: 0, dispensings: 0, criticalInfo: 0 });
      expect(demoSeededAt(db)).toBe(t0.toISOString());
      // a lost prescription comes back with the dates of the first seeding
      const victim = all[0]!.prescriptions[0]!;
      db.prepare('DELETE FROM prescriptions WHERE resept_id = ?').run(victim.reseptId);
      expect(seedDemo(db, new Date('2026-11-20T10:00:00Z')).prescriptions).toBe(1);
      const back = JSON.parse(db.prepare('SELECT data FROM prescriptions WHERE resept_id = ?').pluck().get(victim.reseptId) as string);
      expect(back.expiresOn).toBe(victim.expiresOn);
      db.close();
    } finally {
      tmp.cleanup();
    }
  });
});
