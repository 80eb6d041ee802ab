// Patient/$sendMedication request and response, OperationOutcome, and the $getMedication request.
// Shapes from reference/sfm-tools/SFM-BASIS-API.md §2 and the requests captured from NHN test2.
//
// The request bundle carries (statements in this order):
//   - each new prescription: createeresept=true in sfm-reseptamendment (merged with its PLL entry when
//     the content is the same, as in a get);
//   - each PLL entry (only when plan.pll is not null), with its PLL identifier;
//   - each recall: recallinfo {recallcode 7500, text = note, recallId = the recalled ReseptId} on the
//     PLL statement with that ReseptId if there is one, else on a minimal statement that only names the
//     ReseptId; `renewedBy` is partOf (identifier ReseptId, and a reference when the new one is in the
//     bundle), status completed;
//   - sectionPLLinfo: a Basic (sfm-PLL-info, M25.1) whose sfm-pllInformation.createPLL says whether to
//     send a new PLL; no entry (emptyReason nilknown) = do not send PLL.
// Round-trip normalisations (read(write(plan)) equals plan after these; tested):
//   - newPrescriptions and recalls come back in bundle order; a new prescription's own `recall` is not
//     carried (a recall in a send is a `recalls` item); a new prescription without rfstatus reads as status E;
//   - the PLL entries come back in bundle order (those merged with a new prescription first);
//   - Patient.multidose/multidoseDoctorHpr are not carried in a send (SFM knows them from RF);
//   - plus those of getMedication.ts for the prescription/PLL content and the patient.
// The captured real request (a plain echo of an unchanged prescription, no PLL) reads as a plan with no
// new prescriptions, no recalls and pll = null: SendPlan has no place for unchanged echoes.

import type { IdentityKind, Patient, PllEntry, Prescriber, Prescription, RecallReason } from '../model';
import { BundleBuilder, identityKindOf, readPrescriber, resepIdRef, sameContent, StatementReader } from './bundle';
import { IDENTITY_OID, PROFILE, SECTION, SYSTEM } from './codes';
import { findPatient, openDocument, section } from './getMedication';
import { compact, datePart, fail, isObject, newId, Node, root } from './json';
import type { FhirBundle, FhirOperationOutcome, FhirParameter, FhirParameters, FhirReference, FhirResource } from './types';

export { FhirFormatError } from './json';

export interface SendPlan {
  /** Composition.identifier of the $getMedication this send is consistent with. */
  readId: string;
  patient: Patient;
  newPrescriptions: Prescription[];
  recalls: { reseptId: string; reason: RecallReason; note?: string; renewedBy?: string }[];
  /** The complete new PLL, or null = do not send PLL. */
  pll: PllEntry[] | null;
  /** MsgId of the M25.1 the plan is based on (from the read). */
  pllMessageId?: string;
  sentAt: string;
  sender: Prescriber;
}

export interface SendResult {
  prescriptionCount: number;
  recallCount: number;
  pll?: { messageId: string; resultCode: string };
  operations: { reseptId: string; resultCode: string; text?: string }[];
}

const PLL_INFORMATION = 'http://ehelse.no/fhir/StructureDefinition/sfm-pllInformation';

