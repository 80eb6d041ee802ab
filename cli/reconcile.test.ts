// `samstem reconcile` run as a user runs it: `node cli/samstem.mjs reconcile …` in a child process,
// checked against a hand-made expectation for NHN's real test patient (patient-odden) and against
// synthetic files written in the formats the command reads. Every bad input must exit 2 with a
// message on stderr that says what is wrong, and print nothing on stdout.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CriticalInfo, Dispensing, LocalListEntry, MedicationRead, MedicineRef, Patient, Prescription } from '../shared/model';
import { writeGetMedicationResponse } from '../shared/fhir';
import { sourcesArb } from '../shared/reconcile/arbitraries';
import { loadLocal, parseAt, readLocalListJson, toLocalListJson, type ReconcileCliJson } from './reconcile';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFERENCE = path.resolve(REPO, '..', 'shared', 'reference', 'sfm-tools');
const ODDEN = path.join(REFERENCE, 'patient-odden');
const haveOdden = existsSync(path.join(ODDEN, 'PatientData.xml'));
const SKIP = 'SKIPPED: ../shared/reference/sfm-tools/patient-odden (next to the repo) is absent: the real-data reconciliation is not checked';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'samstem-cli-reconcile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function samstem(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['cli/samstem.mjs', 'reconcile', ...args], { cwd: REPO, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
function json(run: Run): ReconcileCliJson {
  expect(run.stderr, 'stderr of a successful run').toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ReconcileCliJson;
}
/** Exit 2, nothing on stdout, and stderr matching every pattern. */
function expectRefused(run: Run, ...patterns: RegExp[]) {
  expect(run.code, `exit code; stderr: ${run.stderr}`).toBe(2);
  expect(run.stdout).toBe('');
  for (const p of patterns) expect(run.stderr).toMatch(p);
  expect(run.stderr).not.toMatch(/intern feil|at .*\.ts:\d+/); // a message, not a stack trace
}
const file = (name: string, content: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};

// ---- the real patient (SFM-BASIS-API.md §4) ----

interface ExpectedRow {
  id: string;
  nameIncludes: string;
  status: string;
  group: string;
  atc: string | null;
  reseptIds: string[];
  libId: string | null;
  sources: string[];
  weakMatch: boolean;
  nonPll: boolean;
  active: boolean;
  differences: { field: string; local: string; national: string }[];
}
interface Expected {
  at: string;
  today: string;
  patient: ReconcileCliJson['patient'];
  firstRowId: string;
  rows: ExpectedRow[];
  findings: { kind: string; severity: string; atc: string[]; rows: string[]; messageIncludes: string[] }[];
  criticalInfo: { agent: string; reaction: string; severity: string; source: string }[];
  notesInclude: string[];
}
const expected = JSON.parse(readFileSync(path.join(REPO, 'fixtures', 'expected', 'patient-odden.json'), 'utf8')) as Expected;
const oddenArgs = (...more: string[]) => ['--local', path.join(ODDEN, 'PatientData.xml'), '--rf', ODDEN, '--at', expected.at, ...more];

