// From the user's decisions on reconciled rows to one send plan (prescriptions, recalls, the new
// PLL) and the local list after the decisions. Pure: ids come from the injected generator.
import type {
  DiscontinuationReason,
  Dosage,
  IsoDate,
  LocalListEntry,
  MedicationRead,
  MedicineRef,
  PllEntry,
  Prescriber,
  Prescription,
  RecallReason,
  Use,
} from '../model';
import { daysBetween, isoDateOf, isPlannedStop, isStopped, oneYearFrom } from './dates';
import type { Blocker, PlannedRecall, SendPlan } from './plan';
import { chainHead, DISCONTINUED_RETENTION_DAYS, isNonPllPrescription, isValidPrescription } from './reconcile';
import type { ReconcileRow } from './types';
import { NEEDS_DECISION, STATUS_LABEL } from './types';
import { validatePlan } from './validate';

export type Decision =
  | { rowId: string; kind: 'keep' }
  | { rowId: string; kind: 'change-dose'; dosage: Dosage; note?: string }
  | { rowId: string; kind: 'discontinue'; reason: DiscontinuationReason; note?: string }
  | { rowId: string; kind: 'renew'; expiresOn?: IsoDate }
  | { rowId: string; kind: 'take-into-local'; dosage?: Dosage }
  | { rowId: string; kind: 'not-taking'; note?: string }
  | { rowId: string; kind: 'registration-error'; note?: string }
  | {
      kind: 'new';
      /** A client-side id for the new line, echoed in blockers. */
      rowId?: string;
      medicine: MedicineRef;
      dosage: Dosage;
      use: Use;
      purpose?: string;
      expiresOn?: IsoDate;
      quantity?: { value: number; unit: string };
      reiterations?: number;
      packages?: number;
      itemGroup?: string;
    };
export type DecisionKind = Decision['kind'];

export interface DecideContext {
  /** The read the rows came from; the plan must be consistent with it. */
  read: MedicationRead;
  /** The whole local list (all the patient's entries). */
  local: LocalListEntry[];
  now: Date;
  sender: Prescriber;
  /** Generator for new ReseptIds, LibIds and local ids (UUIDs in the app, a counter in tests). */
  newId: () => string;
  /** Create a PLL for a patient who has none: every current PLL item gets an entry. */
  createPll?: boolean;
}

export interface DecideResult {
  plan: SendPlan;
  blockers: Blocker[];
  /** The local list after the decisions. */
  local: LocalListEntry[];
}

/** Kodeverk 7494 codes used by the decisions. */
const CESSATION_NOT_USED = 'P';
const CESSATION_OTHER = 'X';
const REGISTRATION_ERROR_NOTE = 'Registreringsfeil';

interface Content {
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  purpose?: string;
  expiresOn?: IsoDate;
  prescriber?: Prescriber;
  itemGroup?: string;
}

