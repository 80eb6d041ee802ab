import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MedicationRead } from '../model';
import { FhirFormatError, readGetMedicationResponse, writeGetMedicationResponse } from './getMedication';
import {
  fhirErrors,
  refTitle,
  haveReference,
  medicationReadArb,
  normRead,
  referenceFiles,
  referenceJson,
  stripTrailingCommas,
} from './test-support';

const EX = 'getMedication-multidose-v3.9.json';
const MAGISTRAL = 'captured-nhn-test2/getmed-response-magistral.json';

describe('readGetMedicationResponse on NHN’s real responses', () => {
  it.skipIf(!haveReference)(refTitle(`EX (${EX}): statements, PLL, Rivaroksaban, dispense, fetch times, KJ error`), () => {
    const r = readGetMedicationResponse(referenceJson(EX), EX);
    expect(r.readId).toBe('52b5dfbf-7fa9-4765-a219-65986cb4e511');
    expect(r.patient).toEqual({
      identityNumber: '25039296929',
      identityKind: 'FNR',
      givenName: 'Troy',
      familyName: 'Hammer',
      birthDate: '1992-03-25',
      sex: 'male',
      multidose: true,
      multidoseDoctorHpr: '431001110',
    });
    // 10 statements: 9 with a PLL id, 5 found in RF (rfstatus).
    expect(r.pll).toHaveLength(9);
    expect(r.prescriptions).toHaveLength(5);
    expect(r.pllMessageId).toBe('e6c9577d-df6b-4eaa-8d1a-23421bc8c816');
    const statementKeys = new Set([...r.pll.map((e) => e.reseptId ?? e.libId), ...r.prescriptions.map((p) => p.reseptId)]);
    expect(statementKeys.size).toBe(10);

    const riva = r.pll.find((e) => e.reseptId === 'c17b25b7-5c82-4784-9647-232bacba3480');
    expect(riva?.libId).toBe('0fa42261-fca0-4f94-1716-08dbe6830a55');
    expect(riva?.discontinued).toEqual({ at: '2023-11-29T14:03:03.263+01:00', reason: 'X', by: { name: 'JOHAN PSA JENSEN', hpr: '431001110' } });
    expect(riva?.medicine).toMatchObject({ name: 'Rivaroksaban tab 10 mg', atc: 'B01AF01', kind: 'substance', form: 'Tablett', prescriptionGroup: 'C' });
    const rivaRx = r.prescriptions.find((p) => p.reseptId === 'c17b25b7-5c82-4784-9647-232bacba3480');
    expect(rivaRx?.status).toBe('U');
    expect(rivaRx?.dispenserName).toBe('Hdir_Testapotek e-resept');
    expect(rivaRx?.recall?.reason).toBe('2');
    expect(rivaRx?.dosage.shortCode).toBe('1+0+0+0');
    expect(rivaRx?.dosage.doses).toEqual([{ time: 'morning', amount: 1, unit: 'tablett' }]);
    expect(rivaRx?.purpose).toBe('MOT BLODPROPP');
    expect(rivaRx?.quantity).toEqual({ value: 92, unit: 'stk' });
    expect(rivaRx?.reiterations).toBe(3);

    // The PLL entry without prescription (typeresept U).
    const folsyre = r.pll.find((e) => e.libId === '09aa545b-69a5-422b-e481-08dbf58895f8');
    expect(folsyre?.type).toBe('U');
    expect(folsyre?.reseptId).toBeUndefined();
    // A package prescription (Myalepta) only in RF, not in PLL.
    const myalepta = r.prescriptions.find((p) => p.reseptId === '3443ea32-0b2c-4b61-9d41-234c2b15ef20');
    expect(myalepta?.medicine).toMatchObject({ kind: 'package', festId: '535732' });
    expect(myalepta?.packages).toBe(2);
    expect(r.pll.some((e) => e.reseptId === myalepta?.reseptId)).toBe(false);
    // Three fixed doses of the eye drops.
    const eye = r.pll.find((e) => e.reseptId === 'c536ed7b-1857-4e0f-8522-435ef8bd5898');
    expect(eye?.dosage.doses?.map((d) => d.time)).toEqual(['morning', 'midday', 'evening']);
    expect(eye?.use).toBe('3');

    expect(r.dispensings).toHaveLength(1);
    expect(r.dispensings[0]).toMatchObject({
      reseptId: '0533b902-6402-4d4d-b607-0978ae99139a',
      dispensedAt: '2023-09-27',
      pharmacy: 'Testapotek Monier',
      substituted: true,
      medicine: { name: 'Ibux Tab 600 mg' },
    });
    expect(r.criticalInfo).toEqual([]);
    expect(r.rfFetchedAt).toBe('2024-01-25T12:32:47.213+01:00');
    expect(r.kjFetchedAt).toBe('2024-01-25T12:32:47.262433+01:00');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ source: 'KJ', code: '5' });
    expect(r.errors[0]?.text).toContain('Ingen rettighet til KJ oppslag');
  });

  it.skipIf(!haveReference)(refTitle(`EX (${EX}): the M25.2 Basic (multidose pharmacy proposal) reads into pllProposals`), () => {
    const r = readGetMedicationResponse(referenceJson(EX), EX);
    expect(r.pllProposals).toEqual([{ messageId: '5c32855b-99cc-491d-b437-45385c5757fb', createdAt: '2023-09-27T10:56:29+02:00', pharmacy: 'Testapotek Monier' }]);
    const again = readGetMedicationResponse(writeGetMedicationResponse(r, { now: '2026-01-01T00:00:00Z' }));
    expect(again.pllProposals).toEqual(r.pllProposals);
  });

  it.skipIf(!haveReference)(refTitle(`EX as published (trailing comma) is not JSON: the caller strips it, the reader stays strict`), () => {
    const text = referenceFiles[EX] ?? '';
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(stripTrailingCommas(text).length).toBe(text.length - 1);
  });

  it.skipIf(!haveReference)(refTitle(`captured magistral response`), () => {
    const r = readGetMedicationResponse(referenceJson(MAGISTRAL), MAGISTRAL);
    expect(r.readId).toBe('5093bea3-78d5-4551-aac9-0ff3175dadae');
    expect(r.patient).toMatchObject({ identityNumber: '06120182763', givenName: 'Jeo 48', familyName: 'Test' });
    expect(r.pll).toEqual([]);
    expect(r.pllMessageId).toBeUndefined();
    expect(r.prescriptions).toHaveLength(1);
    const p = r.prescriptions[0];
    expect(p?.reseptId).toBe('7fd3e0c6-1c19-4e0b-b60d-dd006d1ce5d0');
    expect(p?.medicine.kind).toBe('magistral');
    expect(p?.medicine.name).toBe('Glucos. B. Braun inf, oppl 200 mg/ml ad, Cetirizin 0,01 mg inj/inf, oppl 750 mg');
    expect(p?.medicine.substances).toEqual(['cetirizin']);
    expect(p?.prescriber).toEqual({ name: 'Jesper Odd Hansen', hpr: '7479654' });
    expect(p?.status).toBe('E');
    expect(r.errors.map((e) => `${e.source}${e.code}`)).toEqual(['KJ5']);
  });

  it.skipIf(!haveReference)(refTitle(`every reference getMedication response reads, and re-written validates as FHIR R4`), () => {
    for (const name of [EX, MAGISTRAL]) {
      const r = readGetMedicationResponse(referenceJson(name), name);
      const w = writeGetMedicationResponse(r, { now: '2026-01-01T10:00:00+01:00' });
      expect(fhirErrors(w)).toEqual([]);
      expect(normRead(readGetMedicationResponse(JSON.parse(JSON.stringify(w))))).toEqual(normRead(r));
    }
  });
});

