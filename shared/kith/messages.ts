// Readers for the KITH e-resept messages, by MsgInfo/Type: M1, M5, M5.2, M7, M9.5–M9.8, M9.11/M9.12,
// M25.1, M27.1/M27.2 and AppRec. `readKithMessage` returns a union discriminated by `type`.
import { KithFormatError } from './errors';
import { attrAt, child, children, decodeBase64Xml, descendants, parseXml, textAt, type XmlElement } from './xml';
import { msgHeadRoot, payload, readMsgHead, APPREC_NS, type MsgHeadInfo } from './msgHead';
import { findReseptDok, readMedicine, readReseptDok } from './resept';
import {
  bad,
  optBool,
  optDate,
  optDateTime,
  optId,
  quantityOf,
  prescriberFromHelseperson,
  requireId,
  toIsoDateTime,
  toPrescriptionType,
  toStatus,
} from './values';
import type {
  Dispensing,
  IsoDate,
  IsoDateTime,
  Patient,
  PllEntry,
  PllVersion,
  Prescriber,
  Prescription,
  PrescriptionStatus,
  RecallReason,
} from '../model';

/** A prescription as the M1 carries it: RF's status comes from the M9.6 list, not the M1. */
export type PrescriptionWithoutStatus = Omit<Prescription, 'status'>;

export interface M1Message {
  type: 'ERM1';
  head: MsgHeadInfo;
  prescription: PrescriptionWithoutStatus;
  patient?: Patient;
}

export interface Recall {
  reseptId: string;
  reason: RecallReason;
  reasonText?: string;
  note?: string;
  /** The renewing prescription, for reasons 1 and 3. */
  newReseptId?: string;
}
export interface M5Message {
  type: 'ERM5';
  head: MsgHeadInfo;
  recall: Recall;
  patient?: Patient;
}
export interface M52Message {
  type: 'ERM52';
  head: MsgHeadInfo;
  reseptId: string;
  /** Kodeverk 7503, e.g. { code: '1', text: 'Resept tilbakekalt' }. */
  status: { code: string; text?: string };
}
export interface M7Message {
  type: 'ERM7';
  head: MsgHeadInfo;
  deletedAt?: IsoDateTime;
  /** The attached message that caused the deletion (e.g. the M5), when readable. */
  attached: KithMessage[];
}

export interface M96Entry {
  reseptId: string;
  status: PrescriptionStatus;
  statusText?: string;
  /** The pharmacy holding the prescription (status U), when the list names one. */
  dispenser?: string;
}
export interface M96Message {
  type: 'ERM96';
  head: MsgHeadInfo;
  list: M96Entry[];
  /** Each attached signed M1 with its list status, in list order. */
  prescriptions: Prescription[];
  /** Listed ReseptIds that came without their M1. */
  missingPrescriptionIds: string[];
  /** StatusSok when RF found nothing, e.g. { code: '4', text: 'Ingen resept på dette søk' }. */
  searchStatus?: { code: string; text?: string };
  /** The patient named in the attached M1s (the M9.6 envelope itself names none). */
  patient?: Patient;
}
export interface M98Message {
  type: 'ERM98';
  head: MsgHeadInfo;
  /** AntallUtleveringer as RF states it. */
  count: number;
  dispensings: Dispensing[];
}
export interface PllRead extends PllVersion {
  /** Message-level role M: the multidose-responsible doctor. */
  multidoseDoctor?: Prescriber;
}
export interface M251Message {
  type: 'ERM251';
  head: MsgHeadInfo;
  pll: PllRead;
  patient?: Patient;
}
export interface M912Message {
  type: 'ERM912';
  head: MsgHeadInfo;
  patientId: string;
  /** The PLL (M25.1 carried in VarerIBrukB64); absent when the patient has none. */
  pll?: PllRead;
  multidoseDoctor?: Prescriber & { herId?: string };
}
export interface RequestMessage {
  type: 'ERM95' | 'ERM911' | 'ERM97';
  head: MsgHeadInfo;
  patientId?: string;
  reseptId?: string;
}
export interface M271Message {
  type: 'ERM271';
  head: MsgHeadInfo;
  status?: { code: string; text?: string };
  validFrom?: IsoDate;
}
export interface M272Message {
  type: 'ERM272';
  head: MsgHeadInfo;
  registeredChange?: boolean;
  multidoseDoctor?: Prescriber & { herId?: string; activeTo?: IsoDate };
}
export interface AppRecMessage {
  type: 'APPREC';
  msgId: string;
  genDate: IsoDateTime;
  /** 1 OK, 2 avvist, 3 OK med feil (kodeverk 8221). */
  status: { code: string; text?: string };
  originalMsgId: string;
  originalMsgType?: string;
  errors: { code: string; text?: string }[];
  senderName?: string;
  receiverName?: string;
  source?: string;
}
/** A well-formed MsgHead of a type this module does not read further. */
export interface OtherMessage {
  type: 'other';
  msgType: string;
  head: MsgHeadInfo;
}