export function writeSendMedicationRequest(plan: SendPlan, opts?: { bundleId?: string }): FhirParameters {
  const b = new BundleBuilder();
  b.patient(plan.patient);
  const senderRef = b.prescriber(plan.sender);

  const pll = plan.pll ?? [];
  const usedPll = new Set<PllEntry>();
  const statements: { fullUrl: string; resource: FhirResource }[] = [];
  const urlByNewReseptId = new Map<string, string>();
  for (const p of plan.newPrescriptions) {
    const e = pll.find((x) => !usedPll.has(x) && sameContent(p, x));
    if (e) usedPll.add(e);
    const w = b.statement({ prescription: p, pll: e, rfStatus: true, createEresept: true });
    statements.push(w);
    if (!urlByNewReseptId.has(p.reseptId)) urlByNewReseptId.set(p.reseptId, w.fullUrl);
  }
  const partOf = (renewedBy: string | undefined): FhirReference[] | undefined =>
    renewedBy ? [compact({ reference: urlByNewReseptId.get(renewedBy), type: PROFILE.statement, identifier: resepIdRef(renewedBy) })] : undefined;
  // A recall goes on the PLL statement naming its ReseptId when there is one (one recall per statement).
  const pendingRecalls = [...plan.recalls];
  for (const e of pll) {
    if (usedPll.has(e)) continue;
    const i = e.reseptId ? pendingRecalls.findIndex((r) => r.reseptId === e.reseptId) : -1;
    const recall = i >= 0 ? pendingRecalls.splice(i, 1)[0] : undefined;
    statements.push(b.statement({ pll: e, recall, partOf: partOf(recall?.renewedBy) }));
  }
  for (const r of pendingRecalls) statements.push(b.statement({ recall: r, partOf: partOf(r.renewedBy) }));

  const pllInfo: FhirReference[] = [];
  if (plan.pll !== null || plan.pllMessageId) {
    const url = b.add(
      compact({
        resourceType: 'Basic',
        meta: { profile: [PROFILE.pllInfo] },
        extension: [{ url: PLL_INFORMATION, extension: [{ url: 'createPLL', valueBoolean: plan.pll !== null }] }],
        identifier: plan.pllMessageId ? [{ use: 'usual', value: plan.pllMessageId }] : undefined,
        code: { coding: [{ system: SYSTEM.messageType, code: 'M25.1', display: 'PLL' }] },
        subject: b.subject(),
        author: senderRef,
      }),
    );
    pllInfo.push({ reference: url, type: PROFILE.pllInfo, display: 'M25.1' });
  }

  const compositionId = newId();
  const composition: FhirResource = {
    resourceType: 'Composition',
    id: compositionId,
    meta: { profile: [PROFILE.composition] },
    identifier: { use: 'official', value: newId() },
    status: 'final',
    type: { coding: [{ system: SYSTEM.loinc, code: '11503-0', display: 'Medical records' }] },
    subject: b.subject(),
    date: plan.sentAt,
    author: [senderRef],
    title: 'Medication summary',
    confidentiality: 'N',
    attester: [{ mode: 'legal', time: plan.sentAt, party: senderRef }],
    relatesTo: [{ code: 'replaces', targetIdentifier: { use: 'official', value: plan.readId } }],
    section: [
      section(
        SECTION.medication,
        statements
          .filter((s) => !s.resource.partOf)
          .map((s) => compact({ reference: s.fullUrl, type: PROFILE.statement, display: medicationDisplay(s.resource) })),
        'nilknown',
      ),
      section(SECTION.pllInfo, pllInfo, 'nilknown'),
      section(SECTION.allergies, [], 'notasked'),
      section(SECTION.otherPrescriptions, [], 'nilknown'),
    ],
  };
  const bundleId = opts?.bundleId ?? newId();
  const bundle: FhirBundle = {
    resourceType: 'Bundle',
    id: bundleId,
    meta: { profile: [PROFILE.bundle], lastUpdated: plan.sentAt },
    identifier: { system: SYSTEM.uri, value: `urn:uuid:${bundleId}` },
    type: 'document',
    timestamp: plan.sentAt,
    entry: [{ fullUrl: `urn:uuid:${compositionId}`, resource: composition }, ...b.entries],
  };
  return { resourceType: 'Parameters', parameter: [{ name: 'medication', resource: bundle }] };
}

function medicationDisplay(r: FhirResource): string | undefined {
  const m = (r.medicationReference ?? r.medicationCodeableConcept) as { display?: string; text?: string } | undefined;
  return m?.display ?? m?.text;
}

export function readSendMedicationRequest(json: unknown, source?: string): SendPlan {
  const { bundle, idx, composition } = openDocument(json, source);
  const replaces = composition.arr('relatesTo').find((r) => r.optStr('code') === 'replaces') ?? composition.arr('relatesTo')[0];
  const readId = replaces?.optObj('targetIdentifier')?.optStr('value');
  if (!readId) fail(composition.at('relatesTo'), 'must have {code: "replaces", targetIdentifier.value: <the read id of the last $getMedication>}');
  const patient = findPatient(composition, idx, bundle);

  const attester = composition.arr('attester').find((a) => a.optStr('mode') === 'legal') ?? composition.arr('attester')[0];
  const sender = readPrescriber(attester?.optObj('party'), idx) ?? readPrescriber(composition.arr('author')[0], idx);
  if (!sender) fail(composition.at('attester'), 'must name the sender (attester.party or author → Practitioner)');
  const sentAtText = attester?.optStr('time') ?? composition.optStr('date') ?? bundle.optStr('timestamp');
  if (!sentAtText) fail(composition.at('attester'), 'must have a time (attester.time, Composition.date or Bundle.timestamp)');

  const readers = idx.ofType('MedicationStatement').map((e) => new StatementReader(e.resource, idx, e.fullUrl));
  const newPrescriptions: Prescription[] = [];
  const recalls: SendPlan['recalls'] = [];
  const pllStatements: StatementReader[] = [];
  for (const s of readers) {
    if (s.createEresept()) newPrescriptions.push(s.toPrescription({ withRecall: false, defaultStatus: 'E' }));
    const ri = s.recallInfo();
    if (ri) {
      const reseptId = s.reseptId ?? ri.recallId;
      if (!reseptId) fail(s.amendment, 'recallinfo must belong to a statement with a ReseptId (or carry recallId)');
      recalls.push(compact({ reseptId, reason: ri.reason, note: ri.note, renewedBy: s.partOfReseptIds()[0] }));
    }
    if (s.libId) pllStatements.push(s);
  }

  // PLL: the M25.1 info entry says whether to create a PLL (sfm-pllInformation.createPLL, or metadataPLL.createPLL).
  let createPll = false;
  let pllMessageId: string | undefined;
  for (const { resource: basic } of idx.ofType('Basic')) {
    const code = basic.optObj('code')?.coding(SYSTEM.messageType)?.code;
    if (code !== 'M25.1') continue;
    pllMessageId ??= basic.arr('identifier')[0]?.optStr('value');
    const info = basic.extCi(PLL_INFORMATION) ?? basic.extCi('metadataPLL');
    if (info?.extCi('createPLL')?.optBool('valueBoolean') === true) createPll = true;
  }
  return compact({
    readId,
    patient,
    newPrescriptions,
    recalls,
    pll: createPll ? pllStatements.map((s) => s.toPllEntry()) : null,
    pllMessageId,
    sentAt: sentAtText,
    sender,
  });
}

