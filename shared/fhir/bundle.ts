// Building and reading the SFM-shaped document Bundle that both operations use: Patient,
// practitioners, Medication, MedicationStatement. getMedication.ts and sendMedication.ts add their
// own Composition and operation-specific parts on top.

import type {
  Dosage,
  DoseAtTime,
  IdentityKind,
  MedicineRef,
  Patient,
  PllEntry,
  Prescriber,
  Prescription,
  PrescriptionGroup,
  PrescriptionStatus,
  PrescriptionType,
  RecallReason,
  TimeOfDay,
  Use,
} from '../model';
import {
  EXT,
  ID_TEXT,
  IDENTITY_OID,
  PERFORMER_ROLE,
  PROFILE,
  RECALL_DISPLAY,
  REGISTRATION_DISPLAY,
  REGISTRATION_TYPE,
  SAMSTEM_EXT,
  STATUS_DISPLAY,
  SYSTEM,
  TIME_RANGE,
  TYPE_DISPLAY,
  USE_DISPLAY,
} from './codes';
import { compact, datePart, fail, newId, Node } from './json';
import type {
  FhirBundleEntry,
  FhirCodeableConcept,
  FhirExtension,
  FhirIdentifier,
  FhirReference,
  FhirResource,
} from './types';

// =====================================================================================
// Writing
// =====================================================================================

const cc = (system: string, code: string | undefined, display?: string, text?: string): FhirCodeableConcept =>
  compact({ coding: [compact({ system, code, display })], text });

const ext = (url: string, value: Omit<FhirExtension, 'url'>): FhirExtension => ({ url, ...value });
const complex = (url: string, subs: (FhirExtension | undefined)[]): FhirExtension => ({
  url,
  extension: subs.filter((s): s is FhirExtension => s !== undefined),
});
const str = (url: string, v: string | undefined): FhirExtension | undefined =>
  v === undefined || v === '' ? undefined : { url, valueString: v };

export const resepIdRef = (reseptId: string): FhirIdentifier => ({ use: 'usual', type: { text: ID_TEXT.reseptId }, value: reseptId });

/** Parts of one MedicationStatement: a prescription, a PLL entry, or both when they describe the same thing. */
export interface StatementParts {
  prescription?: Prescription;
  pll?: PllEntry;
  /** Write Prescription.recall as recallinfo (getMedication); a send carries recalls separately. */
  prescriptionRecall?: boolean;
  /** Write the rfstatus from Prescription.status. */
  rfStatus?: boolean;
  /** sendMedication: a new prescription SFM must sign and send (M1). */
  createEresept?: boolean;
  /** sendMedication: recall this statement's prescription (M5). */
  recall?: { reseptId: string; reason: RecallReason; note?: string; renewedBy?: string };
  /** Older link of a renewal chain: the statement(s) that replaced it. */
  partOf?: FhirReference[];
}

/** Accumulates bundle entries with fresh urn:uuid fullUrls; shares Practitioner/Medication resources. */
export class BundleBuilder {
  readonly entries: FhirBundleEntry[] = [];
  private readonly prescribers = new Map<string, FhirReference>();
  patientRef: FhirReference | undefined;

  add(resource: FhirResource): string {
    const id = newId();
    resource.id = id;
    const fullUrl = `urn:uuid:${id}`;
    this.entries.push({ fullUrl, resource });
    return fullUrl;
  }

  patient(p: Patient): FhirReference {
    const name = compact({ family: p.familyName || undefined, given: p.givenName ? [p.givenName] : undefined });
    const url = this.add({
      resourceType: 'Patient',
      meta: { profile: [PROFILE.patient] },
      identifier: [{ use: 'official', system: IDENTITY_OID[p.identityKind], value: p.identityNumber }],
      active: true,
      ...(name.family || name.given ? { name: [name] } : {}),
      gender: p.sex,
      birthDate: p.birthDate,
    });
    this.patientRef = { reference: url, type: PROFILE.patient, display: `${p.givenName} ${p.familyName}`.trim() || undefined };
    return compact(this.patientRef);
  }

  subject(): FhirReference {
    if (!this.patientRef) throw new Error('BundleBuilder: write the Patient before resources that refer to it');
    return this.patientRef;
  }