const sample: MedicationRead = {
  readId: '0b9c5f7e-0d43-4d0e-9a0e-1f8f5d2a7c11',
  patient: { identityNumber: '15069396949', identityKind: 'FNR', givenName: 'Magnar Daniel', familyName: 'Odden', birthDate: '1993-06-15', sex: 'male' },
  prescriptions: [
    {
      reseptId: 'a1',
      prescribedOn: '2024-01-05',
      expiresOn: '2025-01-04',
      medicine: { name: 'Simvastatin tab 10 mg', atc: 'C10AA01', kind: 'substance', festId: 'ID_X' },
      dosage: { text: '2 tabletter kveld', shortCode: '0+0+0+2', doses: [{ time: 'evening', amount: 2, unit: 'tablett' }], intervalDays: 1 },
      use: '1',
      status: 'E',
    },
    {
      reseptId: 'a0',
      prescribedOn: '2023-01-05',
      expiresOn: '2024-01-04',
      medicine: { name: 'Simvastatin tab 10 mg', atc: 'C10AA01', kind: 'substance', festId: 'ID_X' },
      dosage: { text: '1 tablett kveld' },
      use: '1',
      status: 'T',
      recall: { reason: '3', note: 'dose økt' },
    },
  ],
  pll: [
    {
      libId: 'lib-1',
      reseptId: 'a1',
      type: 'E',
      lastChanged: '2024-01-05T13:20:00+01:00',
      medicine: { name: 'Simvastatin tab 10 mg', atc: 'C10AA01', kind: 'substance', festId: 'ID_X' },
      dosage: { text: '2 tabletter kveld', shortCode: '0+0+0+2', doses: [{ time: 'evening', amount: 2, unit: 'tablett' }], intervalDays: 1 },
      use: '1',
      expiresOn: '2025-01-04',
    },
  ],
  pllMessageId: 'msg-1',
  dispensings: [],
  criticalInfo: [{ id: 'cave-1', kind: 'allergy', agent: 'Penicillin', severity: 'critical', source: 'KJ' }],
  rfFetchedAt: '2024-01-18T09:34:32+01:00',
  kjFetchedAt: '2024-01-18T09:34:33+01:00',
  errors: [],
};
sample.prescriptions[0]!.renews = 'a0';