export type KithMessage =
  | M1Message
  | M5Message
  | M52Message
  | M7Message
  | M96Message
  | M98Message
  | M251Message
  | M912Message
  | RequestMessage
  | M271Message
  | M272Message
  | AppRecMessage
  | OtherMessage;

/** Reads any KITH message (MsgHead or AppRec) from text, bytes or a parsed tree. */
export function readKithMessage(xml: string | Uint8Array | XmlElement, source?: string): KithMessage {
  const root = typeof xml === 'string' || xml instanceof Uint8Array ? parseXml(xml, source) : xml;
  if (root.name === 'AppRec') return readAppRec(root, source);
  const head = readMsgHead(msgHeadRoot(root, source), source);
  switch (head.type) {
    case 'ERM1':
      return readM1(head);
    case 'ERM5':
      return readM5(head);
    case 'ERM52':
      return readM52(head);
    case 'ERM7':
      return readM7(head);
    case 'ERM95':
    case 'ERM911':
    case 'ERM97':
      return readRequest(head, head.type);
    case 'ERM96':
      return readM96(head);
    case 'ERM98':
      return readM98(head);
    case 'ERM251':
      return readM251(head);
    case 'ERM912':
      return readM912(head);
    case 'ERM271':
      return readM271(head);
    case 'ERM272':
      return readM272(head);
    default:
      return { type: 'other', msgType: head.type, head };
  }
}

const NS = (m: string) => new RegExp(`^http://www\\.(kith|ehelse)\\.no/xmlstds/eresept/${m}/`);

// ---- M1 ----

export function readM1(head: MsgHeadInfo): M1Message {
  const src = head.source;
  const resept = payload(head, 'Resept', NS('m1'));
  const doc = readReseptDok(findReseptDok(resept, src), src);
  const prescribedOn = optDate(resept, 'Forskrivningsdato', src);
  if (!prescribedOn) throw missingEl(resept, 'Forskrivningsdato', src);
  const expiresOn = optDate(resept, 'Utloper', src);
  if (!expiresOn) throw missingEl(resept, 'Utloper', src);
  const p: PrescriptionWithoutStatus = {
    reseptId: head.msgId,
    prescribedOn,
    expiresOn,
    medicine: doc.medicine,
    dosage: doc.dosage,
    use: doc.use,
    type: 'E',
  };
  if (doc.purpose) p.purpose = doc.purpose;
  if (doc.reiterations !== undefined) p.reiterations = doc.reiterations;
  if (doc.quantity) p.quantity = doc.quantity;
  if (doc.packages !== undefined) p.packages = doc.packages;
  if (doc.itemGroup) p.itemGroup = doc.itemGroup;
  // The prescriber signs the M1: MsgHead Sender's HealthcareProfessional (a Rekvirent element wins when present).
  const rekvirent = prescriberFromHelseperson(child(child(resept, 'Rekvirent'), 'Helseperson') ?? child(resept, 'Rekvirent'), src);
  const prescriber = rekvirent ?? head.sender.person;
  if (prescriber) p.prescriber = prescriber;
  const out: M1Message = { type: 'ERM1', head, prescription: p };
  if (head.patient) out.patient = head.patient;
  return out;
}

function missingEl(parent: XmlElement, name: string, source?: string): KithFormatError {
  const full = `${parent.path}/${name}`;
  return new KithFormatError(`missing required element ${full}`, { source, element: full });
}

// ---- M5 / M5.2 / M7 ----

const RECALL_REASONS: readonly string[] = ['1', '2', '3', '4'];