  /** Practitioner (or PractitionerRole + Organization when the prescriber's organisation is known). */
  prescriber(p: Prescriber): FhirReference {
    const key = JSON.stringify([p.name, p.hpr ?? null, p.organisation ?? null]);
    const known = this.prescribers.get(key);
    if (known) return known;
    const words = p.name.trim().split(/\s+/);
    const family = words.length > 1 ? words[words.length - 1] : undefined;
    const given = words.length > 1 ? [words.slice(0, -1).join(' ')] : undefined;
    const practitionerUrl = this.add({
      resourceType: 'Practitioner',
      meta: { profile: [PROFILE.practitioner] },
      ...(p.hpr ? { identifier: [{ use: 'official', system: IDENTITY_OID.HPR, value: p.hpr }] } : {}),
      active: true,
      name: [compact({ use: 'official' as const, text: p.name, family, given })],
    });
    const display = p.hpr ? `${p.name}, HPR: ${p.hpr}` : p.name;
    let ref: FhirReference = { reference: practitionerUrl, type: PROFILE.practitioner, display };
    if (p.organisation) {
      const orgUrl = this.add({ resourceType: 'Organization', meta: { profile: [PROFILE.organization] }, name: p.organisation });
      const roleUrl = this.add({
        resourceType: 'PractitionerRole',
        meta: { profile: [PROFILE.practitionerRole] },
        practitioner: ref,
        organization: { reference: orgUrl, type: PROFILE.organization, display: p.organisation },
      });
      ref = { reference: roleUrl, type: PROFILE.practitionerRole, display: `${display}, ${p.organisation}` };
    }
    this.prescribers.set(key, ref);
    return ref;
  }

  medication(m: MedicineRef): FhirReference {
    const magistral = m.kind === 'magistral';
    const coding = [];
    if (magistral) coding.push({ system: SYSTEM.preparationType, code: '10', display: 'Magistrell' });
    else coding.push(compact({ system: SYSTEM.fest, code: m.festId, display: m.name }));
    if (m.atc) coding.push({ system: SYSTEM.atc, code: m.atc });
    const extension: FhirExtension[] = [];
    if (m.prescriptionGroup) {
      extension.push(
        complex(EXT.prescriptiongroup, [
          { url: 'prescriptiongroup', valueCodeableConcept: cc(SYSTEM.prescriptionGroup, m.prescriptionGroup, `Reseptgruppe ${m.prescriptionGroup}`) },
        ]),
      );
    }
    const reg = m.kind === 'substance' || m.kind === 'brand' || m.kind === 'package' ? REGISTRATION_TYPE[m.kind] : undefined;
    if (reg) {
      extension.push(
        complex(EXT.medicationdetails, [
          { url: 'registreringstype', valueCodeableConcept: cc(SYSTEM.festRegistrationType, reg, REGISTRATION_DISPLAY[reg]) },
        ]),
      );
    }
    if (magistral) extension.push({ url: EXT.magistralName, valueString: m.name });
    if (m.strength) extension.push({ url: SAMSTEM_EXT.strength, valueString: m.strength });
    const url = this.add(
      compact({
        resourceType: 'Medication',
        meta: { profile: [magistral ? PROFILE.magistral : PROFILE.medication] },
        extension: extension.length ? extension : undefined,
        identifier: m.festId ? [{ use: 'official', type: { text: ID_TEXT.identifier }, value: m.festId }] : undefined,
        code: { coding, text: m.name },
        status: 'active',
        form: m.form ? cc(SYSTEM.form, undefined, m.form, m.form) : undefined,
        ingredient: m.substances?.length ? m.substances.map((s) => ({ itemCodeableConcept: { text: s } })) : undefined,
      }),
    );
    return { reference: url, type: magistral ? PROFILE.magistral : PROFILE.medication, display: m.name };
  }

