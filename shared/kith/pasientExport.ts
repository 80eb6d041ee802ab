// The legacy prescribing module's export (`PasientExport`, FmSfmExportImportFormatDefinition.xsd):
// the practice's own medication list for one patient, its CAVE and its message log.
import { KithFormatError } from './errors';
import { attrAt, child, children, parseXml, requireChild, textAt, type XmlElement } from './xml';
import { PASIENT_EXPORT_NS } from './msgHead';
import { findReseptDok, readReseptDok } from './resept';
import { bad, instantOf, optBool, optDate, optDateTime, optId, patientFromPerson, requireId, toIsoDateTime } from './values';
import type { CriticalInfo, IsoDateTime, LocalListEntry, Patient, Prescriber, PrescriptionStatus } from '../model';

export interface PasientExportMessage {
  msgId: string;
  type: string;
  genDate: IsoDateTime;
  /** The message's file name in the export folder. */
  file?: string;
}

export interface PasientExportRead {
  /** PasientExport/Id: the module's own patient id. */
  exportId: string;
  patient: Patient;
  /** One entry per current treatment (Legemiddel-, NIB-, FIB- and VaksineBehandling). */
  localList: LocalListEntry[];
  criticalInfo: CriticalInfo[];
  /** The module's message log (Meldinger/Melding). */
  messages: PasientExportMessage[];
}

const TREATMENTS: Record<string, NonNullable<LocalListEntry['category']>> = {
  Legemiddelbehandling: 'medicine',
  NIBBehandling: 'nutrition',
  FIBBehandling: 'consumable',
  VaksineBehandling: 'vaccine',
};

/** Reads a PasientExport document. Throws KithFormatError for anything else. */
export function readPasientExport(xml: string | Uint8Array | XmlElement, source?: string): PasientExportRead {
  const root = typeof xml === 'string' || xml instanceof Uint8Array ? parseXml(xml, source) : xml;
  if (root.name !== 'PasientExport') {
    const hint = root.name === 'MsgHead' ? ' (this is a KITH message; read it with readKithMessage)' : '';
    throw new KithFormatError(`root element is ${root.name}, expected PasientExport${hint}`, { source, element: root.name });
  }
  if (root.ns !== PASIENT_EXPORT_NS) {
    throw new KithFormatError(`PasientExport is in namespace "${root.ns || '(none)'}", expected ${PASIENT_EXPORT_NS}`, { source, element: 'PasientExport' });
  }
  const patient = patientFromPerson(requireChild(root, 'DemografiskInfo', source), source);
  const localList: LocalListEntry[] = [];
  const behandlinger = child(root, 'Behandlinger');
  for (const t of behandlinger?.children ?? []) {
    const category = TREATMENTS[t.name];
    if (!category) continue;
    const entry = readTreatment(t, category, patient.identityNumber, source);
    if (entry) localList.push(entry);
  }
  const ids = new Set<string>();
  for (const e of localList) {
    if (ids.has(e.id)) throw new KithFormatError(`LibId ${e.id} is used by two treatments`, { source, element: 'PasientExport/Behandlinger' });
    ids.add(e.id);
  }
  return {
    exportId: requireId(root, 'Id', source),
    patient,
    localList,
    criticalInfo: children(root, 'Legemiddelreaksjon')
      .map((r) => readReaction(r, source))
      .filter((c): c is CriticalInfo => c !== undefined),
    messages: children(child(root, 'Meldinger'), 'Melding').map((m) => {
      const genEl = requireChild(m, 'GenDate', source);
      const out: PasientExportMessage = {
        msgId: requireId(m, 'MsgId', source),
        type: attrAt(m, 'Type', 'V', source) ?? '',
        genDate: toIsoDateTime(textAt(genEl, '', source) ?? '', genEl, source),
      };
      const file = textAt(m, 'MeldingsFil', source);
      if (file) out.file = file;
      return out;
    }),
  };
}

