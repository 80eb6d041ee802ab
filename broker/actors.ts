// Other actors that change a patient's national data between a doctor's read and send: a pharmacy
// locks (status U), releases or dispenses a prescription (→ R, or stays E with one reiteration
// less, and KJ gets the dispensing), a multidose pharmacy sends a change proposal (M25.2), another
// doctor sends a new PLL, time passes (prescriptions expire). Every change goes through
// recordChange, so a later send based on an older read gets 409 naming what changed and who.
// Used by the CLI (`npm run broker -- actor …`) and, with the test flag, POST /test/actors/:action.
import { randomUUID } from 'node:crypto';
import { demoMedicines, demoPrescribers } from '../fixtures/demo';
import type { Dispensing, PllEntry, Prescriber, Prescription } from '../shared/model';
import { clockOffsetMs, currentPll, stmt, getPatient, recordChange, setClockOffsetMs, type Db } from './db';

export type ActorAction =
  | { action: 'pharmacy-lock'; reseptId: string; pharmacy?: string }
  | { action: 'pharmacy-release'; reseptId: string }
  | { action: 'dispense'; reseptId: string; pharmacy?: string; substituted?: boolean }
  | { action: 'multidose-proposal'; patient: string; pharmacy?: string; libId?: string; dosageText?: string; discontinue?: boolean; note?: string }
  | { action: 'pll-change'; patient: string; doctor?: Prescriber; libId?: string; dosageText?: string }
  | { action: 'prescribe'; patient: string; doctor?: Prescriber; medicine?: string; dosageText?: string }
  | { action: 'expire'; reseptId: string }
  | { action: 'time-passes'; hours?: number; days?: number };

export const ACTOR_ACTIONS = ['pharmacy-lock', 'pharmacy-release', 'dispense', 'multidose-proposal', 'pll-change', 'prescribe', 'expire', 'time-passes'] as const;

export interface ActorChange {
  patient: string;
  version: number;
  kind: string;
  actor: string;
  detail: string;
}

export interface ActorResult {
  changes: ActorChange[];
  /** The broker clock's offset after 'time-passes' (ms). */
  clockOffsetMs?: number;
  /** Id of a stored M25.2 proposal or dispensing. */
  id?: string;
}

/** Refused action: `status` is the HTTP status the test route answers with. */
export class ActorError extends Error {
  constructor(readonly status: 404 | 409 | 422, message: string) {
    super(message);
    this.name = 'ActorError';
  }
}

const DEFAULT_PHARMACY = 'Apotek 1 Torget';
const MULTIDOSE_PHARMACY = 'Apotek 1 Multidose';
const DAY_MS = 86_400_000;

function loadRx(db: Db, reseptId: string): { patient: string; p: Prescription } {
  const row = stmt(db, 'SELECT patient, data FROM prescriptions WHERE resept_id = ?').get(reseptId) as { patient: string; data: string } | undefined;
  if (!row) throw new ActorError(404, `Ingen resept med ReseptId ${reseptId}.`);
  return { patient: row.patient, p: JSON.parse(row.data) as Prescription };
}

function saveRx(db: Db, p: Prescription, at: string): void {
  stmt(db, 'UPDATE prescriptions SET status = ?, data = ?, updated_at = ? WHERE resept_id = ?').run(p.status, JSON.stringify(p), at, p.reseptId);
}

function change(db: Db, patient: string, at: string, kind: string, actor: string, detail: string): ActorChange {
  const version = recordChange(db, patient, { at, kind, actor, detail });
  return { patient, version, kind, actor, detail };
}

const doctorName = (d: Prescriber) => (d.organisation ? `${d.name}, ${d.organisation}` : d.name);

/** Runs one actor's change in its own IMMEDIATE transaction (atomic with the version bump). */
export function runActor(db: Db, a: ActorAction, now: Date): ActorResult {
  return db.transaction((): ActorResult => act(db, a, now)).immediate();
}