  /** One MedicationStatement (+ its Medication). Returns the statement's fullUrl and resource. */
  statement(parts: StatementParts): { fullUrl: string; resource: FhirResource } {
    const { prescription: p, pll: e } = parts;
    const base = e ?? p;
    const reseptId = e?.reseptId ?? p?.reseptId ?? parts.recall?.reseptId;
    const amendment: (FhirExtension | undefined)[] = [];
    if (p) amendment.push(p.prescribedOn ? { url: 'reseptdate', valueDate: p.prescribedOn } : undefined);
    const expires = e ? e.expiresOn : p?.expiresOn;
    if (expires) amendment.push({ url: 'expirationdate', valueDate: expires });
    if (base) {
      if (!base.dosage.text) throw new Error(`Samstem FHIR writer: dosage.text is empty (ReseptId ${reseptId ?? '-'}, LibId ${e?.libId ?? '-'})`);
      amendment.push({ url: 'dssn', valueString: base.dosage.text });
    }
    if (p?.quantity) amendment.push({ url: 'amount', valueQuantity: compact({ value: p.quantity.value, unit: p.quantity.unit || undefined }) });
    if (p?.packages !== undefined) amendment.push({ url: 'numberofpackages', valueDecimal: p.packages });
    if (p?.reiterations !== undefined) amendment.push({ url: 'reit', valueString: String(p.reiterations) });
    if (base) amendment.push({ url: 'itemgroup', valueCodeableConcept: cc(SYSTEM.itemGroup, p?.itemGroup ?? 'L', (p?.itemGroup ?? 'L') === 'L' ? 'Legemiddel' : undefined) });
    if (base) amendment.push(ereseptDosing(base.dosage));
    const recall = parts.recall
      ? { reason: parts.recall.reason, note: parts.recall.note, at: undefined, recallId: parts.recall.reseptId }
      : parts.prescriptionRecall && p?.recall
        ? { ...p.recall, recallId: undefined }
        : undefined;
    if (recall) {
      amendment.push(
        complex('recallinfo', [
          str('text', recall.note),
          { url: 'recallcode', valueCodeableConcept: cc(SYSTEM.recallReason, recall.reason, RECALL_DISPLAY[recall.reason]) },
          str('recallId', recall.recallId),
          recall.at ? { url: 'recalltime', valueDateTime: recall.at } : undefined,
        ]),
      );
    }
    if (p && parts.rfStatus) {
      amendment.push(
        complex('rfstatus', [
          str('nameDispenser', p.dispenserName),
          { url: 'status', valueCodeableConcept: cc(SYSTEM.rfStatus, p.status, STATUS_DISPLAY[p.status]) },
        ]),
      );
    }
    if (e) amendment.push({ url: 'lastchanged', valueDateTime: e.lastChanged });
    if (base) {
      const type = e ? e.type : (p?.type ?? 'E');
      amendment.push({ url: 'typeresept', valueCodeableConcept: cc(SYSTEM.prescriptionType, type, TYPE_DISPLAY[type]) });
    }
    if (parts.createEresept) amendment.push({ url: 'createeresept', valueBoolean: true });

    const extension: FhirExtension[] = [complex(EXT.reseptamendment, amendment)];
    if (e?.startedOn) extension.push({ url: EXT.effectiveDateTime, valueDate: e.startedOn });
    if (base?.prescriber) {
      extension.push(this.regInfo(PERFORMER_ROLE.prescribedBy, 'Forskrevet av', base.prescriber, e?.lastChanged ?? p?.prescribedOn));
    }
    if (e?.discontinued?.by) extension.push(this.regInfo(PERFORMER_ROLE.discontinuedBy, 'Seponert av', e.discontinued.by, e.discontinued.at));
    if (e?.discontinued) {
      const d = e.discontinued;
      extension.push(
        complex(EXT.discontinuation, [
          { url: 'timedate', valueDateTime: d.at },
          d.reason ? { url: 'reason', valueCodeableConcept: cc(SYSTEM.discontinuationReason, d.reason) } : undefined,
          str('note', d.note),
        ]),
      );
    }

    const identifier: FhirIdentifier[] = [];
    if (e) identifier.push({ use: 'usual', type: { text: ID_TEXT.pll }, value: e.libId });
    if (reseptId) identifier.push(resepIdRef(reseptId));

    const status = e?.discontinued ? 'stopped' : parts.partOf?.length ? 'completed' : parts.recall?.reason === '2' && !base ? 'stopped' : 'active';
    const medication = base
      ? { medicationReference: this.medication(base.medicine) }
      : { medicationCodeableConcept: { text: `Resept ${reseptId ?? ''}`.trim() } };

    const resource: FhirResource = compact({
      resourceType: 'MedicationStatement',
      meta: { profile: [PROFILE.statement] },
      extension,
      identifier,
      basedOn: p?.renews ? [{ identifier: resepIdRef(p.renews), display: `Fornyer resept ${p.renews}` }] : undefined,
      partOf: parts.partOf?.length ? parts.partOf : undefined,
      status,
      ...medication,
      subject: this.subject(),
      dosage: base ? [this.dosage(base.dosage, base.use, base.purpose)] : undefined,
    });
    const fullUrl = this.add(resource);
    return { fullUrl, resource };
  }

  private regInfo(code: string, display: string, who: Prescriber, time: string | undefined): FhirExtension {
    return complex(EXT.regInfo, [
      { url: 'status', valueCodeableConcept: cc(SYSTEM.regStatus, '3', 'Godkjent') },
      { url: 'type', valueCodeableConcept: cc(SYSTEM.performerRoles, code, display) },
      { url: 'provider', valueReference: this.prescriber(who) },
      time ? { url: 'timestamp', valueDateTime: time } : undefined,
    ]);
  }

  private dosage(d: Dosage, use: Use, purpose: string | undefined): Record<string, unknown> {
    const extension: FhirExtension[] = [];
    if (d.shortCode) extension.push(ext(EXT.shortdosage, { valueCodeableConcept: cc(SYSTEM.shortDose, undefined, d.shortCode) }));
    extension.push(ext(EXT.use, { valueCodeableConcept: cc(SYSTEM.use, use, USE_DISPLAY[use]) }));
    if (purpose) extension.push(complex(EXT.applicationArea, [{ url: 'text', valueString: purpose }]));
    return compact({
      extension,
      sequence: 1,
      text: d.text,
      maxDosePerPeriod:
        d.maxPerDay !== undefined
          ? { numerator: { value: d.maxPerDay }, denominator: { value: 1, unit: 'døgn', system: SYSTEM.ucum, code: 'd' } }
          : undefined,
    });
  }
}

