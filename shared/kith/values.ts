// Value parsers shared by the KITH readers: dates, numbers, codes and people. Each throws
// KithFormatError naming the element when a value is present but unreadable.
import { KithFormatError } from './errors';
import { attrAt, child, children, textAt, textOf, type XmlElement } from './xml';
import { parseIdentityNumber } from '../identity';
import type {
  IsoDate,
  IsoDateTime,
  Patient,
  Prescriber,
  PrescriptionGroup,
  PrescriptionStatus,
  PrescriptionType,
  Use,
} from '../model';

export function bad(el: XmlElement, message: string, source?: string): KithFormatError {
  return new KithFormatError(`${message} in ${el.path}`, { source, element: el.path });
}

/** `2024-01-05`, `2024-01-05+01:00`, `2024-01-05T00:00:00` → `2024-01-05`. */
export function toIsoDate(value: string, el: XmlElement, source?: string): IsoDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T+\-Z ])/.exec(value);
  if (!m || !validYmd(+m[1]!, +m[2]!, +m[3]!)) throw bad(el, `"${short(value)}" is not a date (YYYY-MM-DD)`, source);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A date-time as written (offset kept when given); checked to be a real instant. */
export function toIsoDateTime(value: string, el: XmlElement, source?: string): IsoDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m || !validYmd(+m[1]!, +m[2]!, +m[3]!) || +(m[4] ?? 0) > 23 || +(m[5] ?? 0) > 59 || +(m[6] ?? 0) > 59) {
    throw bad(el, `"${short(value)}" is not a date-time`, source);
  }
  return value;
}

/** Milliseconds since the epoch for a KITH date-time; a missing offset is read as Norwegian local time. */
export function instantOf(value: IsoDateTime): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) return Number.NaN;
  const frac = (m[4] ?? '.0').slice(0, 4).padEnd(4, '0');
  // Without an offset, assume +01:00 (CET); only used to order messages of one sender.
  return Date.parse(`${m[1]}T${m[2] ?? '00:00'}:${m[3] ?? '00'}${frac}${m[5] ?? '+01:00'}`);
}

function validYmd(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[mo - 1] ?? 0);
}

function short(v: string): string {
  return v.length > 40 ? `${v.slice(0, 40)}…` : v;
}

/** Decimal number as KITH writes it (`0.5`, also `0,5`). */
export function toNumber(value: string, el: XmlElement, source?: string): number {
  const n = Number(value.replace(',', '.'));
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw bad(el, `"${short(value)}" is not a number`, source);
  }
  return n;
}

export function optDate(parent: XmlElement | undefined, path: string, source?: string): IsoDate | undefined {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  return v === undefined || !el ? undefined : toIsoDate(v, el, source);
}

/** A date given as a TS (`<Starttidspunkt V="2024-01-05"/>`). */
export function optDateAttr(parent: XmlElement | undefined, path: string, source?: string): IsoDate | undefined {
  const el = pathEl(parent, path);
  const v = attrAt(el, '', 'V', source);
  return v === undefined || !el ? undefined : toIsoDate(v, el, source);
}

export function optDateTime(parent: XmlElement | undefined, path: string, source?: string): IsoDateTime | undefined {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  return v === undefined || !el ? undefined : toIsoDateTime(v, el, source);
}

export function optNumber(parent: XmlElement | undefined, path: string, source?: string): number | undefined {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  return v === undefined || !el ? undefined : toNumber(v, el, source);
}

/** A PQ (`<Mengde V="184" U="stk"/>`) → { value, unit }. */
export function optQuantity(parent: XmlElement | undefined, path: string, source?: string): { value: number; unit: string } | undefined {
  return quantityOf(pathEl(parent, path), source);
}

/** A PQ element → { value, unit }, undefined when absent or without V. */
export function quantityOf(el: XmlElement | undefined, source?: string): { value: number; unit: string } | undefined {
  const v = attrAt(el, '', 'V', source);
  if (!el || v === undefined) return undefined;
  return { value: toNumber(v, el, source), unit: attrAt(el, '', 'U', source) ?? '' };
}

function pathEl(parent: XmlElement | undefined, path: string): XmlElement | undefined {
  if (path === '') return parent;
  let cur = parent;
  for (const p of path.split('/')) cur = child(cur, p);
  return cur;
}

/** True for `true`/`1`, false for `false`/`0`, undefined when absent. */
export function optBool(parent: XmlElement | undefined, path: string, source?: string): boolean | undefined {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  if (v === undefined || !el) return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw bad(el, `"${short(v)}" is not a boolean`, source);
}

const ID_RE = /^[A-Za-z0-9._:{}-]{1,100}$/;

/** An identifier (MsgId, ReseptId, LibId…): no spaces, at most 100 characters. */
export function checkId(value: string, el: XmlElement, source?: string): string {
  if (!ID_RE.test(value)) throw bad(el, `"${short(value)}" is not a valid identifier`, source);
  return value;
}

export function requireId(parent: XmlElement, path: string, source?: string): string {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  if (v === undefined || !el) {
    const full = `${parent.path}/${path}`;
    throw new KithFormatError(`missing required element ${full}`, { source, element: full });
  }
  return checkId(v, el, source);
}

export function optId(parent: XmlElement | undefined, path: string, source?: string): string | undefined {
  const el = pathEl(parent, path);
  const v = textOf(el, source);
  return v === undefined || !el ? undefined : checkId(v, el, source);
}

