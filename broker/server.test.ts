import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { SECTION } from '../shared/fhir/codes';
import { buildDemoFixtures, buildDemoPatients } from '../fixtures/demo';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';
import { validatedGetMedicationAnswers } from './testing-fhir';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const captured = resolve(repo, '../shared/reference/sfm-tools/captured-nhn-test2/getmed-request.json');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function sectionCodes(response: Json): string[] {
  const bundle = response.parameter.find((p: Json) => p.name === 'medication').resource;
  const composition = bundle.entry[0].resource;
  expect(composition.resourceType).toBe('Composition');
  return composition.section.map((s: Json) => s.code.coding[0].code);
}

function expectOutcome(r: { status: number; contentType: string; json: unknown }, status: number) {
  expect(r.status).toBe(status);
  expect(r.contentType).toMatch(/^application\/fhir\+json/);
  const oo = r.json as Json;
  expect(oo.resourceType).toBe('OperationOutcome');
  expect(oo.issue[0].severity).toBe('error');
  return oo.issue[0].diagnostics as string;
}

describe('broker over HTTP', () => {
  const tmp = tempDbFile();
  const logs: string[] = [];
  let broker: RunningBroker;
  let auth: Record<string, string>;
  const demo = buildDemoPatients(new Date());
  const getMed = (body: unknown, headers?: Record<string, string>) => postFhir(`${broker.url}/fhir/Patient/$getMedication`, body, { ...auth, ...headers });

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo', port: 0, logger: true, logStream: { write: (l) => void logs.push(l) } });
    auth = await authHeader(broker.url);
  });
  afterAll(async () => {
    await broker?.stop();
    tmp.cleanup();
  });

  it('listens on 127.0.0.1 on a free port and answers /healthz', async () => {
    expect(broker.url).toBe(`http://127.0.0.1:${broker.port}`);
    expect(broker.port).toBeGreaterThan(0);
    const r = await fetch(`${broker.url}/healthz`);
    expect(await r.json()).toEqual({ status: 'ok', db: 'ok' });
    const demoInfo = (await (await fetch(`${broker.url}/demo`)).json()) as Json;
    expect(Date.parse(demoInfo.seededAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lists both SFM operations in /fhir/metadata', async () => {
    const r = await fetch(`${broker.url}/fhir/metadata`);
    const cs = (await r.json()) as Json;
    expect(cs.resourceType).toBe('CapabilityStatement');
    const ops = cs.rest[0].resource.find((x: Json) => x.type === 'Patient').operation.map((o: Json) => o.name);
    expect(ops).toEqual(expect.arrayContaining(['getMedication', 'sendMedication']));
  });

  it.each(buildDemoPatients(new Date()).map((d) => [`${d.patient.givenName} ${d.patient.familyName}`, d.patient.identityNumber]))(
    '$getMedication for %s returns the seeded data as an SFM document',
    async (_name, identityNumber) => {
      const seeded = demo.find((d) => d.patient.identityNumber === identityNumber)!;
      const r = await getMed(getMedicationBody(identityNumber));
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/^application\/fhir\+json/);
      expect(sectionCodes(r.json as Json)).toEqual(expect.arrayContaining(Object.values(SECTION)));
      const read = readGetMedicationResponse(r.json, 'broker');
      expect(read.patient.identityNumber).toBe(identityNumber);
      expect(read.patient.familyName).toBe(seeded.patient.familyName);
      const key = (p: { reseptId: string; status: string; medicine: { name: string }; dosage: { text: string }; expiresOn: string; recall?: { reason: string } }) =>
        [p.reseptId, p.status, p.medicine.name, p.dosage.text, p.expiresOn, p.recall?.reason ?? ''].join('|');
      expect(read.prescriptions.map(key).sort()).toEqual(seeded.prescriptions.map(key).sort());
      const pllKey = (e: { libId: string; reseptId?: string; dosage: { text: string }; discontinued?: unknown }) => [e.libId, e.reseptId ?? '', e.dosage.text, e.discontinued ? 'D' : ''].join('|');
      expect(read.pll.map(pllKey).sort()).toEqual(seeded.pll.map(pllKey).sort());
      expect(read.pllMessageId).toBe(seeded.pllMessageId);
      expect(read.dispensings.map((x) => `${x.reseptId}|${x.dispensedAt.slice(0, 10)}`).sort()).toEqual(seeded.dispensings.map((x) => `${x.reseptId}|${x.dispensedAt.slice(0, 10)}`).sort());
      expect(read.criticalInfo.map((c) => c.agent).sort()).toEqual(seeded.criticalInfo.map((c) => c.agent).sort());
    },
  );

  it('serves every resident of the demo unit', async () => {
    const { patients, units } = buildDemoFixtures(new Date());
    expect(units[0]!.residentIdentityNumbers.length).toBeGreaterThanOrEqual(30);
    const nurse = await authHeader(broker.url, 'nurse-sigrid');
    for (const id of units[0]!.residentIdentityNumbers) {
      const r = await getMed(getMedicationBody(id), nurse);
      expect(r.status).toBe(200);
      const read = readGetMedicationResponse(r.json);
      expect(read.pll.map((e) => e.libId).sort()).toEqual(patients.find((p) => p.patient.identityNumber === id)!.pll.map((e) => e.libId).sort());
    }
  });

  it('gives every read a fresh readId and records it', async () => {
    const a = readGetMedicationResponse((await getMed(getMedicationBody('02073918149'))).json);
    const b = readGetMedicationResponse((await getMed(getMedicationBody('02073918149'))).json);
    expect(a.readId).not.toBe(b.readId);
    const db = new Database(tmp.file, { readonly: true });
    try {
      const rows = db.prepare('SELECT read_id FROM reads WHERE read_id IN (?, ?)').all(a.readId, b.readId);
      expect(rows).toHaveLength(2);
    } finally {
      db.close();
    }
  });

  it('accepts application/json as well as application/fhir+json', async () => {
    const r = await getMed(getMedicationBody('47068530187', 'urn:oid:2.16.578.1.12.4.1.4.2'), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
  });

  it('answers a mistyped identity number with 400 saying so in Norwegian and English', async () => {
    const diag = expectOutcome(await getMed(getMedicationBody('14034827062')), 400);
    expect(diag).toMatch(/Ugyldig fødselsnummer/);
    expect(diag).toMatch(/check digits/);
    expectOutcome(await getMed(getMedicationBody('1403482706')), 400);
    expectOutcome(await getMed(getMedicationBody('abcdefghijk')), 400);
    // a D-nummer sent with the fødselsnummer system
    expect(expectOutcome(await getMed(getMedicationBody('47068530187', 'urn:oid:2.16.578.1.12.4.1.4.1')), 400)).toMatch(/D-nummer/);
  });

  it('answers an unknown but valid identity number with 404', async () => {
    const diag = expectOutcome(await getMed(getMedicationBody('08122940188')), 404);
    expect(diag).toMatch(/finnes ikke/);
  });

  it('answers malformed or misshaped requests with 4xx OperationOutcomes, never HTML', async () => {
    expect(expectOutcome(await getMed('{"resourceType": "Parameters", '), 400)).toMatch(/JSON/);
    expectOutcome(await getMed(''), 400);
    expectOutcome(await getMed({ resourceType: 'Bundle' }), 400);
    expectOutcome(await getMed({ resourceType: 'Parameters', parameter: [] }), 400);
    expectOutcome(await getMed({ resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient' } }] }), 400);
    expectOutcome(await getMed('patient=1', { 'content-type': 'text/plain' }), 415);
    const r = await fetch(`${broker.url}/fhir/Nothing`, { headers: auth });
    expect(r.status).toBe(404);
    expect(((await r.json()) as Json).resourceType).toBe('OperationOutcome');
  });

  it.skipIf(!existsSync(captured))('accepts the request captured from NHN test2 as it is (its test person is seeded)', async () => {
    const r = await getMed(readFileSync(captured, 'utf8'));
    expect(r.status).toBe(200);
    const read = readGetMedicationResponse(r.json);
    expect(read.patient.identityNumber).toBe('06120182763');
    expect(read.prescriptions.length).toBeGreaterThan(0);
  });

  it('allows CORS only for file:// (null) and app://samstem pages', async () => {
    const pre = await fetch(`${broker.url}/fhir/Patient/$getMedication`, { method: 'OPTIONS', headers: { origin: 'app://samstem', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('app://samstem');
    const fromFile = await getMed(getMedicationBody('27070154264'), { origin: 'null' });
    expect(fromFile.status).toBe(200);
    const nul = await fetch(`${broker.url}/healthz`, { headers: { origin: 'null' } });
    expect(nul.headers.get('access-control-allow-origin')).toBe('null');
    for (const origin of ['https://evil.example', 'app://other', 'http://127.0.0.1:5173']) {
      const r = await fetch(`${broker.url}/healthz`, { headers: { origin } });
      expect(r.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('validated every $getMedication answer above as FHIR R4', () => {
    expect(validatedGetMedicationAnswers()).toBeGreaterThan(demo.length + 30);
  });

  it('keeps identity numbers and names out of the logs', () => {
    const all = logs.join('');
    expect(all).toContain('getMedication');
    expect(all).not.toMatch(/Bearer [A-Za-z0-9]/);
    // no identity number, not even a mistyped or unknown one (digits inside decimals like
    // responseTime or inside UUIDs are not numbers of people)
    expect(all).not.toMatch(/(?<![\w.-])\d{11}(?![\w.])/);
    for (const id of ['14034827062', '08122940188', '06120182763']) expect(all).not.toContain(id);
    for (const d of demo) {
      expect(all).not.toContain(d.patient.identityNumber);
      expect(all).not.toContain(d.patient.familyName);
    }
  });
});

describe('broker storage', () => {
  it('applies migrations once, keeps data across stop/start and seeding twice adds nothing', async () => {
    const tmp = tempDbFile();
    try {
      const first = await startBroker({ dbFile: tmp.file, seed: 'demo' });
      const r = await postFhir(`${first.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'), await authHeader(first.url));
      const readId = readGetMedicationResponse(r.json).readId;
      await first.stop();
      const count = (sql: string) => {
        const db = new Database(tmp.file, { readonly: true });
        try {
          return db.prepare(sql).pluck().get() as number;
        } finally {
          db.close();
        }
      };
      const before = ['patients', 'prescriptions', 'pll_versions', 'dispensings', 'critical_info'].map((t) => count(`SELECT count(*) FROM ${t}`));
      const migrationsBefore = count('SELECT count(*) FROM schema_migrations');

      const second = await startBroker({ dbFile: tmp.file, seed: 'demo' });
      await second.stop();
      expect(['patients', 'prescriptions', 'pll_versions', 'dispensings', 'critical_info'].map((t) => count(`SELECT count(*) FROM ${t}`))).toEqual(before);
      expect(count('SELECT count(*) FROM schema_migrations')).toBe(migrationsBefore);
      expect(count(`SELECT count(*) FROM reads WHERE read_id = '${readId}'`)).toBe(1);
      expect(count('SELECT count(*) FROM patients')).toBe(buildDemoFixtures().patients.length);

      // without --seed the data is still there
      const third = await startBroker({ dbFile: tmp.file, seed: 'none' });
      const again = await postFhir(`${third.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'), await authHeader(third.url));
      await third.stop();
      expect(again.status).toBe(200);
    } finally {
      tmp.cleanup();
    }
  });

  it('drops a discontinued PLL entry from the read 90 days after it was discontinued', async () => {
    const tmp = tempDbFile();
    let clock = new Date();
    const b = await startBroker({ dbFile: tmp.file, seed: 'demo', auth: 'off', now: () => clock });
    try {
      const furixLib = buildDemoPatients(clock)[0]!.pll.find((e) => e.discontinued)!;
      const libIds = async () => readGetMedicationResponse((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'))).json).pll.map((e) => e.libId);
      expect(await libIds()).toContain(furixLib.libId);
      clock = new Date(Date.parse(furixLib.discontinued!.at) + 89 * 86_400_000);
      expect(await libIds()).toContain(furixLib.libId);
      clock = new Date(Date.parse(furixLib.discontinued!.at) + 91 * 86_400_000);
      const later = await libIds();
      expect(later).not.toContain(furixLib.libId);
      expect(later.length).toBeGreaterThan(0);
    } finally {
      await b.stop();
      tmp.cleanup();
    }
  });

  it('serves a built renderer at / next to the API when staticDir is set, and refuses a folder without index.html', async () => {
    const tmp = tempDbFile();
    const dir = dirname(tmp.file);
    const ui = join(dir, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Samstem</title>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)');
    const b = await startBroker({ dbFile: tmp.file, staticDir: ui });
    try {
      const page = await fetch(`${b.url}/`);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('Samstem');
      expect((await fetch(`${b.url}/assets/app.js`)).status).toBe(200);
      expect((await fetch(`${b.url}/fhir/metadata`)).status).toBe(200);
    } finally {
      await b.stop();
    }
    await expect(startBroker({ dbFile: tmp.file, staticDir: join(dir, 'nothing') })).rejects.toThrow(/index.html/);
    tmp.cleanup();
  });

  it('stop() can be called twice', async () => {
    const tmp = tempDbFile();
    const b = await startBroker({ dbFile: tmp.file });
    await b.stop();
    await b.stop();
    tmp.cleanup();
  });
});
