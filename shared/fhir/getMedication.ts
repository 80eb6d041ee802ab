// Patient/$getMedication response <-> MedicationRead.
//
// The writer produces what SFM returns (see reference/sfm-tools/SFM-BASIS-API.md §1): a Parameters
// with `medication` = document Bundle (Composition first, five sections), plus the RF/KJ fetch
// times and error codes. The reader takes NHN's real responses as well as what the writer writes.
//
// Mapping of one MedicationStatement:
//   - with rfstatus            -> a Prescription (status = rfstatus.status)
//   - with a PLL identifier    -> a PllEntry
//   - both                     -> both (the usual case for a PLL entry with a valid e-prescription)
//   - neither                  -> FhirFormatError (SFM never sends it; nothing sensible to show)
// The writer merges a PLL entry and its prescription into one statement when their shared content
// (medicine, dosage, use, purpose, expiry, prescriber, type) is identical, else writes two.
//
// Round-trip normalisations (read(write(x)) equals x after these; tested):
//   - prescriptions come back in bundle order (PLL-merged ones first): match on ReseptId, not index;
//   - Prescription.type absent -> 'E', Prescription.itemGroup absent -> 'L' (SFM requires both);
//   - Dosage.doses [] -> absent; Dosage.intervalDays survives only with structured doses;
//   - MedicineRef.substances [] -> absent, and lower-cased;
//   - Patient.units is local to the EPJ and not carried; Patient.multidose false -> absent and
//     multidoseDoctorHpr only with multidose;
//   - CriticalInfo.source is always 'KJ' (a $getMedication only carries KJ CAVE);
//   - errors with code '0' (OK) are not errors and are dropped; errors come back grouped RF, PLL, KJ
//     only in the order they were given (one parameter each, repeated when several).

import type {
  CriticalInfo,
  Dispensing,
  MedicationRead,
  Patient,
  Prescriber,
  Prescription,
} from '../model';
import { BundleBuilder, BundleIndex, readMedication, readPatient, readPrescriber, sameContent, StatementReader } from './bundle';
import { HER_OID, ID_TEXT, IDENTITY_OID, PROFILE, SAMSTEM_EXT, SECTION, SYSTEM } from './codes';
import { compact, fail, FhirFormatError, newId, Node, root } from './json';
import type { FhirBundle, FhirExtension, FhirParameter, FhirParameters, FhirReference, FhirResource } from './types';

export { FhirFormatError } from './json';

const SECTION_META: Record<string, { title: string; display: string; text: string }> = {
  [SECTION.medication]: { title: 'Medication', display: 'List of Medication statements', text: 'List of medications' },
  [SECTION.pllInfo]: { title: 'PllInfo', display: 'PLL Info', text: 'Info read from M25' },
  [SECTION.allergies]: { title: 'Allergies', display: 'Section allergies', text: 'Allergies' },
  [SECTION.dispense]: { title: 'sectionDispense', display: 'Section dispense', text: 'List of dispense messages' },
  [SECTION.otherPrescriptions]: { title: 'Other Prescriptions', display: 'List of non medical prescriptions', text: 'Other prescriptions' },
};

type EmptyReason = 'nilknown' | 'unavailable' | 'notasked';