export function readM5(head: MsgHeadInfo): M5Message {
  const src = head.source;
  const t = payload(head, 'Tilbakekalling', NS('m5'));
  const arsak = child(t, 'Arsak');
  const code = attrAt(arsak, '', 'V', src);
  if (!arsak || code === undefined) throw missingEl(t, 'Arsak', src);
  if (!RECALL_REASONS.includes(code)) throw bad(arsak, `unsupported recall reason "${code}" (kodeverk 7500: 1–4)`, src);
  const recall: Recall = { reseptId: requireId(t, 'ReseptId', src), reason: code as RecallReason };
  const text = attrAt(arsak, '', 'DN', src);
  if (text) recall.reasonText = text;
  const note = textAt(t, 'Merknad', src);
  if (note) recall.note = note;
  const renewed = optId(t, 'NyReseptId', src);
  if (renewed) recall.newReseptId = renewed;
  const out: M5Message = { type: 'ERM5', head, recall };
  if (head.patient) out.patient = head.patient;
  return out;
}

export function readM52(head: MsgHeadInfo): M52Message {
  const src = head.source;
  const k = payload(head, 'KvitteringTilbakekalling', NS('m52'));
  const statusEl = child(k, 'Status');
  const code = attrAt(statusEl, '', 'V', src);
  if (!statusEl || code === undefined) throw missingEl(k, 'Status', src);
  const status: M52Message['status'] = { code };
  const text = attrAt(statusEl, '', 'DN', src);
  if (text) status.text = text;
  return { type: 'ERM52', head, reseptId: requireId(k, 'ReseptId', src), status };
}

export function readM7(head: MsgHeadInfo): M7Message {
  const src = head.source;
  const s = payload(head, 'SlettetReseptRF', NS('m7'));
  const out: M7Message = {
    type: 'ERM7',
    head,
    attached: head.attachments.map((a, i) => readKithMessage(a.text, `${src ?? 'ERM7'} (attachment ${i + 1})`)),
  };
  const at = optDateTime(s, 'Tidspunkt', src);
  if (at) out.deletedAt = at;
  return out;
}

// ---- Requests (recognised; little to read) ----

function readRequest(head: MsgHeadInfo, type: RequestMessage['type']): RequestMessage {
  const src = head.source;
  const body = head.contents[0];
  const out: RequestMessage = { type, head };
  const fnr = textAt(body, 'Fnr', src) ?? textAt(body, 'Pasient/Fnr', src) ?? head.patientId;
  if (fnr) out.patientId = fnr;
  const reseptId = optId(body, 'ReseptId', src);
  if (reseptId) out.reseptId = reseptId;
  return out;
}

// ---- M9.6 ----

export function readM96(head: MsgHeadInfo): M96Message {
  const src = head.source;
  const m96 = payload(head, 'M96', NS('m96'));
  const list: M96Entry[] = children(m96, 'Listeelement').map((le) => {
    const statusEl = child(le, 'Status');
    if (!statusEl) throw missingEl(le, 'Status', src);
    const entry: M96Entry = { reseptId: requireId(le, 'ReseptId', src), status: toStatus(attrAt(statusEl, '', 'V', src), statusEl, src) };
    const statusText = attrAt(statusEl, '', 'DN', src);
    if (statusText) entry.statusText = statusText;
    // Not seen in the sample lists (all status E); the name of the dispensing pharmacy, when given.
    const disp = le.children.find((c) => /^(Utleverer|NavnUtleverer|Apotek|UtlevererNavn)$/.test(c.name));
    const dispName = textAt(disp, 'Navn', src) ?? textAt(disp, 'OrganisationName', src) ?? textAt(disp, '', src);
    if (dispName) entry.dispenser = dispName;
    return entry;
  });
  const byId = new Map(list.map((e) => [e.reseptId, e]));
  const seen = new Set<string>();
  const prescriptions: Prescription[] = [];
  let patient: Patient | undefined;
  head.attachments.forEach((a, i) => {
    const label = `${src ?? 'ERM96'} (attached M1 no. ${i + 1})`;
    const msg = readKithMessage(a.text, label);
    if (msg.type !== 'ERM1') {
      throw new KithFormatError(`attachment ${a.element} is a ${msg.type === 'other' ? msg.msgType : msg.type}, expected an ERM1 prescription`, { source: src, element: a.element });
    }
    const entry = byId.get(msg.prescription.reseptId);
    if (!entry) {
      throw new KithFormatError(`attached M1 ${msg.prescription.reseptId} is not in the M96 list`, { source: src, element: a.element });
    }
    if (msg.patient) {
      if (patient && patient.identityNumber !== msg.patient.identityNumber) {
        throw new KithFormatError(`the attached M1s are for more than one patient`, { source: src, element: a.element });
      }
      patient ??= msg.patient;
    }
    seen.add(entry.reseptId);
    const p: Prescription = { ...msg.prescription, status: entry.status };
    if (entry.dispenser) p.dispenserName = entry.dispenser;
    prescriptions.push(p);
  });
  const order = new Map(list.map((e, i) => [e.reseptId, i]));
  prescriptions.sort((a, b) => (order.get(a.reseptId) ?? 0) - (order.get(b.reseptId) ?? 0));
  const out: M96Message = {
    type: 'ERM96',
    head,
    list,
    prescriptions,
    missingPrescriptionIds: list.filter((e) => !seen.has(e.reseptId)).map((e) => e.reseptId),
  };
  if (patient) out.patient = patient;
  const sok = child(m96, 'StatusSok');
  const sokCode = attrAt(sok, '', 'V', src);
  if (sokCode) {
    out.searchStatus = { code: sokCode };
    const t = attrAt(sok, '', 'DN', src);
    if (t) out.searchStatus.text = t;
  }
  return out;
}

