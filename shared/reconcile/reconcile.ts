import type { LocalListEntry, MedicineRef, PllEntry, Prescription } from '../model';
import { describeDosage, sameDosage, sameForm, sameStrength, USE_LABEL } from './compare';
import { daysBetween, isoDateOf, norDate } from './dates';
import { computeFindings } from './findings';
import { cmp, matchItems, type MatchedGroup } from './match';
import type { Difference, ReconcileInput, ReconcileResult, ReconcileRow, RowStatus, SafetyCatalogue, Source } from './types';
import { ROW_GROUPS, ROW_STATUSES, STATUS_GROUP, STATUS_LABEL } from './types';

/** A prescription "expires soon" when it has this many days or fewer left. */
export const EXPIRES_SOON_DAYS = 30;
/** Discontinued PLL entries stay in the list this many days after the discontinuation date. */
export const DISCONTINUED_RETENTION_DAYS = 90;

const NON_PLL_CATEGORIES = new Set(['vaccine', 'nutrition', 'consumable']);

/**
 * Compare the local list with one `$getMedication` read. Pure and deterministic: the same sources
 * in any order give the same rows (same ids, same order) and the same findings.
 */
export function reconcile(input: ReconcileInput, catalogue: SafetyCatalogue | null, now: Date): ReconcileResult {
  const { read } = input;
  const today = isoDateOf(now);
  const hasPll = read.pll.length > 0 || !!read.pllMessageId;
  const groups = matchItems(input.local, read.pll, read.prescriptions, read.dispensings);
  const used = new Set<string>();
  const rows = groups
    .map((g) => buildRow(g, { today, hasPll, catalogue }))
    .sort((a, b) => cmp(a.id, b.id))
    .map((r) => {
      // Ids are unique by construction (different rows share no identifier); guard anyway.
      let id = r.id;
      for (let n = 2; used.has(id); n++) id = `${r.id}#${n}`;
      used.add(id);
      return { ...r, id };
    })
    .sort(rowOrder);
  const notes: string[] = [];
  if (!hasPll) notes.push('Pasienten har ingen pasientens legemiddelliste (PLL) i Reseptformidleren ennå.');
  for (const e of [...read.errors].sort((a, b) => cmp(a.source + a.code, b.source + b.code))) {
    notes.push(`${e.source} svarte med feil ${e.code}: ${e.text}. Opplysninger fra ${e.source} kan mangle; les på nytt.`);
  }
  const findings = computeFindings(rows, read.criticalInfo, catalogue, now);
  return {
    patient: input.patient,
    readId: read.readId,
    today,
    hasPll,
    rows,
    findings,
    notes,
    ...(read.rfFetchedAt ? { rfFetchedAt: read.rfFetchedAt } : {}),
    ...(read.kjFetchedAt ? { kjFetchedAt: read.kjFetchedAt } : {}),
  };
}

function rowOrder(a: ReconcileRow, b: ReconcileRow): number {
  return (
    ROW_GROUPS.indexOf(a.group) - ROW_GROUPS.indexOf(b.group) ||
    ROW_STATUSES.indexOf(a.status) - ROW_STATUSES.indexOf(b.status) ||
    cmp(a.name.toLowerCase(), b.name.toLowerCase()) ||
    cmp(a.id, b.id)
  );
}

export const isNonPllLocal = (l: LocalListEntry) =>
  (l.category !== undefined && NON_PLL_CATEGORIES.has(l.category)) || l.use === '4' || l.itemGroup === 'A' || isVaccineAtc(l.medicine);
const isVaccineAtc = (m: MedicineRef) => !!m.atc && m.atc.toUpperCase().startsWith('J07');
export const isNonPllPrescription = (p: Prescription) => p.use === '4' || p.itemGroup === 'A' || isVaccineAtc(p.medicine);

/** Valid = can be dispensed today: E or U, not recalled, not expired. */
export function isValidPrescription(p: Prescription, today: string): boolean {
  return (p.status === 'E' || p.status === 'U') && !p.recall && p.expiresOn >= today;
}
export const isRecalled = (p: Prescription) => p.status === 'T' || !!p.recall;

/** The current link of a renewal chain: renewed by no other prescription in the row; newest first. */
export function chainHead(prescriptions: Prescription[]): Prescription | undefined {
  const renewed = new Set(prescriptions.map((p) => p.renews).filter((x): x is string => !!x));
  const heads = prescriptions.filter((p) => !renewed.has(p.reseptId));
  const pool = heads.length > 0 ? heads : prescriptions;
  return [...pool].sort((a, b) => cmp(b.prescribedOn, a.prescribedOn) || cmp(b.reseptId, a.reseptId))[0];
}