describe.skipIf(!haveOdden).concurrent('samstem reconcile on patient-odden (NHN test data)', () => {
  let out: ReconcileCliJson;
  beforeAll(async () => {
    out = json(await samstem(...oddenArgs('--format', 'json')));
  });
  it('reads the PasientExport and the KITH folder and prints JSON for the patient', () => {
    expect(out.patient).toEqual(expected.patient);
    expect(out.today).toBe(expected.today);
    expect(out.inputs.rf).toMatch(/M9\.6 78c303d3-4d43-4fea-990a-68625ebd8999/); // the latest M9.6 (§4.1)
    expect(out.inputs.rf).toMatch(/M9\.12 02a430ca-08ee-4e9c-9972-2c851c00387a/); // the latest M9.12
  });

  it('gives exactly the rows of the hand-made expectation, the Cordarone difference first', () => {
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    const got = out.rows.map((r) => ({ ...r })).sort(byId);
    const want = [...expected.rows].sort(byId);
    expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
    for (const [i, w] of want.entries()) {
      const g = got[i]!;
      expect(g.name.toLowerCase(), g.id).toContain(w.nameIncludes.toLowerCase());
      const { nameIncludes: _n, differences, ...fields } = w;
      for (const [k, v] of Object.entries(fields)) expect((g as unknown as Record<string, unknown>)[k], `${g.name}: ${k}`).toEqual(v);
      expect(g.differences.map((d) => ({ field: d.field, local: d.local, national: d.national })), `${g.name}: differences`).toEqual(differences);
    }
    expect(out.rows[0]!.id).toBe(expected.firstRowId);
  });

  it('gives exactly the expected findings, including simvastatin + amiodarone while Cordarone can still be dispensed', () => {
    const key = (f: { kind: string; rows: string[] }) => `${f.kind}:${f.rows.join(',')}`;
    expect(out.findings.map(key).sort()).toEqual(expected.findings.map(key).sort());
    for (const w of expected.findings) {
      const g = out.findings.find((f) => key(f) === key(w))!;
      expect(g.severity, key(w)).toBe(w.severity);
      expect([...g.atc].sort(), key(w)).toEqual([...w.atc].sort());
      for (const s of w.messageIncludes) expect(g.message.toLowerCase(), key(w)).toContain(s.toLowerCase());
    }
  });

  it('lists the local CAVE and says the patient has no PLL', () => {
    expect(out.criticalInfo.map((c) => ({ agent: c.agent, reaction: c.reaction, severity: c.severity, source: c.source }))).toEqual(expected.criticalInfo);
    for (const n of expected.notesInclude) expect(out.notes.join('\n').toLowerCase()).toContain(n.toLowerCase());
  });

  it('prints a table a GP can act on with --format text', async () => {
    const run = await samstem(...oddenArgs('--format', 'text'));
    expect(run.code).toBe(0);
    const text = run.stdout;
    expect(text).toMatch(/Magnar Daniel Odden \(15069396949\)/);
    // Warnings first, then the changed row before the rows that agree.
    const varsler = text.indexOf('VARSLER');
    const changed = text.indexOf('ENDRET');
    const same = text.indexOf('LIKT');
    expect(varsler).toBeGreaterThanOrEqual(0);
    expect(varsler).toBeLessThan(changed);
    expect(changed).toBeLessThan(same);
    expect(text.slice(varsler, changed)).toMatch(/Cordarone.*Simvastatin|Simvastatin.*Cordarone/);
    expect(text.slice(changed, same)).toMatch(/Cordarone[^\n]*Seponert lokalt/);
    expect(text).toMatch(/Status: lokalt «Seponert 10\.01\.2024» – nasjonalt «Gyldig resept»/);
    expect(text).toMatch(/CAVE \(1\)\n {2}Alfaksalon: Blodtrykksfall, kritisk – lokal registrering/);
  });

  it('gives the same rows from the samstem-local-list JSON as from the PasientExport', async () => {
    const l = loadLocal(path.join(ODDEN, 'PatientData.xml'));
    const exported = toLocalListJson(l.patient, l.entries, l.criticalInfo);
    const localJson = file('odden-local.json', JSON.stringify(exported, null, 2));
    const fromJson = json(await samstem('--local', localJson, '--rf', ODDEN, '--at', expected.at));
    expect(fromJson.rows).toEqual(out.rows);
    expect(fromJson.findings).toEqual(out.findings);
  });

  it('refuses files in the wrong option with exit 2', async () => {
    const m96 = path.join(ODDEN, '6913a599-d654-4ed1-9be9-239522c4db73.xml');
    expectRefused(await samstem('--local', m96, '--rf', ODDEN), /--local: .* er en KITH-melding/, /--rf/);
    expectRefused(await samstem('--local', path.join(ODDEN, 'PatientData.xml'), '--rf', path.join(ODDEN, 'PatientData.xml')), /--rf: .*hører til --local/);
    expectRefused(await samstem(...oddenArgs('--kj', m96)), /--kj: .* er en ERM96-melding; --kj tar en M9\.8/);
    expectRefused(await samstem(...oddenArgs('--fest', path.join(ODDEN, 'PatientData.xml'))), /--fest: Ugyldig FEST-fil/);
  });

  it('refuses a local list and RF data about different patients with exit 2', async () => {
    const other = path.join(REFERENCE, 'captured-nhn-test2', 'getmed-response-magistral.json');
    expectRefused(await samstem('--local', path.join(ODDEN, 'PatientData.xml'), '--rf', other), /--local og --rf gjelder ulike pasienter/, /150693\*{5}/, /samme pasient/);
  });

  it('takes an M9.8 for --kj, and warns that its envelope names no patient to check', async () => {
    const m98 = path.join(REFERENCE, 'message-samples', 'ERM98-0488af8d-9256-4431-a78d-1af82a42edbc.xml');
    const run = await samstem(...oddenArgs('--kj', m98));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--kj .*ERM98-.* navngir ingen pasient; kontroller selv at utleveringene gjelder 150693\*{5}/);
    const out = JSON.parse(run.stdout) as ReconcileCliJson;
    expect(out.inputs.kj).toMatch(/^M9\.8 /);
    expect(out.rows.map((r) => r.status).sort()).toEqual(expected.rows.map((r) => r.status).sort()); // the sample lists no dispensings
  });

  it('refuses a folder without any M9.6 (the prescriptions would be unknown)', async () => {
    const onlyM912 = path.join(tmp, 'only-m912');
    mkdirSync(onlyM912, { recursive: true });
    copyFileSync(path.join(ODDEN, '9af99220-9b53-4d63-a6dc-239522c236ff.xml'), path.join(onlyM912, 'm912.xml'));
    expectRefused(await samstem('--local', path.join(ODDEN, 'PatientData.xml'), '--rf', onlyM912), /ingen M9\.6/);
  });
});
if (!haveOdden) it.skip(SKIP, () => {});

