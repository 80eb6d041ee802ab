// Care relationships (tjenstlig behov) and emergency access. A user may see a patient's data when:
//   - GP: the patient is on the list of the GP's practice (fastlege org), the GP is named as a
//     treating doctor or as the multidose doctor, or the patient lives in one of the GP's units
//     (the nursing-home doctor);
//   - nurse: the patient lives in one of her units;
//   - out-of-hours doctor: nobody by default, always emergency access with a reason;
//   - pharmacist: no reads of PLL through SFM at all.
// Outside the care relationship, access needs an emergency reason (header X-Emergency-Access-Reason,
// or SamtykkeKjernejournal = HPAKUTT with the reason in X-Request-Reason), logged as its own event.
import type { FastifyRequest } from 'fastify';
import type { Patient } from '../shared/model';
import type { TestUser } from './auth';
import { careRelations, type Db } from './db';
import { BrokerProblem, problem } from './outcome';

export type CareBasis = 'gp-list' | 'treating-doctor' | 'multidose-doctor' | 'unit';

/** Why the user has a care relationship with the patient, or undefined when there is none. */
export function careBasis(db: Db, user: TestUser, patient: Patient): CareBasis | undefined {
  const inUnit = (patient.units ?? []).some((u) => user.units.includes(u));
  switch (user.role) {
    case 'gp': {
      const rel = careRelations(db, patient.identityNumber);
      if (rel.gpOrgs.includes(user.organisation.orgNr)) return 'gp-list';
      if (rel.doctors.includes(user.hpr)) return 'treating-doctor';
      if (patient.multidoseDoctorHpr === user.hpr) return 'multidose-doctor';
      return inUnit ? 'unit' : undefined;
    }
    case 'nurse':
      return inUnit ? 'unit' : undefined;
    case 'ooh-doctor':
    case 'pharmacist':
      return undefined;
  }
}

function headerText(req: FastifyRequest, name: string): string | undefined {
  const h = req.headers[name];
  const v = (Array.isArray(h) ? h[0] : h)?.trim();
  if (!v) return undefined;
  let text: string;
  try {
    text = decodeURIComponent(v);
  } catch {
    text = v;
  }
  return text.trim().slice(0, 500) || undefined;
}

/**
 * The emergency-access reason of a request: X-Emergency-Access-Reason, or with
 * SamtykkeKjernejournal = HPAKUTT the X-Request-Reason header. Undefined when none is given.
 */
export function emergencyReason(req: FastifyRequest, kjConsent?: string): string | undefined {
  return headerText(req, 'x-emergency-access-reason') ?? (kjConsent === 'HPAKUTT' ? headerText(req, 'x-request-reason') : undefined);
}

/** The 403 for access outside the care relationship without a reason. */
export function needsEmergencyReason(user: TestUser, what: 'read' | 'send') {
  const roleNb = user.role === 'ooh-doctor' ? 'Som legevaktlege har du ingen fast behandlingsrelasjon' : 'Pasienten er ikke på din liste eller i din avdeling';
  return new BrokerProblem({
    status: 403,
    code: 'forbidden',
    detail: 'emergency-access-required',
    nb: `${roleNb}. ${what === 'read' ? 'Oppslag' : 'Sending'} krever akuttilgang med begrunnelse: oppgi begrunnelsen (X-Emergency-Access-Reason, eller SamtykkeKjernejournal = HPAKUTT med begrunnelse i X-Request-Reason). Akuttilgang logges og kan ses av pasienten.`,
    en: `No care relationship between ${user.role} ${user.id} and the patient: give an emergency-access reason in the X-Emergency-Access-Reason header (or SamtykkeKjernejournal=HPAKUTT with X-Request-Reason).`,
  });
}

/** The 403 for a pharmacist's read of PLL (pharmacists read through the pharmacy system, not SFM). */
export function pharmacistsCannotReadPll() {
  return problem(403, 'forbidden', 'Farmasøyter har ikke tilgang til pasientens legemiddelliste (PLL) gjennom SFM Basis. Bruk apoteksystemet.', 'Pharmacists may not read PLL through SFM Basis.');
}