export function writeSendMedicationResponse(r: SendResult): FhirParameters {
  const parameter: FhirParameter[] = [
    { name: 'prescriptionCount', valueInteger: r.prescriptionCount },
    { name: 'recallCount', valueInteger: r.recallCount },
  ];
  if (r.pll) {
    parameter.push({
      name: 'PllResult',
      part: [
        { name: 'PllmessageID', valueString: r.pll.messageId },
        { name: 'resultCode', valueCoding: { system: SYSTEM.errorCode, code: r.pll.resultCode } },
      ],
    });
  }
  for (const op of r.operations) {
    parameter.push({
      name: 'prescriptionOperationResult',
      part: [
        { name: 'reseptID', valueString: op.reseptId },
        { name: 'resultCode', valueCoding: compact({ system: SYSTEM.errorCode, code: op.resultCode, display: op.text || undefined }) },
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

function resultCode(part: Node): { code: string; display?: string } {
  const coding = part.optObj('valueCoding');
  const c = coding
    ? { code: coding.optStr('code'), display: coding.optStr('display') }
    : (part.optObj('valueCodeableConcept')?.coding() ?? (part.optStr('valueCode') ? { code: part.optStr('valueCode'), display: undefined } : undefined));
  if (!c?.code) fail(part, 'must hold a result code (valueCoding.code)');
  return compact({ code: c.code, display: c.display });
}

export function readSendMedicationResponse(json: unknown, source?: string): SendResult {
  const params = root(json, 'Parameters', source);
  if (params.obj().resourceType !== 'Parameters') fail(params, 'must be a FHIR Parameters resource');
  const list = params.arr('parameter');
  const byName = (name: string) => list.filter((p) => p.optStr('name')?.toLowerCase() === name.toLowerCase());
  const count = (name: string): number => {
    const p = byName(name)[0];
    if (!p) fail(params.at('parameter'), `must have "${name}"`);
    const v = p.optNum('valueInteger') ?? p.optNum('valueDecimal');
    if (v === undefined || !Number.isInteger(v) || v < 0) fail(p, 'must have a whole, non-negative valueInteger');
    return v;
  };
  const partOf = (p: Node, name: string): Node | undefined => p.arr('part').find((x) => x.optStr('name')?.toLowerCase() === name.toLowerCase());
  let pll: SendResult['pll'];
  const pllParam = byName('PllResult')[0];
  if (pllParam) {
    const idPart = partOf(pllParam, 'PllmessageID');
    const codePart = partOf(pllParam, 'resultCode');
    if (!idPart || !codePart) fail(pllParam, 'must have parts PllmessageID and resultCode');
    pll = { messageId: idPart.str('valueString'), resultCode: resultCode(codePart).code };
  }
  const operations = byName('prescriptionOperationResult').map((p) => {
    const idPart = partOf(p, 'reseptID');
    const codePart = partOf(p, 'resultCode');
    if (!idPart || !codePart) fail(p, 'must have parts reseptID and resultCode');
    const rc = resultCode(codePart);
    return compact({ reseptId: idPart.str('valueString'), resultCode: rc.code, text: rc.display });
  });
  return compact({ prescriptionCount: count('prescriptionCount'), recallCount: count('recallCount'), pll, operations });
}

export interface OutcomeIssue {
  severity: 'error' | 'warning' | 'information';
  code: string;
  diagnostics: string;
  expression?: string[];
}

export function writeOperationOutcome(issues: OutcomeIssue[]): FhirOperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => compact({ severity: i.severity, code: i.code, diagnostics: i.diagnostics, expression: i.expression?.length ? i.expression : undefined })),
  };
}

export function readOperationOutcome(json: unknown, source?: string): OutcomeIssue[] {
  const n = root(json, 'OperationOutcome', source);
  if (n.obj().resourceType !== 'OperationOutcome') fail(n, 'must be a FHIR OperationOutcome');
  const issues = n.arr('issue');
  if (!issues.length) fail(n.at('issue'), 'must have at least one issue');
  return issues.map((i) => {
    const sev = i.str('severity');
    const severity = sev === 'fatal' ? 'error' : sev;
    if (severity !== 'error' && severity !== 'warning' && severity !== 'information') fail(i.at('severity'), `must be fatal, error, warning or information, got "${sev}"`);
    const expression = i.strArr('expression');
    return compact({
      severity,
      code: i.str('code'),
      diagnostics: i.optStr('diagnostics') ?? i.optObj('details')?.optStr('text') ?? i.optObj('details')?.coding()?.display ?? '',
      expression: expression.length ? expression : undefined,
    });
  });
}

export interface GetMedicationRequest {
  identityNumber: string;
  identityKind: IdentityKind;
  /** What the Patient resource said, when the request carried one. */
  givenName?: string;
  familyName?: string;
  birthDate?: string;
  sex?: 'male' | 'female';
  /** SamtykkeKjernejournal (HPAKUTT, HPMOTTATTSAMTYKKE, HPUNNTAK), when given. */
  kjConsent?: string;
  /** historyTimestamp, when given. */
  historySince?: string;
}

/** Kind from the number itself, for identifiers without a system: D-nummer day+40, H-nummer month+40. */
function kindFromNumber(n: string): IdentityKind {
  if (Number(n[0]) >= 4) return 'DNR';
  if (Number(n[2]) >= 4) return 'HNR';
  return 'FNR';
}

export function readGetMedicationRequest(json: unknown, source?: string): GetMedicationRequest {
  const params = root(json, 'Parameters', source);
  if (params.obj().resourceType !== 'Parameters') fail(params, 'must be a FHIR Parameters resource');
  const list = params.arr('parameter');
  const patientParam = list.find((p) => p.optStr('name') === 'patient');
  if (!patientParam) fail(params.at('parameter'), 'must have a "patient" parameter');
  let idNode: Node | undefined;
  let resource: Node | undefined;
  if (patientParam.has('valueIdentifier')) idNode = patientParam.optObj('valueIdentifier');
  else if (patientParam.has('resource')) {
    resource = patientParam.optObj('resource');
    if (resource?.str('resourceType') !== 'Patient') fail(resource, 'must be a Patient');
    idNode =
      resource.arr('identifier').find((i) => identityKindOf(i.optStr('system')) !== undefined) ??
      resource.arr('identifier').find((i) => !i.has('system'));
  }
  if (!idNode) fail(patientParam, 'must carry the patient identifier (Patient.identifier with a fødselsnummer/D-nummer/H-nummer, or valueIdentifier)');
  const value = idNode.optStr('value')?.trim();
  if (!value) fail(idNode.at('value'), 'is missing');
  if (!/^\d{11}$/.test(value)) fail(idNode.at('value'), 'must be 11 digits');
  const system = idNode.optStr('system');
  let kind: IdentityKind;
  if (system) {
    const k = identityKindOf(system);
    if (!k) fail(idNode.at('system'), `must be one of ${IDENTITY_OID.FNR} (FNR), ${IDENTITY_OID.DNR} (DNR), ${IDENTITY_OID.HNR} (HNR)`);
    kind = k;
  } else kind = kindFromNumber(value);

  let extra: Partial<GetMedicationRequest> = {};
  if (resource) {
    const name = resource.arr('name')[0];
    const gender = resource.optStr('gender');
    const birth = resource.optStr('birthDate');
    extra = {
      givenName: name?.strArr('given').join(' ') || undefined,
      familyName: name?.optStr('family'),
      birthDate: birth ? datePart(resource.at('birthDate'), birth) : undefined,
      sex: gender === 'male' || gender === 'female' ? gender : undefined,
    };
  }
  const consent = list.find((p) => p.optStr('name') === 'SamtykkeKjernejournal');
  const history = list.find((p) => p.optStr('name') === 'historyTimestamp');
  return compact({
    identityNumber: value,
    identityKind: kind,
    ...extra,
    kjConsent: consent ? (consent.optStr('valueCode') ?? consent.optObj('valueCoding')?.optStr('code') ?? consent.optObj('valueCodeableConcept')?.coding()?.code) : undefined,
    historySince: history?.optStr('valueDateTime'),
  });
}

/** True when `json` looks like an OperationOutcome (an SFM error answer instead of the expected result). */
export function isOperationOutcome(json: unknown): boolean {
  return isObject(json) && json.resourceType === 'OperationOutcome';
}
