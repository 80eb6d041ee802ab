// Patient/$sendMedication: new prescriptions (M1), recalls (M5) and the new PLL (M25.1) from one
// signed send, applied atomically. The rules SFM enforces and this mock keeps:
//   - the send relates to a read from this broker (Composition.relatesTo) at most 4 hours old;
//   - nothing changed in RF for the patient since that read (else 409: read again). Several sends
//     after one read are allowed: a successful send moves the read on to the state it produced;
//   - a new PLL carries every current entry of the read (unchanged, changed or discontinued),
//     LibIds are unique, a ReseptId is in at most one active entry, and every ReseptId is known;
//   - recalls name prescriptions of the patient that are still E or U;
//   - with an Idempotency-Key header, a retry of the same body gets the first answer back, and
//     the same key with another body is refused.
// A send that changes nothing (no new prescription, recall or PLL) is answered like NHN test2
// answered the captured echo: zero counts, no read needed, since nothing goes to RF.
import type { FastifyInstance } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { FhirFormatError } from '../shared/fhir/json';
import { readSendMedicationRequest, writeSendMedicationResponse, type SendPlan, type SendResult } from '../shared/fhir/sendMedication';
import type { Prescription } from '../shared/model';
import { changesSince, currentPll, stmt, getPatient, getRead, insertAudit, recordChange, type AuditEvent, type Db } from './db';
import { careBasis, emergencyReason, needsEmergencyReason } from './care';
import type { Faults } from './faults';
import { readOr400 } from './fhir';
import { BrokerProblem, FHIR_JSON, problem } from './outcome';
import { requestReason, who } from './request';

export const READ_MAX_AGE_MS = 4 * 60 * 60 * 1000;
const SENDING_ROLES = new Set(['gp', 'ooh-doctor']);

const rule = (nb: string, en: string, expression?: string) => problem(422, 'business-rule', nb, en, expression);

