// The broker's rules over real HTTP on 127.0.0.1 (issue 5 "done when"): fresh read then send,
// stale read, changes by other actors (409 naming what and who, nothing applied), concurrent
// sessions, replay of a send whose answer was lost, roles, tokens, care relationship and emergency
// access, and the injected faults. Every $getMedication answer is validated as FHIR R4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { buildDemoFixtures } from '../fixtures/demo';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { readSendMedicationResponse, writeSendMedicationRequest, type SendPlan } from '../shared/fhir/sendMedication';
import type { MedicationRead, Prescription } from '../shared/model';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';
import { validatedGetMedicationAnswers } from './testing-fhir';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const INGRID = '14034827061';
const OLAV = '02073918149';
const TOMASZ = '47068530187';
const SOLVEIG = '23013106088';
const EMIL = '11099543177';
const UNKNOWN = '01015033459';
const sender = { name: 'Kristin Berg', hpr: '9144897', organisation: 'Bakkehuset legesenter' };

function renewed(from: Prescription, now: Date, text = '2 tabletter om morgenen'): Prescription {
  const p: Prescription = { ...from, reseptId: randomUUID(), prescribedOn: now.toISOString().slice(0, 10), status: 'E', dosage: { ...from.dosage, text } };
  delete p.recall;
  delete p.renews;
  delete p.dispenserName;
  return p;
}

const diagnostics = (r: { json: unknown }) => ((r.json as Json).issue as Json[]).map((i) => i.diagnostics as string).join(' ');

