// GET /fhir/Patient/pll-history?patient=<identityNumber>: every stored PLL version (one per M25.1
// MsgId) of a patient, newest first, as plain JSON. Same access rules as $getMedication (care
// relationship, or emergency access with a reason in X-Emergency-Access-Reason; no pharmacists),
// audited as a read (action 'pll-history').
import type { FastifyInstance } from 'fastify';
import { parseIdentityNumber } from '../shared/identity';
import type { MedicationRead, PllEntry, Prescriber } from '../shared/model';
import { careBasis, emergencyReason, needsEmergencyReason, pharmacistsCannotReadPll } from './care';
import { getPatient, insertAudit, stmt, type Db } from './db';
import { problem } from './outcome';
import { requestReason, who } from './request';

export interface PllHistoryVersion {
  messageId: string;
  createdAt: string;
  author: { name: string; hpr: string; organisation: string } | null;
  entries: PllEntry[];
}

export interface PllHistoryResponse {
  versions: PllHistoryVersion[];
}

/** All PLL versions of the patient, newest first. */
export function listPllVersions(db: Db, patient: string): PllHistoryVersion[] {
  const rows = stmt(db, 'SELECT message_id, created_at, author, entries FROM pll_versions WHERE patient = ? ORDER BY seq DESC').all(patient) as {
    message_id: string;
    created_at: string;
    author: string | null;
    entries: string;
  }[];
  return rows.map((r) => {
    const a = r.author ? (JSON.parse(r.author) as Prescriber) : undefined;
    return {
      messageId: r.message_id,
      createdAt: r.created_at,
      author: a ? { name: a.name, hpr: a.hpr ?? '', organisation: a.organisation ?? '' } : null,
      entries: JSON.parse(r.entries) as PllEntry[],
    };
  });
}

export function registerPllHistory(app: FastifyInstance, db: Db, now: () => Date): void {
  app.get('/fhir/Patient/pll-history', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const raw = typeof q.patient === 'string' ? q.patient.trim() : '';
    const parsed = parseIdentityNumber(raw);
    if (!parsed.ok) throw problem(400, 'value', `Ugyldig fødselsnummer/D-nummer: ${parsed.message}`, 'Invalid or missing identity number in ?patient=.');
    const at = now();
    const user = req.user;
    const givenReason = emergencyReason(req);
    const reason = requestReason(req);
    const audit = { at: at.toISOString(), patient: parsed.value, action: 'pll-history', ...who(user), ...(reason ? { reason } : {}) };
    if (user?.role === 'pharmacist') {
      insertAudit(db, { ...audit, outcome: '403', detail: 'pharmacists have no FHIR read of PLL' });
      throw pharmacistsCannotReadPll();
    }
    const p = getPatient(db, parsed.value);
    if (!p) {
      insertAudit(db, { ...audit, outcome: 'not-found' });
      throw problem(404, 'not-found', 'Pasienten finnes ikke i Reseptformidleren eller Kjernejournal (testmegleren). Kontroller nummeret.', 'No patient with this identity number in the mock RF/KJ.');
    }
    const basis = user ? careBasis(db, user, p) : 'auth-off';
    if (!basis && !givenReason) {
      insertAudit(db, { ...audit, outcome: '403', detail: 'no care relationship and no emergency-access reason' });
      throw needsEmergencyReason(user!, 'read');
    }
    const emergency = !basis;
    const body: PllHistoryResponse = { versions: listPllVersions(db, parsed.value) };
    db.transaction(() => {
      if (emergency) insertAudit(db, { ...audit, action: 'emergency-access', reason: givenReason!, outcome: 'ok', detail: 'emergency access outside the care relationship (PLL history)' });
      insertAudit(db, { ...audit, ...(emergency ? { action: 'pll-history:emergency', reason: givenReason! } : {}), outcome: 'ok', ...(basis && basis !== 'auth-off' ? { detail: `care relationship: ${basis}` } : {}) });
    })();
    return reply.type('application/json; charset=utf-8').send(body);
  });
}

interface StoredProposal {
  basedOnPll?: string | null;
  entries?: { medicine?: string; change?: string; dosageText?: string; note?: string }[];
}

/**
 * The multidose pharmacy proposals (M25.2) stored for the patient (broker/actors.ts), oldest first,
 * as MedicationRead.pllProposals: the note says in Norwegian what the pharmacy proposes.
 */
export function listPllProposals(db: Db, patient: string): NonNullable<MedicationRead['pllProposals']> {
  const rows = stmt(db, 'SELECT id, created_at, pharmacy, data FROM pll_proposals WHERE patient = ? ORDER BY created_at, rowid').all(patient) as {
    id: string;
    created_at: string;
    pharmacy: string | null;
    data: string;
  }[];
  return rows.map((r) => {
    const data = JSON.parse(r.data) as StoredProposal;
    const parts = (data.entries ?? []).map((e) => {
      const what = e.change === 'discontinue' ? `seponere ${e.medicine ?? 'legemidlet'}` : `endre dosering av ${e.medicine ?? 'legemidlet'}${e.dosageText ? ` til «${e.dosageText}»` : ''}`;
      return e.note ? `${what} (${e.note})` : what;
    });
    const note = parts.length ? `Foreslår å ${parts.join('; ')}` : undefined;
    return { messageId: r.id, createdAt: r.created_at, ...(r.pharmacy ? { pharmacy: r.pharmacy } : {}), ...(note ? { note } : {}) };
  });
}