/** Checks the plan against the read and the store; throws the first problem found. */
function validate(db: Db, plan: SendPlan, now: Date): { prescriptions: Map<string, Prescription> } {
  const patientId = plan.patient.identityNumber;
  const read = getRead(db, plan.readId);
  if (!read) {
    throw problem(409, 'conflict', 'Sendingen viser ikke til et oppslag i denne testmegleren. Hent legemiddellisten på nytt før du sender.', `Composition.relatesTo names read ${plan.readId}, which this broker did not answer: do a new $getMedication.`, 'Bundle.entry[0].resource.relatesTo');
  }
  if (read.patient !== patientId) {
    throw rule('Sendingen gjelder en annen pasient enn oppslaget den viser til.', 'The send is for another patient than the read it relates to.', 'Bundle.entry[0].resource.subject');
  }
  if (now.getTime() - Date.parse(read.at) > READ_MAX_AGE_MS) {
    throw problem(409, 'conflict', 'Oppslaget er eldre enn 4 timer. Hent legemiddellisten på nytt, kontroller endringene og send igjen.', 'The read is more than 4 hours old: do a new $getMedication before sending.', 'Bundle.entry[0].resource.relatesTo');
  }
  const patient = getPatient(db, patientId);
  if (!patient) throw problem(404, 'not-found', 'Pasienten finnes ikke i testmegleren.', 'Unknown patient.');
  if (patient.version !== read.patientVersion) {
    const changes = changesSince(db, patientId, read.patientVersion);
    const list = changes.map((c) => `${c.detail} (${c.actor}, ${c.at.slice(0, 16).replace('T', ' kl. ')} UTC)`);
    const listEn = changes.map((c) => `${c.kind} by ${c.actor} at ${c.at}`);
    throw problem(
      409,
      'conflict',
      `Legemiddellisten i Reseptformidleren er endret siden oppslaget${list.length ? `: ${list.join('; ')}` : ''}. Hent listen på nytt og gjennomgå endringene før du sender. Ingenting er sendt.`,
      `RF data for the patient changed since the read${listEn.length ? ` (${listEn.join('; ')})` : ''}: read again. Nothing was applied.`,
    );
  }

  const prescriptions = new Map<string, Prescription>();
  for (const d of stmt(db, 'SELECT data FROM prescriptions WHERE patient = ?').pluck().all(patientId) as string[]) {
    const p = JSON.parse(d) as Prescription;
    prescriptions.set(p.reseptId, p);
  }
  for (const p of plan.newPrescriptions) {
    const taken = stmt(db, 'SELECT 1 FROM prescriptions WHERE resept_id = ?').get(p.reseptId);
    if (taken || plan.newPrescriptions.filter((q) => q.reseptId === p.reseptId).length > 1) {
      throw rule(`ReseptId ${p.reseptId} er allerede brukt. En ny resept må ha en ny ReseptId.`, `ReseptId ${p.reseptId} already exists.`);
    }
  }
  for (const r of plan.recalls) {
    const p = prescriptions.get(r.reseptId);
    if (!p) throw rule(`Resepten som skal tilbakekalles (${r.reseptId}) finnes ikke for pasienten.`, `Recall of unknown prescription ${r.reseptId}.`);
    if (p.status === 'U') {
      throw problem(409, 'conflict', `Resepten ${p.medicine.name} er låst for ekspedering${p.dispenserName ? ` hos ${p.dispenserName}` : ' på et apotek'} (status U) og kan ikke tilbakekalles nå. Kontakt apoteket, eller vent til den er utlevert eller låst opp, og hent listen på nytt. Ingenting er sendt.`, `Prescription ${r.reseptId} is locked at a pharmacy (status U) and cannot be recalled. Nothing was applied.`);
    }
    if (p.status !== 'E') {
      throw rule(`Resepten ${p.medicine.name} er allerede ${p.status === 'T' ? 'tilbakekalt' : p.status === 'F' ? 'utløpt' : 'avsluttet'} og kan ikke tilbakekalles.`, `Prescription ${r.reseptId} has status ${p.status} and cannot be recalled.`);
    }
    if (r.renewedBy && !plan.newPrescriptions.some((n) => n.reseptId === r.renewedBy) && !prescriptions.has(r.renewedBy)) {
      throw rule('Fornyelsen viser til en resept som verken er ny i sendingen eller finnes fra før.', `Recall ${r.reseptId} is renewed by unknown ${r.renewedBy}.`);
    }
  }
  if (plan.pll) {
    const libIds = new Set<string>();
    const activeResept = new Set<string>();
    const current = currentPll(db, patientId);
    // Known: in RF for the patient, new in this send, or already on RF's own current PLL (a PLL
    // seeded from KITH messages may name prescriptions RF's list no longer holds).
    const onCurrentPll = new Set((current?.entries ?? []).flatMap((e) => (e.reseptId ? [e.reseptId] : [])));
    const known = (id: string) => prescriptions.has(id) || plan.newPrescriptions.some((n) => n.reseptId === id) || onCurrentPll.has(id);
    for (const e of plan.pll) {
      if (libIds.has(e.libId)) throw rule(`LibId ${e.libId} står to ganger i PLL.`, `Duplicate LibId ${e.libId} in the PLL.`);
      libIds.add(e.libId);
      if (e.reseptId && !e.discontinued) {
        if (activeResept.has(e.reseptId)) throw rule(`Samme resept (${e.medicine.name}) står i to aktive PLL-oppføringer.`, `ReseptId ${e.reseptId} is in two active PLL entries.`);
        activeResept.add(e.reseptId);
      }
      if (e.reseptId && !known(e.reseptId)) throw rule(`PLL-oppføringen ${e.medicine.name} viser til en ukjent resept.`, `PLL entry ${e.libId} names unknown ReseptId ${e.reseptId}.`);
    }
    const missing = (current?.entries ?? []).filter((e) => read.libIds.includes(e.libId) && !libIds.has(e.libId));
    if (missing.length) {
      throw rule(
        `Den nye PLL-en mangler ${missing.length} oppføring(er) fra oppslaget: ${missing.map((e) => e.medicine.name).join(', ')}. Alle oppføringer skal sendes tilbake (uendret, endret eller seponert).`,
        `The new PLL lacks LibIds from the read: ${missing.map((e) => e.libId).join(', ')}.`,
      );
    }
  }
  return { prescriptions };
}

