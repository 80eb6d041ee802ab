import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FhirFormatError,
  readGetMedicationRequest,
  readOperationOutcome,
  readSendMedicationRequest,
  readSendMedicationResponse,
  type SendPlan,
  type SendResult,
  writeOperationOutcome,
  writeSendMedicationRequest,
  writeSendMedicationResponse,
} from './sendMedication';
import { fhirErrors, haveReference, normPlan, refTitle, referenceJson, sendPlanArb } from './test-support';

const CAP = 'captured-nhn-test2/';

describe('captured NHN test2 requests and responses', () => {
  it.skipIf(!haveReference)(refTitle('sendmed-request.json reads as is: relatesTo, patient, sender, no PLL'), () => {
    const plan = readSendMedicationRequest(referenceJson(`${CAP}sendmed-request.json`), 'sendmed-request.json');
    expect(plan).toEqual({
      readId: 'b23dfeba-cc23-46e9-ab7a-19f634440fb9',
      patient: { identityNumber: '06120182763', identityKind: 'FNR', givenName: 'Jeo 48', familyName: 'Test', birthDate: '2001-12-06', sex: 'male' },
      newPrescriptions: [],
      recalls: [],
      pll: null,
      sentAt: '2023-12-09T12:58:35.8668105+01:00',
      sender: { name: 'Jesper Odd Hansen', hpr: '7479654' },
    });
  });

  it.skipIf(!haveReference)(refTitle('sendmed-response.json reads as zero counts'), () => {
    expect(readSendMedicationResponse(referenceJson(`${CAP}sendmed-response.json`))).toEqual({ prescriptionCount: 0, recallCount: 0, operations: [] });
  });

  it.skipIf(!haveReference)(refTitle('getmed-request.json (Parameters/patient/Patient) gives the FNR'), () => {
    expect(readGetMedicationRequest(referenceJson(`${CAP}getmed-request.json`))).toEqual({
      identityNumber: '06120182763',
      identityKind: 'FNR',
      givenName: 'Jeo 48',
      familyName: 'TEST',
      birthDate: '2001-12-06',
      sex: 'male',
    });
  });
});