/** The renewal chain, oldest first. */
export function chainOf(items: MatchedGroup['items']): string[] {
  const out: string[] = [];
  const add = (id: string | undefined) => {
    if (id && !out.includes(id)) out.push(id);
  };
  for (const l of items.local) for (const id of l.previousReseptIds ?? []) add(id);
  const rx = [...items.prescriptions].sort((a, b) => cmp(a.prescribedOn, b.prescribedOn) || cmp(a.reseptId, b.reseptId));
  for (const r of rx) {
    add(r.renews);
    add(r.reseptId);
  }
  for (const p of items.pll) add(p.reseptId);
  for (const l of items.local) add(l.reseptId);
  return out;
}

const latestLocal = (list: LocalListEntry[]) => [...list].sort((a, b) => cmp(b.updatedAt, a.updatedAt) || cmp(a.id, b.id))[0];
const latestPll = (list: PllEntry[]) => [...list].sort((a, b) => cmp(b.lastChanged, a.lastChanged) || cmp(a.libId, b.libId))[0];

interface Ctx {
  today: string;
  hasPll: boolean;
  catalogue: SafetyCatalogue | null;
}

interface NationalRef {
  medicine: MedicineRef;
  dosage: PllEntry['dosage'];
  use: PllEntry['use'];
  expiresOn?: string;
  prescriber?: PllEntry['prescriber'];
}