// ---- synthetic files: the JSON formats end to end (no reference data needed) ----

const PATIENT: Patient = { identityNumber: '14034827061', identityKind: 'FNR', givenName: 'Ingrid', familyName: 'Halvorsen', birthDate: '1948-03-14', sex: 'female' };
const GP = { name: 'Knut Pettersen', hpr: '2127296' };
const MAREVAN: MedicineRef = { name: 'Marevan Tab 2,5 mg', atc: 'B01AA03', kind: 'brand', form: 'Tablett', strength: '2,5 mg', substances: ['warfarin'] };
const CORDARONE: MedicineRef = { name: 'Cordarone Tab 100 mg', atc: 'C01BD01', kind: 'brand', form: 'Tablett', strength: '100 mg', substances: ['amiodaron'] };
const IBUX: MedicineRef = { name: 'Ibux Tab 400 mg', atc: 'M01AE01', kind: 'brand', form: 'Tablett', strength: '400 mg', substances: ['ibuprofen'] };
const IMACILLIN: MedicineRef = { name: 'Imacillin Kaps 500 mg', atc: 'J01CA04', kind: 'brand', form: 'Kapsel', strength: '500 mg', substances: ['amoksicillin'] };

const local: LocalListEntry[] = [
  { id: 'L1', patientId: PATIENT.identityNumber, reseptId: 'R-MAREVAN', medicine: MAREVAN, dosage: { text: '1 tablett kveld', shortCode: '0+0+0+1' }, use: '1', prescriber: GP, updatedAt: '2026-10-01T10:00:00+02:00' },
  { id: 'L2', patientId: PATIENT.identityNumber, medicine: IBUX, dosage: { text: '1 tablett ved behov' }, use: '3', updatedAt: '2026-10-01T10:00:00+02:00' },
];
const rx = (reseptId: string, medicine: MedicineRef, text: string): Prescription => ({
  reseptId,
  prescribedOn: '2026-10-01',
  expiresOn: '2027-09-30',
  medicine,
  dosage: { text, shortCode: '0+0+0+1' },
  use: '1',
  status: 'E',
  prescriber: GP,
  type: 'E',
  itemGroup: 'L',
});
const penicillinCave: CriticalInfo = { id: 'CAVE-1', kind: 'allergy', agent: 'Penicillin', atc: 'J01CE02', reaction: 'Anafylaksi', severity: 'critical', certainty: 'confirmed', source: 'KJ' };
const dispensing: Dispensing = { id: 'D1', dispensedAt: '2026-11-20T12:00:00+01:00', medicine: IMACILLIN, pharmacy: 'Vitusapotek Testbyen' };
const read: MedicationRead = {
  readId: '6f1d1b0e-8a55-4c57-a2a5-2d9b1f0c3e11',
  patient: PATIENT,
  prescriptions: [rx('R-MAREVAN', MAREVAN, '1 tablett kveld'), rx('R-CORDARONE', CORDARONE, '1 tablett kveld')],
  pll: [],
  dispensings: [dispensing],
  criticalInfo: [penicillinCave],
  rfFetchedAt: '2026-11-26T08:55:00+01:00',
  kjFetchedAt: '2026-11-26T08:55:00+01:00',
  errors: [],
};
const localFile = file('local.json', JSON.stringify(toLocalListJson(PATIENT, local), null, 2));
const rfFile = file('getmed.json', JSON.stringify(writeGetMedicationResponse(read, { now: '2026-11-26T08:55:00+01:00' })));
const AT = '2026-11-26T09:00:00+01:00';

