// Norwegian person identity numbers: fødselsnummer (FNR), D-nummer (DNR) and H-nummer (HNR).
// Layout DDMMYY III K1 K2: birth date, individual number (its last digit gives the sex),
// two mod-11 check digits. D-nummer adds 40 to the day, H-nummer adds 40 to the month.
// Pure functions, no I/O.

import type { IdentityKind, IsoDate } from './model';
import { identityMessages as msg } from './messages-nb';

export type IdentityFailureReason = 'empty' | 'length' | 'digits' | 'date' | 'checksum';

export type IdentityResult =
  | { ok: true; value: string; kind: IdentityKind; birthDate: IsoDate; sex: 'male' | 'female' }
  | { ok: false; reason: IdentityFailureReason; message: string };

const WEIGHTS_K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const WEIGHTS_K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * The mod-11 check digit for `digits` with `weights`, or null when the remainder gives 10
 * (such a prefix can never carry a valid number). 11 becomes 0.
 */
function checkDigit(digits: readonly number[], weights: readonly number[]): number | null {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return null;
  return k;
}

/** Both check digits for a 9-digit prefix, or null when either would be 10. */
function checkDigits(first9: readonly number[]): [number, number] | null {
  const k1 = checkDigit(first9, WEIGHTS_K1);
  if (k1 === null) return null;
  const k2 = checkDigit([...first9, k1], WEIGHTS_K2);
  if (k2 === null) return null;
  return [k1, k2];
}

/**
 * The century of a two-digit birth year, from the individual number (Skatteetaten's rules for
 * numbers issued before 2032). Null when no rule covers the combination.
 */
function fullYear(year2: number, individual: number): number | null {
  if (individual <= 499) return 1900 + year2;
  if (individual <= 749 && year2 >= 54) return 1800 + year2;
  if (year2 <= 39) return 2000 + year2; // individual 500–999
  if (individual >= 900) return 1900 + year2; // year 40–99
  return null;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const dim = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // days in month of a leap year
  if (day > dim) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return true;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Parse and validate a fødselsnummer, D-nummer or H-nummer. Accepts surrounding and inner
 * spaces ("150693 96949"). Never throws.
 */
export function parseIdentityNumber(input: string): IdentityResult {
  const text = typeof input === 'string' ? input : '';
  const compact = text.replace(/[\s\u00a0\u202f]+/g, '');
  if (compact === '') return { ok: false, reason: 'empty', message: msg.empty() };
  const bad = [...compact].find((c) => c < '0' || c > '9');
  if (bad !== undefined) return { ok: false, reason: 'digits', message: msg.digits(bad) };
  if (compact.length !== 11) return { ok: false, reason: 'length', message: msg.length(compact.length) };

  const d = [...compact].map(Number);
  const dd = Number(compact.slice(0, 2));
  const mm = Number(compact.slice(2, 4));
  const yy = Number(compact.slice(4, 6));
  const individual = Number(compact.slice(6, 9));
  const shown = `${compact.slice(0, 2)}.${compact.slice(2, 4)}.${compact.slice(4, 6)}`;

  let kind: IdentityKind = 'FNR';
  let day = dd;
  let month = mm;
  if (dd > 40 && mm > 40) {
    return { ok: false, reason: 'date', message: msg.bothDayAndMonthShifted(shown) };
  }
  if (dd > 40) {
    kind = 'DNR';
    day = dd - 40;
  } else if (mm > 40) {
    kind = 'HNR';
    month = mm - 40;
  }
  const year = fullYear(yy, individual);
  if (year === null) {
    return { ok: false, reason: 'date', message: msg.century(compact.slice(6, 9), compact.slice(4, 6)) };
  }
  if (!isRealDate(year, month, day)) {
    return { ok: false, reason: 'date', message: msg.date(`${pad2(day)}.${pad2(month)}.${compact.slice(4, 6)}`, kind) };
  }

  const expected = checkDigits(d.slice(0, 9));
  if (expected === null || expected[0] !== d[9] || expected[1] !== d[10]) {
    return { ok: false, reason: 'checksum', message: msg.checksum() };
  }
  const sex = (d[8] ?? 0) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: compact, kind, birthDate: `${year}-${pad2(month)}-${pad2(day)}`, sex };
}

/** True when `input` is a valid FNR, DNR or HNR. */
export function isValidIdentityNumber(input: string): boolean {
  return parseIdentityNumber(input).ok;
}