function buildRow(g: MatchedGroup, ctx: Ctx): ReconcileRow {
  const { items } = g;
  const { today } = ctx;
  const localActive = items.local.filter((l) => !l.discontinued);
  const localStopped = items.local.filter((l) => !!l.discontinued);
  const pllActive = items.pll.filter((p) => !p.discontinued);
  const pllStopped = items.pll.filter((p) => !!p.discontinued);
  const head = chainHead(items.prescriptions);
  const headValid = !!head && isValidPrescription(head, today);
  const headRecalled = !!head && isRecalled(head);
  const headExpired = !!head && !headRecalled && !headValid;
  const L = latestLocal(localActive) ?? latestLocal(localStopped);
  const P = latestPll(pllActive) ?? latestPll(pllStopped);
  const nonPll = items.local.some(isNonPllLocal) || items.prescriptions.some(isNonPllPrescription);
  const reseptIds = chainOf(items);

  const national: NationalRef | undefined = latestPll(pllActive)
    ? { ...latestPll(pllActive)!, expiresOn: head?.expiresOn ?? latestPll(pllActive)!.expiresOn }
    : head ?? P;

  const differences: Difference[] = L && national ? compareFields(L, national) : [];
  const major = differences.some((d) => d.field === 'dose' || d.field === 'strength' || d.field === 'form' || d.field === 'use');
  const notes: string[] = [];

  // The latest date the treatment was stopped anywhere (PLL, local, recall "Seponering").
  const stopDates = [
    ...pllStopped.map((p) => p.discontinued!.at),
    ...localStopped.map((l) => l.discontinued!.at),
    ...items.prescriptions.filter((p) => p.recall?.reason === '2' && p.recall.at).map((p) => p.recall!.at!),
  ].sort();
  const discontinuedAt = stopDates[stopDates.length - 1];

  let status: RowStatus;
  // The active PLL entry must point at a valid prescription: not one RF did not return, and not an
  // older, recalled or expired link of the chain when a newer valid one exists.
  const pCur = latestPll(pllActive);
  const pRx = pCur?.reseptId ? items.prescriptions.find((p) => p.reseptId === pCur.reseptId) : undefined;
  const pllEntryWithoutValidRx =
    !!pCur &&
    pCur.type === 'E' &&
    (!pCur.reseptId || !pRx || (!isValidPrescription(pRx, today) && headValid && head!.reseptId !== pRx.reseptId));
  if (items.local.length === 0 && items.pll.length === 0 && items.prescriptions.length === 0) {
    status = 'dispensed-not-listed';
    notes.push('Kjernejournal viser utlevering av et legemiddel som ikke står på lokal liste, i PLL eller som gyldig resept.');
  } else if (localActive.length > 0) {
    if (headRecalled) {
      status = 'recalled-but-active-locally';
      notes.push(`Resepten ble tilbakekalt${head!.recall?.reason ? ` (${recallLabel(head!.recall.reason)})` : ''}, men står som aktiv i lokal liste.`);
    } else if (ctx.hasPll && pllActive.length === 0 && pllStopped.length > 0) {
      status = 'discontinued-in-pll-active-locally';
      notes.push(`Seponert i PLL ${norDate(latestPll(pllStopped)!.discontinued!.at)}${latestPll(pllStopped)!.discontinued!.by ? ` av ${latestPll(pllStopped)!.discontinued!.by!.name}` : ''}, men aktiv i lokal liste.`);
    } else if (!head && pllActive.length === 0) {
      status = nonPll ? 'not-pll-item' : 'only-local';
    } else if (headExpired && !nonPll) {
      status = 'prescription-expired-treatment-continues';
      notes.push(head!.status === 'R' ? 'Resepten er ferdig ekspedert; behandlingen står som aktiv.' : `Resepten utløp ${norDate(head!.expiresOn)}; behandlingen står som aktiv.`);
    } else if (major) {
      status = 'dose-differs';
    } else if (pllEntryWithoutValidRx) {
      status = 'pll-entry-without-valid-prescription';
      notes.push(
        pRx
          ? 'PLL-oppføringen viser til en eldre resept i kjeden, ikke til den gyldige resepten.'
          : 'PLL-oppføringen viser til en resept som ikke finnes som gyldig resept i Reseptformidleren.',
      );
    } else if (ctx.hasPll && pllActive.length === 0 && headValid && !nonPll) {
      status = 'prescription-without-pll-entry';
      notes.push('Gyldig resept som ikke er ført i pasientens legemiddelliste.');
    } else if (headValid && !nonPll && head!.use !== '2' && daysBetween(today, head!.expiresOn) <= EXPIRES_SOON_DAYS) {
      status = 'expires-soon';
      notes.push(`Resepten utløper ${norDate(head!.expiresOn)} (om ${daysBetween(today, head!.expiresOn)} dager).`);
    } else if (differences.length > 0) {
      status = 'details-differ';
    } else {
      status = 'in-sync';
    }
  } else if (localStopped.length > 0 && (pllActive.length > 0 || headValid)) {
    status = 'discontinued-locally-active-nationally';
    notes.push(`Seponert i lokal liste ${norDate(latestLocal(localStopped)!.discontinued!.at)}, men ${pllActive.length > 0 ? 'aktiv i PLL' : 'resepten kan fortsatt ekspederes'}.`);
  } else if (pllActive.length > 0) {
    status = 'only-pll';
  } else if (headValid) {
    status = 'only-prescription';
  } else if (discontinuedAt) {
    const days = daysBetween(discontinuedAt, today);
    status = days > DISCONTINUED_RETENTION_DAYS ? 'discontinued-expired' : 'discontinued';
    notes.push(`Seponert ${norDate(discontinuedAt)} (${days} dager siden).`);
  } else {
    status = 'ended';
  }
  if (g.match === 'atc' || g.match === 'atc-strength-form' || g.match === 'fest-id' || g.match === 'name') {
    const how = { atc: 'ATC-kode', 'fest-id': 'FEST-id', 'atc-strength-form': 'ATC, styrke og form', name: 'legemiddelnavn' }[g.match];
    notes.push(`Koblet bare på ${how}: kontroller at det er samme behandling.`);
  }
  const lastDisp = items.dispensings[items.dispensings.length - 1];
  if (discontinuedAt && lastDisp && lastDisp.dispensedAt > discontinuedAt && (status === 'discontinued' || status === 'discontinued-expired' || status === 'ended')) {
    notes.push(`Utlevert ${norDate(lastDisp.dispensedAt)}, etter seponeringen: spør pasienten om legemidlet fortsatt brukes.`);
  }
  if (status === 'discontinued-locally-active-nationally' && L?.discontinued) {
    differences.push({
      field: 'status',
      label: 'Status',
      local: `Seponert ${norDate(L.discontinued.at)}`,
      national: pllActive.length > 0 ? 'Aktiv i PLL' : 'Gyldig resept',
    });
  }

  const sources: Source[] = [];
  if (items.local.length) sources.push('local');
  if (items.pll.length) sources.push('pll');
  if (items.prescriptions.length) sources.push('prescription');
  if (items.dispensings.length) sources.push('dispensing');

  const medicine =
    latestPll(pllActive)?.medicine ?? head?.medicine ?? L?.medicine ?? P?.medicine ?? items.dispensings[items.dispensings.length - 1]!.medicine;
  const allMeds = [...items.local.map((x) => x.medicine), ...items.pll.map((x) => x.medicine), ...items.prescriptions.map((x) => x.medicine), ...items.dispensings.map((x) => x.medicine)];
  const atcs = [...new Set(allMeds.map((m) => m.atc?.toUpperCase()).filter((x): x is string => !!x))].sort();
  const atc = medicine.atc?.toUpperCase() ?? atcs[0];
  const substances = new Set<string>();
  for (const m of allMeds) {
    for (const s of m.substances ?? []) substances.add(s.toLowerCase());
    if (m.festId && ctx.catalogue?.productById) for (const s of ctx.catalogue.productById(m.festId)?.substances ?? []) substances.add(s.toLowerCase());
  }
  if (ctx.catalogue?.substancesOfAtc) for (const a of atcs) for (const s of ctx.catalogue.substancesOfAtc(a)) substances.add(s.toLowerCase());

  const libIds = [...pllActive.map((p) => p.libId).sort(), ...pllStopped.map((p) => p.libId).sort(), ...items.local.map((l) => l.libId).filter((x): x is string => !!x).sort()];
  const libId = libIds[0];
  const localIds = items.local.map((l) => l.id).sort();
  const id = libId
    ? `lib:${libId}`
    : localIds[0]
      ? `local:${localIds[0]}`
      : reseptIds[0]
        ? `rx:${reseptIds[0]}`
        : `disp:${g.dispensingKey ?? items.dispensings[0]!.id}`;

  const active = localActive.length > 0 || pllActive.length > 0 || headValid;
  const lastDispensedAt = items.dispensings[items.dispensings.length - 1]?.dispensedAt;
  return {
    id,
    status,
    group: STATUS_GROUP[status],
    label: STATUS_LABEL[status],
    name: medicine.name,
    ...(atc ? { atc } : {}),
    atcs,
    substances: [...substances].sort(),
    reseptIds,
    ...(head ? { headReseptId: head.reseptId } : {}),
    ...(libId ? { libId } : {}),
    sources,
    match: g.match,
    weakMatch: g.match === 'atc' || g.match === 'atc-strength-form' || g.match === 'fest-id' || g.match === 'name',
    differences,
    notes,
    nonPll,
    active,
    ...(head ? { expiresOn: head.expiresOn } : {}),
    ...(discontinuedAt ? { discontinuedAt } : {}),
    ...(lastDispensedAt ? { lastDispensedAt } : {}),
    items: {
      local: [...items.local].sort((a, b) => cmp(a.id, b.id)),
      pll: [...items.pll].sort((a, b) => cmp(a.libId, b.libId)),
      prescriptions: [...items.prescriptions].sort((a, b) => cmp(a.prescribedOn, b.prescribedOn) || cmp(a.reseptId, b.reseptId)),
      dispensings: items.dispensings,
    },
  };
}

