// Every JSON file in reference/sfm-tools is read by the reader for its kind (so a file added there is
// checked too), and the ones with known content are asserted in getMedication/sendMedication tests.
import { describe, expect, it } from 'vitest';
import { readGetMedicationResponse } from './getMedication';
import { readGetMedicationRequest, readSendMedicationRequest, readSendMedicationResponse } from './sendMedication';
import { haveReference, REFERENCE_ABSENT, referenceFiles, referenceJson } from './test-support';

type Kind = 'getMedication response' | 'sendMedication request' | 'sendMedication response' | 'getMedication request';

function kindOf(json: unknown): Kind | undefined {
  const params = (json as { parameter?: { name?: string; resource?: { entry?: { resource?: { relatesTo?: unknown } }[] } }[] }).parameter ?? [];
  const names = params.map((p) => p.name);
  const med = params.find((p) => p.name === 'medication')?.resource;
  if (med) return med.entry?.[0]?.resource?.relatesTo ? 'sendMedication request' : 'getMedication response';
  if (names.includes('prescriptionCount')) return 'sendMedication response';
  if (names.includes('patient')) return 'getMedication request';
  return undefined;
}

describe('all reference/sfm-tools JSON files', () => {
  if (!haveReference) {
    it.skip(REFERENCE_ABSENT, () => {});
    return;
  }
  it('there are the five files SFM-BASIS-API.md describes', () => {
    expect(Object.keys(referenceFiles).sort()).toEqual([
      'captured-nhn-test2/getmed-request.json',
      'captured-nhn-test2/getmed-response-magistral.json',
      'captured-nhn-test2/sendmed-request.json',
      'captured-nhn-test2/sendmed-response.json',
      'getMedication-multidose-v3.9.json',
    ]);
  });
  for (const name of Object.keys(referenceFiles)) {
    it(`${name} reads with the reader for its kind`, () => {
      const json = referenceJson(name);
      const kind = kindOf(json);
      expect(kind, `unrecognised reference file ${name}`).toBeDefined();
      if (kind === 'getMedication response') expect(readGetMedicationResponse(json, name).readId).toMatch(/^[0-9a-f-]{36}$/);
      if (kind === 'sendMedication request') expect(readSendMedicationRequest(json, name).readId).toMatch(/^[0-9a-f-]{36}$/);
      if (kind === 'sendMedication response') expect(readSendMedicationResponse(json, name).prescriptionCount).toBeGreaterThanOrEqual(0);
      if (kind === 'getMedication request') expect(readGetMedicationRequest(json, name).identityNumber).toMatch(/^\d{11}$/);
    });
  }
});