function act(db: Db, a: ActorAction, now: Date): ActorResult {
  const at = now.toISOString();
  switch (a.action) {
    case 'pharmacy-lock': {
      const { patient, p } = loadRx(db, a.reseptId);
      const pharmacy = a.pharmacy ?? DEFAULT_PHARMACY;
      if (p.status !== 'E') throw new ActorError(409, `Resepten ${p.medicine.name} har status ${p.status} og kan ikke låses (bare E kan ekspederes).`);
      saveRx(db, { ...p, status: 'U', dispenserName: pharmacy }, at);
      return { changes: [change(db, patient, at, 'pharmacy-lock', pharmacy, `${pharmacy} låste resepten på ${p.medicine.name} for ekspedering (status U)`)] };
    }
    case 'pharmacy-release': {
      const { patient, p } = loadRx(db, a.reseptId);
      if (p.status !== 'U') throw new ActorError(409, `Resepten ${p.medicine.name} er ikke låst (status ${p.status}).`);
      const pharmacy = p.dispenserName ?? DEFAULT_PHARMACY;
      const released: Prescription = { ...p, status: 'E' };
      delete released.dispenserName;
      saveRx(db, released, at);
      return { changes: [change(db, patient, at, 'pharmacy-release', pharmacy, `${pharmacy} låste opp resepten på ${p.medicine.name} uten å utlevere (status E)`)] };
    }
    case 'dispense': {
      const { patient, p } = loadRx(db, a.reseptId);
      const pharmacy = a.pharmacy ?? p.dispenserName ?? DEFAULT_PHARMACY;
      if (p.status !== 'E' && p.status !== 'U') throw new ActorError(409, `Resepten ${p.medicine.name} har status ${p.status} og kan ikke utleveres.`);
      if (p.status === 'U' && p.dispenserName && p.dispenserName !== pharmacy) throw new ActorError(409, `Resepten ${p.medicine.name} er låst av ${p.dispenserName}.`);
      const left = p.reiterations ?? 0;
      const after: Prescription = left > 0 ? { ...p, status: 'E', reiterations: left - 1 } : { ...p, status: 'R' };
      delete after.dispenserName;
      saveRx(db, after, at);
      const d: Dispensing = { id: randomUUID(), reseptId: p.reseptId, dispensedAt: at, medicine: p.medicine, pharmacy, dosageText: p.dosage.text, substituted: a.substituted ?? false };
      if (p.quantity) d.quantity = p.quantity;
      stmt(db, 'INSERT INTO dispensings (id, patient, resept_id, dispensed_at, data) VALUES (?, ?, ?, ?, ?)').run(d.id, patient, p.reseptId, at, JSON.stringify(d));
      const rest = after.status === 'R' ? 'resepten er ferdig ekspedert (status R)' : `${left - 1} reit igjen (status E)`;
      return { id: d.id, changes: [change(db, patient, at, 'dispense', pharmacy, `${pharmacy} utleverte ${p.medicine.name}; ${rest}`)] };
    }
    case 'multidose-proposal': {
      const patientRow = getPatient(db, a.patient);
      if (!patientRow) throw new ActorError(404, 'Pasienten finnes ikke i testmegleren.');
      if (!patientRow.multidose) throw new ActorError(422, 'Pasienten får ikke multidose: bare multidoseapoteket kan sende endringsforslag (M25.2).');
      const pll = currentPll(db, a.patient);
      const entry = pickEntry(pll?.entries ?? [], a.libId);
      const pharmacy = a.pharmacy ?? MULTIDOSE_PHARMACY;
      const proposal = {
        pharmacy,
        proposedAt: at,
        basedOnPll: pll?.messageId ?? null,
        entries: [{ libId: entry.libId, medicine: entry.medicine.name, change: a.discontinue ? 'discontinue' : 'dosage', ...(a.discontinue ? {} : { dosageText: a.dosageText ?? `${entry.dosage.text} (forslag fra multidoseapoteket)` }), ...(a.note ? { note: a.note } : {}) }],
      };
      const id = randomUUID();
      stmt(db, 'INSERT INTO pll_proposals (id, patient, created_at, pharmacy, data) VALUES (?, ?, ?, ?, ?)').run(id, a.patient, at, pharmacy, JSON.stringify(proposal));
      const what = a.discontinue ? `seponering av ${entry.medicine.name}` : `endret dosering av ${entry.medicine.name}`;
      return { id, changes: [change(db, a.patient, at, 'multidose-proposal', pharmacy, `${pharmacy} sendte endringsforslag (M25.2): ${what}`)] };
    }
    case 'pll-change': {
      if (!getPatient(db, a.patient)) throw new ActorError(404, 'Pasienten finnes ikke i testmegleren.');
      const pll = currentPll(db, a.patient);
      if (!pll) throw new ActorError(409, 'Pasienten har ingen PLL som en annen lege kan endre.');
      const entry = pickEntry(pll.entries, a.libId);
      const doctor = a.doctor ?? demoPrescribers.kardiolog;
      const dosageText = a.dosageText ?? `${entry.dosage.text}, endret av ${doctor.name}`;
      const entries: PllEntry[] = pll.entries.map((e) => (e.libId === entry.libId ? { ...e, dosage: { ...e.dosage, text: dosageText }, lastChanged: at } : e));
      const messageId = randomUUID();
      stmt(db, 'INSERT INTO pll_versions (message_id, patient, created_at, author, entries) VALUES (?, ?, ?, ?, ?)').run(messageId, a.patient, at, JSON.stringify(doctor), JSON.stringify(entries));
      return { id: messageId, changes: [change(db, a.patient, at, 'pll-change', doctorName(doctor), `${doctorName(doctor)} sendte ny PLL: endret dosering av ${entry.medicine.name}`)] };
    }
    case 'prescribe': {
      if (!getPatient(db, a.patient)) throw new ActorError(404, 'Pasienten finnes ikke i testmegleren.');
      const key = a.medicine ?? 'klacid';
      const medicine = (demoMedicines as Record<string, Prescription['medicine']>)[key];
      if (!medicine) throw new ActorError(422, `Ukjent legemiddel «${key}». Kjente: ${Object.keys(demoMedicines).join(', ')}.`);
      const doctor = a.doctor ?? demoPrescribers.legevakt;
      const today = at.slice(0, 10);
      const p: Prescription = {
        reseptId: randomUUID(), prescribedOn: today, expiresOn: new Date(now.getTime() + 365 * DAY_MS).toISOString().slice(0, 10), medicine,
        dosage: { text: a.dosageText ?? '1 tablett morgen og kveld', start: today }, use: '1', status: 'E', reiterations: 0, type: 'E', itemGroup: 'L', prescriber: doctor, quantity: { value: 20, unit: 'stk' },
      };
      stmt(db, 'INSERT INTO prescriptions (resept_id, patient, status, data, updated_at) VALUES (?, ?, ?, ?, ?)').run(p.reseptId, a.patient, 'E', JSON.stringify(p), at);
      return { id: p.reseptId, changes: [change(db, a.patient, at, 'prescribe', doctorName(doctor), `${doctorName(doctor)} forskrev ${medicine.name} (ny resept)`)] };
    }
    case 'expire': {
      const { patient, p } = loadRx(db, a.reseptId);
      if (p.status !== 'E' && p.status !== 'U') throw new ActorError(409, `Resepten ${p.medicine.name} har status ${p.status} og kan ikke utløpe.`);
      const yesterday = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
      saveRx(db, { ...p, status: 'F', expiresOn: p.expiresOn < yesterday ? p.expiresOn : yesterday }, at);
      return { changes: [change(db, patient, at, 'expired', 'Reseptformidleren', `Resepten på ${p.medicine.name} er utløpt (status F)`)] };
    }
    case 'time-passes': {
      const ms = ((a.days ?? 0) * 24 + (a.hours ?? 0)) * 3_600_000;
      if (!Number.isFinite(ms) || ms <= 0) throw new ActorError(422, 'Oppgi hvor lang tid som går: hours og/eller days (> 0).');
      const offset = clockOffsetMs(db) + ms;
      setClockOffsetMs(db, offset, at);
      const later = new Date(now.getTime() + ms);
      const today = later.toISOString().slice(0, 10);
      // Prescriptions whose expiry date has passed are expired (F) from the new "now".
      const rows = stmt(db, "SELECT patient, data FROM prescriptions WHERE status IN ('E', 'U') AND json_extract(data, '$.expiresOn') < ? ORDER BY patient, rowid").all(today) as { patient: string; data: string }[];
      const changes: ActorChange[] = [];
      const laterAt = later.toISOString();
      for (const row of rows) {
        const p = JSON.parse(row.data) as Prescription;
        saveRx(db, { ...p, status: 'F' }, laterAt);
        changes.push(change(db, row.patient, laterAt, 'expired', 'Reseptformidleren', `Resepten på ${p.medicine.name} er utløpt (status F)`));
      }
      return { changes, clockOffsetMs: offset };
    }
  }
}