function ereseptDosing(d: Dosage): FhirExtension | undefined {
  const doses = d.doses ?? [];
  if (!d.start && !d.end && doses.length === 0) return undefined;
  return complex('ereseptdosing', [
    d.start ? { url: 'starttime', valueDate: d.start } : undefined,
    d.end ? { url: 'endtime', valueDate: d.end } : undefined,
    ...doses.map((dose) => repeatingDosage(dose, d.intervalDays)),
  ]);
}

function repeatingDosage(dose: DoseAtTime, intervalDays: number | undefined): FhirExtension {
  const range = (TIME_RANGE as Record<string, { code: string; display: string } | undefined>)[dose.time];
  let when: FhirExtension;
  if (range) when = { url: 'timerange', valueCodeableConcept: cc(SYSTEM.timeRange, range.code, range.display) };
  else {
    const m = /^(\d{1,2}):(\d{2})$/.exec(dose.time);
    if (!m) throw new Error(`Samstem FHIR writer: dose time "${dose.time}" is neither a time of day nor HH:mm`);
    when = { url: 'time', valueTime: `${(m[1] ?? '').padStart(2, '0')}:${m[2]}:00` };
  }
  return complex('repeatingdosage', [
    { url: 'amount', valueQuantity: compact({ value: dose.amount, unit: dose.unit || undefined }) },
    intervalDays !== undefined ? { url: 'interval', valueQuantity: { value: intervalDays, unit: 'Døgn' } } : undefined,
    { url: 'accurate', valueBoolean: !range },
    when,
  ]);
}

/** Same prescription content in a PLL entry and its prescription: one statement can carry both. */
export function sameContent(p: Prescription, e: PllEntry): boolean {
  return (
    p.reseptId === e.reseptId &&
    (p.type ?? 'E') === e.type &&
    p.use === e.use &&
    p.purpose === e.purpose &&
    p.expiresOn === e.expiresOn &&
    stableJson(p.medicine) === stableJson(e.medicine) &&
    stableJson(p.dosage) === stableJson(e.dosage) &&
    stableJson(p.prescriber) === stableJson(e.prescriber)
  );
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>)
            .filter(([, y]) => y !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : x,
  );
}

// =====================================================================================
// Reading
// =====================================================================================

/** Resolves references between entries (urn:uuid fullUrls, or Type/id). */
export class BundleIndex {
  readonly entries: { fullUrl?: string; resource: Node }[] = [];
  private readonly byUrl = new Map<string, Node>();

  constructor(bundle: Node) {
    bundle.arr('entry').forEach((entry) => {
      const resource = entry.at('resource');
      resource.obj();
      resource.str('resourceType');
      const fullUrl = entry.optStr('fullUrl');
      this.entries.push({ fullUrl, resource });
      if (fullUrl) this.byUrl.set(fullUrl, resource);
      const id = resource.optStr('id');
      if (id) this.byUrl.set(`${resource.str('resourceType')}/${id}`, resource);
    });
  }

  /** The resource a Reference points to, or undefined when it is not in the bundle. */
  resolve(ref: Node | undefined): Node | undefined {
    const r = ref?.optStr('reference');
    return r ? this.byUrl.get(r) : undefined;
  }

  ofType(type: string): { fullUrl?: string; resource: Node }[] {
    return this.entries.filter((e) => e.resource.str('resourceType') === type);
  }
}

const IDENTITY_BY_OID = new Map<string, IdentityKind>(
  (['FNR', 'DNR', 'HNR'] as const).map((k) => [IDENTITY_OID[k], k]),
);

export function identityKindOf(system: string | undefined): IdentityKind | undefined {
  return system ? IDENTITY_BY_OID.get(system) : undefined;
}

export function readPatient(n: Node): Patient {
  if (n.str('resourceType') !== 'Patient') fail(n, 'must be a Patient');
  let kind: IdentityKind | undefined;
  let number: string | undefined;
  for (const id of n.arr('identifier')) {
    const k = identityKindOf(id.optStr('system'));
    if (k) {
      kind = k;
      number = id.str('value');
      break;
    }
  }
  if (!kind || !number) fail(n.at('identifier'), 'must hold a fødselsnummer, D-nummer or H-nummer (system urn:oid:2.16.578.1.12.4.1.4.1, .4.2 or .4.3)');
  const names = n.arr('name');
  const name = names.find((x) => x.optStr('use') === 'official') ?? names[0];
  const gender = n.optStr('gender');
  if (gender !== 'male' && gender !== 'female') fail(n.at('gender'), `must be "male" or "female", got ${JSON.stringify(gender ?? null)}`);
  return {
    identityNumber: number,
    identityKind: kind,
    givenName: name ? name.strArr('given').join(' ') : '',
    familyName: name?.optStr('family') ?? '',
    birthDate: datePart(n.at('birthDate'), n.str('birthDate')),
    sex: gender,
  };
}

