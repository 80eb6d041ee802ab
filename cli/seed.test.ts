import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { fhirErrors } from '../shared/fhir/test-support';
import { startBroker } from '../broker';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from '../broker/testing';
import { parseSeedArgs, runSeedCommand } from './seed';
import '../broker/testing-fhir';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reference = path.resolve(repo, '..', 'shared', 'reference', 'sfm-tools');
const ODDEN = path.join(reference, 'patient-odden');
const SAMPLES = path.join(reference, 'message-samples');
const haveReference = existsSync(ODDEN) && existsSync(SAMPLES);
const skipNote = haveReference ? '' : ' [SKIPPED: ../shared/reference/sfm-tools is absent]';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (l: string) => void err.push(l) } };
}

describe('samstem seed --kith', () => {
  const tmp = tempDbFile();
  afterAll(() => tmp.cleanup());

  it.skipIf(!haveReference)(`seeds patient-odden (6 prescriptions of the latest M9.6, status E, no PLL) and $getMedication returns them${skipNote}`, async () => {
    const a = io();
    const code = await runSeedCommand('seed', ['--kith', ODDEN, '--db', tmp.file, '--gp-org', '987654325'], a.io);
    expect(a.err).toEqual([]);
    expect(code).toBe(0);
    expect(a.out.join('')).toMatch(/15069396949 \(Magnar Daniel Odden\); 6 resepter \(6 nye\), PLL: ingen/);

    const broker = await startBroker({ dbFile: tmp.file });
    try {
      const r = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody('15069396949'), await authHeader(broker.url));
      expect(r.status, r.text).toBe(200);
      expect(fhirErrors(r.json as object)).toEqual([]);
      const read = readGetMedicationResponse(r.json);
      expect(read.patient).toMatchObject({ familyName: 'Odden', birthDate: '1993-06-15' });
      expect(read.prescriptions).toHaveLength(6);
      expect(read.prescriptions.every((p) => p.status === 'E')).toBe(true);
      expect(read.prescriptions.map((p) => p.medicine.name)).toEqual(expect.arrayContaining(['Simvastatin Tab 10 mg', 'Cordarone Tab 100 mg']));
      expect(read.pll).toEqual([]);
      expect(read.pllMessageId).toBeUndefined();
    } finally {
      await broker.stop();
    }

    // seeding again adds nothing
    const b = io();
    expect(await runSeedCommand('seed', ['--kith', ODDEN, '--db', tmp.file], b.io)).toBe(0);
    expect(b.out.join('')).toMatch(/fantes fra før; 6 resepter \(0 nye\)/);
  });

  it.skipIf(!haveReference)(`seeds the PLL of message-samples' M9.12 (the multidose patient) and serves it${skipNote}`, async () => {
    const a = io();
    expect(await runSeedCommand('seed', ['--kith', SAMPLES, '--db', tmp.file, '--gp-org', '987654325'], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/09010557876 .*PLL: 15 oppføringer fra M9\.12/);
    const broker = await startBroker({ dbFile: tmp.file });
    try {
      const r = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody('09010557876'), await authHeader(broker.url));
      expect(r.status, r.text).toBe(200);
      expect(fhirErrors(r.json as object)).toEqual([]);
      const read = readGetMedicationResponse(r.json);
      expect(read.pll.length).toBeGreaterThan(0);
      expect(read.pllMessageId).toBe('7d5ee27c-d25a-4885-a558-1b6802dd80cc');
      // without a care relationship the same patient needs an emergency reason
      const ooh = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody('09010557876'), await authHeader(broker.url, 'ooh-anders'));
      expect(ooh.status).toBe(403);
    } finally {
      await broker.stop();
    }
  });

  it.skipIf(!haveReference)(`takes the PLL from an M25.1 when the folder has no M9.12 carrying one${skipNote}`, async () => {
    const dir = path.join(path.dirname(tmp.file), 'only-m251');
    mkdirSync(dir, { recursive: true });
    const { readFileSync, readdirSync } = await import('node:fs');
    const m251 = readdirSync(SAMPLES).find((f) => f.startsWith('ERM251'))!;
    writeFileSync(path.join(dir, m251), readFileSync(path.join(SAMPLES, m251)));
    const a = io();
    expect(await runSeedCommand('seed', ['--kith', dir, '--db', tmp.file], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/PLL: \d+ oppføringer fra M25\.1/);
    expect(a.err.join('')).toMatch(/akuttilgang/);
  });

  it('refuses bad input with exit code 2 and a message saying what to fix, leaving the database untouched', async () => {
    const t = tempDbFile();
    try {
      const a = io();
      expect(await runSeedCommand('seed', [], a.io)).toBe(2);
      expect(a.err.join('\n')).toMatch(/--kith/);
      const b = io();
      expect(await runSeedCommand('seed', ['--kith', path.join(path.dirname(t.file), 'nowhere'), '--db', t.file], b.io)).toBe(2);
      expect(b.err.join('\n')).toMatch(/finner ikke mappen/);
      const bad = path.join(path.dirname(t.file), 'bad');
      mkdirSync(bad);
      writeFileSync(path.join(bad, 'x.xml'), '<MsgHead><broken>');
      const c = io();
      expect(await runSeedCommand('seed', ['--kith', bad, '--db', t.file], c.io)).toBe(2);
      expect(c.err.join('\n')).toMatch(/x\.xml/);
      expect(existsSync(t.file)).toBe(false);
      expect(() => parseSeedArgs(['--kith', 'a', '--gp-org', '12'])).toThrow(/9 siffer/);
      const h = io();
      expect(await runSeedCommand('seed', ['--help'], h.io)).toBe(0);
      expect(h.out.join('')).toMatch(/--gp-org/);
    } finally {
      t.cleanup();
    }
  });

  it('--demo seeds the demo data into the file', async () => {
    const t = tempDbFile();
    try {
      const a = io();
      expect(await runSeedCommand('seed', ['--demo', '--db', t.file], a.io)).toBe(0);
      const db = new Database(t.file, { readonly: true });
      expect(db.prepare("SELECT count(*) FROM patients WHERE identity_number = '14034827061'").pluck().get()).toBe(1);
      db.close();
    } finally {
      t.cleanup();
    }
  });
});