function apply(db: Db, plan: SendPlan, prescriptions: Map<string, Prescription>, now: Date, actor: string): SendResult {
  const patientId = plan.patient.identityNumber;
  const stamp = now.toISOString();
  const operations: SendResult['operations'] = [];
  const insertRx = stmt(db, 'INSERT INTO prescriptions (resept_id, patient, status, data, updated_at) VALUES (?, ?, ?, ?, ?)');
  for (const p of plan.newPrescriptions) {
    const stored: Prescription = { ...p, status: 'E' };
    delete stored.recall;
    insertRx.run(p.reseptId, patientId, 'E', JSON.stringify(stored), stamp);
    operations.push({ reseptId: p.reseptId, resultCode: '0' });
  }
  const updateRx = stmt(db, 'UPDATE prescriptions SET status = ?, data = ?, updated_at = ? WHERE resept_id = ?');
  for (const r of plan.recalls) {
    const p = prescriptions.get(r.reseptId)!;
    const recalled: Prescription = { ...p, status: 'T', recall: r.note ? { reason: r.reason, note: r.note, at: stamp } : { reason: r.reason, at: stamp } };
    updateRx.run('T', JSON.stringify(recalled), stamp, r.reseptId);
    operations.push({ reseptId: r.reseptId, resultCode: '0' });
  }
  let pll: SendResult['pll'];
  if (plan.pll) {
    const messageId = randomUUID();
    stmt(db, 'INSERT INTO pll_versions (message_id, patient, created_at, author, entries) VALUES (?, ?, ?, ?, ?)').run(messageId, patientId, stamp, JSON.stringify(plan.sender), JSON.stringify(plan.pll));
    pll = { messageId, resultCode: '0' };
  }
  const what = [
    ...plan.newPrescriptions.map((p) => `ny resept på ${p.medicine.name}`),
    ...plan.recalls.map((r) => `tilbakekalte ${prescriptions.get(r.reseptId)!.medicine.name}`),
    ...(plan.pll ? ['ny PLL'] : []),
  ].join(', ');
  recordChange(db, patientId, { at: stamp, kind: 'send', actor, detail: `${actor} sendte ${what}` });
  // The send is consistent with the state it produced: a further send after the same read is allowed.
  stmt(db, 'UPDATE reads SET patient_version = (SELECT version FROM patients WHERE identity_number = ?) WHERE read_id = ?').run(patientId, plan.readId);
  return pll
    ? { prescriptionCount: plan.newPrescriptions.length, recallCount: plan.recalls.length, pll, operations }
    : { prescriptionCount: plan.newPrescriptions.length, recallCount: plan.recalls.length, operations };
}

/** Bundle.identifier of the sent document: the idempotency key when no Idempotency-Key header is given. */
function bundleIdentifier(body: unknown): string | undefined {
  const b = body as { resourceType?: string; parameter?: { name?: string; resource?: { identifier?: { system?: string; value?: unknown } } }[]; identifier?: { system?: string; value?: unknown } } | undefined;
  const bundle = b?.resourceType === 'Parameters' ? b.parameter?.find((p) => p.name === 'medication')?.resource : b;
  const v = bundle?.identifier?.value;
  return typeof v === 'string' && v.trim() && v.length <= 180 ? `bundle:${bundle?.identifier?.system ?? ''}|${v.trim()}` : undefined;
}