describe('writeGetMedicationResponse', () => {
  const w = writeGetMedicationResponse(sample, { now: '2024-01-18T09:34:40+01:00', author: { name: 'Knut Pettersen', hpr: '002127296' } });
  const bundle = w.parameter.find((p) => p.name === 'medication')?.resource as unknown as { entry: { fullUrl: string; resource: Record<string, unknown> }[] };

  it('is a document: Composition first with the read id, LOINC 11503-0 and the five SFM sections', () => {
    const c = bundle.entry[0]?.resource as { resourceType: string; identifier: unknown; type: { coding: { code: string }[] }; section: { code: { coding: { system: string; code: string }[] }; emptyReason?: unknown; entry?: unknown[] }[] };
    expect(c.resourceType).toBe('Composition');
    expect(c.identifier).toEqual({ use: 'official', value: sample.readId });
    expect(c.type.coding[0]?.code).toBe('11503-0');
    expect(c.section.map((s) => s.code.coding[0]?.code)).toEqual([
      'sectionMedication',
      'sectionPLLinfo',
      'sectionAllergies',
      'sectionDispense',
      'sectionOtherPrescriptions',
    ]);
    expect(c.section.every((s) => s.code.coding[0]?.system === 'http://ehelse.no/fhir/CodeSystem/sfm-section-types')).toBe(true);
    // Empty sections say why; non-empty ones list entries.
    expect(c.section[3]?.emptyReason).toBeDefined();
    expect(c.section[2]?.entry).toHaveLength(1);
    // Only the head of the renewal chain is a section entry.
    expect(c.section[0]?.entry).toHaveLength(1);
  });

  it('merges the PLL entry with its identical prescription, and chains the renewal with partOf', () => {
    const statements = bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'MedicationStatement') as {
      identifier: { type: { text: string }; value: string }[];
      status: string;
      partOf?: { reference: string }[];
    }[];
    expect(statements).toHaveLength(2);
    const head = statements.find((s) => s.identifier.some((i) => i.value === 'a1'));
    const tail = statements.find((s) => s.identifier.some((i) => i.value === 'a0'));
    expect(head?.identifier.map((i) => i.type.text)).toEqual(['PLL', 'ReseptId']);
    expect(tail?.status).toBe('completed');
    const headUrl = bundle.entry.find((e) => e.resource === (head as unknown))?.fullUrl;
    expect(tail?.partOf?.[0]?.reference).toBe(headUrl);
  });

  it('uses urn:uuid fullUrls that resolve, and fresh ids on every write', () => {
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    expect([...urls].every((u) => /^urn:uuid:[0-9a-f-]{36}$/.test(u))).toBe(true);
    const refs = JSON.stringify(bundle).match(/"reference":"([^"]+)"/g) ?? [];
    for (const r of refs) expect(urls.has(r.slice(13, -1))).toBe(true);
    const again = writeGetMedicationResponse(sample, { now: '2024-01-18T09:34:40+01:00' });
    const againUrls = (again.parameter[0]?.resource as unknown as { entry: { fullUrl: string }[] }).entry.map((e) => e.fullUrl);
    expect(againUrls.some((u) => urls.has(u))).toBe(false);
  });

  it('writes fetch times, OK codes and errors as SFM parameters', () => {
    const names = w.parameter.map((p) => p.name);
    expect(names).toEqual(['medication', 'KJHentetTidspunkt', 'RFHentetTidspunkt', 'RFM96Feilkode', 'RFM912Feilkode', 'KJFeilkode']);
    const withError = writeGetMedicationResponse({ ...sample, errors: [{ source: 'KJ', code: '5', text: 'Ingen rettighet til KJ oppslag' }] }, { now: '2024-01-18T09:34:40+01:00' });
    const kj = withError.parameter.find((p) => p.name === 'KJFeilkode');
    expect(kj?.valueCodeableConcept?.coding?.[0]).toEqual({ system: 'http://ehelse.no/fhir/CodeSystem/sfm-kj-rf-error-code', code: '5' });
    expect(readGetMedicationResponse(withError).errors).toEqual([{ source: 'KJ', code: '5', text: 'Ingen rettighet til KJ oppslag' }]);
  });

  it('validates as FHIR R4 (Parameters, Bundle and every entry)', () => {
    expect(fhirErrors(w)).toEqual([]);
    expect(fhirErrors(bundle)).toEqual([]);
    for (const e of bundle.entry) expect(fhirErrors(e.resource)).toEqual([]);
  });

  it('reads back what it wrote (sample)', () => {
    const back = readGetMedicationResponse(JSON.parse(JSON.stringify(w)), 'sample');
    expect(normRead(back)).toEqual(normRead(sample));
    expect(back.prescriptions.find((p) => p.reseptId === 'a1')?.renews).toBe('a0');
  });
});