// ---- M9.8 ----

/**
 * M9.8: `AntallUtleveringer` plus one attached dispensing report (M10) per dispensing. Only the
 * empty list is in the reference samples; the M10 fields read here (ReseptId, Utleveringsdato, the
 * Legemiddel* element, Mengde, DosVeiledEnkel) follow the M1 names and are not verified against a real M10.
 */
export function readM98(head: MsgHeadInfo): M98Message {
  const src = head.source;
  const m98 = payload(head, 'M98', NS('m98'));
  const countText = textAt(m98, 'AntallUtleveringer', src);
  const countEl = child(m98, 'AntallUtleveringer');
  if (countText === undefined || !countEl) throw missingEl(m98, 'AntallUtleveringer', src);
  if (!/^\d{1,6}$/.test(countText)) throw bad(countEl, `"${countText.slice(0, 20)}" is not a count`, src);
  const dispensings: Dispensing[] = [];
  head.attachments.forEach((a, i) => {
    const label = `${src ?? 'ERM98'} (attached dispensing no. ${i + 1})`;
    dispensings.push(...readDispensingReport(readMsgHead(a.text, label)));
  });
  const count = Number(countText);
  if (count !== dispensings.length) {
    throw new KithFormatError(`AntallUtleveringer says ${count} dispensings but ${dispensings.length} are attached`, { source: src, element: countEl.path });
  }
  return { type: 'ERM98', head, count, dispensings };
}

function readDispensingReport(m10: MsgHeadInfo): Dispensing[] {
  const src = m10.source;
  const body = m10.contents[0];
  if (!body) throw new KithFormatError('the attached dispensing report has no content', { source: src });
  const units = descendants(body, 'Utlevering');
  const items = units.length ? units : [body];
  return items.map((u, i) => {
    const medParent = parentOfMedicine(u);
    if (!medParent) throw missingEl(u, 'Legemiddelpakning', src);
    const whenEl = descendants(u, 'Utleveringsdato')[0] ?? descendants(u, 'Utleveringstidspunkt')[0];
    const when = textAt(whenEl, '', src);
    if (!when || !whenEl) throw missingEl(u, 'Utleveringsdato', src);
    const d: Dispensing = {
      id: items.length > 1 ? `${m10.msgId}#${i + 1}` : m10.msgId,
      dispensedAt: toIsoDateTime(when, whenEl, src),
      medicine: readMedicine(medParent, src),
    };
    const reseptId = optId(descendants(u, 'ReseptId')[0], '', src);
    if (reseptId) d.reseptId = reseptId;
    const q = quantityOf(descendants(u, 'Mengde').find((m) => m.attrs.V !== undefined), src);
    if (q) d.quantity = q;
    if (m10.sender.organisationName) d.pharmacy = m10.sender.organisationName;
    const dos = textAt(descendants(u, 'DosVeiledEnkel')[0], '', src);
    if (dos) d.dosageText = dos;
    return d;
  });
}

const MEDICINE_NAMES = new Set(['LegemiddelVirkestoff', 'LegemiddelMerkevare', 'Legemiddelpakning', 'Legemiddelblanding']);

/** The element that holds the first Legemiddel* element below `el` (breadth first). */
function parentOfMedicine(el: XmlElement): XmlElement | undefined {
  const queue = [el];
  while (queue.length) {
    const cur = queue.shift() as XmlElement;
    if (cur.children.some((c) => MEDICINE_NAMES.has(c.name))) return cur;
    queue.push(...cur.children);
  }
  return undefined;
}