export function registerSendMedication(app: FastifyInstance, db: Db, now: () => Date, faults?: Faults): void {
  app.post('/fhir/Patient/$sendMedication', async (req, reply) => {
    const at = now();
    if (req.user && !SENDING_ROLES.has(req.user.role)) {
      throw problem(403, 'forbidden', 'Bare leger kan sende resepter og oppdatere PLL. Sykepleiere og farmasøyter har lesetilgang.', `Role ${req.user.role} may not send.`);
    }
    const keyHeader = req.headers['idempotency-key'];
    const headerKey = (Array.isArray(keyHeader) ? keyHeader[0] : keyHeader)?.trim() || undefined;
    if (headerKey && headerKey.length > 200) throw problem(400, 'value', 'Idempotency-Key er for lang (høyst 200 tegn).', 'Idempotency-Key is too long (max 200).');
    const idempotencyKey = headerKey ?? bundleIdentifier(req.body);
    const requestHash = createHash('sha256').update(JSON.stringify(req.body)).digest('hex');

    const plan = readOr400(() => readSendMedicationRequest(req.body, '$sendMedication'), {
      nb: 'Sendingen må være en FHIR Parameters med «medication» (et sfm-MedicationBundle-dokument).',
      en: 'The request must be a FHIR Parameters with "medication" (an sfm-MedicationBundle document).',
    });
    const patientId = plan.patient.identityNumber;
    const audit: AuditEvent = { at: at.toISOString(), patient: patientId, action: 'sendMedication', readId: plan.readId, outcome: 'pending', ...who(req.user), ...(requestReason(req) ? { reason: requestReason(req) } : {}) };
    const patient = getPatient(db, patientId);
    if (!patient) {
      insertAudit(db, { ...audit, outcome: 'not-found' });
      throw problem(404, 'not-found', 'Pasienten finnes ikke i Reseptformidleren (testmegleren).', 'Unknown patient.');
    }
    // Outside the care relationship: the read this send relates to was an emergency access by the
    // same user, or the send gives its own reason.
    const user = req.user;
    const sendReason = emergencyReason(req);
    if (user && !careBasis(db, user, patient)) {
      const read = getRead(db, plan.readId);
      const viaRead = read?.emergencyReason && read.userId === user.id ? read.emergencyReason : undefined;
      if (!viaRead && !sendReason) {
        insertAudit(db, { ...audit, outcome: '403', detail: 'no care relationship and no emergency-access reason' });
        throw needsEmergencyReason(user, 'send');
      }
      if (sendReason) insertAudit(db, { ...audit, action: 'emergency-access', reason: sendReason, outcome: 'ok', detail: 'emergency access outside the care relationship (send)' });
      audit.reason = sendReason ?? viaRead;
    }

    const nothingToSend = plan.newPrescriptions.length === 0 && plan.recalls.length === 0 && plan.pll === null;
    let outcome: { replay: true; status: number; response: unknown } | { replay: false; result: SendResult; response: unknown };
    try {
      // One IMMEDIATE transaction: the write lock is taken before the checks, so two requests (or
      // two brokers on one file) cannot both pass "unchanged since read" or both use one key.
      outcome = db.transaction(() => {
        if (idempotencyKey) {
          const prior = stmt(db, 'SELECT request_hash, status, response FROM sends WHERE idempotency_key = ?').get(idempotencyKey) as { request_hash: string; status: number; response: string } | undefined;
          if (prior) {
            if (prior.request_hash !== requestHash) {
              throw problem(422, 'duplicate', 'Idempotency-Key er allerede brukt for en annen sending. Lag en ny nøkkel for en ny sending.', 'Idempotency-Key was used for a different request body.');
            }
            insertAudit(db, { ...audit, action: 'sendMedication:replay', outcome: 'ok', detail: 'same Idempotency-Key and body: first answer returned, nothing applied' });
            return { replay: true as const, status: prior.status, response: JSON.parse(prior.response) as unknown };
          }
        }
        let result: SendResult = { prescriptionCount: 0, recallCount: 0, operations: [] };
        if (!nothingToSend) {
          const { prescriptions } = validate(db, plan, at);
          result = apply(db, plan, prescriptions, at, req.user ? `${req.user.name}, ${req.user.organisation.name}` : `${plan.sender.name}${plan.sender.organisation ? `, ${plan.sender.organisation}` : ''}`);
        }
        const response = writeSendMedicationResponse(result);
        if (idempotencyKey) {
          stmt(db, 'INSERT INTO sends (idempotency_key, patient, read_id, user_id, request_hash, status, response, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
            .run(idempotencyKey, patientId, plan.readId, req.user?.id ?? null, requestHash, 200, JSON.stringify(response), at.toISOString());
        }
        insertAudit(db, { ...audit, outcome: 'ok', detail: nothingToSend ? 'nothing to send' : `${result.prescriptionCount} new, ${result.recallCount} recalled${result.pll ? ', new PLL' : ''}` });
        return { replay: false as const, result, response };
      }).immediate();
    } catch (e) {
      if (e instanceof BrokerProblem) insertAudit(db, { ...audit, outcome: String(e.problem.status), detail: e.problem.en });
      if (e instanceof FhirFormatError) throw problem(400, 'structure', 'Sendingen har feil form.', e.message, e.path);
      throw e;
    }
    // Test flag: the answer is lost after the commit (the client must retry with the same key).
    if (faults?.dropAfterCommit(req, reply)) return reply;
    if (outcome.replay) return reply.code(outcome.status).type(FHIR_JSON).header('idempotent-replayed', 'true').send(outcome.response);
    const { result, response } = outcome;
    req.log.info({ readId: plan.readId, prescriptions: result.prescriptionCount, recalls: result.recallCount }, 'sendMedication applied');
    return reply.type(FHIR_JSON).send(response);
  });
}
