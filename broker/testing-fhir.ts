// Imported by the broker's tests (side effect): every $getMedication answer that
// testing.postFhir receives with 200 is validated as FHIR R4 (@medplum, as shared/fhir's tests do);
// an invalid answer fails the test that received it. Test-only: pulls in @medplum and vite's
// import.meta.glob through shared/fhir/test-support.
import { fhirErrors } from '../shared/fhir/test-support';
import { checkEveryGetMedicationAnswer } from './testing';

let validated = 0;
/** How many $getMedication answers have been validated in this test file so far. */
export const validatedGetMedicationAnswers = (): number => validated;

checkEveryGetMedicationAnswer((json) => {
  const errors = fhirErrors(json as object);
  if (errors.length) throw new Error(`the $getMedication answer is not valid FHIR R4: ${errors.slice(0, 5).join('; ')}`);
  validated++;
});
