// Dosage: Norwegian number formatting and parsing, Kortdose (code list 7478) short codes,
// readable dosage text, the nurse's time-of-day grouping, and dosage comparison for
// reconciliation. Pure functions, no I/O.
//
// Kortdose grids, verified against real M1s (reference/sfm-tools):
//   4 parts a+b+c+d = Morgen (8325:1) + Formiddag (2) + Ettermiddag (4) + Kveld (5)
//     (M1 "1+1+1+1" V=217 inside message-samples/ERM251 has Tidsomrade 1, 2, 4, 5; ODD Simvastatin
//     "0+0+0+2" is "2 tabletter kveld" with Tidsomrade 5).
//   3 parts a+b+c   = Morgen (1) + Midt på dagen (3) + Kveld (5)
//     (EX getMedication-multidose: "1+1+1" code 216 and "2+2+2" code 304 have timerange 1, 3, 5).
// Other 7478 codes ("1x3", "1x1x5", "1 daglig", "Følg vedlagte bruksanvisning") do not name the
// times of day; parseShortCode refuses them with a reason rather than guessing.

import type { Dosage, DoseAtTime, TimeOfDay, Use } from './model';
import { amountMessages as am, shortCodeMessages as sm } from './messages-nb';

// ---------------------------------------------------------------- time of day

/**
 * Code list 8325 Tidsområde codes seen in real data, their Norwegian label, and the coarser
 * TimeOfDay they are grouped under in the nurse's four-round view. Formiddag and Ettermiddag
 * both fall in "midday" (the round between morning and evening); the label keeps them apart.
 */
export const TIME_RANGES_8325: Readonly<Record<string, { label: string; timeOfDay: TimeOfDay; minutes: number }>> = {
  '1': { label: 'morgen', timeOfDay: 'morning', minutes: 8 * 60 },
  '2': { label: 'formiddag', timeOfDay: 'midday', minutes: 10 * 60 + 30 },
  '3': { label: 'midt på dagen', timeOfDay: 'midday', minutes: 12 * 60 + 30 },
  '4': { label: 'ettermiddag', timeOfDay: 'midday', minutes: 15 * 60 + 30 },
  '5': { label: 'kveld', timeOfDay: 'evening', minutes: 19 * 60 },
};

export const TIME_OF_DAY_LABEL: Readonly<Record<TimeOfDay, string>> = {
  morning: 'morgen',
  midday: 'midt på dagen',
  evening: 'kveld',
  night: 'natt',
};

export const TIMES_OF_DAY: readonly TimeOfDay[] = ['morning', 'midday', 'evening', 'night'];

/** The 8325 code a TimeOfDay without a code stands for (night has none in the verified list). */
const DEFAULT_RANGE: Record<TimeOfDay, string> = { morning: '1', midday: '3', evening: '5', night: 'natt' };
const TIME_OF_DAY_MINUTES: Record<TimeOfDay, number> = { morning: 480, midday: 750, evening: 1140, night: 1350 };

/** The TimeOfDay an 8325 code belongs to, or null for a code not in the verified list. */
export function timeOfDayForTimeRange(code: string): TimeOfDay | null {
  return TIME_RANGES_8325[code]?.timeOfDay ?? null;
}