/** A Composition.section: entries, or an emptyReason when there are none. */
export function section(code: string, entries: FhirReference[], emptyReason: EmptyReason): Record<string, unknown> {
  const m = SECTION_META[code] ?? { title: code, display: code, text: code };
  return compact({
    title: m.title,
    code: { coding: [{ system: SYSTEM.sectionTypes, code, display: m.display }] },
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(m.text)}</div>` },
    entry: entries.length ? entries : undefined,
    emptyReason: entries.length
      ? undefined
      : { coding: [{ system: SYSTEM.listEmptyReason, code: emptyReason, display: emptyReason === 'nilknown' ? 'Nil Known' : emptyReason === 'notasked' ? 'Not Asked' : 'Unavailable' }] },
  });
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ref = (fullUrl: string, type: string, display?: string): FhirReference => compact({ reference: fullUrl, type, display });

export function writeGetMedicationResponse(
  read: MedicationRead,
  opts: { now: string /* ISO */; bundleId?: string; author?: Prescriber },
): FhirParameters {
  const b = new BundleBuilder();
  b.patient(read.patient);
  const authorRef: FhirReference = opts.author ? b.prescriber(opts.author) : { display: 'Samstem SFM-mock' };

  // Statements: PLL entries first (merged with their prescription when the content is the same),
  // then the prescriptions not merged.
  const renewedBy = new Map<string, string[]>();
  for (const p of read.prescriptions) if (p.renews) renewedBy.set(p.renews, [...(renewedBy.get(p.renews) ?? []), p.reseptId]);
  const used = new Set<Prescription>();
  const units: { prescription?: Prescription; pll?: MedicationRead['pll'][number] }[] = [];
  for (const e of read.pll) {
    const p = e.reseptId ? read.prescriptions.find((x) => !used.has(x) && sameContent(x, e)) : undefined;
    if (p) used.add(p);
    units.push({ pll: e, prescription: p });
  }
  for (const p of read.prescriptions) if (!used.has(p)) units.push({ prescription: p });

  // Heads are written before tails can point at them: write every statement, then set partOf.
  const written = units.map((u) =>
    b.statement({ prescription: u.prescription, pll: u.pll, rfStatus: true, prescriptionRecall: true }),
  );
  const urlByReseptId = new Map<string, string>();
  written.forEach((w, i) => {
    const p = units[i]?.prescription;
    if (p && !urlByReseptId.has(p.reseptId)) urlByReseptId.set(p.reseptId, w.fullUrl);
  });
  const medicationEntries: FhirReference[] = [];
  written.forEach((w, i) => {
    const p = units[i]?.prescription;
    const newer = p ? (renewedBy.get(p.reseptId) ?? []) : [];
    if (newer.length) {
      // Older link of a renewal chain: completed, partOf the prescription(s) that replaced it; not a section entry.
      w.resource.partOf = newer.map((id) =>
        compact({ reference: urlByReseptId.get(id), type: PROFILE.statement, identifier: { use: 'usual' as const, type: { text: ID_TEXT.reseptId }, value: id } }),
      );
      if (w.resource.status === 'active') w.resource.status = 'completed';
    } else {
      medicationEntries.push(ref(w.fullUrl, PROFILE.statement, (units[i]?.pll ?? units[i]?.prescription)?.medicine.name));
    }
  });

  // PLL info: the M25.1 the list came from; or (SFM 3.10) an "M9.12" entry when a multidose doctor
  // is registered but there is no M25.1.
  const pllEntries: FhirReference[] = [];
  const multidose = read.patient.multidose === true;
  if (read.pllMessageId || multidose) {
    const related: FhirExtension[] = [];
    if (multidose) {
      const roleUrl = b.add(
        compact({
          resourceType: 'PractitionerRole',
          meta: { profile: [PROFILE.practitionerRole] },
          practitioner: read.patient.multidoseDoctorHpr
            ? { identifier: { use: 'official', system: IDENTITY_OID.HPR, value: read.patient.multidoseDoctorHpr }, display: `HPR: ${read.patient.multidoseDoctorHpr}` }
            : undefined,
          code: [{ coding: [{ system: SYSTEM.pllRole, code: 'M', display: 'Multidoseansvarlig lege' }] }],
        }),
      );
      related.push({ url: 'relatedparties', valueReference: ref(roleUrl, PROFILE.practitionerRole, 'M:Multidoseansvarlig lege') });
    }
    const code = read.pllMessageId ? 'M25.1' : 'M9.12';
    const url = b.add(
      compact({
        resourceType: 'Basic',
        meta: { profile: [PROFILE.pllInfo] },
        extension: related.length ? [{ url: 'http://ehelse.no/fhir/StructureDefinition/sfm-pllInformation', extension: related }] : undefined,
        identifier: read.pllMessageId ? [{ use: 'usual', value: read.pllMessageId }] : undefined,
        code: { coding: [{ system: SYSTEM.messageType, code, display: 'PLL' }], text: read.pllMessageId ? undefined : 'No M25 message available' },
        subject: b.subject(),
      }),
    );
    pllEntries.push(ref(url, PROFILE.pllInfo, code));
  }
  // Multidose pharmacy proposals: one Basic per M25.2 (PLLdate = when sent, author = the pharmacy;
  // the note is Samstem's own sub-extension 'note').
  for (const pr of read.pllProposals ?? []) {
    const info: FhirExtension[] = [{ url: 'PLLdate', valueDateTime: pr.createdAt }];
    if (pr.note) info.push({ url: 'note', valueString: pr.note });
    const url = b.add(
      compact({
        resourceType: 'Basic',
        meta: { profile: [PROFILE.pllInfo] },
        extension: [{ url: 'http://ehelse.no/fhir/StructureDefinition/sfm-pllInformation', extension: info }],
        identifier: [{ use: 'usual', value: pr.messageId }],
        code: { coding: [{ system: SYSTEM.messageType, code: 'M25.2', display: 'Multidose spørremelding fra apotek' }] },
        subject: b.subject(),
        author: pr.pharmacy ? { display: pr.pharmacy } : undefined,
      }),
    );
    pllEntries.push(ref(url, PROFILE.pllInfo, 'M25.2'));
  }

  const dispenseEntries = read.dispensings.map((d) => ref(writeDispense(b, d), PROFILE.dispense, 'sfm-MedicationDispense'));
  const allergyEntries = read.criticalInfo.map((c) => ref(writeAllergy(b, c), PROFILE.allergy, c.agent));

  const kjProblem = !read.kjFetchedAt || read.errors.some((e) => e.source === 'KJ');
  const rfProblem = !read.rfFetchedAt || read.errors.some((e) => e.source === 'RF');
  const pllProblem = !read.rfFetchedAt || read.errors.some((e) => e.source === 'PLL');
  const compositionId = newId();
  const composition: FhirResource = {
    resourceType: 'Composition',
    id: compositionId,
    meta: { profile: [PROFILE.composition] },
    identifier: { use: 'official', value: read.readId },
    status: 'final',
    type: { coding: [{ system: SYSTEM.loinc, code: '11503-0', display: 'Medical records' }] },
    subject: b.subject(),
    date: opts.now,
    author: [authorRef],
    title: 'Medication summary',
    confidentiality: 'N',
    section: [
      section(SECTION.medication, medicationEntries, rfProblem && pllProblem ? 'unavailable' : 'nilknown'),
      section(SECTION.pllInfo, pllEntries, pllProblem ? 'unavailable' : 'nilknown'),
      section(SECTION.allergies, allergyEntries, kjProblem ? 'unavailable' : 'nilknown'),
      section(SECTION.dispense, dispenseEntries, kjProblem ? 'unavailable' : 'nilknown'),
      section(SECTION.otherPrescriptions, [], 'unavailable'),
    ],
  };
  const bundleId = opts.bundleId ?? newId();
  const bundle: FhirBundle = {
    resourceType: 'Bundle',
    id: bundleId,
    meta: { profile: [PROFILE.bundle], lastUpdated: opts.now },
    identifier: { system: SYSTEM.uri, value: `urn:uuid:${bundleId}` },
    type: 'document',
    timestamp: opts.now,
    entry: [{ fullUrl: `urn:uuid:${compositionId}`, resource: composition }, ...b.entries],
  };

  const parameter: FhirParameter[] = [{ name: 'medication', resource: bundle }];
  if (read.kjFetchedAt) parameter.push({ name: 'KJHentetTidspunkt', valueDateTime: read.kjFetchedAt });
  if (read.rfFetchedAt) parameter.push({ name: 'RFHentetTidspunkt', valueDateTime: read.rfFetchedAt });
  const errorParam = (source: 'RF' | 'PLL' | 'KJ') => (source === 'RF' ? 'RFM96Feilkode' : source === 'PLL' ? 'RFM912Feilkode' : 'KJFeilkode');
  for (const e of read.errors) {
    if (e.code === '0') continue;
    parameter.push({
      name: errorParam(e.source),
      valueCodeableConcept: compact({ coding: [{ system: SYSTEM.errorCode, code: e.code }], text: e.text || undefined }),
    });
  }
  const ok = (source: 'RF' | 'PLL' | 'KJ') =>
    parameter.push({ name: errorParam(source), valueCodeableConcept: { coding: [{ system: SYSTEM.errorCode, code: '0', display: 'OK' }] } });
  if (read.rfFetchedAt && !read.errors.some((e) => e.source === 'RF')) ok('RF');
  if (read.rfFetchedAt && !read.errors.some((e) => e.source === 'PLL')) ok('PLL');
  if (read.kjFetchedAt && !read.errors.some((e) => e.source === 'KJ')) ok('KJ');
  return { resourceType: 'Parameters', parameter };
}

function writeDispense(b: BundleBuilder, d: Dispensing): string {
  let performer: unknown;
  if (d.pharmacy) {
    const orgUrl = b.add({ resourceType: 'Organization', meta: { profile: [PROFILE.organization] }, name: d.pharmacy });
    performer = [{ actor: ref(orgUrl, PROFILE.organization, d.pharmacy) }];
  }
  return b.add(
    compact({
      resourceType: 'MedicationDispense',
      meta: { profile: [PROFILE.dispense] },
      extension: d.reseptId
        ? [{ url: 'http://ehelse.no/fhir/StructureDefinition/sfm-dispenseinfo', extension: [{ url: 'prescriptionid', valueString: d.reseptId }] }]
        : undefined,
      identifier: [{ use: 'official', type: { text: ID_TEXT.m10 }, value: d.id }],
      status: 'completed',
      medicationReference: b.medication(d.medicine),
      subject: b.subject(),
      performer,
      quantity: d.quantity ? compact({ value: d.quantity.value, unit: d.quantity.unit || undefined }) : undefined,
      whenHandedOver: d.dispensedAt,
      dosageInstruction: d.dosageText ? [{ text: d.dosageText }] : undefined,
      substitution: d.substituted !== undefined ? { wasSubstituted: d.substituted } : undefined,
    }),
  );
}

const CRITICALITY = { critical: 'high', serious: 'high', mild: 'low', unknown: 'unable-to-assess' } as const;
const VERIFICATION = { confirmed: 'confirmed', likely: 'unconfirmed', possible: 'unconfirmed' } as const;

function writeAllergy(b: BundleBuilder, c: CriticalInfo): string {
  const extension: FhirExtension[] = [{ url: SAMSTEM_EXT.caveKind, valueCode: c.kind }];
  if (c.severity) extension.push({ url: SAMSTEM_EXT.caveSeverity, valueCode: c.severity });
  if (c.certainty) extension.push({ url: SAMSTEM_EXT.caveCertainty, valueCode: c.certainty });
  if (c.substance) extension.push({ url: SAMSTEM_EXT.caveSubstance, valueString: c.substance });
  const verification = c.certainty && c.certainty !== 'unknown' ? VERIFICATION[c.certainty] : undefined;
  return b.add(
    compact({
      resourceType: 'AllergyIntolerance',
      meta: { profile: [PROFILE.allergy] },
      extension,
      identifier: [{ use: 'official', value: c.id }],
      clinicalStatus: { coding: [{ system: SYSTEM.allergyClinical, code: 'active' }] },
      verificationStatus: verification ? { coding: [{ system: SYSTEM.allergyVerification, code: verification }] } : undefined,
      type: c.kind === 'allergy' ? 'allergy' : c.kind === 'reaction' ? 'intolerance' : undefined,
      criticality: c.severity ? CRITICALITY[c.severity] : undefined,
      code: compact({ coding: c.atc ? [{ system: SYSTEM.atc, code: c.atc }] : undefined, text: c.agent }),
      patient: b.subject(),
      recordedDate: c.registeredAt,
      recorder: c.registeredBy ? { display: c.registeredBy } : undefined,
      reaction: c.reaction ? [{ manifestation: [{ text: c.reaction }] }] : undefined,
    }),
  );
}

// =====================================================================================
// Reading
// =====================================================================================

/** The `medication` Bundle of a Parameters, checked down to its first entry being a Composition. */
export function openDocument(json: unknown, source?: string): { params: Node; bundle: Node; idx: BundleIndex; composition: Node } {
  const params = root(json, 'Parameters', source);
  if (params.obj().resourceType !== 'Parameters') fail(params, `must be a FHIR Parameters resource (resourceType ${JSON.stringify(params.obj().resourceType ?? null)})`);
  const medParam = params.arr('parameter').find((p) => p.optStr('name') === 'medication');
  if (!medParam) fail(params.at('parameter'), 'must have a "medication" parameter');
  const bundle = medParam.at('resource');
  bundle.obj();
  const b = new Node(bundle.value, 'Bundle', source);
  if (b.str('resourceType') !== 'Bundle') fail(b, 'must be a Bundle');
  const idx = new BundleIndex(b);
  const first = idx.entries[0];
  if (!first) fail(b.at('entry'), 'must not be empty (a document starts with its Composition)');
  if (first.resource.str('resourceType') !== 'Composition') throw new FhirFormatError('Bundle.entry[0]', 'must be a Composition', source);
  return { params, bundle: b, idx, composition: first.resource };
}

export function findPatient(composition: Node, idx: BundleIndex, bundle: Node): Patient {
  const subject = idx.resolve(composition.optObj('subject'));
  const patientNode = subject ?? idx.ofType('Patient')[0]?.resource;
  if (!patientNode) fail(bundle, 'must contain the Patient (Composition.subject)');
  return readPatient(patientNode);
}

export function readGetMedicationResponse(json: unknown, source?: string): MedicationRead {
  const { params, bundle, idx, composition } = openDocument(json, source);
  const readId = composition.optObj('identifier')?.optStr('value');
  if (!readId) fail(composition.at('identifier'), 'must have a value (the read id a $sendMedication relates to)');
  const patient: Patient = findPatient(composition, idx, bundle);

  const prescriptions: Prescription[] = [];
  const pll: MedicationRead['pll'] = [];
  const readers = idx.ofType('MedicationStatement').map((e) => new StatementReader(e.resource, idx, e.fullUrl));
  for (const s of readers) {
    const rf = s.rfStatus();
    if (!rf && !s.libId) fail(s.node, 'has neither rfstatus nor a PLL identifier: it is neither a prescription in RF nor a PLL entry');
    if (rf) prescriptions.push(s.toPrescription({ withRecall: true }));
    if (s.libId) pll.push(s.toPllEntry());
  }
  // Renewal chains seen only through partOf (SFM documents partOf on the older link).
  for (const s of readers) {
    if (!s.reseptId) continue;
    for (const newer of s.partOfReseptIds()) {
      const head = prescriptions.find((p) => p.reseptId === newer);
      if (head && !head.renews) head.renews = s.reseptId;
    }
  }

  // PLL info: message id of the M25.1; multidose doctor from any PLL-info entry.
  let pllMessageId: string | undefined;
  let multidose = false;
  let multidoseDoctorHpr: string | undefined;
  const pllProposals: NonNullable<MedicationRead['pllProposals']> = [];
  for (const { resource: basic } of idx.ofType('Basic')) {
    const code = basic.optObj('code')?.coding(SYSTEM.messageType)?.code;
    if (!code) continue;
    if (code === 'M25.1' && !pllMessageId) pllMessageId = basic.arr('identifier')[0]?.optStr('value');
    const info = basic.ext('http://ehelse.no/fhir/StructureDefinition/sfm-pllInformation');
    if (code === 'M25.2') {
      const messageId = basic.arr('identifier')[0]?.optStr('value');
      const createdAt = info?.exts('PLLdate')[0]?.optStr('valueDateTime');
      if (messageId && createdAt) {
        const author = basic.optObj('author');
        const role = idx.resolve(author);
        const orgRef = role?.optObj('organization');
        // The author display reads "Testapotek Monier, HER: 8094939"; the organisation may only carry "HER: …".
        const named = (v: string | undefined) => (v && !/^HER:/.test(v.trim()) ? v.trim() : undefined);
        const pharmacy = named(author?.optStr('display')?.split(', HER:')[0]) ?? named(idx.resolve(orgRef)?.optStr('name')) ?? named(orgRef?.optStr('display'));
        const note = info?.exts('note')[0]?.optStr('valueString');
        pllProposals.push({ messageId, createdAt, ...(pharmacy ? { pharmacy } : {}), ...(note ? { note } : {}) });
      }
    }
    for (const party of info?.exts('relatedparties') ?? []) {
      const r = party.optObj('valueReference');
      const role = idx.resolve(r);
      const roleCode = role?.arr('code').map((c) => c.coding(SYSTEM.pllRole)?.code).find(Boolean);
      const isMultidoseDoctor = roleCode === 'M' || /(^|, )M:Multidoseansvarlig lege$/.test(r?.optStr('display') ?? '');
      if (!isMultidoseDoctor) continue;
      multidose = true;
      const practitionerRef = role?.optObj('practitioner');
      multidoseDoctorHpr ??=
        (practitionerRef?.optObj('identifier')?.optStr('system') === IDENTITY_OID.HPR ? practitionerRef.optObj('identifier')?.optStr('value') : undefined) ??
        readPrescriber(practitionerRef, idx)?.hpr;
    }
  }
  if (multidose) {
    patient.multidose = true;
    if (multidoseDoctorHpr) patient.multidoseDoctorHpr = multidoseDoctorHpr;
  }

  const dispensings = idx.ofType('MedicationDispense').map(({ resource }) => readDispense(resource, idx));
  const criticalInfo = idx.ofType('AllergyIntolerance').map(({ resource }) => readAllergy(resource));

  let rfFetchedAt: string | undefined;
  let kjFetchedAt: string | undefined;
  const errors: MedicationRead['errors'] = [];
  for (const p of params.arr('parameter')) {
    const name = p.optStr('name');
    if (name === 'RFHentetTidspunkt') rfFetchedAt = p.str('valueDateTime');
    else if (name === 'KJHentetTidspunkt') kjFetchedAt = p.str('valueDateTime');
    else if (name === 'RFM96Feilkode' || name === 'RFM912Feilkode' || name === 'KJFeilkode') {
      const concept = p.optObj('valueCodeableConcept');
      const coding = concept?.coding(SYSTEM.errorCode) ?? concept?.coding() ?? (p.optObj('valueCoding') ? { code: p.at('valueCoding').optStr('code'), display: p.at('valueCoding').optStr('display') } : undefined);
      if (!coding?.code) fail(p, 'must hold an error code (valueCodeableConcept.coding.code)');
      if (coding.code === '0') continue;
      const text = concept?.optStr('text');
      errors.push({
        source: name === 'KJFeilkode' ? 'KJ' : name === 'RFM912Feilkode' ? 'PLL' : 'RF',
        code: coding.code,
        text: coding.display && text ? `${coding.display} (${text})` : (text ?? coding.display ?? `Feilkode ${coding.code}`),
      });
    }
  }

  return compact({
    readId,
    patient,
    prescriptions,
    pll,
    pllMessageId,
    pllProposals: pllProposals.length ? pllProposals : undefined,
    dispensings,
    criticalInfo,
    rfFetchedAt,
    kjFetchedAt,
    errors,
  });
}

function readDispense(n: Node, idx: BundleIndex): Dispensing {
  const id = n.identifierByText(ID_TEXT.m10) ?? n.arr('identifier')[0]?.optStr('value') ?? n.optStr('id');
  if (!id) fail(n.at('identifier'), 'must have an identifier (M10id)');
  const dispensedAt = n.optStr('whenHandedOver') ?? n.optStr('whenPrepared');
  if (!dispensedAt) fail(n.at('whenHandedOver'), 'is missing');
  const medRef = n.optObj('medicationReference');
  const medNode = idx.resolve(medRef);
  let medicine;
  if (medNode) medicine = readMedication(medNode, idx);
  else {
    const concept = n.optObj('medicationCodeableConcept');
    const name = concept?.optStr('text') ?? concept?.coding()?.display ?? medRef?.optStr('display');
    if (!name) fail(n, 'must have a medication that resolves in the bundle');
    medicine = { name, kind: 'other' as const };
  }
  const actor = n.arr('performer')[0]?.optObj('actor');
  const org = idx.resolve(actor);
  const q = n.optObj('quantity');
  const qv = q?.optNum('value');
  return compact({
    id,
    reseptId: n.ext('http://ehelse.no/fhir/StructureDefinition/sfm-dispenseinfo')?.ext('prescriptionid')?.optStr('valueString'),
    dispensedAt,
    medicine,
    quantity: q && qv !== undefined ? { value: qv, unit: q.optStr('unit') ?? '' } : undefined,
    pharmacy: org?.optStr('name') ?? actor?.optStr('display') ?? herDisplay(org),
    dosageText: n.arr('dosageInstruction')[0]?.optStr('text'),
    substituted: n.optObj('substitution')?.optBool('wasSubstituted'),
  });
}

const herDisplay = (org: Node | undefined) => {
  const her = org?.arr('identifier').find((i) => i.optStr('system') === HER_OID)?.optStr('value');
  return her ? `HER: ${her}` : undefined;
};

const KINDS: readonly string[] = ['allergy', 'reaction', 'condition', 'implant', 'treatment', 'other'];
const SEVERITIES: readonly string[] = ['critical', 'serious', 'mild', 'unknown'];
const CERTAINTIES: readonly string[] = ['confirmed', 'likely', 'possible', 'unknown'];

function readAllergy(n: Node): CriticalInfo {
  const id = n.arr('identifier')[0]?.optStr('value') ?? n.optStr('id');
  if (!id) fail(n.at('identifier'), 'must have an identifier');
  const code = n.optObj('code');
  const agent = code?.optStr('text') ?? code?.coding()?.display;
  if (!agent) fail(n.at('code'), 'must name the agent (code.text or a coding display)');
  const enumExt = (url: string, allowed: readonly string[]) => {
    const e = n.ext(url);
    const v = e?.optStr('valueCode');
    if (v !== undefined && !allowed.includes(v)) fail(e, `has unknown value "${v}"`);
    return v;
  };
  const type = n.optStr('type');
  const criticality = n.optStr('criticality');
  const verification = n.optObj('verificationStatus')?.coding()?.code;
  return compact({
    id,
    kind: (enumExt(SAMSTEM_EXT.caveKind, KINDS) ?? (type === 'allergy' ? 'allergy' : type === 'intolerance' ? 'reaction' : 'other')) as CriticalInfo['kind'],
    agent,
    atc: code?.coding(SYSTEM.atc)?.code,
    substance: n.ext(SAMSTEM_EXT.caveSubstance)?.optStr('valueString'),
    reaction: n.arr('reaction')[0]?.arr('manifestation')[0]?.optStr('text') ?? n.arr('reaction')[0]?.arr('manifestation')[0]?.coding()?.display,
    severity: (enumExt(SAMSTEM_EXT.caveSeverity, SEVERITIES) ??
      (criticality === 'high' ? 'serious' : criticality === 'low' ? 'mild' : criticality === 'unable-to-assess' ? 'unknown' : undefined)) as CriticalInfo['severity'],
    certainty: (enumExt(SAMSTEM_EXT.caveCertainty, CERTAINTIES) ??
      (verification === 'confirmed' ? 'confirmed' : verification === 'unconfirmed' ? 'possible' : undefined)) as CriticalInfo['certainty'],
    registeredAt: n.optStr('recordedDate'),
    registeredBy: n.optObj('recorder')?.optStr('display'),
    source: 'KJ' as const,
  });
}
