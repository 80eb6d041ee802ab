// The broker's edge to the SFM FHIR mapping in shared/fhir: requests in, responses out. Every
// FhirFormatError becomes a 400 OperationOutcome that names the element.
import { writeGetMedicationResponse } from '../shared/fhir/getMedication';
import { FhirFormatError } from '../shared/fhir/json';
import { readGetMedicationRequest, type GetMedicationRequest } from '../shared/fhir/sendMedication';
import type { MedicationRead, Prescriber } from '../shared/model';
import { BrokerProblem, problem } from './outcome';

/** Turns a FhirFormatError thrown by `read` into a 400 problem; other errors pass through. */
export function readOr400<T>(read: () => T, what: { nb: string; en: string }): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof BrokerProblem) throw e;
    if (e instanceof FhirFormatError) {
      if (/must be 11 digits/.test(e.message)) {
        throw problem(400, 'value', 'Fødselsnummer/D-nummer må ha 11 siffer.', `Invalid identity number: ${e.message}`, e.path);
      }
      throw problem(400, 'structure', `${what.nb} Feil ved ${e.path}.`, `${what.en} ${e.message}`, e.path);
    }
    throw e;
  }
}

/** The $getMedication request: the patient's identity number as written (not yet validated), KJ consent. */
export function readGetMedication(body: unknown): GetMedicationRequest {
  return readOr400(() => readGetMedicationRequest(body, '$getMedication'), {
    nb: 'Forespørselen må være en FHIR Parameters med parameteren «patient» (Patient med fødselsnummer eller D-nummer).',
    en: 'The request must be a FHIR Parameters with a "patient" parameter (a Patient with an identity number).',
  });
}

/** The $getMedication response Parameters for a read. */
export function getMedicationResponse(read: MedicationRead, now: Date, author?: Prescriber): unknown {
  return writeGetMedicationResponse(read, author ? { now: now.toISOString(), author } : { now: now.toISOString() });
}