describe.concurrent('samstem reconcile with a samstem-local-list and a $getMedication response', () => {
  it('reconciles: the local-only NSAID, the RF-only amiodarone, the KJ dispensing and its findings', async () => {
    const out = json(await samstem('--local', localFile, '--rf', rfFile, '--at', AT));
    const status = Object.fromEntries(out.rows.map((r) => [r.name, r.status]));
    expect(status).toEqual({
      'Marevan Tab 2,5 mg': 'in-sync',
      'Ibux Tab 400 mg': 'only-local',
      'Cordarone Tab 100 mg': 'only-prescription',
      'Imacillin Kaps 500 mg': 'dispensed-not-listed',
    });
    const marevan = out.rows.find((r) => r.name.startsWith('Marevan'))!;
    expect(marevan.reseptIds).toEqual(['R-MAREVAN']);
    expect(marevan.sources).toEqual(['local', 'prescription']);
    const kinds = out.findings.map((f) => `${f.kind}/${f.severity}: ${f.message}`).join('\n');
    // Warfarin + amiodarone and warfarin + ibuprofen are in the curated FEST; CAVE penicillin vs. a recent amoxicillin.
    expect(kinds).toMatch(/interaction\/medium: [^\n]*(Cordarone[^\n]*Marevan|Marevan[^\n]*Cordarone)/);
    expect(kinds).toMatch(/interaction\/high: [^\n]*(Ibux[^\n]*Marevan|Marevan[^\n]*Ibux)/);
    expect(kinds).toMatch(/allergy\/high: CAVE Penicillin[^\n]*Imacillin/);
    expect(out.criticalInfo).toEqual([{ id: 'CAVE-1', agent: 'Penicillin', atc: 'J01CE02', reaction: 'Anafylaksi', severity: 'critical', source: 'KJ' }]);
    expect(out.inputs.rf).toMatch(/\$getMedication getmed\.json/);
  });

  it('--at changes the answer: after the prescriptions expire the RF-only amiodarone is no longer in use', async () => {
    const run = await samstem('--local', localFile, '--rf', rfFile, '--at', '2027-12-01');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Merk: dataene fra Reseptformidleren er lest 2026-11-26 08:55, 370 dager før vurderingstidspunktet \(--at\)\. Les på nytt/);
    const out = JSON.parse(run.stdout) as ReconcileCliJson;
    expect(out.today).toBe('2027-12-01');
    expect(out.rows.find((r) => r.name.startsWith('Cordarone'))!.status).toBe('ended');
    expect(out.rows.find((r) => r.name.startsWith('Marevan'))!.status).toBe('prescription-expired-treatment-continues');
    expect(out.findings.some((f) => f.kind === 'interaction' && f.message.includes('Cordarone'))).toBe(false);
    expect(out.findings.some((f) => f.kind === 'expiry' && f.message.includes('Marevan'))).toBe(true);
  });

  it('--kj replaces the KJ part of the $getMedication response and says so on stderr', async () => {
    const kjRead: MedicationRead = { ...read, prescriptions: [], dispensings: [], criticalInfo: [] };
    const kjFile = file('kj-empty.json', JSON.stringify(writeGetMedicationResponse(kjRead, { now: '2026-11-26T08:56:00+01:00' })));
    const run = await samstem('--local', localFile, '--rf', rfFile, '--kj', kjFile, '--at', AT);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--kj erstatter utleveringene \(1\) og CAVE \(1\) fra --rf/);
    const out = JSON.parse(run.stdout) as ReconcileCliJson;
    expect(out.rows.some((r) => r.status === 'dispensed-not-listed')).toBe(false);
    expect(out.findings.some((f) => f.kind === 'allergy')).toBe(false);
    expect(out.criticalInfo).toEqual([]);
  });

  it('puts the local CAVE of a samstem-local-list into the allergy check', async () => {
    const withCave = file(
      'local-cave.json',
      JSON.stringify(toLocalListJson(PATIENT, local, [{ id: 'LC1', kind: 'allergy', agent: 'NSAID', reaction: 'Astma', severity: 'serious', source: 'local' }])),
    );
    const kjRead: MedicationRead = { ...read, dispensings: [], criticalInfo: [] };
    const rfNoKj = file('getmed-nokj.json', JSON.stringify(writeGetMedicationResponse(kjRead, { now: '2026-11-26T08:55:00+01:00' })));
    const out = json(await samstem('--local', withCave, '--rf', rfNoKj, '--at', AT));
    expect(out.findings.find((f) => f.kind === 'allergy')?.message).toMatch(/CAVE NSAID \(Astma\): Ibux/);
  });
});

