// SFM Basis API (FHIR R4) mapping: the two operations, their errors, and the shapes they use.
export { FhirFormatError } from './json';
export { readGetMedicationResponse, writeGetMedicationResponse } from './getMedication';
export {
  isOperationOutcome,
  readGetMedicationRequest,
  readOperationOutcome,
  readSendMedicationRequest,
  readSendMedicationResponse,
  writeOperationOutcome,
  writeSendMedicationRequest,
  writeSendMedicationResponse,
} from './sendMedication';
export type { GetMedicationRequest, OutcomeIssue, SendPlan, SendResult } from './sendMedication';
export type * from './types';
