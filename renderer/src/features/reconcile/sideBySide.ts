// The side-by-side comparison of the local list (EPJ) with the national picture (PLL entries plus
// valid prescriptions in RF that have no PLL entry). Pure: the view only renders what this returns.
//
// Matching order: LibId (never changes), then ReseptId (also earlier links of the local renewal
// chain), then ATC code among what is still unmatched. RF identifiers only; never FHIR resource ids.

import type {
  Dosage,
  IsoDate,
  LocalListEntry,
  MedicationRead,
  MedicineRef,
  PllEntry,
  Prescription,
  PrescriptionStatus,
  Use,
} from '../../../../shared/model';

export interface NationalItem {
  /** Stable key for rendering: LibId for PLL entries, ReseptId for lone prescriptions. */
  key: string;
  source: 'pll' | 'prescription';
  libId?: string;
  reseptId?: string;
  medicine: MedicineRef;
  dosage: Dosage;
  use: Use;
  discontinued: boolean;
  /** RF status of the prescription behind the entry, when known. */
  status?: PrescriptionStatus;
  expiresOn?: IsoDate;
}

export type MatchedBy = 'libId' | 'reseptId' | 'atc';
export type Difference = 'medicine' | 'dosage' | 'use';

export type SideBySideRow =
  | { kind: 'same'; local: LocalListEntry; national: NationalItem; matchedBy: MatchedBy }
  | { kind: 'different'; local: LocalListEntry; national: NationalItem; matchedBy: MatchedBy; differences: Difference[] }
  /** The same treatment (by LibId/ReseptId), stopped on one side only: a discrepancy to resolve. */
  | { kind: 'discontinued-one-side'; local: LocalListEntry; national: NationalItem; matchedBy: MatchedBy; discontinuedIn: 'local' | 'national' }
  | { kind: 'discontinued-both'; local: LocalListEntry; national: NationalItem; matchedBy: MatchedBy }
  | { kind: 'only-local'; local: LocalListEntry }
  /** Vaccines, nutrition and consumables are never in PLL: not a discrepancy. */
  | { kind: 'not-pll-item'; local: LocalListEntry }
  | { kind: 'only-national'; national: NationalItem }
  | { kind: 'discontinued-local'; local: LocalListEntry }
  | { kind: 'discontinued-national'; national: NationalItem };

const NOT_PLL_CATEGORIES = new Set(['vaccine', 'nutrition', 'consumable']);

/** A prescription still valid in RF: dispensable or being dispensed, and not past its expiry date. */
export function isValidPrescription(p: Prescription, today: IsoDate): boolean {
  return (p.status === 'E' || p.status === 'U') && !p.recall && p.expiresOn >= today;
}

/** PLL entries, then valid prescriptions that no PLL entry refers to. */
export function nationalItems(read: Pick<MedicationRead, 'pll' | 'prescriptions'>, today: IsoDate): NationalItem[] {
  const byResept = new Map(read.prescriptions.map((p) => [p.reseptId, p]));
  const onPll = new Set(read.pll.map((e) => e.reseptId).filter((id): id is string => Boolean(id)));
  const fromPll = read.pll.map((e: PllEntry): NationalItem => {
    const rx = e.reseptId ? byResept.get(e.reseptId) : undefined;
    return {
      key: `lib:${e.libId}`,
      source: 'pll',
      libId: e.libId,
      ...(e.reseptId ? { reseptId: e.reseptId } : {}),
      medicine: e.medicine,
      dosage: e.dosage,
      use: e.use,
      discontinued: Boolean(e.discontinued),
      ...(rx ? { status: rx.status } : {}),
      ...(e.expiresOn ?? rx?.expiresOn ? { expiresOn: e.expiresOn ?? rx?.expiresOn } : {}),
    };
  });
  const lone = read.prescriptions
    .filter((p) => !onPll.has(p.reseptId) && isValidPrescription(p, today))
    .map(
      (p): NationalItem => ({
        key: `rx:${p.reseptId}`,
        source: 'prescription',
        reseptId: p.reseptId,
        medicine: p.medicine,
        dosage: p.dosage,
        use: p.use,
        discontinued: false,
        status: p.status,
        expiresOn: p.expiresOn,
      }),
    );
  return [...fromPll, ...lone];
}

const norm = (s: string | undefined) => (s ?? '').toLocaleLowerCase('nb').replace(/\s+/g, ' ').trim();
const normCode = (s: string) => s.replace(/\s+/g, '').replace(/,/g, '.');

function dosesKey(d: Dosage): string {
  return (d.doses ?? [])
    .map((x) => `${x.time}=${x.amount}${norm(x.unit)}`)
    .sort()
    .join('|');
}

/** Same dosing: structured doses when both have them, else the short code, else the text. */
export function sameDosage(a: Dosage, b: Dosage): boolean {
  const interval = (a.intervalDays ?? 1) === (b.intervalDays ?? 1);
  if (a.doses?.length && b.doses?.length) return interval && dosesKey(a) === dosesKey(b);
  if (a.shortCode && b.shortCode) return interval && normCode(a.shortCode) === normCode(b.shortCode);
  return norm(a.text) === norm(b.text);
}