// ---- M25.1 (PLL) and M9.12 ----

export function readM251(head: MsgHeadInfo): M251Message {
  const src = head.source;
  const lib = payload(head, 'LegemidlerIBruk', NS('m251'));
  const pll: PllRead = {
    messageId: head.msgId,
    patientId: head.patientId ?? '',
    createdAt: head.genDate,
    entries: children(lib, 'EnkeltoppforingLIB').map((e) => readLibEntry(e, src)),
  };
  if (!head.patientId) throw new KithFormatError('the M25.1 names no patient (MsgHead/MsgInfo/Patient)', { source: src, element: 'MsgHead/MsgInfo/Patient' });
  if (head.sender.person) pll.author = head.sender.person;
  const md = roles(lib, src).get('M');
  if (md) pll.multidoseDoctor = md;
  const ids = new Set<string>();
  for (const e of pll.entries) {
    if (ids.has(e.libId)) throw new KithFormatError(`LIB id ${e.libId} occurs twice in the M25.1`, { source: src, element: lib.path });
    ids.add(e.libId);
  }
  const out: M251Message = { type: 'ERM251', head, pll };
  if (head.patient) out.patient = head.patient;
  return out;
}

/** `Rolle{Rolle V, Helseperson}` children → prescriber by role code (R rekvirent, S seponert av, M multidose). */
function roles(el: XmlElement, source?: string): Map<string, Prescriber> {
  const out = new Map<string, Prescriber>();
  for (const r of children(el, 'Rolle')) {
    const code = attrAt(r, 'Rolle', 'V', source);
    const who = prescriberFromHelseperson(child(r, 'Helseperson'), source);
    if (code && who && !out.has(code)) out.set(code, who);
  }
  return out;
}

function readLibEntry(e: XmlElement, source?: string): PllEntry {
  const typeEl = child(e, 'Type');
  if (!typeEl) throw missingEl(e, 'Type', source);
  const b64 = child(e, 'ReseptDokLegemiddelB64');
  if (!b64) throw missingEl(e, 'ReseptDokLegemiddelB64', source);
  const docRoot = parseXml(decodeBase64Xml(b64, source), source ? `${source} (${b64.path})` : b64.path);
  if (docRoot.name !== 'ReseptDokLegemiddel') {
    throw new KithFormatError(`${b64.path} holds ${docRoot.name}, expected ReseptDokLegemiddel`, { source, element: b64.path });
  }
  const doc = readReseptDok(docRoot, source ? `${source} (${e.path})` : undefined);
  const lastChanged = optDateTime(e, 'SistEndret', source);
  if (!lastChanged) throw missingEl(e, 'SistEndret', source);
  const entry: PllEntry = {
    libId: requireId(e, 'Id', source),
    type: toPrescriptionType(attrAt(typeEl, '', 'V', source), typeEl, source),
    lastChanged,
    medicine: doc.medicine,
    dosage: doc.dosage,
    use: doc.use,
  };
  const reseptId = optId(e, 'ReseptId', source);
  if (reseptId) entry.reseptId = reseptId;
  const started = optDate(e, 'DatoOppstart', source);
  if (started) entry.startedOn = started;
  const expires = optDate(e, 'UtlopsdatoResept', source);
  if (expires) entry.expiresOn = expires;
  if (doc.purpose) entry.purpose = doc.purpose;
  const r = roles(e, source);
  const prescriber = r.get('R');
  if (prescriber) entry.prescriber = prescriber;
  const sep = child(e, 'Seponering');
  if (sep) {
    const at = optDateTime(sep, 'Tidspunkt', source);
    if (!at) throw missingEl(sep, 'Tidspunkt', source);
    const d: NonNullable<PllEntry['discontinued']> = { at };
    const reason = attrAt(sep, 'Arsak', 'V', source);
    if (reason) d.reason = reason;
    const note = textAt(sep, 'Merknad', source);
    if (note) d.note = note;
    const by = r.get('S');
    if (by) d.by = by;
    entry.discontinued = d;
  }
  return entry;
}