/** A Prescriber from a Reference to Practitioner or PractitionerRole, or from the display "NAME, HPR: n". */
export function readPrescriber(ref: Node | undefined, idx: BundleIndex, depth = 0): Prescriber | undefined {
  if (!ref?.isPresent()) return undefined;
  if (depth > 3) fail(ref, 'is part of a reference cycle (PractitionerRole.practitioner pointing back)');
  ref.obj();
  const target = idx.resolve(ref);
  const type = target?.str('resourceType');
  if (target && type === 'PractitionerRole') {
    const person = readPrescriber(target.optObj('practitioner'), idx, depth + 1);
    const orgRef = target.optObj('organization');
    const org = idx.resolve(orgRef);
    const organisation = org?.optStr('name') ?? orgRef?.optStr('display');
    return person ? compact({ ...person, organisation }) : undefined;
  }
  if (target && type === 'Practitioner') {
    const hpr = target.arr('identifier').find((i) => i.optStr('system') === IDENTITY_OID.HPR)?.optStr('value');
    const nameNode = target.arr('name')[0];
    let name = nameNode?.optStr('text');
    if (!name && nameNode) {
      const middle = nameNode.ext('http://hl7.no/fhir/StructureDefinition/no-basis-middlename')?.optStr('valueString');
      name = [...nameNode.strArr('given'), middle, nameNode.optStr('family')].filter(Boolean).join(' ');
    }
    name ||= displayName(ref.optStr('display'));
    return name ? compact({ name, hpr: hpr ?? displayHpr(ref.optStr('display')) }) : undefined;
  }
  // Unresolved: the inline identifier/display is all there is.
  const display = ref.optStr('display');
  const inlineHpr = ref.optObj('identifier')?.optStr('value');
  const name = displayName(display);
  return name ? compact({ name, hpr: inlineHpr ?? displayHpr(display) }) : undefined;
}

const displayName = (d: string | undefined) => d?.split(', HPR:')[0]?.trim() || undefined;
const displayHpr = (d: string | undefined) => (d ? /HPR:\s*(\d+)/.exec(d)?.[1] : undefined);

const PRESCRIPTION_GROUPS: readonly string[] = ['A', 'B', 'C', 'CF', 'F', 'K'];

export function readMedication(n: Node, idx: BundleIndex): MedicineRef {
  if (n.str('resourceType') !== 'Medication') fail(n, 'must be a Medication');
  const profiles = n.optObj('meta')?.strArr('profile') ?? [];
  const code = n.optObj('code');
  const magistral = profiles.includes(PROFILE.magistral) || code?.coding(SYSTEM.preparationType)?.code === '10';
  const fest = code?.coding(SYSTEM.fest);
  const sfmName = n.ext(EXT.magistralName)?.optStr('valueString');
  const name = magistral
    ? (sfmName ?? fest?.display ?? code?.optStr('text'))
    : (fest?.display ?? code?.optStr('text') ?? sfmName ?? code?.coding()?.display);
  if (!name) fail(n.at('code'), 'must name the medicine (FEST coding display or code.text)');
  const details = n.ext(EXT.medicationdetails);
  const reg = details?.ext('registreringstype')?.optObj('valueCodeableConcept')?.coding(SYSTEM.festRegistrationType)?.code;
  const kind: MedicineRef['kind'] = magistral ? 'magistral' : reg === '1' ? 'substance' : reg === '2' ? 'brand' : reg === '3' ? 'package' : 'other';
  const pgExt = n.ext(EXT.prescriptiongroup);
  const pgNode = pgExt?.optObj('valueCodeableConcept') ?? pgExt?.ext('prescriptiongroup')?.optObj('valueCodeableConcept');
  const group = pgNode?.coding(SYSTEM.prescriptionGroup)?.code;
  if (group !== undefined && !PRESCRIPTION_GROUPS.includes(group)) fail(pgNode, `has unknown prescription group (7421) "${group}"`);
  const form = n.optObj('form');
  const substances: string[] = [];
  for (const ing of n.arr('ingredient')) {
    const item = ing.optObj('itemCodeableConcept');
    if (item) {
      const s = item.optStr('text') ?? item.coding()?.display;
      if (s) substances.push(s.toLowerCase());
      continue;
    }
    const ref = ing.optObj('itemReference');
    const target = idx.resolve(ref);
    const isSubstance = target ? target.str('resourceType') === 'Substance' : ref?.optStr('type') === PROFILE.substance;
    if (!isSubstance) continue;
    const s = target?.optObj('code')?.coding()?.display ?? target?.optObj('code')?.optStr('text') ?? ref?.optStr('display');
    if (s) substances.push(s.toLowerCase());
  }
  return compact({
    name,
    atc: code?.coding(SYSTEM.atc)?.code,
    festId: fest?.code ?? n.identifierByText(ID_TEXT.identifier),
    kind,
    form: form?.coding(SYSTEM.form)?.display ?? form?.optStr('text'),
    strength: n.ext(SAMSTEM_EXT.strength)?.optStr('valueString'),
    prescriptionGroup: group as PrescriptionGroup | undefined,
    substances: substances.length ? substances : undefined,
  });
}