export function decide(rows: ReconcileRow[], decisions: Decision[], ctx: DecideContext): DecideResult {
  const { read, sender } = ctx;
  const today = isoDateOf(ctx.now);
  const nowIso = ctx.now.toISOString();
  const hasPll = read.pll.length > 0 || !!read.pllMessageId;
  const pllOn = hasPll || !!ctx.createPll;
  const blockers: Blocker[] = [];
  const block = (code: Blocker['code'], message: string, rowId?: string) => blockers.push({ code, message, ...(rowId ? { rowId } : {}) });
  const patientId = ctx.local[0]?.patientId ?? read.patient.identityNumber;

  const pll = new Map<string, PllEntry>(read.pll.map((e) => [e.libId, e]));
  const touchedLib = new Set<string>();
  const local = new Map<string, LocalListEntry>(ctx.local.map((l) => [l.id, l]));
  const newPrescriptions: Prescription[] = [];
  const recalls: PlannedRecall[] = [];

  const rowById = new Map(rows.map((r) => [r.id, r]));
  const byRow = new Map<string, Decision>();
  const newLines: Extract<Decision, { kind: 'new' }>[] = [];
  for (const d of decisions) {
    if (d.kind === 'new') {
      newLines.push(d);
      continue;
    }
    if (!rowById.has(d.rowId)) {
      block('unknown-row', 'En beslutning gjelder en linje som ikke finnes i siste avstemming. Les på nytt og avstem igjen.', d.rowId);
      continue;
    }
    if (byRow.has(d.rowId)) {
      block('conflicting-decisions', 'Linjen har mer enn én beslutning. Velg én.', d.rowId);
      continue;
    }
    byRow.set(d.rowId, d);
  }

  // ---- helpers working on one row ----
  const putPll = (e: PllEntry) => {
    pll.set(e.libId, e);
    touchedLib.add(e.libId);
  };
  const recallValid = (row: ReconcileRow, reason: RecallReason, note?: string, renewedBy?: string): boolean => {
    let ok = true;
    for (const p of row.items.prescriptions) {
      if (p.status === 'U') {
        block('recall-locked', `Resepten på ${p.medicine.name} er under ekspedering${p.dispenserName ? ` på ${p.dispenserName}` : ''} og kan ikke tilbakekalles nå. Vent til utleveringen er ferdig, les på nytt og prøv igjen.`, row.id);
        ok = false;
        continue;
      }
      if (!isValidPrescription(p, today)) continue;
      if (recalls.some((r) => r.reseptId === p.reseptId)) continue;
      recalls.push({ reseptId: p.reseptId, reason, ...(note ? { note } : {}), ...(renewedBy ? { renewedBy } : {}) });
    }
    return ok;
  };
  const activePll = (row: ReconcileRow) =>
    row.items.pll
      // A planned stop (date after today) is still a current entry: kept, changed or stopped now like any other.
      .filter((p) => !isStopped(p.discontinued, today))
      .map((p) => pll.get(p.libId) ?? p)
      .sort((a, b) => (a.lastChanged < b.lastChanged ? 1 : a.lastChanged > b.lastChanged ? -1 : 0));
  const activeLocals = (row: ReconcileRow) => row.items.local.filter((l) => !isStopped(l.discontinued, today)).map((l) => local.get(l.id) ?? l);
  const nationalContent = (row: ReconcileRow): Content | undefined => {
    const head = chainHead(row.items.prescriptions);
    const pA = activePll(row)[0];
    const src = pA ?? head;
    if (!src) return undefined;
    return {
      medicine: src.medicine,
      // The row's national dose (PLL's, without structured doses PLL's text has left behind).
      dosage: pA && row.nationalDosage ? row.nationalDosage : src.dosage,
      use: src.use,
      ...(src.purpose ? { purpose: src.purpose } : {}),
      ...((head?.expiresOn ?? pA?.expiresOn) ? { expiresOn: head?.expiresOn ?? pA?.expiresOn } : {}),
      ...((pA?.prescriber ?? head?.prescriber) ? { prescriber: pA?.prescriber ?? head?.prescriber } : {}),
      ...(head?.itemGroup ? { itemGroup: head.itemGroup } : {}),
    };
  };
  const localContent = (row: ReconcileRow): Content | undefined => {
    const l = activeLocals(row)[0] ?? row.items.local[0];
    if (!l) return undefined;
    return { medicine: l.medicine, dosage: l.dosage, use: l.use, ...(l.purpose ? { purpose: l.purpose } : {}), ...(l.expiresOn ? { expiresOn: l.expiresOn } : {}), ...(l.prescriber ? { prescriber: l.prescriber } : {}), ...(l.itemGroup ? { itemGroup: l.itemGroup } : {}) };
  };
  const isPllItem = (row: ReconcileRow) => !row.nonPll;

  /** Make the local list say what `c` says, for the row's active local entries (or a new one). */
  const alignLocal = (row: ReconcileRow, c: Content, link: { reseptId?: string; chain: string[]; libId?: string; rfStatus?: LocalListEntry['rfStatus'] }) => {
    const targets = activeLocals(row);
    const previous = link.chain.filter((id) => id !== link.reseptId);
    // The local lines follow their PLL entry's planned end of treatment (set, changed or none).
    const entry = link.libId ? pll.get(link.libId) : undefined;
    const planned = entry?.discontinued;
    const patch = {
      medicine: c.medicine,
      dosage: c.dosage,
      use: c.use,
      ...(c.purpose ? { purpose: c.purpose } : {}),
      ...(link.reseptId ? { reseptId: link.reseptId } : {}),
      ...(previous.length ? { previousReseptIds: previous } : {}),
      ...(link.libId ? { libId: link.libId } : {}),
      ...(c.expiresOn ? { expiresOn: c.expiresOn } : {}),
      ...(c.prescriber ? { prescriber: c.prescriber } : {}),
      ...(link.rfStatus ? { rfStatus: link.rfStatus } : {}),
      ...(isPlannedStop(planned, today) ? { discontinued: { at: planned.at, ...(planned.reason ? { reason: planned.reason } : {}), ...(planned.note ? { note: planned.note } : {}) } } : {}),
      updatedAt: nowIso,
    };
    if (targets.length === 0) {
      const id = ctx.newId();
      local.set(id, { id, patientId, startedOn: today, ...(c.itemGroup ? { itemGroup: c.itemGroup } : {}), ...(row.nonPll ? { category: categoryOf(c) } : {}), ...patch });
      return;
    }
    for (const t of targets) {
      const next: LocalListEntry = { ...t, ...patch };
      if (entry && !isPlannedStop(planned, today)) delete next.discontinued;
      local.set(t.id, next);
    }
  };
  const stopLocal = (row: ReconcileRow, reason: string, note: string | undefined, rfStatus?: LocalListEntry['rfStatus']) => {
    // Link a weakly matched line to the national identifiers, so the next read matches it for sure.
    const lib = activePll(row)[0]?.libId ?? row.libId;
    const rx = chainHead(row.items.prescriptions)?.reseptId;
    for (const t of activeLocals(row)) {
      local.set(t.id, {
        ...t,
        ...(!t.libId && lib ? { libId: lib } : {}),
        ...(!t.reseptId && rx ? { reseptId: rx } : {}),
        discontinued: { at: nowIso, reason, ...(note ? { note } : {}) },
        ...(rfStatus ? { rfStatus } : {}),
        updatedAt: nowIso,
      });
    }
  };
  const stopPll = (row: ReconcileRow, reason: string, note: string | undefined) => {
    for (const e of activePll(row)) putPll({ ...e, discontinued: { at: nowIso, reason, ...(note ? { note } : {}), by: sender }, lastChanged: nowIso });
  };
  /** Ensure the row has exactly the PLL entry `c` with prescription `reseptId`; returns its LibId. */
  const upsertPll = (row: ReconcileRow, c: Content, reseptId: string | undefined, changed: boolean): string | undefined => {
    if (!pllOn || !isPllItem(row)) return activePll(row)[0]?.libId;
    const existing = activePll(row)[0];
    if (existing && !changed) return existing.libId;
    // A new entry takes over the local line's planned end of treatment.
    const localPlanned = existing ? undefined : activeLocals(row).find((l) => isPlannedStop(l.discontinued, today))?.discontinued;
    const entry: PllEntry = {
      ...(existing ?? { libId: ctx.newId(), startedOn: today }),
      ...(localPlanned ? { discontinued: { ...localPlanned, by: sender } } : {}),
      ...(reseptId ? { reseptId } : {}),
      type: reseptId ? 'E' : 'U',
      lastChanged: nowIso,
      medicine: c.medicine,
      dosage: c.dosage,
      use: c.use,
      ...(c.purpose ? { purpose: c.purpose } : {}),
      ...(c.expiresOn ? { expiresOn: c.expiresOn } : {}),
      prescriber: c.prescriber ?? sender,
    };
    if (!reseptId) delete entry.reseptId;
    putPll(entry);
    return entry.libId;
  };
  const prescribe = (c: Content, renews: string | undefined, expiresOn?: IsoDate, extra?: Partial<Prescription>): Prescription => {
    const p: Prescription = {
      reseptId: ctx.newId(),
      prescribedOn: today,
      expiresOn: expiresOn ?? oneYearFrom(today),
      medicine: c.medicine,
      dosage: c.dosage,
      use: c.use,
      ...(c.purpose ? { purpose: c.purpose } : {}),
      status: 'E',
      ...(renews ? { renews } : {}),
      prescriber: sender,
      type: 'E',
      ...(c.itemGroup ? { itemGroup: c.itemGroup } : {}),
      ...extra,
    };
    newPrescriptions.push(p);
    return p;
  };
  /** New prescription replacing the row's chain head (renew, or renew with change). */
  const replace = (row: ReconcileRow, c: Content, reason: RecallReason, expiresOn?: IsoDate) => {
    const head = chainHead(row.items.prescriptions);
    const pA = activePll(row)[0];
    const renews = head?.reseptId ?? pA?.reseptId ?? activeLocals(row)[0]?.reseptId;
    const p = prescribe(c, renews, expiresOn);
    recallValid(row, reason, undefined, p.reseptId);
    const content: Content = { ...c, expiresOn: p.expiresOn, prescriber: sender };
    const libId = upsertPll(row, content, p.reseptId, true);
    alignLocal(row, content, { reseptId: p.reseptId, chain: [...row.reseptIds, p.reseptId], ...(libId ? { libId } : {}), rfStatus: 'E' });
  };

  for (const row of [...rows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const d = byRow.get(row.id);
    const head = chainHead(row.items.prescriptions);
    if (!d) {
      if (NEEDS_DECISION.has(row.status)) {
        block('undecided', `Ta stilling til «${row.name}» (${STATUS_LABEL[row.status].toLowerCase()}) før sending.`, row.id);
      } else if (pllOn && !hasPll && row.active && isPllItem(row) && activeLocals(row).length > 0) {
        // Creating a PLL: every current treatment gets an entry.
        const c = nationalContent(row) ?? localContent(row)!;
        const valid = head && isValidPrescription(head, today) ? head.reseptId : undefined;
        const libId = upsertPll(row, c, valid, false);
        alignLocal(row, c, { ...(valid ? { reseptId: valid } : {}), chain: row.reseptIds, ...(libId ? { libId } : {}) });
      }
      continue;
    }
    switch (d.kind) {
      case 'keep':
      case 'take-into-local': {
        if (d.kind === 'keep' && head && (head.status === 'T' || head.recall) && activeLocals(row).length > 0) {
          block('keep-recalled', `Resepten på ${row.name} er tilbakekalt. Velg «forny» for å fortsette eller «seponer».`, row.id);
          break;
        }
        if (row.status === 'discontinued-in-pll-active-locally' || (d.kind === 'keep' && row.status === 'discontinued-locally-active-nationally')) {
          block('not-applicable', `«Behold» er uklart for ${row.name}: den ene kilden sier seponert. Velg «seponer» eller «forny».`, row.id);
          break;
        }
        let c = nationalContent(row) ?? localContent(row);
        if (!c && row.items.dispensings.length > 0) {
          const disp = row.items.dispensings[row.items.dispensings.length - 1]!;
          const dosage = d.kind === 'take-into-local' && d.dosage ? d.dosage : disp.dosageText ? { text: disp.dosageText } : undefined;
          if (!dosage) {
            block('dosage-missing', `Utleveringen av ${row.name} har ingen dosering. Oppgi dosering før legemidlet tas inn i listen.`, row.id);
            break;
          }
          c = { medicine: disp.medicine, dosage, use: '1' };
        }
        if (!c) {
          block('not-applicable', `Det finnes ingen opplysninger å ta inn for ${row.name}.`, row.id);
          break;
        }
        const valid = head && isValidPrescription(head, today) ? head.reseptId : undefined;
        const pA = activePll(row)[0];
        // A PLL entry pointing at an older link of the chain is moved to the valid prescription (M1 content).
        const stale = !!pA && !!valid && pA.reseptId !== valid;
        if (stale) c = { ...c, medicine: head!.medicine, dosage: head!.dosage, use: head!.use, ...(head!.purpose ? { purpose: head!.purpose } : {}), expiresOn: head!.expiresOn, ...(head!.prescriber ? { prescriber: head!.prescriber } : {}) };
        const libId = upsertPll(row, c, valid, stale);
        const reseptId = valid ?? pA?.reseptId ?? head?.reseptId;
        alignLocal(row, c, { ...(reseptId ? { reseptId } : {}), chain: row.reseptIds, ...(libId ? { libId } : {}), ...(head ? { rfStatus: head.status } : {}) });
        break;
      }
      case 'change-dose': {
        if (!d.dosage || !d.dosage.text?.trim()) {
          block('dosage-missing', `Ny dosering for ${row.name} mangler. Skriv doseringen.`, row.id);
          break;
        }
        const c = nationalContent(row) ?? localContent(row) ?? dispensingContent(row);
        if (!c) {
          block('not-applicable', `Kan ikke endre dose for ${row.name}: legemidlet er ukjent.`, row.id);
          break;
        }
        replace(row, { ...c, dosage: d.dosage }, '3');
        break;
      }
      case 'renew': {
        const c = nationalContent(row) ?? localContent(row);
        if (!c) {
          block('not-applicable', `Kan ikke fornye ${row.name}: det finnes ingen resept eller listeoppføring å fornye. Velg «ny forskrivning».`, row.id);
          break;
        }
        replace(row, c, '1', d.expiresOn);
        break;
      }
      case 'discontinue':
      case 'not-taking':
      case 'registration-error': {
        const reason = d.kind === 'discontinue' ? d.reason?.trim() : d.kind === 'not-taking' ? CESSATION_NOT_USED : CESSATION_OTHER;
        const note = d.kind === 'registration-error' ? [REGISTRATION_ERROR_NOTE, d.note].filter(Boolean).join(': ') : d.kind === 'not-taking' ? (d.note ?? 'Pasienten bruker ikke legemidlet') : d.note;
        if (!reason) {
          block('reason-missing', `Oppgi årsak til seponering av ${row.name}.`, row.id);
          break;
        }
        const ok = recallValid(row, d.kind === 'registration-error' ? '4' : '2', note);
        if (!ok) break;
        stopPll(row, reason, note);
        if (activeLocals(row).length === 0 && row.items.local.length === 0) {
          // Record the position taken on external information in the local list (as stopped).
          const c = nationalContent(row) ?? dispensingContent(row);
          if (c) {
            const id = ctx.newId();
            const lastRx = head?.reseptId;
            local.set(id, {
              id,
              patientId,
              medicine: c.medicine,
              dosage: c.dosage,
              use: c.use,
              ...(lastRx ? { reseptId: lastRx } : {}),
              ...(activePll(row)[0] ? { libId: activePll(row)[0]!.libId } : {}),
              discontinued: { at: nowIso, reason, ...(note ? { note } : {}) },
              ...(row.nonPll ? { category: categoryOf(c) } : {}),
              updatedAt: nowIso,
            });
          }
        } else {
          stopLocal(row, reason, note, head && isValidPrescription(head, today) ? 'T' : undefined);
        }
        break;
      }
    }
  }

  for (const n of newLines) {
    const c: Content = { medicine: n.medicine, dosage: n.dosage, use: n.use, ...(n.purpose ? { purpose: n.purpose } : {}), ...(n.itemGroup ? { itemGroup: n.itemGroup } : {}) };
    if (!n.dosage?.text?.trim()) {
      block('dosage-missing', `Ny forskrivning av ${n.medicine.name || 'legemiddel'} mangler dosering.`, n.rowId);
      continue;
    }
    const p = prescribe(c, undefined, n.expiresOn, {
      ...(n.quantity ? { quantity: n.quantity } : {}),
      ...(n.reiterations !== undefined ? { reiterations: n.reiterations } : {}),
      ...(n.packages !== undefined ? { packages: n.packages } : {}),
    });
    const nonPll = isNonPllPrescription(p);
    let libId: string | undefined;
    if (pllOn && !nonPll) {
      libId = ctx.newId();
      putPll({ libId, reseptId: p.reseptId, type: 'E', startedOn: today, lastChanged: nowIso, medicine: c.medicine, dosage: c.dosage, use: c.use, ...(c.purpose ? { purpose: c.purpose } : {}), expiresOn: p.expiresOn, prescriber: sender });
    }
    const id = ctx.newId();
    local.set(id, {
      id,
      patientId,
      ...(libId ? { libId } : {}),
      reseptId: p.reseptId,
      medicine: c.medicine,
      dosage: c.dosage,
      use: c.use,
      ...(c.purpose ? { purpose: c.purpose } : {}),
      startedOn: today,
      expiresOn: p.expiresOn,
      prescriber: sender,
      rfStatus: 'E',
      ...(c.itemGroup ? { itemGroup: c.itemGroup } : {}),
      ...(nonPll ? { category: categoryOf(c) } : {}),
      updatedAt: nowIso,
    });
  }

  // Discontinued entries leave the PLL after the retention period (unless changed now).
  for (const [libId, e] of [...pll.entries()]) {
    if (isStopped(e.discontinued, today) && !touchedLib.has(libId) && daysBetween(e.discontinued!.at, today) > DISCONTINUED_RETENTION_DAYS) pll.delete(libId);
  }
  const pllList = [...pll.values()];
  const sendPll = hasPll || (pllOn && pllList.length > 0);
  const plan: SendPlan = {
    readId: read.readId,
    patient: read.patient,
    newPrescriptions,
    recalls,
    pll: sendPll ? pllList : null,
    ...(read.pllMessageId ? { pllMessageId: read.pllMessageId } : {}),
    sentAt: nowIso,
    sender,
  };

  const p = read.patient;
  if (p.multidose && sendPll && touchedLib.size > 0 && p.multidoseDoctorHpr && sender.hpr !== p.multidoseDoctorHpr) {
    block('not-multidose-doctor', `Pasienten får multidose. Bare multidoseansvarlig lege (HPR ${p.multidoseDoctorHpr}) kan endre legemiddellisten. Send endringsforslag til multidoselegen i stedet.`);
  }
  for (const b of validatePlan(read, plan, ctx.now)) {
    if (!blockers.some((x) => x.code === b.code && x.message === b.message)) blockers.push(b);
  }
  return { plan, blockers, local: [...local.values()] };
}

function dispensingContent(row: ReconcileRow): Content | undefined {
  const d = row.items.dispensings[row.items.dispensings.length - 1];
  if (!d) return undefined;
  return { medicine: d.medicine, dosage: { text: d.dosageText ?? '' }, use: '1' };
}

function categoryOf(c: Content): LocalListEntry['category'] {
  if (c.use === '4' || c.medicine.atc?.toUpperCase().startsWith('J07')) return 'vaccine';
  return c.itemGroup === 'A' ? 'consumable' : 'medicine';
}