export function readM912(head: MsgHeadInfo): M912Message {
  const src = head.source;
  const m912 = payload(head, 'M912', NS('m912'));
  const pasient = child(m912, 'Pasient');
  if (!pasient) throw missingEl(m912, 'Pasient', src);
  const fnr = textAt(pasient, 'Fnr', src);
  if (!fnr) throw missingEl(pasient, 'Fnr', src);
  const out: M912Message = { type: 'ERM912', head, patientId: fnr };
  const b64 = child(pasient, 'VarerIBrukB64');
  if (b64) {
    const label = `${src ?? 'ERM912'} (VarerIBrukB64)`;
    const inner = readKithMessage(decodeBase64Xml(b64, src), label);
    if (inner.type !== 'ERM251') {
      throw new KithFormatError(`VarerIBrukB64 holds ${inner.type === 'other' ? inner.msgType : inner.type}, expected an ERM251 (M25.1)`, { source: src, element: b64.path });
    }
    if (inner.pll.patientId !== fnr) {
      throw new KithFormatError(`the M25.1 in VarerIBrukB64 is for another patient than Pasient/Fnr`, { source: src, element: b64.path });
    }
    out.pll = inner.pll;
  }
  const md = child(pasient, 'Multidoselege');
  if (md) out.multidoseDoctor = multidoseDoctor(md, src);
  return out;
}

function multidoseDoctor(md: XmlElement, source?: string): Prescriber & { herId?: string; activeTo?: IsoDate } {
  const d: Prescriber & { herId?: string; activeTo?: IsoDate } = { name: textAt(md, 'Navn', source) ?? '' };
  const hpr = textAt(md, 'HprNr', source);
  if (hpr) d.hpr = hpr;
  const org = textAt(md, 'Org', source);
  if (org) d.organisation = org;
  const her = textAt(md, 'HerId/Id', source);
  if (her) d.herId = her;
  const to = optDate(md, 'AktivTil', source);
  if (to) d.activeTo = to;
  return d;
}

// ---- M27.1 / M27.2 ----

export function readM271(head: MsgHeadInfo): M271Message {
  const src = head.source;
  const m = payload(head, 'M271', NS('m271'));
  const out: M271Message = { type: 'ERM271', head };
  const code = attrAt(m, 'Status', 'V', src);
  if (code) {
    out.status = { code };
    const t = attrAt(m, 'Status', 'DN', src);
    if (t) out.status.text = t;
  }
  const from = optDate(m, 'GjelderFra', src);
  if (from) out.validFrom = from;
  return out;
}

export function readM272(head: MsgHeadInfo): M272Message {
  const src = head.source;
  const m = payload(head, 'M272', NS('m272'));
  const out: M272Message = { type: 'ERM272', head };
  const changed = optBool(m, 'RegistrertEndring', src);
  if (changed !== undefined) out.registeredChange = changed;
  const md = child(m, 'Multidoselege');
  if (md) out.multidoseDoctor = multidoseDoctor(md, src);
  return out;
}

// ---- AppRec ----

export function readAppRec(root: XmlElement, source?: string): AppRecMessage {
  if (root.ns !== APPREC_NS) {
    throw new KithFormatError(`AppRec is in namespace "${root.ns || '(none)'}", expected ${APPREC_NS}`, { source, element: 'AppRec' });
  }
  const statusEl = child(root, 'Status');
  const code = attrAt(statusEl, '', 'V', source);
  if (!statusEl || code === undefined) throw missingEl(root, 'Status', source);
  const orig = child(root, 'OriginalMsgId');
  if (!orig) throw missingEl(root, 'OriginalMsgId', source);
  const genEl = child(root, 'GenDate');
  const gen = textAt(genEl, '', source);
  if (!gen || !genEl) throw missingEl(root, 'GenDate', source);
  const out: AppRecMessage = {
    type: 'APPREC',
    msgId: requireId(root, 'Id', source),
    genDate: toIsoDateTime(gen, genEl, source),
    status: { code },
    originalMsgId: requireId(orig, 'Id', source),
    errors: children(root, 'Error').map((e) => {
      const err: { code: string; text?: string } = { code: attrAt(e, '', 'V', source) ?? '' };
      const t = attrAt(e, '', 'DN', source) ?? textAt(e, '', source);
      if (t) err.text = t;
      return err;
    }),
  };
  if (source !== undefined) out.source = source;
  const statusText = attrAt(statusEl, '', 'DN', source);
  if (statusText) out.status.text = statusText;
  const origType = attrAt(orig, 'MsgType', 'V', source);
  if (origType) out.originalMsgType = origType;
  const sender = textAt(root, 'Sender/HCP/Inst/Name', source);
  if (sender) out.senderName = sender;
  const receiver = textAt(root, 'Receiver/HCP/Inst/Name', source);
  if (receiver) out.receiverName = receiver;
  return out;
}