describe('broker rules over HTTP', () => {
  const tmp = tempDbFile();
  let broker: RunningBroker;
  const logs: string[] = [];
  const tokens = new Map<string, Record<string, string>>();
  const as = async (userId: string) => {
    if (!tokens.has(userId)) tokens.set(userId, await authHeader(broker.url, userId));
    return tokens.get(userId)!;
  };
  /** $getMedication; every 200 answer is validated as FHIR R4 (testing-fhir). */
  async function getMed(identityNumber: string, userId = 'gp-kristin', headers: Record<string, string> = {}, body: unknown = getMedicationBody(identityNumber)) {
    return postFhir(`${broker.url}/fhir/Patient/$getMedication`, body, { ...(await as(userId)), ...headers });
  }
  async function read(identityNumber: string, userId = 'gp-kristin', headers: Record<string, string> = {}): Promise<MedicationRead> {
    const r = await getMed(identityNumber, userId, headers);
    expect(r.status, r.text).toBe(200);
    return readGetMedicationResponse(r.json);
  }
  const planFrom = (r: MedicationRead, change: Partial<SendPlan> = {}): SendPlan => ({
    readId: r.readId, patient: r.patient, newPrescriptions: [], recalls: [], pll: null, sentAt: new Date().toISOString(), sender,
    ...(r.pllMessageId ? { pllMessageId: r.pllMessageId } : {}), ...change,
  });
  /** A renewal with changed dose of the first E prescription that is on the PLL: new M1, recall, new PLL. */
  function renewalPlan(r: MedicationRead, pick?: (p: Prescription) => boolean): { plan: SendPlan; newId: string; oldId: string } {
    const old = r.prescriptions.find((p) => p.status === 'E' && r.pll.some((e) => e.reseptId === p.reseptId && !e.discontinued) && (!pick || pick(p)))!;
    const next = renewed(old, new Date());
    const pll = r.pll.map((e) => (e.reseptId === old.reseptId ? { ...e, reseptId: next.reseptId, dosage: next.dosage, lastChanged: new Date().toISOString() } : e));
    return { plan: planFrom(r, { newPrescriptions: [next], recalls: [{ reseptId: old.reseptId, reason: '3', renewedBy: next.reseptId }], pll }), newId: next.reseptId, oldId: old.reseptId };
  }
  const send = async (plan: SendPlan, userId = 'gp-kristin', headers: Record<string, string> = {}) =>
    postFhir(`${broker.url}/fhir/Patient/$sendMedication`, writeSendMedicationRequest(plan), { ...(await as(userId)), ...headers });
  const actor = async (action: string, body: Record<string, unknown>) => {
    const r = await fetch(`${broker.url}/test/actors/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await r.json()) as Json;
    expect(r.status, JSON.stringify(json)).toBe(200);
    return json;
  };
  const setFaults = async (f: Record<string, number>) => {
    const r = await fetch(`${broker.url}/test/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
    expect(r.status).toBe(200);
  };
  const count = (sql: string, ...args: unknown[]) => {
    const db = new Database(tmp.file, { readonly: true });
    try {
      return db.prepare(sql).pluck().get(...args) as number;
    } finally {
      db.close();
    }
  };
  const audit = async (patient: string) => ((await (await fetch(`${broker.url}/audit?patient=${patient}`, { headers: await as('gp-kristin') })).json()) as Json).events as Json[];

  beforeAll(async () => {
    broker = await startBroker({ dbFile: tmp.file, seed: 'demo', testRoutes: true, logger: true, logStream: { write: (l) => void logs.push(l) } });
  });
  afterAll(async () => {
    await broker?.stop();
    tmp.cleanup();
  });

  it('a fresh read then a send succeeds, and the next read shows it', async () => {
    const r = await read(TOMASZ);
    const { plan, newId, oldId } = renewalPlan(r);
    const res = await send(plan);
    expect(res.status, res.text).toBe(200);
    expect(readSendMedicationResponse(res.json)).toMatchObject({ prescriptionCount: 1, recallCount: 1 });
    const after = await read(TOMASZ);
    expect(after.prescriptions.find((p) => p.reseptId === newId)?.status).toBe('E');
    expect(after.prescriptions.find((p) => p.reseptId === oldId)?.status).toBe('T');
  });

  it('refuses a send whose read is older than 4 hours, after time passes on the broker clock', async () => {
    // its own broker: moving the clock affects every patient
    const t = tempDbFile();
    const b = await startBroker({ dbFile: t.file, seed: 'demo', testRoutes: true });
    try {
      const gp = await authHeader(b.url);
      const r = readGetMedicationResponse((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody(EMIL), gp)).json);
      const moved = await fetch(`${b.url}/test/actors/time-passes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hours: 5 }) });
      expect(moved.status).toBe(200);
      // Ventoline expires in 5 days: not yet expired after 5 hours
      expect(((await moved.json()) as Json).changes).toEqual([]);
      // the old token has expired with the clock too
      expect((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody(EMIL), gp)).status).toBe(401);
      const fresh = await authHeader(b.url);
      const res = await postFhir(`${b.url}/fhir/Patient/$sendMedication`, writeSendMedicationRequest(planFrom(r, { recalls: [{ reseptId: r.prescriptions[0]!.reseptId, reason: '2' }] })), fresh);
      expect(res.status).toBe(409);
      expect(diagnostics(res)).toMatch(/eldre enn 4 timer/);
      // after 6 days Ventoline has expired (F) and a read shows it
      const days = (await (await fetch(`${b.url}/test/actors/time-passes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 6 }) })).json()) as Json;
      expect(days.changes.map((c: Json) => c.detail).join(' ')).toMatch(/Ventoline.*utløpt/);
      const later = readGetMedicationResponse((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody(EMIL), await authHeader(b.url))).json);
      expect(later.prescriptions.find((p) => p.medicine.name.startsWith('Ventoline'))?.status).toBe('F');
    } finally {
      await b.stop();
      t.cleanup();
    }
  });

  it.each([
    ['a pharmacy locks a prescription (U)', 'pharmacy-lock', (m: string) => `Apotek 1 Storgata låste resepten på ${m}`, 'Apotek 1 Storgata'],
    ['a pharmacy dispenses', 'dispense', (m: string) => `Apotek 1 Storgata utleverte ${m}`, 'Apotek 1 Storgata'],
    ['another doctor sends a new PLL', 'pll-change', (m: string) => `sendte ny PLL: endret dosering av ${m}`, 'Erik Solberg'],
    ['the prescription expires', 'expire', (m: string) => `Resepten på ${m} er utløpt`, 'Reseptformidleren'],
    ['another doctor writes a new prescription', 'prescribe', () => 'forskrev Klacid tab 500 mg (ny resept)', 'Anders Lunde'],
  ])('%s after the read: the send gets 409 naming what and who, and nothing is applied', async (_title, action, what, who) => {
    // each case renews another of Ingrid's current prescriptions (the previous case changed its own)
    const r = await read(INGRID);
    const { plan, newId, oldId } = renewalPlan(r);
    const old = r.prescriptions.find((p) => p.reseptId === oldId)!;
    const body = action === 'pll-change' ? { patient: INGRID, libId: r.pll.find((e) => e.reseptId === oldId)!.libId }
      : action === 'prescribe' ? { patient: INGRID, medicine: 'klacid' }
        : { reseptId: oldId, pharmacy: 'Apotek 1 Storgata' };
    await actor(action, body);
    const versionsBefore = count('SELECT count(*) FROM pll_versions WHERE patient = ?', INGRID);
    const statusBefore = count('SELECT status FROM prescriptions WHERE resept_id = ?', oldId);
    const res = await send(plan);
    expect(res.status).toBe(409);
    expect(diagnostics(res)).toMatch(/endret siden oppslaget/);
    expect(diagnostics(res)).toContain(what(old.medicine.name));
    expect(diagnostics(res)).toContain(who);
    expect(count('SELECT count(*) FROM prescriptions WHERE resept_id = ?', newId)).toBe(0);
    expect(count('SELECT status FROM prescriptions WHERE resept_id = ?', oldId)).toBe(statusBefore);
    expect(count('SELECT count(*) FROM pll_versions WHERE patient = ?', INGRID)).toBe(versionsBefore);
  });

  it('a multidose pharmacy proposal (M25.2) after the read: 409 naming the pharmacy', async () => {
    const r = await read(SOLVEIG);
    const proposal = await actor('multidose-proposal', { patient: SOLVEIG, dosageText: '1 tablett morgen' });
    expect(proposal.id).toBeDefined();
    const res = await send(planFrom(r, { pll: r.pll }));
    expect(res.status).toBe(409);
    expect(diagnostics(res)).toMatch(/Apotek 1 Multidose sendte endringsforslag \(M25\.2\)/);
    expect(count('SELECT count(*) FROM pll_proposals WHERE patient = ?', SOLVEIG)).toBe(1);
  });

  it('dispensing: E with one reiteration less, then R; KJ gets each dispensing', async () => {
    const r = await read(TOMASZ);
    const p = r.prescriptions.find((x) => x.status === 'E')!;
    const reit = p.reiterations ?? 0;
    await actor('pharmacy-lock', { reseptId: p.reseptId });
    expect((await read(TOMASZ)).prescriptions.find((x) => x.reseptId === p.reseptId)).toMatchObject({ status: 'U', dispenserName: 'Apotek 1 Torget' });
    await actor('dispense', { reseptId: p.reseptId });
    const after = await read(TOMASZ);
    expect(after.prescriptions.find((x) => x.reseptId === p.reseptId)).toMatchObject({ status: 'E', reiterations: reit - 1 });
    expect(after.dispensings.filter((d) => d.reseptId === p.reseptId).length).toBe(r.dispensings.filter((d) => d.reseptId === p.reseptId).length + 1);
    for (let i = 0; i < reit; i++) await actor('dispense', { reseptId: p.reseptId });
    expect((await read(TOMASZ)).prescriptions.find((x) => x.reseptId === p.reseptId)?.status).toBe('R');
  });

  it('refuses the recall of a prescription locked at a pharmacy (U) with 409 naming the pharmacy, after a fresh read', async () => {
    const r = await read(OLAV);
    const klacid = r.prescriptions.find((p) => p.status === 'U')!;
    const res = await send(planFrom(r, { recalls: [{ reseptId: klacid.reseptId, reason: '2' }] }));
    expect(res.status).toBe(409);
    expect(diagnostics(res)).toMatch(/låst for ekspedering hos Apotek 1 Bragernes/);
    expect((await read(OLAV)).prescriptions.find((p) => p.reseptId === klacid.reseptId)?.status).toBe('U');
  });

  it('two sessions send at once after the same state: one wins, the other gets 409 and nothing of it is applied', async () => {
    const a = await read(EMIL);
    const b = await read(EMIL);
    const ibux = a.prescriptions.find((p) => p.medicine.name.startsWith('Ibux'))!;
    const planA = planFrom(a, { newPrescriptions: [renewed(ibux, new Date(), 'A')] });
    const planB = planFrom(b, { newPrescriptions: [renewed(ibux, new Date(), 'B')] });
    const [ra, rb] = await Promise.all([send(planA), send(planB)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? planA : planB;
    const winner = ra.status === 409 ? planB : planA;
    expect(count('SELECT count(*) FROM prescriptions WHERE resept_id = ?', loser.newPrescriptions[0]!.reseptId)).toBe(0);
    expect(count('SELECT count(*) FROM prescriptions WHERE resept_id = ?', winner.newPrescriptions[0]!.reseptId)).toBe(1);
    expect(diagnostics(ra.status === 409 ? ra : rb)).toMatch(/Kristin Berg.*sendte ny resept på Ibux/);
  });

  it('a send whose answer was lost after the commit, retried with the same key, is applied once and answered the same', async () => {
    for (const keyed of [true, false]) {
      const r = await read(TOMASZ);
      const { plan, newId } = renewalPlan(r);
      const body = JSON.stringify(writeSendMedicationRequest(plan));
      const headers = { ...(await as('gp-kristin')), ...(keyed ? { 'idempotency-key': `lost-${randomUUID()}` } : {}) };
      const versionsBefore = count('SELECT count(*) FROM pll_versions WHERE patient = ?', TOMASZ);
      await setFaults({ dropAfterCommitRate: 1 });
      await expect(postFhir(`${broker.url}/fhir/Patient/$sendMedication`, body, headers)).rejects.toThrow();
      await setFaults({});
      // it was committed although no answer came
      expect(count('SELECT count(*) FROM prescriptions WHERE resept_id = ?', newId)).toBe(1);
      const retry = await postFhir(`${broker.url}/fhir/Patient/$sendMedication`, body, headers);
      expect(retry.status, retry.text).toBe(200);
      const result = readSendMedicationResponse(retry.json);
      expect(result).toMatchObject({ prescriptionCount: 1, recallCount: 1 });
      const again = await postFhir(`${broker.url}/fhir/Patient/$sendMedication`, body, headers);
      expect(again.json).toEqual(retry.json);
      expect(count('SELECT count(*) FROM prescriptions WHERE resept_id = ?', newId)).toBe(1);
      expect(count('SELECT count(*) FROM pll_versions WHERE patient = ?', TOMASZ)).toBe(versionsBefore + 1);
      expect((await read(TOMASZ)).pllMessageId).toBe(result.pll!.messageId);
    }
  });

  it('nurses may not send (403); pharmacists may neither read PLL nor send (403)', async () => {
    const r = await read(SOLVEIG, 'nurse-sigrid');
    const res = await send(planFrom(r, { pll: r.pll }), 'nurse-sigrid');
    expect(res.status).toBe(403);
    expect(diagnostics(res)).toMatch(/Bare leger/);
    const ph = await getMed(INGRID, 'pharmacist-hanne');
    expect(ph.status).toBe(403);
    expect(diagnostics(ph)).toMatch(/Farmasøyter/);
    expect((await send(planFrom(r, { pll: r.pll }), 'pharmacist-hanne')).status).toBe(403);
  });

  it('no token or an expired token: 401 with WWW-Authenticate', async () => {
    const none = await fetch(`${broker.url}/fhir/Patient/$getMedication`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(getMedicationBody(INGRID)) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const t = tempDbFile();
    let clock = new Date();
    const b = await startBroker({ dbFile: t.file, seed: 'demo', now: () => clock, tokenTtlSeconds: 60 });
    try {
      const gp = await authHeader(b.url);
      expect((await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody(INGRID), gp)).status).toBe(200);
      clock = new Date(clock.getTime() + 61_000);
      const expired = await postFhir(`${b.url}/fhir/Patient/$getMedication`, getMedicationBody(INGRID), gp);
      expect(expired.status).toBe(401);
      expect(diagnostics(expired)).toMatch(/utløpt/);
      const sent = await postFhir(`${b.url}/fhir/Patient/$sendMedication`, { resourceType: 'Parameters', parameter: [] }, gp);
      expect(sent.status).toBe(401);
    } finally {
      await b.stop();
      t.cleanup();
    }
  });

  it('care relationship: the GP reads her list without a reason; outside it a reason is required and logged as its own event', async () => {
    const { units } = buildDemoFixtures();
    const resident = units[0]!.residentIdentityNumbers.find((id) => id !== SOLVEIG)!;
    // Kristin Berg: her own list (the e2e patients) needs no reason
    for (const id of [INGRID, TOMASZ, OLAV, EMIL]) expect((await getMed(id)).status).toBe(200);
    // an unknown number is 404, also for a user who would need a reason
    expect((await getMed(UNKNOWN)).status).toBe(404);
    expect((await getMed(UNKNOWN, 'ooh-anders')).status).toBe(404);
    // a resident of the nursing home is not on her list
    const refused = await getMed(resident);
    expect(refused.status).toBe(403);
    expect((refused.json as Json).resourceType).toBe('OperationOutcome');
    expect(diagnostics(refused)).toMatch(/akuttilgang med begrunnelse/);
    expect(diagnostics(refused)).toMatch(/X-Emergency-Access-Reason/);
    expect((refused.json as Json).issue[0].details.coding[0]).toEqual({ system: 'urn:samstem:broker:issue', code: 'emergency-access-required' });
    const reason = 'Ringt fra sykehjemmet, fastlegen er syk';
    const r = await read(resident, 'gp-kristin', { 'x-emergency-access-reason': encodeURIComponent(reason) });
    const events = await audit(resident);
    expect(events.filter((e) => e.action === 'emergency-access')).toEqual([expect.objectContaining({ userId: 'gp-kristin', reason, outcome: 'ok', readId: r.readId })]);
    expect(events.find((e) => e.outcome === '403')).toMatchObject({ userId: 'gp-kristin', action: 'getMedication' });
    // a send after that emergency read is allowed for the same user
    const { plan } = renewalPlan(r);
    expect((await send(plan)).status).toBe(200);
    // … but not for another doctor relating to that read without a reason of his own
    const r2 = await read(resident, 'gp-kristin', { 'x-emergency-access-reason': 'x' });
    const other = await send(planFrom(r2, { pll: r2.pll }), 'ooh-anders');
    expect(other.status).toBe(403);
    // the unit's nurse and nursing-home doctor need no reason; the nurse cannot read outside her unit
    expect((await getMed(resident, 'nurse-sigrid')).status).toBe(200);
    expect((await getMed(resident, 'gp-per')).status).toBe(200);
    expect((await getMed(INGRID, 'nurse-sigrid')).status).toBe(403);
    // the out-of-hours doctor always needs a reason; the SFM consent parameter works too
    expect((await getMed(INGRID, 'ooh-anders')).status).toBe(403);
    const body = getMedicationBody(INGRID);
    body.parameter.push({ name: 'SamtykkeKjernejournal', valueCode: 'HPAKUTT' } as never);
    expect((await getMed(INGRID, 'ooh-anders', {}, body)).status).toBe(403);
    expect((await getMed(INGRID, 'ooh-anders', { 'x-request-reason': encodeURIComponent('Brystsmerter, legevakt') }, body)).status).toBe(200);
    expect((await audit(INGRID)).filter((e) => e.action === 'emergency-access').at(-1)).toMatchObject({ userId: 'ooh-anders', reason: 'Brystsmerter, legevakt' });
  });

  describe('faults (test flag only)', () => {
    it('are not available without the test flag', async () => {
      const t = tempDbFile();
      const b = await startBroker({ dbFile: t.file });
      try {
        expect((await fetch(`${b.url}/test/faults`)).status).toBe(404);
        expect((await fetch(`${b.url}/test/actors/dispense`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      } finally {
        await b.stop();
        t.cleanup();
      }
    });

    it('latency: the answer comes no sooner than the configured delay', async () => {
      await setFaults({ latencyMs: 300 });
      const start = performance.now();
      const r = await getMed(INGRID);
      const took = performance.now() - start;
      await setFaults({});
      expect(r.status).toBe(200);
      expect(took).toBeGreaterThanOrEqual(290);
    });

    it('5xx: 503 OperationOutcome and nothing is recorded', async () => {
      const reads = count('SELECT count(*) FROM reads');
      await setFaults({ errorRate: 1 });
      const r = await getMed(INGRID);
      await setFaults({});
      expect(r.status).toBe(503);
      expect((r.json as Json).issue[0].code).toBe('transient');
      expect(count('SELECT count(*) FROM reads')).toBe(reads);
    });

    it('connection reset: the client sees a network error and nothing is recorded', async () => {
      const reads = count('SELECT count(*) FROM reads');
      await setFaults({ resetRate: 1 });
      await expect(getMed(INGRID)).rejects.toThrow();
      await setFaults({});
      expect(count('SELECT count(*) FROM reads')).toBe(reads);
    });

    it('dropped after the commit: the client sees a network error, but the read was recorded', async () => {
      const reads = count('SELECT count(*) FROM reads');
      await setFaults({ dropAfterCommitRate: 1 });
      await expect(getMed(INGRID)).rejects.toThrow();
      await setFaults({});
      expect(count('SELECT count(*) FROM reads')).toBe(reads + 1);
    });

    it('malformed body: 200 with a body that is not JSON', async () => {
      await setFaults({ malformedRate: 1 });
      const r = await postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody(INGRID), await as('gp-kristin'));
      await setFaults({});
      expect(r.status).toBe(200);
      expect(r.json).toBeUndefined();
      expect(r.text.length).toBeGreaterThan(0);
    });

    it('refuses an invalid fault configuration', async () => {
      const r = await fetch(`${broker.url}/test/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 2 }) });
      expect(r.status).toBe(400);
    });
  });

  it('kept identity numbers and names out of the request log through refusals, actors and faults', () => {
    const all = logs.join('');
    expect(all).toContain('test actor');
    expect(all).not.toMatch(/(?<![\w.-])\d{11}(?![\w.])/);
    for (const d of buildDemoFixtures().patients) expect(all).not.toContain(`${d.patient.givenName} ${d.patient.familyName}`);
    for (const name of ['Halvorsen', 'Bakken', 'Nowak', 'Johansen', 'Strand']) expect(all).not.toContain(name);
  });

  it('validated every $getMedication answer of these tests as FHIR R4', () => {
    expect(validatedGetMedicationAnswers()).toBeGreaterThan(20);
  });
});