describe.concurrent('samstem reconcile refuses bad input with exit 2 and says what to do', () => {
  it('an unknown option, a missing value, a stray argument, a repeated option', async () => {
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--frobnicate', 'x'), /ukjent valg --frobnicate/, /Bruk: samstem reconcile --local/);
    expectRefused(await samstem('--local', localFile, '--rf'), /--rf mangler verdi/);
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, 'extra.xml'), /uventet argument «extra\.xml»/);
    expectRefused(await samstem('--local', localFile, '--local', localFile, '--rf', rfFile), /--local er gitt to ganger/);
    expectRefused(await samstem('--rf', rfFile), /--local mangler/);
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--format', 'xml'), /--format må være json eller text/);
  });

  it('a missing file or folder', async () => {
    expectRefused(await samstem('--local', path.join(tmp, 'nope.xml'), '--rf', rfFile), /--local: finner ikke .*nope\.xml/, /Kontroller stien/);
    expectRefused(await samstem('--local', localFile, '--rf', path.join(tmp, 'no-such-dir')), /--rf: finner ikke .*no-such-dir/);
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--fest', path.join(tmp, 'fest.xml')), /--fest: finner ikke/);
  });

  it('unreadable XML and JSON, and a file that is neither', async () => {
    expectRefused(await samstem('--local', file('broken.xml', '<PasientExport xmlns="x"><Id>1</Id>'), '--rf', rfFile), /--local: kan ikke lese .*broken\.xml/);
    expectRefused(await samstem('--local', file('broken.json', '{"format": "samstem-local-list", '), '--rf', rfFile), /--local: .*broken\.json er ikke gyldig JSON .*linje 1, kolonne \d+\)/, /Eksporter filen på nytt/);
    expectRefused(await samstem('--local', file('notes.txt', 'Pasienten bruker Marevan'), '--rf', rfFile), /verken XML eller JSON/);
    expectRefused(await samstem('--local', localFile, '--rf', file('rf-broken.json', '{"resourceType": "Parameters"}')), /--rf: kan ikke lese .*som \$getMedication-svar/);
  });

  it('a samstem-local-list with a misspelt or wrong field is refused, not half-read', async () => {
    const doc = structuredClone(toLocalListJson(PATIENT, local)) as unknown as { entries: Record<string, unknown>[] };
    doc.entries[0]!.discontinud = { at: '2026-11-01' };
    expectRefused(await samstem('--local', file('typo.json', JSON.stringify(doc)), '--rf', rfFile), /ikke en gyldig samstem-local-list/, /entries\.0/);
    const wrongVersion = { ...toLocalListJson(PATIENT, local), version: 2 };
    expectRefused(await samstem('--local', file('v2.json', JSON.stringify(wrongVersion)), '--rf', rfFile), /versjon 2/);
    const otherPatient = toLocalListJson(PATIENT, [{ ...local[0]!, patientId: '02073918149' }]);
    expectRefused(await samstem('--local', file('mixed.json', JSON.stringify(otherPatient)), '--rf', rfFile), /gjelder en annen pasient/);
    expectRefused(await samstem('--local', rfFile, '--rf', rfFile), /--local: .*FHIR-dokument/);
    expectRefused(await samstem('--local', localFile, '--rf', localFile), /--rf: .*hører til --local/);
  });

  it('a bad --at date', async () => {
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--at', '18.01.2024'), /--at «18\.01\.2024» er ikke en dato/, /ÅÅÅÅ-MM-DD/);
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--at', '2024-02-30'), /ikke en gyldig dato/);
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--at', '2024-01-18T10:00:00'), /mangler tidssone/);
  });

  it('a local list and RF or KJ data about different patients', async () => {
    const olav: Patient = { ...PATIENT, identityNumber: '02073918149', givenName: 'Olav', familyName: 'Bakken' };
    const other = file('other-local.json', JSON.stringify(toLocalListJson(olav, [])));
    expectRefused(await samstem('--local', other, '--rf', rfFile), /--local og --rf gjelder ulike pasienter/, /020739\*{5}/, /140348\*{5}/);
    const kjOlav = file('kj-olav.json', JSON.stringify(writeGetMedicationResponse({ ...read, patient: olav }, { now: '2026-11-26T08:56:00+01:00' })));
    expectRefused(await samstem('--local', localFile, '--rf', rfFile, '--kj', kjOlav), /--local og --kj gjelder ulike pasienter/);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await samstem('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Bruk: samstem reconcile --local FIL --rf FIL\|MAPPE/);
    expect(run.stdout).toMatch(/"format": "samstem-local-list", "version": 1/);
    expect(run.stderr).toBe('');
  });
});