function parseClock(t: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** The round a clock time `HH:mm` falls in: 04–10 morning, 10–16 midday, 16–22 evening, else night. */
export function timeOfDayForClock(hhmm: string): TimeOfDay | null {
  const m = parseClock(hhmm);
  if (m === null) return null;
  if (m >= 4 * 60 && m < 10 * 60) return 'morning';
  if (m >= 10 * 60 && m < 16 * 60) return 'midday';
  if (m >= 16 * 60 && m < 22 * 60) return 'evening';
  return 'night';
}

function isTimeOfDay(t: string): t is TimeOfDay {
  return t === 'morning' || t === 'midday' || t === 'evening' || t === 'night';
}

/** Where a dose sits in the day, for sorting: minutes after midnight (approximate for ranges). */
function doseMinutes(d: DoseAtTime): number {
  if (d.timeRange && TIME_RANGES_8325[d.timeRange]) return TIME_RANGES_8325[d.timeRange]!.minutes;
  if (isTimeOfDay(d.time)) return TIME_OF_DAY_MINUTES[d.time];
  const m = parseClock(d.time);
  // A clock time after midnight but before 04:00 is the night round, after the evening.
  if (m !== null) return m < 4 * 60 ? m + 24 * 60 : m;
  return 99 * 60;
}

/** The words for when a dose is given: "morgen", "formiddag", "kl. 08:00". */
export function doseTimeLabel(d: DoseAtTime): string {
  if (d.timeRange && TIME_RANGES_8325[d.timeRange]) return TIME_RANGES_8325[d.timeRange]!.label;
  if (isTimeOfDay(d.time)) return TIME_OF_DAY_LABEL[d.time];
  const m = parseClock(d.time);
  if (m !== null) return `kl. ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `tidspunkt «${d.time}»`;
}

/** A stable key for the moment of a dose, used to pair doses of two dosages. */
function slotKey(d: DoseAtTime): string {
  if (d.timeRange) return `r${d.timeRange}`;
  if (isTimeOfDay(d.time)) return `r${DEFAULT_RANGE[d.time]}`;
  const m = parseClock(d.time);
  return m !== null ? `c${m}` : `x${d.time}`;
}

function sortDoses(doses: readonly DoseAtTime[]): DoseAtTime[] {
  return [...doses].sort((a, b) => doseMinutes(a) - doseMinutes(b));
}

// ---------------------------------------------------------------- numbers

const NBSP = '\u00a0';

/**
 * A dose amount in Norwegian notation: decimal comma, no trailing zeros, at most 4 decimals
 * ("0,5", "2", "1,25"). From 10 000 up the thousands are grouped with a non-breaking space
 * ("10 000"). A non-zero value smaller than 0,0001 is written with up to 10 decimals rather
 * than as "0". Throws RangeError for NaN and infinities: they are never a dose.
 */
export function formatAmount(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  const abs = Math.abs(n);
  let fixed = abs.toFixed(4);
  if (Number(fixed) === 0 && abs !== 0) fixed = abs.toFixed(10);
  if (/e/i.test(fixed)) throw new RangeError(`amount too large to format: ${n}`);
  let [int = '0', frac = ''] = fixed.split('.');
  frac = frac.replace(/0+$/, '');
  if (int.length > 4) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const body = frac ? `${int},${frac}` : int;
  return n < 0 && body !== '0' ? `-${body}` : body;
}

const PLURAL: Record<string, string> = {
  tablett: 'tabletter',
  kapsel: 'kapsler',
  dråpe: 'dråper',
  dose: 'doser',
  stikkpille: 'stikkpiller',
  ampulle: 'ampuller',
  pose: 'poser',
  sprøyte: 'sprøyter',
  pastill: 'pastiller',
  vagitorie: 'vagitorier',
  inhalasjon: 'inhalasjoner',
  applikasjon: 'applikasjoner',
  teskje: 'teskjeer',
  spiseskje: 'spiseskjeer',
  måleskje: 'måleskjeer',
  enhet: 'enheter',
  pakning: 'pakninger',
};
const SINGULAR: Record<string, string> = Object.fromEntries(Object.entries(PLURAL).map(([s, p]) => [p, s]));

/** The singular, lower-case form of a unit ("Tabletter" → "tablett"), for comparing units. */
export function normalizeUnit(unit: string): string {
  const u = unit.trim().toLowerCase();
  if (SINGULAR[u]) return SINGULAR[u]!;
  if (u.endsWith('tabletter')) return u.slice(0, -2);
  if (u.endsWith('kapsler')) return `${u.slice(0, -7)}kapsel`;
  return u;
}

function pluralOf(singular: string): string | null {
  if (PLURAL[singular]) return PLURAL[singular]!;
  if (singular.endsWith('tablett')) return `${singular}er`; // depottablett, brusetablett, …
  if (singular.endsWith('kapsel')) return `${singular.slice(0, -6)}kapsler`; // depotkapsel, …
  return null;
}

/**
 * Amount and unit: "0,5 tablett", "2 tabletter", "10 mg". Count words (tablett, kapsel, dråpe,
 * dose, …) take the plural above 1; other units (mg, ml, IE, stk, …) are kept as given.
 */
export function formatQuantity(n: number, unit: string): string {
  const amount = formatAmount(n);
  const u = unit.trim();
  if (!u) return amount;
  const singular = normalizeUnit(u);
  const known = singular !== u.toLowerCase() || pluralOf(singular) !== null;
  let word = u;
  if (known) {
    const inflected = Math.abs(n) > 1 ? (pluralOf(singular) ?? singular) : singular;
    word = u[0] !== u[0]!.toLowerCase() ? inflected[0]!.toUpperCase() + inflected.slice(1) : inflected;
  }
  return `${amount} ${word}`;
}

export type AmountResult = { ok: true; value: number } | { ok: false; message: string };

const VULGAR: Record<string, [number, number]> = {
  '½': [1, 2], '⅓': [1, 3], '⅔': [2, 3], '¼': [1, 4], '¾': [3, 4], '⅕': [1, 5], '⅖': [2, 5], '⅗': [3, 5],
  '⅘': [4, 5], '⅙': [1, 6], '⅚': [5, 6], '⅛': [1, 8], '⅜': [3, 8], '⅝': [5, 8], '⅞': [7, 8],
};
const MAX_AMOUNT = 1_000_000;

/**
 * Parse an amount a person typed. Accepts whole numbers ("2"), comma decimals ("0,5", up to 4
 * decimals), fractions ("1/2", "1 1/2", "½", "1½") and space-grouped thousands ("10 000").
 *
 * Refused, each with a Norwegian reason:
 * - any "." — "1.000" is 1 to some readers and 1000 to others, and "1.5" is English notation;
 *   in a Norwegian dose field the safe rule is to ask for a comma;
 * - a comma followed by exactly three digits ending in 0 after a non-zero whole part ("1,000",
 *   "2,500"): an English thousands separator as likely as a decimal (Norwegian decimals are not
 *   written with trailing zeros; "0,125" stays accepted);
 * - fractions that give no exact decimal (1/3), division by zero, more than 4 decimals;
 * - negative, zero (unless `allowZero`, as inside a Kortdose), above 1 000 000.
 * Never throws.
 */
export function parseAmount(text: string, opts: { allowZero?: boolean } = {}): AmountResult {
  const t = (typeof text === 'string' ? text : '').replace(/[\u00a0\u202f\t]/g, ' ').trim();
  if (t === '') return { ok: false, message: am.empty() };
  if (t.includes('.')) return { ok: false, message: am.decimalPoint(t) };
  const negative = /^[-\u2212]/.test(t);
  const body = negative ? t.slice(1).trim() : t;
  const core = parseUnsigned(body, t);
  if (!core.ok) return core;
  if (negative && core.value !== 0) return { ok: false, message: am.negative() };
  const value = core.value;
  if (value === 0 && !opts.allowZero) return { ok: false, message: am.zero() };
  if (value > MAX_AMOUNT) return { ok: false, message: am.tooLarge() };
  return { ok: true, value: value === 0 ? 0 : value };
}

function parseUnsigned(body: string, shown: string): AmountResult {
  let m = /^(?:(\d+)\s*)?([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞])$/.exec(body);
  if (m) {
    const [num, den] = VULGAR[m[2]!]!;
    return fraction(Number(m[1] ?? 0), num, den, shown);
  }
  m = /^(?:(\d+)\s+)?(\d+)\s*[/\u2044]\s*(\d+)$/.exec(body);
  if (m) return fraction(Number(m[1] ?? 0), Number(m[2]), Number(m[3]), shown);
  m = /^(\d{1,3}(?: \d{3})+|\d+)(?:,(\d+))?$/.exec(body);
  if (!m) return { ok: false, message: am.notANumber(shown) };
  const int = m[1]!.replace(/ /g, '');
  const frac = m[2] ?? '';
  if (/^[1-9]\d{0,2}$/.test(m[1]!) && /^\d\d0$/.test(frac)) return { ok: false, message: am.ambiguousComma(shown) };
  if (frac.length > 4) return { ok: false, message: am.tooManyDecimals(shown) };
  if (int.length > 12) return { ok: false, message: am.tooLarge() };
  return { ok: true, value: Number(frac ? `${int}.${frac}` : int) };
}

function fraction(whole: number, num: number, den: number, shown: string): AmountResult {
  if (den === 0) return { ok: false, message: am.divideByZero(shown) };
  if (whole > MAX_AMOUNT || num > 1e9 || den > 1e9) return { ok: false, message: am.tooLarge() };
  const total = whole * den + num; // value = total / den
  if ((total * 10_000) % den !== 0) return { ok: false, message: am.inexactFraction(shown) };
  // total*10000/den is an exact integer, so dividing by 10 000 gives the same double as "x,yyyy".
  return { ok: true, value: (total * 10_000) / den / 10_000 };
}

// ---------------------------------------------------------------- Kortdose

const GRID: Record<3 | 4, readonly string[]> = { 3: ['1', '3', '5'], 4: ['1', '2', '4', '5'] };

export type ShortCodeResult =
  | { ok: true; doses: DoseAtTime[]; parts: 3 | 4 }
  | { ok: false; reason: 'empty' | 'not-time-of-day' | 'separator' | 'parts' | 'amount' | 'all-zero'; message: string };

/**
 * Parse a time-of-day Kortdose such as "1+0+0+1" (morgen+formiddag+ettermiddag+kveld) or
 * "1+1+1" (morgen+midt på dagen+kveld) into doses in `unit` (the prescription's dose unit; the
 * code itself has none). Parts may be "0,5", "½" or "1/2". Zero parts give no dose. Never throws.
 */
export function parseShortCode(code: string, unit = ''): ShortCodeResult {
  const t = (typeof code === 'string' ? code : '').trim();
  if (t === '') return { ok: false, reason: 'empty', message: sm.empty() };
  if (!t.includes('+')) {
    // "1-0-0-1" is a common way of writing it by hand; say how to write it rather than refuse blindly.
    if (/^[^-]+(?:-[^-]+){2,3}$/.test(t) && t.split('-').every((p) => parseAmount(p, { allowZero: true }).ok)) {
      return { ok: false, reason: 'separator', message: sm.separator(t, t.split('-').map((p) => p.trim()).join('+')) };
    }
    return { ok: false, reason: 'not-time-of-day', message: sm.notTimeOfDay(t) };
  }
  const parts = t.split('+').map((p) => p.trim());
  if (parts.length !== 3 && parts.length !== 4) {
    return { ok: false, reason: 'parts', message: sm.partCount(t, parts.length) };
  }
  const grid = GRID[parts.length];
  const doses: DoseAtTime[] = [];
  for (let i = 0; i < parts.length; i++) {
    const r = parseAmount(parts[i]!, { allowZero: true });
    if (!r.ok) return { ok: false, reason: 'amount', message: sm.part(i + 1, r.message) };
    if (r.value === 0) continue;
    const range = grid[i]!;
    doses.push({ time: TIME_RANGES_8325[range]!.timeOfDay, timeRange: range, amount: r.value, unit });
  }
  if (doses.length === 0) return { ok: false, reason: 'all-zero', message: sm.allZero(t) };
  return { ok: true, doses, parts: parts.length };
}

/**
 * The Kortdose for doses, or null when they cannot be written as one: a clock time or night,
 * two doses at the same time, different units, or times from both grids (formiddag with
 * midt på dagen). Without `parts` the grid follows the doses: 4 parts when formiddag or
 * ettermiddag is used, 3 when midt på dagen is, else 4 (morning/evening only, as the real
 * codes 1+0+0+0 and 0+0+0+2).
 */
export function formatShortCode(doses: readonly DoseAtTime[], parts?: 3 | 4): string | null {
  if (doses.length === 0) return null;
  const units = new Set(doses.map((d) => normalizeUnit(d.unit)));
  if (units.size > 1) return null;
  const slots: string[] = [];
  for (const d of doses) {
    if (d.timeRange !== undefined) {
      if (!TIME_RANGES_8325[d.timeRange]) return null;
      slots.push(d.timeRange);
    } else if (isTimeOfDay(d.time) && d.time !== 'night') {
      slots.push(DEFAULT_RANGE[d.time]);
    } else {
      return null;
    }
    if (!(d.amount > 0) || !Number.isFinite(d.amount)) return null;
  }
  const grid = parts ?? (slots.some((s) => s === '2' || s === '4') ? 4 : slots.includes('3') ? 3 : 4);
  const amounts = GRID[grid].map(() => 0);
  const seen = new Set<string>();
  for (let i = 0; i < slots.length; i++) {
    const at = GRID[grid].indexOf(slots[i]!);
    if (at < 0 || seen.has(slots[i]!)) return null;
    seen.add(slots[i]!);
    amounts[at] = doses[i]!.amount;
  }
  return amounts.map((a) => formatAmount(a)).join('+');
}

// ---------------------------------------------------------------- readable text

function joinNb(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}

/** "annenhver dag", "hver uke", "hver 3. dag"; "" for daily. */
export function intervalText(days: number | undefined): string {
  if (days === undefined || days === 1) return '';
  if (!Number.isInteger(days) || days < 1) return `ugyldig intervall (${String(days)} dager)`;
  if (days === 2) return 'annenhver dag';
  if (days === 7) return 'hver uke';
  if (days === 14) return 'annenhver uke';
  return `hver ${days}. dag`;
}

/** The text written by the prescriber often states the maximum already ("høyst 6 i døgnet"). */
function textStatesMaximum(d: Dosage, doses: readonly DoseAtTime[]): boolean {
  return doses.length === 0 && /\bhøyst\b|\bmaks/i.test(d.text ?? '');
}

/**
 * The dosage in words. From structured doses when there are any ("1 tablett morgen og
 * 2 tabletter kveld", sorted through the day), else the dosage text as written. Use 3
 * (ved behov) is prefixed "Ved behov: ". A dosage without doses or text says so.
 */
export function formatDosage(d: Dosage, opts: { use?: Use } = {}): string {
  const doses = d.doses ?? [];
  let body: string;
  if (doses.length > 0) {
    body = joinNb(sortDoses(doses).map((x) => `${formatQuantity(x.amount, x.unit)} ${doseTimeLabel(x)}`));
    const every = intervalText(d.intervalDays);
    if (every) body += ` ${every}`;
  } else {
    body = (d.text ?? '').trim() || 'Dosering mangler';
  }
  if (d.maxPerDay !== undefined && !textStatesMaximum(d, doses)) {
    body += `, høyst ${formatQuantity(d.maxPerDay, doses[0]?.unit ?? '')} per døgn`;
  }
  if (opts.use === '3' && !/^ved behov\b/i.test(body)) body = `Ved behov: ${body}`;
  return body;
}

export interface ScheduledDose {
  /** "morgen", "formiddag", "kl. 08:00"; empty for a dosage known only as text. */
  label: string;
  /** "1 tablett", or the whole dosage text when there are no structured doses. */
  text: string;
  amount?: number;
  unit?: string;
  time?: DoseAtTime['time'];
  timeRange?: string;
  /** "hver uke", "høyst 4 tabletter per døgn". */
  note?: string;
}

export type DosesByTimeOfDay = Record<TimeOfDay | 'asNeeded' | 'unscheduled', ScheduledDose[]>;

/**
 * The dosage laid out for the nurse's rounds. Fixed doses go to morning/midday/evening/night
 * (8325 codes and clock times grouped as in TIME_RANGES_8325 and timeOfDayForClock), sorted
 * through the day. Use 3 (ved behov) puts everything under asNeeded. A dosage known only as
 * text, or a dose whose time cannot be read, goes to `unscheduled` so it is never dropped.
 */
export function dosesByTimeOfDay(d: Dosage, opts: { use?: Use } = {}): DosesByTimeOfDay {
  const out: DosesByTimeOfDay = { morning: [], midday: [], evening: [], night: [], asNeeded: [], unscheduled: [] };
  const doses = sortDoses(d.doses ?? []);
  const notes: string[] = [];
  const every = intervalText(d.intervalDays);
  if (every) notes.push(every);
  if (d.maxPerDay !== undefined && !textStatesMaximum(d, doses)) notes.push(`høyst ${formatQuantity(d.maxPerDay, doses[0]?.unit ?? '')} per døgn`);
  const note = notes.length ? notes.join(', ') : undefined;
  const asNeeded = opts.use === '3';

  if (doses.length === 0) {
    const entry: ScheduledDose = { label: '', text: (d.text ?? '').trim() || 'Dosering mangler', ...(note ? { note } : {}) };
    (asNeeded ? out.asNeeded : out.unscheduled).push(entry);
    return out;
  }
  for (const x of doses) {
    const entry: ScheduledDose = {
      label: doseTimeLabel(x),
      text: formatQuantity(x.amount, x.unit),
      amount: x.amount,
      unit: x.unit,
      time: x.time,
      ...(x.timeRange !== undefined ? { timeRange: x.timeRange } : {}),
      ...(note ? { note } : {}),
    };
    if (asNeeded) {
      out.asNeeded.push(entry);
      continue;
    }
    const bucket =
      (x.timeRange !== undefined ? timeOfDayForTimeRange(x.timeRange) : null) ??
      (isTimeOfDay(x.time) ? x.time : timeOfDayForClock(x.time));
    (bucket ? out[bucket] : out.unscheduled).push(entry);
  }
  return out;
}

// ---------------------------------------------------------------- comparison

type NormDose = { key: string; amount: number; unit: string; dose: DoseAtTime };

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Structured doses of a dosage: `doses`, else those of a time-of-day Kortdose, else null. */
function structured(d: Dosage): NormDose[] | null {
  let doses = d.doses ?? [];
  if (doses.length === 0 && d.shortCode) {
    const r = parseShortCode(d.shortCode);
    if (r.ok) doses = r.doses;
  }
  if (doses.length === 0) return null;
  return sortDoses(doses).map((x) => ({ key: slotKey(x), amount: round4(x.amount), unit: normalizeUnit(x.unit), dose: x }));
}

/** Text compared without case, repeated whitespace or a final full stop. */
export function normalizeDosageText(text: string): string {
  return (text ?? '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '')
    .trim();
}

const unitsMatch = (a: string, b: string) => a === '' || b === '' || a === b;

/** Group doses by their moment; the same moment twice keeps both (summing would hide a change). */
function byKey(doses: NormDose[]): Map<string, NormDose[]> {
  const m = new Map<string, NormDose[]>();
  for (const d of doses) m.set(d.key, [...(m.get(d.key) ?? []), d]);
  return m;
}

/**
 * Whether two dosages mean the same. When both have structured doses (or a time-of-day
 * Kortdose) the doses are compared: the same moments (8325 code, or the code a TimeOfDay stands
 * for, or clock time), amounts to 4 decimals, units without case or plural (a Kortdose without
 * unit matches any unit), and the same interval and maximum per day. Otherwise the texts are
 * compared without case and whitespace. Start and end dates are not compared here.
 */
export function sameDosage(a: Dosage, b: Dosage): boolean {
  const sa = structured(a);
  const sb = structured(b);
  if (sa && sb) {
    if ((a.intervalDays ?? 1) !== (b.intervalDays ?? 1)) return false;
    if (!sameOptional(a.maxPerDay, b.maxPerDay)) return false;
    if (sa.length !== sb.length) return false;
    const ma = byKey(sa);
    const mb = byKey(sb);
    if (ma.size !== mb.size) return false;
    for (const [key, xs] of ma) {
      const ys = mb.get(key);
      if (!ys || ys.length !== xs.length) return false;
      const sx = [...xs].sort((p, q) => p.amount - q.amount);
      const sy = [...ys].sort((p, q) => p.amount - q.amount);
      for (let i = 0; i < sx.length; i++) {
        if (sx[i]!.amount !== sy[i]!.amount || !unitsMatch(sx[i]!.unit, sy[i]!.unit)) return false;
      }
    }
    return true;
  }
  return normalizeDosageText(a.text) === normalizeDosageText(b.text);
}

function sameOptional(x: number | undefined, y: number | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  return round4(x) === round4(y);
}

/**
 * What changed from `a` to `b`, in Norwegian, or null when sameDosage(a, b). Structured:
 * "morgen: 1 tablett → 2 tabletter; kveld: 1 tablett lagt til; intervall: daglig → hver uke".
 * Otherwise: "Doseringstekst: «…» → «…»".
 */
export function describeDosageDifference(a: Dosage, b: Dosage): string | null {
  if (sameDosage(a, b)) return null;
  const sa = structured(a);
  const sb = structured(b);
  if (!sa || !sb) return `Doseringstekst: «${(a.text ?? '').trim()}» → «${(b.text ?? '').trim()}»`;

  const ma = byKey(sa);
  const mb = byKey(sb);
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort((p, q) => {
    const dp = (ma.get(p) ?? mb.get(p))![0]!.dose;
    const dq = (ma.get(q) ?? mb.get(q))![0]!.dose;
    return doseMinutes(dp) - doseMinutes(dq);
  });
  const changes: string[] = [];
  const q = (xs: NormDose[]) => joinNb(xs.map((x) => formatQuantity(x.dose.amount, x.dose.unit)));
  for (const key of keys) {
    const xs = ma.get(key) ?? [];
    const ys = mb.get(key) ?? [];
    const label = doseTimeLabel((xs[0] ?? ys[0])!.dose);
    if (xs.length === 0) changes.push(`${label}: ${q(ys)} lagt til`);
    else if (ys.length === 0) changes.push(`${label}: ${q(xs)} fjernet`);
    else {
      const sx = [...xs].sort((p, r) => p.amount - r.amount);
      const sy = [...ys].sort((p, r) => p.amount - r.amount);
      const same =
        sx.length === sy.length && sx.every((x, i) => x.amount === sy[i]!.amount && unitsMatch(x.unit, sy[i]!.unit));
      if (!same) changes.push(`${label}: ${q(xs)} → ${q(ys)}`);
    }
  }
  if ((a.intervalDays ?? 1) !== (b.intervalDays ?? 1)) {
    changes.push(`intervall: ${intervalText(a.intervalDays) || 'daglig'} → ${intervalText(b.intervalDays) || 'daglig'}`);
  }
  if (!sameOptional(a.maxPerDay, b.maxPerDay)) {
    const f = (v: number | undefined, unit: string) => (v === undefined ? 'ikke angitt' : formatQuantity(v, unit));
    changes.push(`høyst per døgn: ${f(a.maxPerDay, sa[0]!.dose.unit)} → ${f(b.maxPerDay, sb[0]!.dose.unit)}`);
  }
  // sameDosage said different, so at least one line is there; keep a fallback that says so.
  return changes.length ? changes.join('; ') : `${formatDosage(a)} → ${formatDosage(b)}`;
}