/** Kodeverk 7408 as the module stores it (the DN text), plus its own "e-resept not in RF". */
export function rfStatusFromText(text: string, el: XmlElement, source?: string): PrescriptionStatus | 'not-in-rf' {
  const t = text.trim().toLowerCase();
  if (t === 'e-resept not in rf') return 'not-in-rf';
  if (t === 'e' || t === 'ekspederbar') return 'E';
  if (t === 'u' || t.startsWith('under ekspedering')) return 'U';
  if (t === 'r' || t === 'ekspedert' || t === 'avsluttet' || t === 'ferdig ekspedert') return 'R';
  if (t === 't' || t === 'tilbakekalt') return 'T';
  if (t === 'f' || t === 'utløpt') return 'F';
  throw bad(el, `unknown RfStatus "${text.slice(0, 40)}"`, source);
}

interface Version {
  el: XmlElement;
  prescriptionId: string;
  head: boolean;
  active: boolean;
  at: number;
}

function readVersions(t: XmlElement, source?: string): Version[] {
  return children(t, 'Prescription').map((p) => {
    const tidspunkt = optDateTime(p, 'Tidspunkt', source);
    return {
      el: p,
      prescriptionId: requireId(p, 'PrescriptionId', source),
      head: optBool(p, 'HeadOfHistory', source) === true,
      active: optBool(p, 'Aktiv', source) === true,
      at: tidspunkt ? instantOf(tidspunkt) : 0,
    };
  });
}

/** The version that stands for a prescription or treatment: Aktiv=true, then head of history, then newest. */
function pick(versions: Version[]): Version | undefined {
  const rank = (v: Version) => (v.active ? 2 : 0) + (v.head ? 1 : 0);
  return [...versions].sort((a, b) => rank(b) - rank(a) || b.at - a.at)[0];
}

function readTreatment(t: XmlElement, category: NonNullable<LocalListEntry['category']>, patientId: string, source?: string): LocalListEntry | undefined {
  const libId = requireId(t, 'LibId', source);
  const versions = readVersions(t, source);
  if (!versions.length) throw new KithFormatError(`treatment ${libId} has no Prescription`, { source, element: `${t.path}/Prescription` });
  const headVersions = versions.filter((v) => v.head);
  const current = pick(headVersions.length ? headVersions : versions) as Version;
  const p = current.el;
  // Discarded ("Fjernet", also the "empty LIB" operation) and deleted prescriptions are not on the list.
  if (child(p, 'Fjernet') || child(p, 'Slettet')) return undefined;

  const infoId = requireId(p, 'ForskrivningsInfoId', source);
  const info = child(t, 'PrescriptionDetails')?.children.find((c) => textAt(c, 'Id', source) === infoId);
  if (!info) {
    throw new KithFormatError(`ForskrivningsInfoId ${infoId} of treatment ${libId} matches no PrescriptionDetails entry`, { source, element: `${p.path}/ForskrivningsInfoId` });
  }
  const doc = readReseptDok(findReseptDok(info, source), source);
  const updatedAt = optDateTime(p, 'Tidspunkt', source);
  if (!updatedAt) throw new KithFormatError(`missing required element ${p.path}/Tidspunkt`, { source, element: `${p.path}/Tidspunkt` });

  const entry: LocalListEntry = {
    id: libId,
    patientId,
    libId,
    medicine: doc.medicine,
    dosage: doc.dosage,
    use: doc.use,
    category,
    updatedAt,
  };
  const reseptId = optId(p, 'ReseptId', source);
  if (reseptId) entry.reseptId = reseptId;
  const previous = previousReseptIds(versions, current, source);
  if (previous.length) entry.previousReseptIds = previous;
  if (doc.purpose) entry.purpose = doc.purpose;
  const started = optDate(t, 'DatoOppstart', source);
  if (started) entry.startedOn = started;
  const expires = optDate(info, 'Utloper', source);
  if (expires) entry.expiresOn = expires;
  if (doc.itemGroup) entry.itemGroup = doc.itemGroup;
  const rf = child(p, 'RfStatus');
  const rfText = textAt(rf, '', source);
  if (rf && rfText) entry.rfStatus = rfStatusFromText(rfText, rf, source);
  const sep = child(p, 'Seponering');
  if (sep) {
    const at = optDateTime(sep, 'Tidspunkt', source);
    if (!at) throw new KithFormatError(`missing required element ${sep.path}/Tidspunkt`, { source, element: `${sep.path}/Tidspunkt` });
    const d: NonNullable<LocalListEntry['discontinued']> = { at };
    const reason = attrAt(sep, 'Arsak', 'V', source);
    if (reason) d.reason = reason;
    const note = textAt(sep, 'Merknad', source);
    if (note) d.note = note;
    entry.discontinued = d;
  }
  const prescriber = prescriberOf(p, source);
  if (prescriber) entry.prescriber = prescriber;
  return entry;
}