function pickEntry(entries: PllEntry[], libId: string | undefined): PllEntry {
  const active = entries.filter((e) => !e.discontinued);
  const entry = libId ? entries.find((e) => e.libId === libId) : active[0];
  if (!entry) throw new ActorError(libId ? 404 : 409, libId ? `Ingen PLL-oppføring med LibId ${libId}.` : 'PLL-en har ingen aktive oppføringer å endre.');
  return entry;
}

/** Checks a JSON body (test route) or CLI options as an ActorAction; throws ActorError(422). */
export function parseActorAction(action: string, body: Record<string, unknown>): ActorAction {
  const str = (k: string, required = false): string | undefined => {
    const v = body[k];
    if (v === undefined || v === null || v === '') {
      if (required) throw new ActorError(422, `Mangler «${k}» for ${action}.`);
      return undefined;
    }
    if (typeof v !== 'string') throw new ActorError(422, `«${k}» må være tekst.`);
    return v;
  };
  const num = (k: string): number | undefined => {
    const v = body[k];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new ActorError(422, `«${k}» må være et tall.`);
    return n;
  };
  const opt = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (action) {
    case 'pharmacy-lock': return opt({ action, reseptId: str('reseptId', true)!, pharmacy: str('pharmacy') });
    case 'pharmacy-release': return { action, reseptId: str('reseptId', true)! };
    case 'dispense': return opt({ action, reseptId: str('reseptId', true)!, pharmacy: str('pharmacy'), substituted: body.substituted === true || body.substituted === 'true' ? true : undefined });
    case 'multidose-proposal': return opt({ action, patient: str('patient', true)!, pharmacy: str('pharmacy'), libId: str('libId'), dosageText: str('dosageText'), discontinue: body.discontinue === true || body.discontinue === 'true' ? true : undefined, note: str('note') });
    case 'pll-change': {
      const name = str('doctorName');
      return opt({ action, patient: str('patient', true)!, libId: str('libId'), dosageText: str('dosageText'), doctor: name ? opt({ name, hpr: str('doctorHpr'), organisation: str('doctorOrganisation') }) : undefined });
    }
    case 'prescribe': {
      const name = str('doctorName');
      return opt({ action, patient: str('patient', true)!, medicine: str('medicine'), dosageText: str('dosageText'), doctor: name ? opt({ name, hpr: str('doctorHpr'), organisation: str('doctorOrganisation') }) : undefined });
    }
    case 'expire': return { action, reseptId: str('reseptId', true)! };
    case 'time-passes': return opt({ action, hours: num('hours'), days: num('days') });
    default: throw new ActorError(404, `Ukjent aktør-handling «${action}». Kjente: ${ACTOR_ACTIONS.join(', ')}.`);
  }
}