export function recallLabel(reason: string): string {
  return { '1': 'fornying', '2': 'seponering', '3': 'fornying med endring', '4': 'annen årsak', '5': 'administrativ sletting' }[reason] ?? `årsak ${reason}`;
}

function compareFields(local: LocalListEntry, national: NationalRef): Difference[] {
  const out: Difference[] = [];
  if (!sameDosage(local.dosage, national.dosage)) {
    out.push({ field: 'dose', label: 'Dosering', local: describeDosage(local.dosage), national: describeDosage(national.dosage) });
  }
  if (local.medicine.strength && national.medicine.strength && !sameStrength(local.medicine.strength, national.medicine.strength)) {
    out.push({ field: 'strength', label: 'Styrke', local: local.medicine.strength, national: national.medicine.strength });
  }
  if (local.medicine.form && national.medicine.form && !sameForm(local.medicine.form, national.medicine.form)) {
    out.push({ field: 'form', label: 'Legemiddelform', local: local.medicine.form, national: national.medicine.form });
  }
  if (local.use !== national.use) {
    out.push({ field: 'use', label: 'Bruk', local: USE_LABEL[local.use] ?? local.use, national: USE_LABEL[national.use] ?? national.use });
  }
  if (local.expiresOn && national.expiresOn && local.expiresOn.slice(0, 10) !== national.expiresOn.slice(0, 10)) {
    out.push({ field: 'expiry', label: 'Utløpsdato', local: norDate(local.expiresOn), national: norDate(national.expiresOn) });
  }
  const lp = local.prescriber;
  const np = national.prescriber;
  if (lp && np) {
    const same = lp.hpr && np.hpr ? lp.hpr === np.hpr : lp.name.trim().toLowerCase() === np.name.trim().toLowerCase();
    if (!same) out.push({ field: 'prescriber', label: 'Forskriver', local: prescriberText(lp), national: prescriberText(np) });
  }
  return out;
}

const prescriberText = (p: { name: string; hpr?: string }) => (p.hpr ? `${p.name} (HPR ${p.hpr})` : p.name);
