// A folder of KITH messages for one patient (as the legacy prescribing module stores them) → what RF
// said last: the latest M9.6 (prescriptions), the latest M9.12 (PLL) and the latest M9.8 (dispensings).
// No file access here: the caller passes the file contents.
import { KithFormatError } from './errors';
import { parseXml } from './xml';
import { instantOf } from './values';
import { readKithMessage, type KithMessage, type M96Entry, type M96Message, type M98Message, type M912Message, type PllRead } from './messages';
import type { Dispensing, IsoDateTime, Patient, PllEntry, Prescription } from '../model';

export interface KithFile {
  name: string;
  content: string | Uint8Array;
}

export interface KithMessageRef {
  source: string;
  msgId: string;
  genDate: IsoDateTime;
}

export interface KithFolderRead {
  /** The patient's identity number, when any message names it. */
  patientId?: string;
  /** The patient as the messages describe them (from an M1, M5 or M25.1 MsgHead), when present. */
  patient?: Patient;
  /** Prescriptions from the latest M9.6, with RF's status. */
  prescriptions: Prescription[];
  /** The latest M9.6 list itself (includes ids whose M1 was not attached). */
  prescriptionList: M96Entry[];
  /** PLL entries from the latest M9.12 (empty when it carries no M25.1). */
  pll: PllEntry[];
  /** MsgId of the M25.1 the PLL came from. */
  pllMessageId?: string;
  pllVersion?: PllRead;
  /** Dispensings from the latest M9.8, when the folder has one. */
  dispensings: Dispensing[];
  /** Which messages the figures above come from. */
  latest: { m96?: KithMessageRef; m912?: KithMessageRef; m98?: KithMessageRef };
  /** Every message read, in file order (type, id, date), for an audit trail. */
  messages: { source: string; type: string; msgId: string; genDate: IsoDateTime }[];
  /** Files that are not KITH messages but were recognised (the module's PasientExport). */
  skipped: { name: string; reason: string }[];
}

/**
 * Reads every file; throws KithFormatError when one cannot be read (naming the file), or when the
 * messages are about more than one patient.
 */
export function readKithFolder(files: readonly KithFile[]): KithFolderRead {
  const out: KithFolderRead = { prescriptions: [], prescriptionList: [], pll: [], dispensings: [], latest: {}, messages: [], skipped: [] };
  let m96: M96Message | undefined;
  let m912: M912Message | undefined;
  let m98: M98Message | undefined;
  const patientIds = new Map<string, string>(); // id → first file naming it

  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    const root = parseXml(file.content, file.name);
    if (root.name === 'PasientExport') {
      out.skipped.push({ name: file.name, reason: 'prescribing-module export (PasientExport), not a message' });
      continue;
    }
    const msg = readKithMessage(root, file.name);
    const ref = msgRef(msg, file.name);
    out.messages.push({ source: file.name, type: msg.type === 'other' ? msg.msgType : msg.type, msgId: ref.msgId, genDate: ref.genDate });
    for (const id of patientIdsOf(msg)) if (!patientIds.has(id)) patientIds.set(id, file.name);
    if ('patient' in msg && msg.patient && !out.patient) out.patient = msg.patient;
    if (msg.type === 'ERM96' && isLater(msg, m96)) m96 = msg;
    if (msg.type === 'ERM912' && isLater(msg, m912)) m912 = msg;
    if (msg.type === 'ERM98' && isLater(msg, m98)) m98 = msg;
  }

  if (patientIds.size > 1) {
    const list = [...patientIds.entries()].map(([id, f]) => `${id.slice(0, 6)}***** (${f})`).join(', ');
    throw new KithFormatError(`the folder holds messages for more than one patient: ${list}`);
  }
  const [patientId] = patientIds.keys();
  if (patientId) out.patientId = patientId;

  if (m96) {
    out.prescriptions = m96.prescriptions;
    out.prescriptionList = m96.list;
    out.latest.m96 = msgRef(m96, m96.head.source ?? '');
  }
  if (m912) {
    out.latest.m912 = msgRef(m912, m912.head.source ?? '');
    if (m912.pll) {
      out.pll = m912.pll.entries;
      out.pllMessageId = m912.pll.messageId;
      out.pllVersion = m912.pll;
    }
  }
  if (m98) {
    out.dispensings = m98.dispensings;
    out.latest.m98 = msgRef(m98, m98.head.source ?? '');
  }
  return out;
}

function msgRef(msg: KithMessage, source: string): KithMessageRef {
  if (msg.type === 'APPREC') return { source, msgId: msg.msgId, genDate: msg.genDate };
  return { source, msgId: msg.head.msgId, genDate: msg.head.genDate };
}

/** True when `msg` was generated after `current` (ties: the later file name wins, as files are sorted). */
function isLater(msg: M96Message | M912Message | M98Message, current: M96Message | M912Message | M98Message | undefined): boolean {
  if (!current) return true;
  return instantOf(msg.head.genDate) >= instantOf(current.head.genDate);
}

function patientIdsOf(msg: KithMessage): string[] {
  const ids: string[] = [];
  if (msg.type === 'APPREC') return ids;
  if (msg.head.patientId) ids.push(msg.head.patientId);
  if (msg.type === 'ERM912') ids.push(msg.patientId);
  if ((msg.type === 'ERM95' || msg.type === 'ERM911') && msg.patientId) ids.push(msg.patientId);
  if (msg.type === 'ERM251' && msg.pll.patientId) ids.push(msg.pll.patientId);
  if (msg.type === 'ERM96' && msg.patient) ids.push(msg.patient.identityNumber);
  return ids;
}
