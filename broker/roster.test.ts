import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildDemoFixtures, DEMO_UNIT_ID } from '../fixtures/demo';
import { loadMigrations, migrate, openDatabase } from './db';
import type { UnitResidentsResponse, UnitsResponse } from './roster';
import { demoSeededAt, seedPatients } from './seed';
import { startBroker, type RunningBroker } from './server';
import { authHeader, tempDbFile } from './testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UNIT_NAME = 'Solsiden sykehjem, avdeling 2';

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; json: Json }> {
  const r = await fetch(url, { headers });
  return { status: r.status, contentType: r.headers.get('content-type') ?? '', json: (await r.json()) as Json };
}

describe('roster: GET /units and GET /units/:unitId/residents', () => {
  const tmp = tempDbFile();
  let broker: RunningBroker;
  let fixtures: ReturnType<typeof buildDemoFixtures>;
  let nurse: Record<string, string>;

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo' });
    const db = new Database(tmp.file, { readonly: true });
    fixtures = buildDemoFixtures(new Date(demoSeededAt(db)!));
    db.close();
    nurse = await authHeader(broker.url, 'nurse-sigrid');
  });
  afterAll(async () => {
    await broker.stop();
    tmp.cleanup();
  });

  const auditRows = (sql: string, ...args: unknown[]) => {
    const db = new Database(tmp.file, { readonly: true });
    try {
      return db.prepare(sql).all(...args) as Json[];
    } finally {
      db.close();
    }
  };

  it('lists the nurse\'s unit by name with its resident count', async () => {
    const r = await getJson(`${broker.url}/units`, nurse);
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/application\/json/);
    const body = r.json as UnitsResponse;
    const demoUnit = fixtures.units[0]!;
    expect(body.units).toEqual([{ id: DEMO_UNIT_ID, name: UNIT_NAME, organisation: { name: demoUnit.organisation.name, orgNr: demoUnit.organisation.orgNr }, residentCount: demoUnit.residentIdentityNumbers.length }]);
    expect(body.units[0]!.residentCount).toBeGreaterThanOrEqual(30);
  });

  it('lists every resident of the unit with identity, kind, name, birth date and multidose, sorted by family name', async () => {
    const r = await getJson(`${broker.url}/units/${DEMO_UNIT_ID}/residents`, nurse);
    expect(r.status).toBe(200);
    const body = r.json as UnitResidentsResponse;
    expect(body.unit).toMatchObject({ id: DEMO_UNIT_ID, name: UNIT_NAME });
    const expected = fixtures.patients.filter((p) => p.patient.units?.includes(DEMO_UNIT_ID)).map((p) => p.patient);
    expect(new Set(body.residents.map((x) => x.identityNumber))).toEqual(new Set(expected.map((p) => p.identityNumber)));
    expect(body.residents).toHaveLength(expected.length);
    for (const p of expected) {
      expect(body.residents.find((x) => x.identityNumber === p.identityNumber)).toEqual({
        identityNumber: p.identityNumber, identityKind: p.identityKind, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, multidose: Boolean(p.multidose),
      });
    }
    expect(body.residents.some((x) => x.multidose)).toBe(true);
    expect(body.residents.some((x) => !x.multidose)).toBe(true);
    const families = body.residents.map((x) => x.familyName);
    expect(families).toEqual([...families].sort((a, b) => a.localeCompare(b, 'nb')));
    // nobody outside the unit
    const outside = fixtures.patients.find((p) => !p.patient.units?.includes(DEMO_UNIT_ID))!;
    expect(body.residents.some((x) => x.identityNumber === outside.patient.identityNumber)).toBe(false);
  });

  it('audits a roster read per listed resident, visible in the patient\'s own audit, naming the unit', async () => {
    const resident = fixtures.units[0]!.residentIdentityNumbers[3]!;
    const before = ((await getJson(`${broker.url}/audit?patient=${resident}`, nurse)).json.events as Json[]).filter((e) => e.action === 'roster').length;
    expect((await getJson(`${broker.url}/units/${DEMO_UNIT_ID}/residents`, nurse)).status).toBe(200);
    const events = (await getJson(`${broker.url}/audit?patient=${resident}`, nurse)).json.events as Json[];
    const roster = events.filter((e) => e.action === 'roster');
    expect(roster).toHaveLength(before + 1);
    expect(roster.at(-1)).toMatchObject({ userId: 'nurse-sigrid', userHpr: '4433221', role: 'nurse', outcome: 'ok', detail: `unit ${DEMO_UNIT_ID}` });
    const calls = auditRows("SELECT * FROM audit WHERE action = 'roster' AND patient IS NULL AND outcome = 'ok' AND user_id = 'nurse-sigrid'");
    expect(calls.at(-1)!.detail).toBe(`unit ${DEMO_UNIT_ID}: ${fixtures.units[0]!.residentIdentityNumbers.length} residents listed`);
    const unitsCalls = auditRows("SELECT * FROM audit WHERE action = 'roster:units' AND user_id = 'nurse-sigrid'");
    expect(unitsCalls.length).toBeGreaterThan(0);
    expect(unitsCalls[0]!.detail).toBe(`units: ${DEMO_UNIT_ID}`);
  });

  it('refuses a user of another organisation with a Norwegian OperationOutcome (403), audited, and lists none of her units', async () => {
    const gp = await authHeader(broker.url, 'gp-kristin');
    expect((await getJson(`${broker.url}/units`, gp)).json).toEqual({ units: [] });
    const r = await getJson(`${broker.url}/units/${DEMO_UNIT_ID}/residents`, gp);
    expect(r.status).toBe(403);
    expect(r.contentType).toMatch(/application\/fhir\+json/);
    expect(r.json.resourceType).toBe('OperationOutcome');
    expect(r.json.issue[0]).toMatchObject({ severity: 'error', code: 'forbidden' });
    expect(r.json.issue[0].diagnostics).toContain(`Du er ikke knyttet til ${UNIT_NAME}`);
    expect(JSON.stringify(r.json)).not.toContain(fixtures.units[0]!.residentIdentityNumbers[0]!);
    const refused = auditRows("SELECT * FROM audit WHERE action = 'roster' AND user_id = 'gp-kristin'");
    expect(refused).toEqual([expect.objectContaining({ outcome: '403', patient: null, detail: expect.stringContaining(DEMO_UNIT_ID) })]);
  });

  it('lets the nursing-home doctor of the unit read it too', async () => {
    const r = await getJson(`${broker.url}/units/${DEMO_UNIT_ID}/residents`, await authHeader(broker.url, 'gp-per'));
    expect(r.status).toBe(200);
    expect(r.json.residents.length).toBe(fixtures.units[0]!.residentIdentityNumbers.length);
  });

  it('answers 404 for an unknown unit and 400 for an id that cannot be one, both audited', async () => {
    const missing = await getJson(`${broker.url}/units/finnes-ikke/residents`, nurse);
    expect(missing.status).toBe(404);
    expect(missing.json.issue[0].code).toBe('not-found');
    expect(missing.json.issue[0].diagnostics).toMatch(/Avdelingen «finnes-ikke» finnes ikke/);
    const bad = await getJson(`${broker.url}/units/${encodeURIComponent('a b;c')}/residents`, nurse);
    expect(bad.status).toBe(400);
    expect(bad.json.resourceType).toBe('OperationOutcome');
    const rows = auditRows("SELECT outcome FROM audit WHERE action = 'roster' AND user_id = 'nurse-sigrid' AND outcome != 'ok' ORDER BY id");
    expect(rows.map((x) => x.outcome)).toEqual(['not-found', '400']);
  });

  it('needs a valid bearer token (401 with WWW-Authenticate)', async () => {
    for (const path of ['/units', `/units/${DEMO_UNIT_ID}/residents`]) {
      const none = await fetch(`${broker.url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
      expect(((await none.json()) as Json).issue[0].diagnostics).toMatch(/ikke logget inn/);
      expect((await fetch(`${broker.url}${path}`, { headers: { authorization: 'Bearer abc.def.ghi' } })).status).toBe(401);
    }
  });
});

describe('roster with auth off', () => {
  it('lists every unit the store knows and opens it', async () => {
    const tmp = tempDbFile();
    const broker = await startBroker({ dbFile: tmp.file, seed: 'demo', auth: 'off' });
    try {
      const units = (await getJson(`${broker.url}/units`)).json as UnitsResponse;
      expect(units.units.map((u) => u.id)).toEqual([DEMO_UNIT_ID]);
      expect((await getJson(`${broker.url}/units/${DEMO_UNIT_ID}/residents`)).status).toBe(200);
    } finally {
      await broker.stop();
      tmp.cleanup();
    }
  });
});

describe('migration 006 (unit names)', () => {
  it('upgrades a database made before it: the unit is served under its id, and a re-seed fills in its name', async () => {
    const tmp = tempDbFile();
    try {
      const old = new Database(tmp.file);
      migrate(old, loadMigrations().filter((m) => m.version <= 5));
      expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'units'").pluck().get()).toBe(0);
      const fixtures = buildDemoFixtures(new Date());
      seedPatients(old, fixtures.patients);
      old.close();

      const upgraded = openDatabase(tmp.file);
      expect(upgraded.prepare('SELECT name FROM schema_migrations WHERE version = 6').pluck().get()).toBe('006_units.sql');
      upgraded.close();

      let broker = await startBroker({ dbFile: tmp.file });
      try {
        const before = (await getJson(`${broker.url}/units`, await authHeader(broker.url, 'nurse-sigrid'))).json as UnitsResponse;
        expect(before.units).toEqual([{ id: DEMO_UNIT_ID, name: DEMO_UNIT_ID, residentCount: fixtures.units[0]!.residentIdentityNumbers.length }]);
      } finally {
        await broker.stop();
      }
      broker = await startBroker({ dbFile: tmp.file, seed: 'demo' });
      try {
        const after = (await getJson(`${broker.url}/units`, await authHeader(broker.url, 'nurse-sigrid'))).json as UnitsResponse;
        expect(after.units[0]).toMatchObject({ id: DEMO_UNIT_ID, name: UNIT_NAME, residentCount: fixtures.units[0]!.residentIdentityNumbers.length });
      } finally {
        await broker.stop();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