describe('round trip (property)', () => {
  it('read(write(x)) equals x modulo the documented normalisations', () => {
    fc.assert(
      fc.property(medicationReadArb, fc.option(fc.uuid(), { nil: undefined }), (read, bundleId) => {
        const w = writeGetMedicationResponse(read, { now: '2026-02-01T08:00:00+01:00', bundleId });
        const back = readGetMedicationResponse(JSON.parse(JSON.stringify(w)), 'roundtrip');
        expect(normRead(back)).toEqual(normRead(read));
      }),
      { numRuns: 200 },
    );
  });

  it('writer output validates as FHIR R4 for generated reads', () => {
    fc.assert(
      fc.property(medicationReadArb, (read) => {
        expect(fhirErrors(writeGetMedicationResponse(read, { now: '2026-02-01T08:00:00+01:00', author: { name: 'Kari Lege', hpr: '1234567', organisation: 'Legekontoret' } }))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

describe('missing required elements throw FhirFormatError naming element and file', () => {
  const good = () => JSON.parse(JSON.stringify(writeGetMedicationResponse(sample, { now: '2024-01-18T09:34:40+01:00' }))) as {
    parameter: { name: string; resource?: { entry: { resource: Record<string, unknown> }[] } }[];
  };
  const bundleOf = (j: ReturnType<typeof good>) => j.parameter[0]!.resource!;

  it('first entry not a Composition', () => {
    const j = good();
    bundleOf(j).entry.reverse();
    expect(() => readGetMedicationResponse(j, 'getMedication.json')).toThrow('getMedication.json: Bundle.entry[0] must be a Composition');
  });

  it('no medication parameter / not Parameters / null', () => {
    expect(() => readGetMedicationResponse({ resourceType: 'Parameters', parameter: [] }, 'x.json')).toThrow(/x\.json: Parameters\.parameter must have a "medication" parameter/);
    expect(() => readGetMedicationResponse({ resourceType: 'Bundle' }, 'x.json')).toThrow(FhirFormatError);
    expect(() => readGetMedicationResponse(null)).toThrow(FhirFormatError);
  });

  it('a prescription without expirationdate', () => {
    const j = good();
    const stmt = bundleOf(j).entry.find((e) => e.resource.resourceType === 'MedicationStatement' && JSON.stringify(e.resource).includes('"a0"'))!.resource as {
      extension: { url: string; extension: { url: string }[] }[];
    };
    stmt.extension[0]!.extension = stmt.extension[0]!.extension.filter((x) => x.url !== 'expirationdate');
    let err: unknown;
    try {
      readGetMedicationResponse(j, 'getMedication.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FhirFormatError);
    expect((err as FhirFormatError).message).toMatch(/^getMedication\.json: Bundle\.entry\[\d+\]\.resource\.extension\[0\] must have expirationdate/);
    expect((err as FhirFormatError).source).toBe('getMedication.json');
  });

  it('a patient without a national identity number', () => {
    const j = good();
    const patient = bundleOf(j).entry.find((e) => e.resource.resourceType === 'Patient')!.resource;
    delete patient.identifier;
    expect(() => readGetMedicationResponse(j, 'g.json')).toThrow(/identifier must hold a fødselsnummer/);
  });
});