// ---- Code lists ----

const STATUSES: readonly PrescriptionStatus[] = ['E', 'U', 'R', 'T', 'F'];
/** Kodeverk 7408. */
export function toStatus(code: string | undefined, el: XmlElement, source?: string): PrescriptionStatus {
  if (code === undefined) throw bad(el, 'missing status code (attribute V)', source);
  if (!(STATUSES as readonly string[]).includes(code)) throw bad(el, `unknown prescription status "${short(code)}" (kodeverk 7408)`, source);
  return code as PrescriptionStatus;
}

const USES: readonly Use[] = ['1', '2', '3', '4'];
/** Kodeverk 9101. */
export function toUse(code: string | undefined, el: XmlElement, source?: string): Use {
  if (code === undefined) throw bad(el, 'missing Bruk code (attribute V)', source);
  if (!(USES as readonly string[]).includes(code)) throw bad(el, `unsupported Bruk "${short(code)}" (kodeverk 9101; 1–4 are supported)`, source);
  return code as Use;
}

const GROUPS: readonly PrescriptionGroup[] = ['A', 'B', 'C', 'CF', 'F', 'K'];
/** Kodeverk 7421. */
export function toPrescriptionGroup(code: string | undefined, el: XmlElement, source?: string): PrescriptionGroup | undefined {
  if (code === undefined) return undefined;
  if (!(GROUPS as readonly string[]).includes(code)) throw bad(el, `unknown Reseptgruppe "${short(code)}" (kodeverk 7421)`, source);
  return code as PrescriptionGroup;
}

/** Kodeverk 7491: E e-resept, P papir, U uten resept. */
export function toPrescriptionType(code: string | undefined, el: XmlElement, source?: string): PrescriptionType {
  if (code === 'E' || code === 'P' || code === 'U') return code;
  throw bad(el, code === undefined ? 'missing Type code (attribute V)' : `unknown prescription type "${short(code)}" (kodeverk 7491)`, source);
}

// ---- People ----

/** Given + middle name as one string, the way the model keeps it. */
function joinNames(...parts: (string | undefined)[]): string {
  return parts.filter((p): p is string => !!p).join(' ');
}

/** MsgHead `HealthcareProfessional` (with its organisation's name) → Prescriber. */
export function prescriberFromHcp(hcp: XmlElement | undefined, organisation?: string, source?: string): Prescriber | undefined {
  if (!hcp) return undefined;
  const name = joinNames(textAt(hcp, 'GivenName', source), textAt(hcp, 'MiddleName', source), textAt(hcp, 'FamilyName', source));
  const hpr = identOfType(hcp, 'HPR', source);
  if (!name && !hpr) return undefined;
  const p: Prescriber = { name };
  if (hpr) p.hpr = hpr;
  if (organisation) p.organisation = organisation;
  return p;
}

/** `Helseperson{HprId{Id, TypeId}, Fornavn, Etternavn}` (M25, felleskomponent1) → Prescriber. */
export function prescriberFromHelseperson(hp: XmlElement | undefined, source?: string): Prescriber | undefined {
  if (!hp) return undefined;
  const name = joinNames(textAt(hp, 'Fornavn', source), textAt(hp, 'Etternavn', source));
  const hpr = textAt(hp, 'HprId/Id', source);
  if (!name && !hpr) return undefined;
  const p: Prescriber = { name };
  if (hpr) p.hpr = hpr;
  return p;
}

/** The Id of the first `Ident` whose TypeId V is `type`. */
export function identOfType(el: XmlElement | undefined, type: string, source?: string): string | undefined {
  for (const ident of children(el, 'Ident')) {
    if (attrAt(ident, 'TypeId', 'V', source) === type) return textAt(ident, 'Id', source);
  }
  return undefined;
}

/**
 * A KITH person element (MsgHead `Patient`, export `DemografiskInfo`) → Patient.
 * The number must be a valid FNR/DNR/HNR (checked by shared/identity). Birth date: DateOfBirth when
 * given, else from the number. Sex: Sex V (1 man, 2 woman), else from the number.
 */
export function patientFromPerson(person: XmlElement, source?: string): Patient {
  let id: string | undefined;
  for (const ident of children(person, 'Ident')) {
    const t = attrAt(ident, 'TypeId', 'V', source);
    if (t === 'FNR' || t === 'DNR' || t === 'HNR') {
      id = textAt(ident, 'Id', source);
      break;
    }
  }
  if (!id) throw new KithFormatError(`missing the patient's fødselsnummer (Ident with TypeId FNR/DNR/HNR) in ${person.path}`, { source, element: `${person.path}/Ident` });
  const parsed = parseIdentityNumber(id);
  if (!parsed.ok) {
    const identEl = children(person, 'Ident')[0] ?? person;
    throw bad(identEl, `the patient's identity number is not valid (${parsed.message})`, source);
  }
  const birthDate = optDate(person, 'DateOfBirth', source) ?? parsed.birthDate;
  const sexCode = attrAt(person, 'Sex', 'V', source);
  const sex: Patient['sex'] = sexCode === '1' ? 'male' : sexCode === '2' ? 'female' : parsed.sex;
  return {
    identityNumber: parsed.value,
    identityKind: parsed.kind,
    givenName: joinNames(textAt(person, 'GivenName', source), textAt(person, 'MiddleName', source)),
    familyName: textAt(person, 'FamilyName', source) ?? '',
    birthDate,
    sex,
  };
}