const USES: readonly string[] = ['1', '2', '3', '4'];
const STATUSES: readonly string[] = ['E', 'U', 'R', 'T', 'F'];
const TYPES: readonly string[] = ['E', 'P', 'U'];
const TIME_BY_CODE = new Map<string, TimeOfDay>(Object.entries(TIME_RANGE).map(([k, v]) => [v.code, k as TimeOfDay]));

/** One MedicationStatement, read lazily: a recall-only statement has no medicine or dosage. */
export class StatementReader {
  readonly amendment: Node | undefined;
  readonly reseptId: string | undefined;
  readonly libId: string | undefined;

  constructor(
    readonly node: Node,
    readonly idx: BundleIndex,
    readonly fullUrl: string | undefined,
  ) {
    if (node.str('resourceType') !== 'MedicationStatement') fail(node, 'must be a MedicationStatement');
    this.amendment = node.ext(EXT.reseptamendment);
    this.reseptId = node.identifierByText(ID_TEXT.reseptId);
    this.libId = node.identifierByText(ID_TEXT.pll);
  }

  private sub(url: string): Node | undefined {
    return this.amendment?.ext(url);
  }

  private date(url: string): string | undefined {
    const s = this.sub(url);
    if (!s) return undefined;
    const v = s.optStr('valueDate') ?? s.optStr('valueDateTime');
    return v === undefined ? undefined : datePart(s, v);
  }

  rfStatus(): { status: PrescriptionStatus; nameDispenser?: string } | undefined {
    const rf = this.sub('rfstatus');
    if (!rf) return undefined;
    const statusNode = rf.ext('status')?.optObj('valueCodeableConcept');
    const code = statusNode?.coding(SYSTEM.rfStatus)?.code ?? statusNode?.coding()?.code;
    if (!code || !STATUSES.includes(code)) fail((statusNode ?? rf), `must hold a prescription status (7408: E, U, R, T, F), got ${JSON.stringify(code ?? null)}`);
    return compact({ status: code as PrescriptionStatus, nameDispenser: rf.ext('nameDispenser')?.optStr('valueString') });
  }

  createEresept(): boolean {
    return this.amendment?.extCi('createeresept')?.optBool('valueBoolean') === true;
  }

  recallInfo(): { reason: RecallReason; note?: string; at?: string; recallId?: string } | undefined {
    const ri = this.sub('recallinfo');
    if (!ri) return undefined;
    const codeNode = ri.ext('recallcode')?.optObj('valueCodeableConcept');
    const c = codeNode?.coding(SYSTEM.recallReason) ?? codeNode?.coding();
    if (!c?.code) fail(ri, 'must hold a recallcode (7500)');
    let note = ri.ext('text')?.optStr('valueString');
    let reason = c.code as RecallReason;
    if (!(c.code in RECALL_DISPLAY)) {
      // 7500 has codes beyond the model's four (5 Administrativ sletting): keep them visible as "Annen".
      reason = '4';
      note = [c.display ?? `kode ${c.code}`, note].filter(Boolean).join(': ');
    }
    return compact({
      reason,
      note,
      at: ri.ext('recalltime')?.optStr('valueDateTime'),
      recallId: ri.ext('recallId')?.optStr('valueString'),
    });
  }

  /** ReseptId this statement's prescription renewed: basedOn identifier (written by Samstem and some clients). */
  basedOnReseptId(): string | undefined {
    for (const b of this.node.arr('basedOn')) {
      const id = b.optObj('identifier');
      if (id) return id.optStr('value');
      const target = this.idx.resolve(b);
      if (target?.str('resourceType') === 'MedicationStatement') return target.identifierByText(ID_TEXT.reseptId);
    }
    return undefined;
  }

  /** ReseptIds of the statements that replaced this one (partOf, the older link of a chain). */
  partOfReseptIds(): string[] {
    const ids: string[] = [];
    for (const ref of this.node.arr('partOf')) {
      const v = ref.optObj('identifier')?.optStr('value') ?? this.idx.resolve(ref)?.identifierByText(ID_TEXT.reseptId);
      if (v) ids.push(v);
    }
    return ids;
  }

