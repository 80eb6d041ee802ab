import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { writeSendMedicationRequest, type SendPlan } from '../shared/fhir/sendMedication';
import type { MedicationRead } from '../shared/model';
import type { PllHistoryResponse } from './pll-history';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PATIENT = '47068530187';
const sender = { name: 'Kristin Berg', hpr: '9144897', organisation: 'Bakkehuset legesenter' };

describe('GET /fhir/Patient/pll-history', () => {
  const tmp = tempDbFile();
  const clock = new Date();
  let broker: RunningBroker;
  let gp: Record<string, string>;
  const history = (patient: string, headers: Record<string, string>) => fetch(`${broker.url}/fhir/Patient/pll-history?patient=${patient}`, { headers });

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo', testRoutes: true, now: () => clock });
    gp = await authHeader(broker.url);
  });
  afterAll(async () => {
    await broker.stop();
    tmp.cleanup();
  });

  it('lists the seeded version and, after a send, both versions newest first with author and entries', async () => {
    const before = (await (await history(PATIENT, gp)).json()) as PllHistoryResponse;
    expect(before.versions).toHaveLength(1);
    const r = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody(PATIENT), gp);
    const read: MedicationRead = readGetMedicationResponse(r.json);
    expect(before.versions[0]!.messageId).toBe(read.pllMessageId);
    const changed = read.pll.map((e, i) => (i === 0 ? { ...e, dosage: { ...e.dosage, text: 'Endret i historikktest' }, lastChanged: clock.toISOString() } : e));
    const plan: SendPlan = { readId: read.readId, patient: read.patient, newPrescriptions: [], recalls: [], pll: changed, sentAt: clock.toISOString(), sender, ...(read.pllMessageId ? { pllMessageId: read.pllMessageId } : {}) };
    const sent = await postFhir(`${broker.url}/fhir/Patient/$sendMedication`, writeSendMedicationRequest(plan), gp);
    expect(sent.status, sent.text).toBe(200);

    const res = await history(PATIENT, gp);
    expect(res.status).toBe(200);
    const body = (await res.json()) as PllHistoryResponse;
    expect(body.versions).toHaveLength(2);
    expect(body.versions[1]!.messageId).toBe(read.pllMessageId);
    const newest = body.versions[0]!;
    expect(newest.messageId).not.toBe(read.pllMessageId);
    expect(newest.author).toMatchObject({ name: 'Kristin Berg', hpr: '9144897' });
    expect(newest.entries.find((e) => e.libId === changed[0]!.libId)?.dosage.text).toBe('Endret i historikktest');
    expect(body.versions[1]!.entries.find((e) => e.libId === changed[0]!.libId)?.dosage.text).toBe(read.pll[0]!.dosage.text);

    const audit = (await (await fetch(`${broker.url}/audit?patient=${PATIENT}`, { headers: gp })).json()) as Json;
    expect(audit.events.filter((e: Json) => e.action === 'pll-history' && e.outcome === 'ok' && e.userId === 'gp-kristin')).toHaveLength(2);
  });

  it('refuses a nurse of another unit (403) unless she gives an emergency reason, and logs both', async () => {
    const nurse = await authHeader(broker.url, 'nurse-sigrid');
    const res = await history(PATIENT, nurse);
    expect(res.status).toBe(403);
    expect(((await res.json()) as Json).issue[0].diagnostics).toMatch(/akuttilgang/i);
    const urgent = await history(PATIENT, { ...nurse, 'x-emergency-access-reason': 'Akutt forverring' });
    expect(urgent.status).toBe(200);
    const audit = (await (await fetch(`${broker.url}/audit?patient=${PATIENT}`, { headers: gp })).json()) as Json;
    expect(audit.events.some((e: Json) => e.action === 'pll-history' && e.outcome === '403' && e.userId === 'nurse-sigrid')).toBe(true);
    expect(audit.events.some((e: Json) => e.action === 'emergency-access' && e.userId === 'nurse-sigrid' && e.reason === 'Akutt forverring')).toBe(true);
  });

  it('answers an unknown patient with 404, a bad number with 400 and no token with 401', async () => {
    expect((await history('08122940188', gp)).status).toBe(404);
    expect((await history('12345678901', gp)).status).toBe(400);
    expect((await history(PATIENT, {})).status).toBe(401);
  });

  it('returns stored multidose pharmacy proposals (M25.2) in $getMedication as pllProposals', async () => {
    const SOLVEIG = '23013106088';
    const readOf = async () => readGetMedicationResponse((await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody(SOLVEIG), gp)).json);
    expect((await readOf()).pllProposals).toBeUndefined();
    const r = await fetch(`${broker.url}/test/actors/multidose-proposal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ patient: SOLVEIG, dosageText: '1 tablett morgen', note: 'Pasienten svelger dårlig' }) });
    expect(r.status).toBe(200);
    const { id } = (await r.json()) as { id: string };
    const after = await readOf();
    expect(after.pllProposals).toHaveLength(1);
    expect(after.pllProposals![0]).toMatchObject({ messageId: id, pharmacy: 'Apotek 1 Multidose' });
    expect(after.pllProposals![0]!.note).toMatch(/1 tablett morgen.*Pasienten svelger dårlig/);
  });
});
