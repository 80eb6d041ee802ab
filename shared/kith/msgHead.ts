// MsgHead: the envelope of every KITH message (MsgInfo + Document/RefDoc/Content).
import { KithFormatError } from './errors';
import { all, attrAt, child, children, decodeBase64Xml, parseXml, requireChild, textAt, type XmlElement } from './xml';
import { identOfType, patientFromPerson, prescriberFromHcp, requireId, optId, toIsoDateTime } from './values';
import type { IsoDateTime, Patient, Prescriber } from '../model';

export const MSGHEAD_NS = 'http://www.kith.no/xmlstds/msghead/2006-05-24';
export const APPREC_NS = 'http://www.kith.no/xmlstds/apprec/2004-11-21';
export const PASIENT_EXPORT_NS = 'http://www.kith.no/xmlstds/eresept/forskrivningsmodul/export/2019-11-13';

/** Sender or receiver: the organisation and, when named, the health professional. */
export interface MsgParty {
  organisationName?: string;
  herId?: string;
  /** Organisasjonsnummer (ENH). */
  orgNumber?: string;
  person?: Prescriber;
}

/** One decoded `Base64Container` (an attached message, e.g. the signed M1s in an M9.6). */
export interface MsgAttachment {
  /** Path of the container, for error messages. */
  element: string;
  /** The decoded XML text. */
  text: string;
  /** True when the Document is marked as an attachment (DocumentConnection V). */
  isVedlegg: boolean;
}

export interface MsgHeadInfo {
  source?: string;
  msgId: string;
  /** MsgInfo/Type V, e.g. `ERM1`, `ERM96`. */
  type: string;
  /** MsgInfo/Type DN, e.g. "Resept". */
  typeName?: string;
  genDate: IsoDateTime;
  refToParent?: string;
  refToConversation?: string;
  sender: MsgParty;
  receiver: MsgParty;
  /** MsgInfo/Patient, when the message names one. */
  patient?: Patient;
  /** The patient's identity number (from MsgInfo/Patient) when present. */
  patientId?: string;
  /** Payload elements under Document/RefDoc/Content other than Base64Container, in order. */
  contents: XmlElement[];
  /** Base64Container payloads, decoded to text. */
  attachments: MsgAttachment[];
}

/** Parses (when given text or bytes) and checks the root: a MsgHead in the KITH MsgHead namespace. */
export function msgHeadRoot(xml: string | Uint8Array | XmlElement, source?: string): XmlElement {
  const root = typeof xml === 'string' || xml instanceof Uint8Array ? parseXml(xml, source) : xml;
  if (root.name === 'MsgHead' && root.ns === MSGHEAD_NS) return root;
  if (root.name === 'MsgHead') {
    throw new KithFormatError(`MsgHead is in namespace "${root.ns || '(none)'}", expected ${MSGHEAD_NS}`, { source, element: 'MsgHead' });
  }
  if (root.name === 'AppRec') throw new KithFormatError('this is an AppRec receipt, not a MsgHead message', { source, element: 'AppRec' });
  if (root.name === 'PasientExport') {
    throw new KithFormatError('this is a prescribing-module export (PasientExport), not a KITH message; read it with readPasientExport', { source, element: 'PasientExport' });
  }
  throw new KithFormatError(`root element is ${root.name}, expected MsgHead (a KITH message)`, { source, element: root.name });
}

function party(el: XmlElement | undefined, source?: string): MsgParty {
  const org = child(el, 'Organisation');
  const out: MsgParty = {};
  const name = textAt(org, 'OrganisationName', source);
  if (name) out.organisationName = name;
  const her = identOfType(org, 'HER', source);
  if (her) out.herId = her;
  const enh = identOfType(org, 'ENH', source);
  if (enh) out.orgNumber = enh;
  const person = prescriberFromHcp(child(org, 'HealthcareProfessional'), name, source);
  if (person) out.person = person;
  return out;
}

/** Reads the envelope of a KITH message. Throws KithFormatError for anything else. */
export function readMsgHead(xml: string | Uint8Array | XmlElement, source?: string): MsgHeadInfo {
  const root = msgHeadRoot(xml, source);
  const info = requireChild(root, 'MsgInfo', source);
  const typeEl = requireChild(info, 'Type', source);
  const type = attrAt(typeEl, '', 'V', source);
  if (!type) throw new KithFormatError(`missing message type (attribute V) in ${typeEl.path}`, { source, element: typeEl.path });
  const genDateText = textAt(info, 'GenDate', source);
  const genDateEl = child(info, 'GenDate');
  if (!genDateText || !genDateEl) throw new KithFormatError('missing required element MsgHead/MsgInfo/GenDate', { source, element: 'MsgHead/MsgInfo/GenDate' });

  const head: MsgHeadInfo = {
    msgId: requireId(info, 'MsgId', source),
    type,
    genDate: toIsoDateTime(genDateText, genDateEl, source),
    sender: party(child(info, 'Sender'), source),
    receiver: party(child(info, 'Receiver'), source),
    contents: [],
    attachments: [],
  };
  if (source !== undefined) head.source = source;
  const typeName = attrAt(typeEl, '', 'DN', source);
  if (typeName) head.typeName = typeName;
  const parent = optId(info, 'ConversationRef/RefToParent', source);
  if (parent) head.refToParent = parent;
  const conv = optId(info, 'ConversationRef/RefToConversation', source);
  if (conv) head.refToConversation = conv;
  const patientEl = child(info, 'Patient');
  if (patientEl) {
    head.patient = patientFromPerson(patientEl, source);
    head.patientId = head.patient.identityNumber;
  }

  for (const doc of children(root, 'Document')) {
    const isVedlegg = attrAt(doc, 'DocumentConnection', 'V', source) === 'V';
    for (const content of all(doc, 'RefDoc/Content')) {
      for (const c of content.children) {
        if (c.name === 'Base64Container') head.attachments.push({ element: c.path, text: decodeBase64Xml(c, source), isVedlegg });
        else head.contents.push(c);
      }
    }
  }
  return head;
}

/** The single payload element of a message, checked by local name and namespace pattern. */
export function payload(head: MsgHeadInfo, name: string, nsPattern: RegExp): XmlElement {
  const el = head.contents.find((c) => c.name === name);
  if (!el) {
    const found = head.contents.map((c) => c.name).join(', ') || 'nothing';
    throw new KithFormatError(`missing required element MsgHead/Document/RefDoc/Content/${name} (found ${found})`, {
      source: head.source,
      element: `MsgHead/Document/RefDoc/Content/${name}`,
    });
  }
  if (!nsPattern.test(el.ns)) {
    throw new KithFormatError(`${name} is in namespace "${el.ns || '(none)'}", which is not a ${head.type} namespace`, {
      source: head.source,
      element: el.path,
    });
  }
  return el;
}