/** Follows RefForrigePrescription (a PrescriptionId) back through the renewal chain; oldest first. */
function previousReseptIds(versions: Version[], current: Version, source?: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([current.prescriptionId]);
  let ref = optId(current.el, 'RefForrigePrescription', source);
  while (ref && !seen.has(ref)) {
    seen.add(ref);
    const prev = pick(versions.filter((v) => v.prescriptionId === ref));
    if (!prev) break; // the older prescription is not in this export
    const id = optId(prev.el, 'ReseptId', source);
    if (id && !out.includes(id)) out.unshift(id);
    ref = optId(prev.el, 'RefForrigePrescription', source);
  }
  const own = optId(current.el, 'ReseptId', source);
  return out.filter((id) => id !== own);
}

/** Brukere/Bruker with TypeOppdatering "Forskriver" (else "Signed by"). */
function prescriberOf(p: XmlElement, source?: string): Prescriber | undefined {
  const users = children(child(p, 'Brukere'), 'Bruker');
  const find = (type: string) => users.find((u) => textAt(u, 'TypeOppdatering', source)?.toLowerCase() === type);
  const u = find('forskriver') ?? find('signed by');
  if (!u) return undefined;
  const name = textAt(u, 'Navn', source) ?? '';
  const hpr = textAt(u, 'Hpr', source);
  if (!name && !hpr) return undefined;
  const out: Prescriber = { name };
  if (hpr) out.hpr = hpr;
  return out;
}

function readReaction(r: XmlElement, source?: string): CriticalInfo | undefined {
  // Only the current, undeleted, active and not refuted registration is critical information.
  if (optBool(r, 'HeadOfHistory', source) === false) return undefined;
  if (optBool(r, 'Discarded', source) === true || child(r, 'Deleted')) return undefined;
  const cave = requireChild(r, 'CAVE', source);
  if (optBool(cave, 'Innaktiv', source) === true || optBool(cave, 'Avkreftet', source) === true) return undefined;

  const virkestoff = child(cave, 'Virkestoff');
  const merkevare = child(cave, 'LegemiddelMerkevare');
  const atcEl = child(cave, 'ATC');
  const agent =
    textAt(virkestoff, 'VirkestoffNavn', source) ??
    textAt(merkevare, 'LegemiddelNavn', source) ??
    textAt(merkevare, 'NavnFormStyrke', source) ??
    attrAt(atcEl, 'ATCKode', 'DN', source);
  if (!agent) throw new KithFormatError(`missing what the patient reacts to (Virkestoff, LegemiddelMerkevare or ATC) in ${cave.path}`, { source, element: cave.path });
  const info: CriticalInfo = { id: requireId(r, 'Id', source), kind: 'reaction', agent, source: 'local' };
  const atc = attrAt(atcEl, 'ATCKode', 'V', source) ?? attrAt(merkevare, 'Atc', 'V', source);
  if (atc) info.atc = atc;
  const substance = textAt(virkestoff, 'VirkestoffNavn', source);
  if (substance) info.substance = substance;
  const reaction = attrAt(cave, 'Reaksjon', 'DN', source);
  if (reaction) info.reaction = reaction;
  const sev = attrAt(cave, 'Alvorlighetsgrad', 'DN', source)?.toLowerCase();
  info.severity = sev === undefined ? 'unknown' : /kritisk/.test(sev) ? 'critical' : /^alvorlig/.test(sev) ? 'serious' : /mindre|lite|mild/.test(sev) ? 'mild' : 'unknown';
  const cert = attrAt(cave, 'Sannsynlighet', 'DN', source)?.toLowerCase();
  info.certainty = cert === undefined ? 'unknown' : /sikker|bekreftet/.test(cert) ? 'confirmed' : /^sannsynlig/.test(cert) ? 'likely' : /^mulig/.test(cert) ? 'possible' : 'unknown';
  const registered = optDate(cave, 'RegisteringsDato', source);
  if (registered) info.registeredAt = registered;
  const by = textAt(cave, 'Signatur', source);
  if (by) info.registeredBy = by;
  return info;
}