describe('parseAt', () => {
  it('reads a date as that Norwegian calendar day and a date-time with its offset', () => {
    expect(parseAt('2024-01-18T10:00:00+01:00').toISOString()).toBe('2024-01-18T09:00:00.000Z');
    expect(parseAt('2024-01-18').toISOString()).toBe('2024-01-18T12:00:00.000Z');
    expect(parseAt('2024-02-29T23:30Z').toISOString()).toBe('2024-02-29T23:30:00.000Z');
    expect(() => parseAt('2023-02-29')).toThrow(/ikke en gyldig dato/);
    expect(() => parseAt('2024-01-18T25:00:00Z')).toThrow(/ikke en gyldig/);
  });
});

describe('properties', () => {
  it('parseAt reads back any instant written as ISO 8601 with any whole-quarter offset', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -48, max: 56 }), (d, quarters) => {
        const at = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const offMin = quarters * 15;
        const local = new Date(at.getTime() + offMin * 60_000).toISOString().slice(0, 19);
        const sign = offMin < 0 ? '-' : '+';
        const off = `${sign}${String(Math.floor(Math.abs(offMin) / 60)).padStart(2, '0')}:${String(Math.abs(offMin) % 60).padStart(2, '0')}`;
        expect(parseAt(`${local}${off}`).getTime()).toBe(at.getTime());
      }),
    );
  });

  it('any local list the engine can hold survives the samstem-local-list format unchanged', () => {
    fc.assert(
      fc.property(sourcesArb, ({ read: r, local: entries }) => {
        const patient = r.patient;
        const mine = entries.map((e) => ({ ...e, patientId: patient.identityNumber }));
        const back = readLocalListJson(JSON.parse(JSON.stringify(toLocalListJson(patient, mine, r.criticalInfo))) as unknown);
        expect(back.patient).toEqual(patient);
        expect(back.entries).toEqual(mine);
        expect(back.criticalInfo).toEqual(r.criticalInfo);
      }),
      { numRuns: 200 },
    );
  });
});