  medicine(): MedicineRef {
    const ref = this.node.optObj('medicationReference');
    if (ref) {
      const target = this.idx.resolve(ref);
      if (!target) fail(ref, `does not resolve to a Medication in the bundle (${JSON.stringify(ref.optStr('reference') ?? null)})`);
      return readMedication(target, this.idx);
    }
    const concept = this.node.optObj('medicationCodeableConcept');
    const name = concept?.optStr('text') ?? concept?.coding()?.display;
    if (!concept || !name) fail(this.node, 'must have medicationReference or a named medicationCodeableConcept');
    return compact({ name, atc: concept.coding(SYSTEM.atc)?.code, kind: 'other' as const });
  }

  private firstDosage(): Node {
    const d = this.node.arr('dosage')[0];
    if (!d) fail(this.node.at('dosage'), 'is missing (dosage text and sfm-use are required)');
    return d;
  }

  use(): Use {
    const d = this.firstDosage();
    const useNode = d.ext(EXT.use)?.optObj('valueCodeableConcept');
    const code = useNode?.coding(SYSTEM.use)?.code;
    if (!code) fail(d, 'must have an sfm-use extension (9101)');
    if (!USES.includes(code)) fail(useNode, `has a use (9101) Samstem does not handle: "${code}"`);
    return code as Use;
  }

  purpose(): string | undefined {
    return this.firstDosage().ext(EXT.applicationArea)?.ext('text')?.optStr('valueString');
  }

  dosage(): Dosage {
    const d = this.firstDosage();
    const text = this.sub('dssn')?.optStr('valueString') ?? d.optStr('text');
    if (!text) fail(d, 'must have text (or sfm-reseptamendment.dssn)');
    const short = d.ext(EXT.shortdosage)?.optObj('valueCodeableConcept');
    const dosing = this.sub('ereseptdosing');
    const startNode = dosing?.ext('starttime');
    const endNode = dosing?.ext('endtime');
    const start = startNode?.optStr('valueDate') ?? startNode?.optStr('valueDateTime');
    const end = endNode?.optStr('valueDate') ?? endNode?.optStr('valueDateTime');
    const structured = dosing ? readDoses(dosing) : undefined;
    return compact({
      text,
      shortCode: short?.coding(SYSTEM.shortDose)?.display ?? short?.optStr('text'),
      doses: structured?.doses,
      intervalDays: structured?.intervalDays,
      maxPerDay: d.optObj('maxDosePerPeriod')?.optObj('numerator')?.optNum('value'),
      start: start && startNode ? datePart(startNode, start) : undefined,
      end: end && endNode ? datePart(endNode, end) : undefined,
    });
  }

  prescriber(): Prescriber | undefined {
    return this.regInfoProvider(PERFORMER_ROLE.prescribedBy);
  }

  private regInfoProvider(role: string): Prescriber | undefined {
    for (const ri of this.node.exts(EXT.regInfo)) {
      if (ri.ext('type')?.optObj('valueCodeableConcept')?.coding(SYSTEM.performerRoles)?.code === role) {
        return readPrescriber(ri.ext('provider')?.optObj('valueReference'), this.idx);
      }
    }
    return undefined;
  }

  private type(): PrescriptionType | undefined {
    const t = this.sub('typeresept');
    if (!t) return undefined;
    const code = t.optObj('valueCodeableConcept')?.coding(SYSTEM.prescriptionType)?.code;
    if (!code || !TYPES.includes(code)) fail(t, `must hold a prescription type (7491: E, P, U), got ${JSON.stringify(code ?? null)}`);
    return code as PrescriptionType;
  }

