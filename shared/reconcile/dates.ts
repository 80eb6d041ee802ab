import type { IsoDate, IsoDateTime } from '../model';

const DAY_MS = 86_400_000;

// Dates are calendar dates in Norway: "today", "expires on" and "discontinued on" are what the
// clinician's calendar says, so an instant is turned into its Europe/Oslo date.
const OSLO = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The Norwegian calendar date (Europe/Oslo) of an instant; a plain date is returned as it is. */
export function isoDateOf(at: Date | IsoDate | IsoDateTime): IsoDate {
  if (typeof at === 'string' && DATE_ONLY.test(at)) return at;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return typeof at === 'string' ? at.slice(0, 10) : '';
  return OSLO.format(d);
}

/** Whole calendar days from `from` to `to` (dates or date-times). Negative when `to` is earlier. */
export function daysBetween(from: IsoDate | IsoDateTime, to: IsoDate | IsoDateTime): number {
  const a = Date.parse(isoDateOf(from) + 'T00:00:00Z');
  const b = Date.parse(isoDateOf(to) + 'T00:00:00Z');
  return Math.round((b - a) / DAY_MS);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(date.slice(0, 10) + 'T00:00:00Z') + days * DAY_MS).toISOString().slice(0, 10);
}

/** Normal e-prescription validity: one year, the day before the same date next year. */
export function oneYearFrom(date: IsoDate): IsoDate {
  const d = new Date(date.slice(0, 10) + 'T00:00:00Z');
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** `dd.mm.åååå`, as a Norwegian clinician writes a date. */
export function norDate(date: IsoDate | IsoDateTime | undefined): string {
  if (!date) return '';
  const [y, m, d] = isoDateOf(date).split('-');
  return `${d}.${m}.${y}`;
}

/**
 * A stop (seponering) takes effect from the start of its Norwegian calendar day (Europe/Oslo):
 * an entry stopped "01.01.2024" is in use through 31.12.2023 and stopped on 01.01.2024 and after.
 * A stop date after `today` is a planned end of treatment (e.g. a course "i 34 dager"): the
 * medicine is in use until then. An entry without a stop is in use.
 */
export function isStopped(stop: { at: IsoDateTime } | undefined, today: IsoDate): boolean {
  return !!stop && isoDateOf(stop.at) <= today;
}

/** The stop is planned: it has a date after `today`. */
export function isPlannedStop(stop: { at: IsoDateTime } | undefined, today: IsoDate): stop is { at: IsoDateTime } {
  return !!stop && isoDateOf(stop.at) > today;
}

/** "om 1 dag", "om 22 dager". */
export function inDays(n: number): string {
  return n === 1 ? 'om 1 dag' : `om ${n} dager`;
}