/** Individual-number ranges that give the birth year's century, in the order they are tried. */
function individualRanges(year: number): [number, number][] {
  if (year >= 1854 && year <= 1899) return [[500, 749]];
  if (year >= 1900 && year <= 1999) return year >= 1940 ? [[0, 499], [900, 999]] : [[0, 499]];
  if (year >= 2000 && year <= 2039) return [[500, 999]];
  return [];
}

/**
 * A valid identity number for the birth date and sex. Deterministic: starts at `individual`
 * (or the first number of the century's range) and takes the first individual number with the
 * right sex digit whose check digits are valid. Throws RangeError for a date the scheme cannot
 * express (before 1854, after 2039, not a real date) or when no number is left in the range.
 */
export function generateIdentityNumber(opts: {
  birthDate: IsoDate;
  sex: 'male' | 'female';
  kind?: IdentityKind;
  individual?: number;
}): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(opts.birthDate);
  if (!m) throw new RangeError(`birthDate must be YYYY-MM-DD, got "${opts.birthDate}"`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!isRealDate(year, month, day)) throw new RangeError(`${opts.birthDate} is not a real date`);
  const ranges = individualRanges(year);
  if (ranges.length === 0) throw new RangeError(`birth year ${year} cannot be written in an identity number (1854–2039)`);
  const kind = opts.kind ?? 'FNR';
  const dd = kind === 'DNR' ? day + 40 : day;
  const mm = kind === 'HNR' ? month + 40 : month;
  const prefix = `${pad2(dd)}${pad2(mm)}${pad2(year % 100)}`;
  const wantOdd = opts.sex === 'male';

  let start = ranges[0]![0];
  if (opts.individual !== undefined) {
    const i = opts.individual;
    if (!Number.isInteger(i) || !ranges.some(([lo, hi]) => i >= lo && i <= hi)) {
      throw new RangeError(`individual number ${i} does not give year ${year}; allowed: ${ranges.map(([a, b]) => `${a}–${b}`).join(', ')}`);
    }
    start = i;
  }
  for (const [lo, hi] of ranges) {
    for (let i = Math.max(lo, start); i <= hi; i++) {
      if ((i % 2 === 1) !== wantOdd) continue;
      const first9 = `${prefix}${String(i).padStart(3, '0')}`;
      const k = checkDigits([...first9].map(Number));
      if (k) return `${first9}${k[0]}${k[1]}`;
    }
  }
  throw new RangeError(`no free individual number from ${start} for ${opts.birthDate}`);
}

/**
 * Age in whole years on the calendar day of `on` (the local date of the machine, which in
 * this product is Norwegian time). A person born 29 February has the birthday on 1 March in
 * years without 29 February.
 */
export function ageOn(birthDate: IsoDate, on: Date): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate);
  if (!m) throw new RangeError(`birthDate must be YYYY-MM-DD, got "${birthDate}"`);
  const by = Number(m[1]);
  const bm = Number(m[2]);
  const bd = Number(m[3]);
  const y = on.getFullYear();
  const mo = on.getMonth() + 1;
  const d = on.getDate();
  let age = y - by;
  if (mo < bm || (mo === bm && d < bd)) age -= 1;
  return age;
}

/**
 * For logs and screens where the full number is not needed: keeps the six birth-date digits,
 * hides the personal part ("150693 *****"). Anything that is not 11 digits is hidden entirely.
 */
export function maskIdentityNumber(v: string): string {
  const compact = (v ?? '').replace(/[\s\u00a0\u202f]+/g, '');
  if (!/^\d{11}$/.test(compact)) return '*'.repeat(Math.min(compact.length, 11)) || '*';
  return `${compact.slice(0, 6)} *****`;
}

/** The 11 digits grouped as people write them: "150693 96949". Input must be valid digits. */
export function formatIdentityNumber(v: string): string {
  const compact = v.replace(/[\s\u00a0\u202f]+/g, '');
  return /^\d{11}$/.test(compact) ? `${compact.slice(0, 6)} ${compact.slice(6)}` : v;
}

/** Code list 8116 (ID-type for personer) code for the kind, and the identifier namespace OID. */
export const IDENTITY_TYPES: Record<IdentityKind, { code: IdentityKind; display: string; namespaceOid: string }> = {
  FNR: { code: 'FNR', display: 'Fødselsnummer', namespaceOid: '2.16.578.1.12.4.1.4.1' },
  DNR: { code: 'DNR', display: 'D-nummer', namespaceOid: '2.16.578.1.12.4.1.4.2' },
  HNR: { code: 'HNR', display: 'H-nummer', namespaceOid: '2.16.578.1.12.4.1.4.3' },
};