  /** The prescription this statement describes. `defaultStatus` applies when it has no rfstatus (a new one in a send). */
  toPrescription(opts: { withRecall: boolean; defaultStatus?: PrescriptionStatus }): Prescription {
    if (!this.reseptId) fail(this.node.at('identifier'), 'must have a ReseptId identifier (type.text "ReseptId") for a prescription');
    const rf = this.rfStatus();
    const status = rf?.status ?? opts.defaultStatus;
    if (!status) fail(this.node, 'must have sfm-reseptamendment.rfstatus for a prescription');
    const prescribedOn = this.date('reseptdate');
    if (!prescribedOn) fail((this.amendment ?? this.node), 'must have reseptdate for a prescription');
    const expiresOn = this.date('expirationdate');
    if (!expiresOn) fail((this.amendment ?? this.node), 'must have expirationdate for a prescription');
    const reitNode = this.sub('reit');
    const reitText = reitNode?.optStr('valueString') ?? reitNode?.optNum('valueInteger')?.toString();
    let reiterations: number | undefined;
    if (reitText !== undefined) {
      if (!/^\d+$/.test(reitText.trim())) fail(reitNode, `must be a whole number, got "${reitText}"`);
      reiterations = Number(reitText.trim());
    }
    const amount = this.sub('amount')?.optObj('valueQuantity');
    const amountValue = amount?.optNum('value');
    const recall = opts.withRecall ? this.recallInfo() : undefined;
    return compact({
      reseptId: this.reseptId,
      prescribedOn,
      expiresOn,
      medicine: this.medicine(),
      dosage: this.dosage(),
      use: this.use(),
      purpose: this.purpose(),
      reiterations,
      quantity: amount && amountValue !== undefined ? { value: amountValue, unit: amount.optStr('unit') ?? '' } : undefined,
      packages: this.sub('numberofpackages')?.optNum('valueDecimal') ?? this.sub('numberofpackages')?.optNum('valueInteger'),
      status,
      recall: recall ? compact({ reason: recall.reason, note: recall.note, at: recall.at }) : undefined,
      renews: this.basedOnReseptId(),
      prescriber: this.prescriber(),
      dispenserName: rf?.nameDispenser,
      type: this.type(),
      itemGroup: this.sub('itemgroup')?.optObj('valueCodeableConcept')?.coding(SYSTEM.itemGroup)?.code,
    });
  }

  toPllEntry(): PllEntry {
    if (!this.libId) fail(this.node.at('identifier'), 'must have a PLL identifier for a PLL entry');
    const type = this.type();
    if (!type) fail((this.amendment ?? this.node), 'must have typeresept for a PLL entry');
    const lastChangedNode = this.sub('lastchanged');
    const lastChanged = lastChangedNode?.optStr('valueDateTime') ?? lastChangedNode?.optStr('valueDate');
    if (!lastChanged) fail((this.amendment ?? this.node), 'must have lastchanged for a PLL entry');
    const started = this.node.ext(EXT.effectiveDateTime);
    const startedText = started?.optStr('valueDate') ?? started?.optStr('valueDateTime');
    const disc = this.node.ext(EXT.discontinuation);
    let discontinued: PllEntry['discontinued'];
    if (disc) {
      const atNode = disc.ext('timedate');
      const at = atNode?.optStr('valueDateTime') ?? atNode?.optStr('valueDate');
      if (!at) fail(disc, 'must have timedate');
      discontinued = compact({
        at,
        reason: disc.ext('reason')?.optObj('valueCodeableConcept')?.coding(SYSTEM.discontinuationReason)?.code,
        note: disc.ext('note')?.optStr('valueString'),
        by: this.regInfoProvider(PERFORMER_ROLE.discontinuedBy),
      });
    }
    return compact({
      libId: this.libId,
      reseptId: this.reseptId,
      type,
      startedOn: startedText && started ? datePart(started, startedText) : undefined,
      lastChanged,
      medicine: this.medicine(),
      dosage: this.dosage(),
      use: this.use(),
      purpose: this.purpose(),
      expiresOn: this.date('expirationdate'),
      discontinued,
      prescriber: this.prescriber(),
    });
  }
}

function readDoses(dosing: Node): { doses?: DoseAtTime[]; intervalDays?: number } {
  const doses: DoseAtTime[] = [];
  let intervalDays: number | undefined;
  for (const rd of dosing.exts('repeatingdosage')) {
    const q = rd.ext('amount')?.optObj('valueQuantity');
    const amount = q?.optNum('value');
    const range = rd.ext('timerange')?.optObj('valueCodeableConcept')?.coding(SYSTEM.timeRange)?.code;
    const clock = rd.ext('time')?.optStr('valueTime');
    const time = range !== undefined ? TIME_BY_CODE.get(range) : clock && /^\d{2}:\d{2}/.test(clock) ? (clock.slice(0, 5) as DoseAtTime['time']) : undefined;
    // A dose we cannot place (8325 codes beyond morning/midday/evening/night): structured doses are
    // unavailable for this statement; the dosage text stays authoritative.
    if (amount === undefined || time === undefined) return {};
    const iv = rd.ext('interval')?.optObj('valueQuantity');
    const ivValue = iv?.optNum('value');
    if (intervalDays === undefined && ivValue !== undefined) {
      const unit = (iv?.optStr('unit') ?? iv?.optStr('code') ?? 'Døgn').toLowerCase();
      if (unit === 'døgn' || unit === 'd' || unit === 'dag' || unit === 'dager') intervalDays = ivValue;
      else if (unit === 'uke' || unit === 'wk' || unit === 'uker') intervalDays = ivValue * 7;
    }
    doses.push({ time, amount, unit: q?.optStr('unit') ?? '' });
  }
  return doses.length ? { doses, intervalDays } : {};
}