export function sameMedicine(a: MedicineRef, b: MedicineRef): boolean {
  if (a.festId && b.festId) return a.festId === b.festId;
  return norm(a.name) === norm(b.name);
}

function compare(local: LocalListEntry, national: NationalItem, matchedBy: MatchedBy): SideBySideRow {
  const differences: Difference[] = [];
  if (!sameMedicine(local.medicine, national.medicine)) differences.push('medicine');
  if (!sameDosage(local.dosage, national.dosage)) differences.push('dosage');
  if (local.use !== national.use) differences.push('use');
  return differences.length === 0
    ? { kind: 'same', local, national, matchedBy }
    : { kind: 'different', local, national, matchedBy, differences };
}

function pairRow(local: LocalListEntry, national: NationalItem, matchedBy: MatchedBy): SideBySideRow {
  const l = Boolean(local.discontinued);
  const n = national.discontinued;
  if (l && n) return { kind: 'discontinued-both', local, national, matchedBy };
  if (l || n) return { kind: 'discontinued-one-side', local, national, matchedBy, discontinuedIn: l ? 'local' : 'national' };
  return compare(local, national, matchedBy);
}

/**
 * Pairs local entries with national items, each at most once; every input appears in exactly one
 * row. Identifiers (LibId, ReseptId) pair entries whatever their status, so "stopped on one side
 * only" shows up; ATC only pairs active entries that no identifier joined. Rows come in a stable
 * order: pairs (in local order), unpaired local, unpaired national, then discontinued ones.
 */
export function matchSideBySide(local: LocalListEntry[], national: NationalItem[]): SideBySideRow[] {
  const pairOf = new Map<LocalListEntry, { national: NationalItem; by: MatchedBy }>();
  const taken = new Set<NationalItem>();

  const pass = (
    by: MatchedBy,
    locals: LocalListEntry[],
    nationals: NationalItem[],
    keysOfLocal: (e: LocalListEntry) => string[],
    keyOfNational: (n: NationalItem) => string | undefined,
  ) => {
    const index = new Map<string, NationalItem>();
    for (const n of nationals) {
      const k = keyOfNational(n);
      if (k && !taken.has(n) && !index.has(k)) index.set(k, n);
    }
    for (const e of locals) {
      if (pairOf.has(e)) continue;
      for (const k of keysOfLocal(e)) {
        const n = index.get(k);
        if (n && !taken.has(n)) {
          pairOf.set(e, { national: n, by });
          taken.add(n);
          break;
        }
      }
    }
  };

  // Active entries first, so a LibId shared by an active and a stopped entry pairs the active ones.
  const byActivity = <T>(xs: T[], stopped: (x: T) => boolean) => [...xs.filter((x) => !stopped(x)), ...xs.filter(stopped)];
  const localsOrdered = byActivity(local, (e) => Boolean(e.discontinued));
  const nationalOrdered = byActivity(national, (n) => n.discontinued);
  pass('libId', localsOrdered, nationalOrdered, (e) => (e.libId ? [e.libId] : []), (n) => n.libId);
  pass('reseptId', localsOrdered, nationalOrdered, (e) => [e.reseptId, ...(e.previousReseptIds ?? [])].filter((x): x is string => Boolean(x)), (n) => n.reseptId);
  pass(
    'atc',
    local.filter((e) => !e.discontinued),
    national.filter((n) => !n.discontinued),
    (e) => (e.medicine.atc ? [e.medicine.atc.toUpperCase()] : []),
    (n) => n.medicine.atc?.toUpperCase(),
  );

  const rows: SideBySideRow[] = [];
  const late: SideBySideRow[] = [];
  for (const e of local) {
    const p = pairOf.get(e);
    if (!p) continue;
    const row = pairRow(e, p.national, p.by);
    (row.kind === 'discontinued-both' ? late : rows).push(row);
  }
  for (const e of local) {
    if (pairOf.has(e) || e.discontinued) continue;
    rows.push(e.category && NOT_PLL_CATEGORIES.has(e.category) ? { kind: 'not-pll-item', local: e } : { kind: 'only-local', local: e });
  }
  for (const n of national) if (!taken.has(n) && !n.discontinued) rows.push({ kind: 'only-national', national: n });
  for (const e of local) if (!pairOf.has(e) && e.discontinued) late.push({ kind: 'discontinued-local', local: e });
  for (const n of national) if (!taken.has(n) && n.discontinued) late.push({ kind: 'discontinued-national', national: n });
  return [...rows, ...late];
}

export interface SideBySideSummary {
  same: number;
  different: number;
  onlyLocal: number;
  onlyNational: number;
}

export function summarise(rows: SideBySideRow[]): SideBySideSummary {
  const s = { same: 0, different: 0, onlyLocal: 0, onlyNational: 0 };
  for (const r of rows) {
    if (r.kind === 'same') s.same++;
    else if (r.kind === 'different' || r.kind === 'discontinued-one-side') s.different++;
    else if (r.kind === 'only-local') s.onlyLocal++;
    else if (r.kind === 'only-national') s.onlyNational++;
  }
  return s;
}