describe('readGetMedicationRequest', () => {
  it('accepts the simple valueIdentifier form', () => {
    const r = readGetMedicationRequest({
      resourceType: 'Parameters',
      parameter: [{ name: 'patient', valueIdentifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.2', value: '41019012345' } }],
    });
    expect(r).toEqual({ identityNumber: '41019012345', identityKind: 'DNR' });
  });

  it('throws FhirFormatError when the patient identifier is missing or not a national number', () => {
    expect(() => readGetMedicationRequest({ resourceType: 'Parameters', parameter: [] })).toThrow(/must have a "patient" parameter/);
    expect(() => readGetMedicationRequest({ resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient' } }] })).toThrow(FhirFormatError);
    expect(() =>
      readGetMedicationRequest({ resourceType: 'Parameters', parameter: [{ name: 'patient', valueIdentifier: { system: 'urn:oid:1.2.3', value: '06120182763' } }] }),
    ).toThrow(/system must be one of/);
    expect(() => readGetMedicationRequest({ resourceType: 'Parameters', parameter: [{ name: 'patient', valueIdentifier: { value: '123' } }] })).toThrow(/11 digits/);
  });
});

const plan: SendPlan = {
  readId: '52b5dfbf-7fa9-4765-a219-65986cb4e511',
  patient: { identityNumber: '25039296929', identityKind: 'FNR', givenName: 'Troy', familyName: 'Hammer', birthDate: '1992-03-25', sex: 'male' },
  newPrescriptions: [
    {
      reseptId: 'new-1',
      prescribedOn: '2024-01-25',
      expiresOn: '2025-01-24',
      medicine: { name: 'Atorvastatin tab 20 mg', atc: 'C10AA05', kind: 'substance' },
      dosage: { text: '1 tablett kveld' },
      use: '1',
      status: 'E',
      renews: 'old-1',
    },
  ],
  recalls: [
    { reseptId: 'old-1', reason: '3', note: 'Dosen halveres', renewedBy: 'new-1' },
    { reseptId: 'old-2', reason: '2' },
  ],
  pll: [
    {
      libId: 'lib-1',
      reseptId: 'new-1',
      type: 'E',
      lastChanged: '2024-01-25T10:00:00+01:00',
      medicine: { name: 'Atorvastatin tab 20 mg', atc: 'C10AA05', kind: 'substance' },
      dosage: { text: '1 tablett kveld' },
      use: '1',
      expiresOn: '2025-01-24',
    },
    {
      libId: 'lib-2',
      reseptId: 'old-2',
      type: 'E',
      lastChanged: '2024-01-25T10:00:00+01:00',
      medicine: { name: 'Rivaroksaban tab 10 mg', kind: 'substance' },
      dosage: { text: '1 tablett morgen' },
      use: '1',
      discontinued: { at: '2024-01-25T10:00:00+01:00', reason: 'A' },
    },
  ],
  pllMessageId: 'e6c9577d-df6b-4eaa-8d1a-23421bc8c816',
  sentAt: '2024-01-25T10:05:00+01:00',
  sender: { name: 'Johan Jensen', hpr: '431001110' },
};

type Res = { resourceType: string; [k: string]: unknown };
const entriesOf = (p: ReturnType<typeof writeSendMedicationRequest>) =>
  (p.parameter[0]?.resource as unknown as { entry: { fullUrl: string; resource: Res }[] }).entry;
const amendment = (r: Res) =>
  ((r.extension as { url: string; extension: { url: string; valueBoolean?: boolean; valueString?: string; valueCodeableConcept?: { coding: { system: string; code: string }[] } }[] }[])[0]?.extension ?? []);

describe('writeSendMedicationRequest', () => {
  const w = writeSendMedicationRequest(plan);
  const entries = entriesOf(w);
  const statements = entries.filter((e) => e.resource.resourceType === 'MedicationStatement');
  const byResept = (id: string) => statements.find((s) => JSON.stringify(s.resource.identifier).includes(`"${id}"`));

  it('relates to the read (replaces) and is attested legally by the sender', () => {
    const c = entries[0]?.resource as Res;
    expect(c.resourceType).toBe('Composition');
    expect(c.relatesTo).toEqual([{ code: 'replaces', targetIdentifier: { use: 'official', value: plan.readId } }]);
    const attester = (c.attester as { mode: string; time: string; party: { reference: string } }[])[0];
    expect(attester?.mode).toBe('legal');
    expect(attester?.time).toBe(plan.sentAt);
    const party = entries.find((e) => e.fullUrl === attester?.party.reference)?.resource;
    expect(party?.resourceType).toBe('Practitioner');
    expect(JSON.stringify(party)).toContain('431001110');
  });

  it('marks the new prescription createeresept=true and merges it with its PLL entry', () => {
    const s = byResept('new-1')!.resource;
    expect(amendment(s).find((x) => x.url === 'createeresept')?.valueBoolean).toBe(true);
    expect((s.identifier as { type: { text: string } }[]).map((i) => i.type.text)).toEqual(['PLL', 'ReseptId']);
  });

  it('writes recalls as recallinfo (7500 + recallId), on the PLL statement when there is one, partOf the renewal', () => {
    const renewed = byResept('old-1')!.resource;
    const ri = amendment(renewed).find((x) => x.url === 'recallinfo') as unknown as { extension: { url: string; valueString?: string; valueCodeableConcept?: { coding: { system: string; code: string }[] } }[] };
    expect(ri.extension.find((x) => x.url === 'recallcode')?.valueCodeableConcept?.coding[0]).toMatchObject({ system: 'urn:oid:2.16.578.1.12.4.1.1.7500', code: '3' });
    expect(ri.extension.find((x) => x.url === 'recallId')?.valueString).toBe('old-1');
    expect(renewed.status).toBe('completed');
    expect((renewed.partOf as { reference: string }[])[0]?.reference).toBe(byResept('new-1')?.fullUrl);
    const stopped = byResept('old-2')!.resource;
    expect(JSON.stringify(stopped.identifier)).toContain('lib-2');
    expect(JSON.stringify(amendment(stopped))).toContain('"recallcode"');
  });

  it('sends the PLL: sectionPLLinfo Basic with createPLL true; createPLL false / empty when not sending', () => {
    const createPll = (p: SendPlan) => {
      const basic = entriesOf(writeSendMedicationRequest(p)).find((e) => e.resource.resourceType === 'Basic')?.resource;
      return basic ? (JSON.stringify(basic).match(/"createPLL","valueBoolean":(true|false)/)?.[1] ?? 'absent') : 'no Basic';
    };
    expect(createPll(plan)).toBe('true');
    expect(createPll({ ...plan, pll: null })).toBe('false');
    expect(createPll({ ...plan, pll: null, pllMessageId: undefined })).toBe('no Basic');
    const c = entriesOf(writeSendMedicationRequest({ ...plan, pll: null, pllMessageId: undefined }))[0]?.resource as unknown as { section: { code: { coding: { code: string }[] }; emptyReason?: { coding: { code: string }[] } }[] };
    expect(c.section.find((s) => s.code.coding[0]?.code === 'sectionPLLinfo')?.emptyReason?.coding[0]?.code).toBe('nilknown');
  });

  it('validates as FHIR R4 and reads back to the plan', () => {
    expect(fhirErrors(w)).toEqual([]);
    expect(normPlan(readSendMedicationRequest(JSON.parse(JSON.stringify(w)), 'plan'))).toEqual(normPlan(plan));
  });

  it('round trip and validation for generated plans (property)', () => {
    fc.assert(
      fc.property(sendPlanArb, (p) => {
        const written = writeSendMedicationRequest(p);
        expect(normPlan(readSendMedicationRequest(JSON.parse(JSON.stringify(written)), 'gen'))).toEqual(normPlan(p));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(sendPlanArb, (p) => {
        expect(fhirErrors(writeSendMedicationRequest(p))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('a send without relatesTo is refused with FhirFormatError', () => {
    const j = JSON.parse(JSON.stringify(w)) as { parameter: { resource: { entry: { resource: Record<string, unknown> }[] } }[] };
    delete j.parameter[0]!.resource.entry[0]!.resource.relatesTo;
    expect(() => readSendMedicationRequest(j, 'send.json')).toThrow(/^send\.json: Bundle\.entry\[0\]\.resource\.relatesTo must have/);
  });
});

describe('SendResult and OperationOutcome', () => {
  const resultArb: fc.Arbitrary<SendResult> = fc.record(
    {
      prescriptionCount: fc.nat(20),
      recallCount: fc.nat(20),
      pll: fc.record({ messageId: fc.uuid(), resultCode: fc.constantFrom('0', '1', '5') }),
      operations: fc.array(
        fc.record({ reseptId: fc.uuid(), resultCode: fc.constantFrom('0', '3', '12'), text: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}[a-z]$/) }, { requiredKeys: ['reseptId', 'resultCode'] }),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['prescriptionCount', 'recallCount', 'operations'] },
  );

  it('round trip and FHIR validity of the response (property)', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const w = writeSendMedicationResponse(r);
        expect(readSendMedicationResponse(JSON.parse(JSON.stringify(w)))).toEqual(JSON.parse(JSON.stringify(r)));
      }),
    );
    expect(fhirErrors(writeSendMedicationResponse({ prescriptionCount: 1, recallCount: 1, pll: { messageId: 'm', resultCode: '0' }, operations: [{ reseptId: 'r', resultCode: '0', text: 'OK' }] }))).toEqual([]);
  });

  it('a response without counts is a FhirFormatError', () => {
    expect(() => readSendMedicationResponse({ resourceType: 'Parameters', parameter: [{ name: 'recallCount', valueInteger: 0 }] }, 'resp.json')).toThrow(
      'resp.json: Parameters.parameter must have "prescriptionCount"',
    );
  });

  it('OperationOutcome round trip, valid FHIR, fatal read as error', () => {
    const issues = [
      { severity: 'error' as const, code: 'invalid', diagnostics: 'Siste oppslag er eldre enn 4 timer', expression: ['Composition.relatesTo'] },
      { severity: 'warning' as const, code: 'business-rule', diagnostics: 'Interaksjon' },
    ];
    const oo = writeOperationOutcome(issues);
    expect(fhirErrors(oo)).toEqual([]);
    expect(readOperationOutcome(JSON.parse(JSON.stringify(oo)))).toEqual(issues);
    expect(readOperationOutcome({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception', diagnostics: 'x' }] })[0]?.severity).toBe('error');
    expect(() => readOperationOutcome({ resourceType: 'OperationOutcome', issue: [] })).toThrow(FhirFormatError);
  });
});
