// `samstem reconcile`: compare a patient's local medication list with what Reseptformidleren (RF)
// and Kjernejournal (KJ) say, using the FEST catalogue for the safety checks, and print the result
// as JSON (for machines) or as a table a GP can act on.
//
//   samstem reconcile --local FILE --rf FILE|DIR [--kj FILE] [--fest FILE] [--at ISO-DATE] [--format json|text]
//
// --local  the practice's list: the legacy prescribing module's export (`PasientExport` XML, e.g.
//          PatientData.xml) or Samstem's own JSON export, the "samstem-local-list" format:
//
//            {
//              "format": "samstem-local-list",
//              "version": 1,
//              "patient": Patient,                    // shared/model.ts
//              "entries": LocalListEntry[],           // shared/model.ts; every entry's patientId = patient.identityNumber
//              "criticalInfo": CriticalInfo[]         // optional: the practice's own CAVE (source "local")
//            }
//
//          Objects are read strictly: an unknown or misspelt field is an error, never ignored (a
//          misspelt "discontinued" would otherwise turn a stopped medicine into an active one).
//          `toLocalListJson()` below writes the format.
// --rf     a folder of KITH messages for the patient (the latest M9.6 gives the prescriptions, the
//          latest M9.12 the PLL, a M9.8 the dispensings; the module's PasientExport in the folder is
//          skipped), one KITH message file, or a `$getMedication` response (FHIR JSON, which also
//          carries the KJ part: dispensings and CAVE).
// --kj     dispensings/CAVE: an M9.8 (ERM98) XML or a `$getMedication` response JSON. When given, it
//          replaces the dispensings/CAVE the --rf source carried (a line on stderr says so).
// --fest   a FEST file (M30 XML); default: the built-in curated catalogue fixtures/fest/fest-curated.xml.
// --at     the "now" the expiry and 90-day rules use: YYYY-MM-DD or a date-time with offset; default: now.
// --format json (default) or text.
//
// Exit codes: 0 done; 2 bad input (missing file, unreadable XML/JSON, wrong kind of file, bad
// date, unknown option, local list and RF/KJ about different patients); 1 an internal error.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CriticalInfo, Dispensing, LocalListEntry, MedicationRead, Patient } from '../shared/model';
import { KithFormatError, parseXml, readKithFolder, readKithMessage, readPasientExport, type KithFile } from '../shared/kith';
import { FhirFormatError, readGetMedicationResponse } from '../shared/fhir';
import { FestFormatError, readFest, type FestCatalogue } from '../shared/fest/reader';
import { MAX_READ_AGE_HOURS, reconcile, reconcileToJson, reconcileToText, safetyCatalogueFromFest, type ReconcileJson, type ReconcileResult } from '../shared/reconcile';

export const LOCAL_LIST_FORMAT = 'samstem-local-list';
export const LOCAL_LIST_VERSION = 1;
/** The built-in catalogue used when --fest is not given. */
export const DEFAULT_FEST_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fest', 'fest-curated.xml');

export const RECONCILE_USAGE =
  'Bruk: samstem reconcile --local FIL --rf FIL|MAPPE [--kj FIL] [--fest FIL] [--at ÅÅÅÅ-MM-DD[Ttt:mm:ss+01:00]] [--format json|text]';

export const RECONCILE_HELP = `${RECONCILE_USAGE}

Sammenligner pasientens lokale legemiddelliste med Reseptformidleren (resepter og PLL) og
Kjernejournal (utleveringer og CAVE), og kontrollerer interaksjoner, CAVE, dobbeltbehandling og
utløpsdatoer mot FEST.

  --local FIL     den lokale listen: eksporten fra forskrivningsmodulen (PasientExport-XML) eller
                  Samstems egen JSON-eksport: { "format": "${LOCAL_LIST_FORMAT}", "version": 1,
                  "patient": Patient, "entries": LocalListEntry[], "criticalInfo"?: CriticalInfo[] }
  --rf FIL|MAPPE  en mappe med pasientens KITH-meldinger (siste M9.6 og M9.12 brukes), én KITH-fil,
                  eller et $getMedication-svar (FHIR JSON; det har også Kjernejournal-delen)
  --kj FIL        utleveringer/CAVE: en M9.8 (XML) eller et $getMedication-svar; erstatter det --rf hadde
  --fest FIL      FEST-fil (M30); standard er den innebygde kuraterte katalogen
  --at DATO       tidspunktet vurderingen gjelder: ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm:ss+01:00; standard nå
  --format F      json (standard) eller text

Avslutningskode 0: ferdig; 2: feil i filene eller valgene (meldingen sier hva som må rettes); 1: intern feil.
`;

export interface CliIo {
  out: (text: string) => void;
  err: (line: string) => void;
}
const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (l) => console.error(l) };

/** Bad input: the message says what is wrong and what to do. Exit code 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export interface ReconcileOptions {
  local: string;
  rf: string;
  kj?: string;
  fest?: string;
  /** The instant the comparison is made for. */
  at: Date;
  format: 'json' | 'text';
}

const FLAGS = ['local', 'rf', 'kj', 'fest', 'at', 'format'] as const;
type Flag = (typeof FLAGS)[number];

/** Parses the command's arguments. Unknown options, repeated options and stray arguments are errors. */
export function parseReconcileArgs(argv: readonly string[], now: () => Date = () => new Date()): ReconcileOptions {
  const opts: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new InputError('', true);
    if (!a.startsWith('--')) throw new InputError(`uventet argument «${a}»: alle verdier gis med et valg, f.eks. --local ${a}`, true);
    const eq = a.indexOf('=');
    const name = (eq < 0 ? a.slice(2) : a.slice(2, eq)) as Flag;
    if (!FLAGS.includes(name)) throw new InputError(`ukjent valg ${eq < 0 ? a : a.slice(0, eq)} (gyldige valg: ${FLAGS.map((f) => `--${f}`).join(', ')})`, true);
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new InputError(`--${name} mangler verdi`, true);
    if (opts[name] !== undefined) throw new InputError(`--${name} er gitt to ganger; oppgi det én gang`, true);
    opts[name] = value;
  }
  if (!opts.local) throw new InputError('--local mangler: oppgi den lokale legemiddellisten (PasientExport-XML eller samstem-local-list-JSON)', true);
  if (!opts.rf) throw new InputError('--rf mangler: oppgi en mappe med KITH-meldinger (M9.6/M9.12) eller et $getMedication-svar (JSON)', true);
  const format = opts.format ?? 'json';
  if (format !== 'json' && format !== 'text') throw new InputError(`--format må være json eller text, ikke «${format}»`, true);
  return {
    local: opts.local,
    rf: opts.rf,
    ...(opts.kj ? { kj: opts.kj } : {}),
    ...(opts.fest ? { fest: opts.fest } : {}),
    at: opts.at === undefined ? now() : parseAt(opts.at),
    format,
  };
}

const AT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `--at`: a calendar date (taken as midday, so the Norwegian date is that date) or a date-time with
 * an offset. A date-time without offset is refused: "10:00" is a different instant in Oslo and UTC.
 */
export function parseAt(value: string): Date {
  const m = AT_PATTERN.exec(value.trim());
  if (!m) {
    const hint = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value.trim()) ? ' (tidspunktet mangler tidssone: legg til f.eks. +01:00 eller Z)' : '';
    throw new InputError(`--at «${value}» er ikke en dato${hint}. Skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm:ss+01:00, f.eks. 2024-01-18T10:00:00+01:00`);
  }
  const [, y, mo, d, hh, mm, ss] = m;
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const realDate = probe.getUTCFullYear() === Number(y) && probe.getUTCMonth() === Number(mo) - 1 && probe.getUTCDate() === Number(d);
  const realTime = hh === undefined || (Number(hh) < 24 && Number(mm) < 60 && Number(ss ?? 0) < 60);
  if (!realDate || !realTime) throw new InputError(`--at «${value}» er ikke en gyldig dato eller et gyldig klokkeslett`);
  const at = hh === undefined ? new Date(`${y}-${mo}-${d}T12:00:00Z`) : new Date(value.trim());
  if (Number.isNaN(at.getTime())) throw new InputError(`--at «${value}» er ikke en gyldig dato`);
  return at;
}

// ---- files ----

function requireFile(option: string, file: string): string {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new InputError(`${option}: finner ikke ${abs}. Kontroller stien.`);
  if (!statSync(abs).isFile()) throw new InputError(`${option}: ${abs} er en mappe, ikke en fil.`);
  return abs;
}

function readBytes(option: string, abs: string): Uint8Array {
  try {
    return readFileSync(abs);
  } catch (e) {
    throw new InputError(`${option}: kan ikke lese ${abs}: ${(e as Error).message}`);
  }
}

/** The first non-blank character decides JSON or XML; anything else is not a file we read. */
function kindOfContent(bytes: Uint8Array): 'json' | 'xml' | 'other' {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b /* { */) return 'json';
  if (bytes[i] === 0x3c /* < */) return 'xml';
  return 'other';
}

function parseJson(option: string, abs: string, bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new InputError(`${option}: ${abs} er ikke gyldig UTF-8-tekst`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = `, linje ${line}, kolonne ${Number(pos[1]) - before.lastIndexOf('\n')}`;
    }
    throw new InputError(`${option}: ${abs} er ikke gyldig JSON (${msg}${where}). Eksporter filen på nytt.`);
  }
}

/** Runs a reader and turns its format error into an InputError that names the option. */
function reading<T>(option: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KithFormatError || e instanceof FhirFormatError || e instanceof FestFormatError) {
      throw new InputError(`${option}: kan ikke lese ${what}: ${e.message}`);
    }
    throw e;
  }
}

// ---- the local list ----

export interface LocalInput {
  patient: Patient;
  entries: LocalListEntry[];
  criticalInfo: CriticalInfo[];
  /** 'pasient-export' or 'samstem-local-list'. */
  kind: 'pasient-export' | typeof LOCAL_LIST_FORMAT;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'må være en dato ÅÅÅÅ-MM-DD');
const isoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/, 'må være en dato eller et tidspunkt (ISO 8601)')
  .refine((v) => !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), 'er ikke et gyldig tidspunkt');
const prescriber = z.strictObject({ name: z.string(), hpr: z.string().optional(), organisation: z.string().optional() });
const medicine = z.strictObject({
  name: z.string().min(1),
  atc: z.string().optional(),
  festId: z.string().optional(),
  kind: z.enum(['substance', 'brand', 'package', 'other', 'magistral']),
  form: z.string().optional(),
  strength: z.string().optional(),
  prescriptionGroup: z.enum(['A', 'B', 'C', 'CF', 'F', 'K']).optional(),
  substances: z.array(z.string()).optional(),
});
const dosage = z.strictObject({
  text: z.string(),
  shortCode: z.string().optional(),
  doses: z
    .array(
      z.strictObject({
        time: z.union([z.enum(['morning', 'midday', 'evening', 'night']), z.string().regex(/^\d{1,2}:\d{2}$/)]),
        timeRange: z.string().optional(),
        amount: z.number().finite().nonnegative(),
        unit: z.string(),
      }),
    )
    .optional(),
  intervalDays: z.number().int().positive().optional(),
  maxPerDay: z.number().finite().nonnegative().optional(),
  start: isoDate.optional(),
  end: isoDate.optional(),
});
const patientSchema = z.strictObject({
  identityNumber: z.string().regex(/^\d{11}$/, 'må være 11 siffer'),
  identityKind: z.enum(['FNR', 'DNR', 'HNR']),
  givenName: z.string(),
  familyName: z.string(),
  birthDate: isoDate,
  sex: z.enum(['male', 'female']),
  multidose: z.boolean().optional(),
  multidoseDoctorHpr: z.string().optional(),
  units: z.array(z.string()).optional(),
});
const entrySchema = z.strictObject({
  id: z.string().min(1),
  patientId: z.string(),
  libId: z.string().optional(),
  reseptId: z.string().optional(),
  previousReseptIds: z.array(z.string()).optional(),
  medicine,
  dosage,
  use: z.enum(['1', '2', '3', '4']),
  purpose: z.string().optional(),
  startedOn: isoDate.optional(),
  expiresOn: isoDate.optional(),
  discontinued: z.strictObject({ at: isoDateTime, reason: z.string().optional(), note: z.string().optional() }).optional(),
  prescriber: prescriber.optional(),
  rfStatus: z.enum(['E', 'U', 'R', 'T', 'F', 'not-in-rf']).optional(),
  itemGroup: z.string().optional(),
  category: z.enum(['medicine', 'vaccine', 'nutrition', 'consumable']).optional(),
  updatedAt: isoDateTime,
});
const criticalInfoSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['allergy', 'reaction', 'condition', 'implant', 'treatment', 'other']),
  agent: z.string().min(1),
  atc: z.string().optional(),
  substance: z.string().optional(),
  reaction: z.string().optional(),
  severity: z.enum(['critical', 'serious', 'mild', 'unknown']).optional(),
  certainty: z.enum(['confirmed', 'likely', 'possible', 'unknown']).optional(),
  registeredAt: isoDateTime.optional(),
  registeredBy: z.string().optional(),
  source: z.enum(['KJ', 'local']),
});
const localListSchema = z.strictObject({
  format: z.literal(LOCAL_LIST_FORMAT),
  version: z.literal(LOCAL_LIST_VERSION),
  patient: patientSchema,
  entries: z.array(entrySchema),
  criticalInfo: z.array(criticalInfoSchema).optional(),
});

/** The document `--local` accepts as JSON. */
export interface LocalListJson {
  format: typeof LOCAL_LIST_FORMAT;
  version: typeof LOCAL_LIST_VERSION;
  patient: Patient;
  entries: LocalListEntry[];
  criticalInfo?: CriticalInfo[];
}

/** Writes the samstem-local-list document (what the app's export and `--local` use). */
export function toLocalListJson(patient: Patient, entries: LocalListEntry[], criticalInfo: CriticalInfo[] = []): LocalListJson {
  return { format: LOCAL_LIST_FORMAT, version: LOCAL_LIST_VERSION, patient, entries, ...(criticalInfo.length ? { criticalInfo } : {}) };
}

/** Reads and checks a samstem-local-list document; throws InputError naming the first problems. */
export function readLocalListJson(json: unknown, source = 'local list'): LocalInput {
  const fmt = (json as { format?: unknown } | null)?.format;
  if (fmt !== LOCAL_LIST_FORMAT) {
    const looksFhir = typeof (json as { resourceType?: unknown } | null)?.resourceType === 'string';
    throw new InputError(
      `--local: ${source} er ${looksFhir ? 'et FHIR-dokument (et $getMedication-svar hører til --rf eller --kj)' : `ikke en lokal legemiddelliste (format er ${JSON.stringify(fmt ?? null)}, ventet "${LOCAL_LIST_FORMAT}")`}.`,
    );
  }
  const version = (json as { version?: unknown }).version;
  if (version !== LOCAL_LIST_VERSION) throw new InputError(`--local: ${source} har versjon ${JSON.stringify(version)}; denne versjonen av Samstem leser bare versjon ${LOCAL_LIST_VERSION}.`);
  const r = localListSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(dokumentet)'}: ${i.message}`);
    const more = r.error.issues.length > 5 ? ` (og ${r.error.issues.length - 5} feil til)` : '';
    throw new InputError(`--local: ${source} er ikke en gyldig ${LOCAL_LIST_FORMAT}: ${issues.join('; ')}${more}`);
  }
  const doc = r.data as LocalListJson;
  const ids = new Set<string>();
  for (const [i, e] of doc.entries.entries()) {
    if (e.patientId !== doc.patient.identityNumber) throw new InputError(`--local: ${source}: entries.${i} (${e.medicine.name}) gjelder en annen pasient enn listen (patientId ≠ patient.identityNumber)`);
    if (ids.has(e.id)) throw new InputError(`--local: ${source}: id ${e.id} brukes av to oppføringer`);
    ids.add(e.id);
  }
  return { patient: doc.patient, entries: doc.entries, criticalInfo: doc.criticalInfo ?? [], kind: LOCAL_LIST_FORMAT };
}

export function loadLocal(file: string): LocalInput {
  const abs = requireFile('--local', file);
  const bytes = readBytes('--local', abs);
  const kind = kindOfContent(bytes);
  if (kind === 'json') return readLocalListJson(parseJson('--local', abs, bytes), abs);
  if (kind === 'other') throw new InputError(`--local: ${abs} er verken XML eller JSON. Oppgi eksporten fra forskrivningsmodulen (PasientExport) eller en ${LOCAL_LIST_FORMAT}-fil.`);
  const root = reading('--local', abs, () => parseXml(bytes, path.basename(abs)));
  if (root.name === 'MsgHead' || root.name === 'AppRec') {
    throw new InputError(`--local: ${abs} er en KITH-melding, ikke en lokal legemiddelliste. Meldinger fra Reseptformidleren hører til --rf; --local tar eksporten fra forskrivningsmodulen (PasientExport).`);
  }
  if (root.name === 'FEST') throw new InputError(`--local: ${abs} er en FEST-fil; den hører til --fest.`);
  const read = reading('--local', abs, () => readPasientExport(root, path.basename(abs)));
  return { patient: read.patient, entries: read.localList, criticalInfo: read.criticalInfo, kind: 'pasient-export' };
}

// ---- RF ----

export interface RfInput {
  read: MedicationRead;
  /** The identity number the RF source is about, when it names one. */
  patientId?: string;
  /** What was read, for the output's `inputs`. */
  description: string;
  kind: 'kith-folder' | 'kith-file' | 'get-medication';
}

function xmlFilesOf(dir: string): KithFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.xml'))
    .filter((n) => statSync(path.join(dir, n)).isFile())
    .sort();
  return names.map((name) => ({ name, content: readBytes('--rf', path.join(dir, name)) }));
}

export function loadRf(fileOrDir: string): RfInput {
  const abs = path.resolve(fileOrDir);
  if (!existsSync(abs)) throw new InputError(`--rf: finner ikke ${abs}. Oppgi en mappe med KITH-meldinger eller et $getMedication-svar (JSON).`);
  if (statSync(abs).isDirectory()) {
    const files = xmlFilesOf(abs);
    if (files.length === 0) throw new InputError(`--rf: mappen ${abs} har ingen .xml-filer. Oppgi mappen med pasientens KITH-meldinger (M9.6/M9.12).`);
    return fromKithFiles(files, abs, 'kith-folder');
  }
  const bytes = readBytes('--rf', abs);
  const kind = kindOfContent(bytes);
  if (kind === 'other') throw new InputError(`--rf: ${abs} er verken XML eller JSON.`);
  if (kind === 'xml') return fromKithFiles([{ name: path.basename(abs), content: bytes }], abs, 'kith-file');
  const json = parseJson('--rf', abs, bytes);
  if ((json as { format?: unknown }).format === LOCAL_LIST_FORMAT) throw new InputError(`--rf: ${abs} er en lokal legemiddelliste (${LOCAL_LIST_FORMAT}); den hører til --local.`);
  const read = reading('--rf', `${abs} som $getMedication-svar`, () => readGetMedicationResponse(json, path.basename(abs)));
  return { read, patientId: read.patient.identityNumber, description: `$getMedication ${path.basename(abs)} (les ${read.readId})`, kind: 'get-medication' };
}

function fromKithFiles(files: KithFile[], abs: string, kind: 'kith-folder' | 'kith-file'): RfInput {
  if (kind === 'kith-file') {
    const root = reading('--rf', abs, () => parseXml(files[0]!.content, files[0]!.name));
    if (root.name === 'PasientExport') throw new InputError(`--rf: ${abs} er eksporten fra forskrivningsmodulen (den lokale listen); den hører til --local. --rf tar mappen med KITH-meldinger.`);
  }
  const folder = reading('--rf', abs, () => readKithFolder(files));
  if (!folder.latest.m96) {
    throw new InputError(
      `--rf: ${abs} har ingen M9.6 (reseptliste fra Reseptformidleren), så det er ukjent hvilke resepter som finnes. Hent reseptlisten (M9.5/M9.6) og legg svaret i mappen.`,
    );
  }
  const errors: MedicationRead['errors'] = [];
  if (!folder.latest.m912) {
    errors.push({ source: 'PLL', code: 'M9.12 mangler', text: 'mappen har ingen M9.12, så PLL er ukjent' });
  }
  const m96 = folder.latest.m96;
  const read: MedicationRead = {
    readId: `kith:${m96.msgId}`,
    // Replaced by the local list's patient once the two are checked to be the same person.
    patient: folder.patient ?? placeholderPatient(folder.patientId ?? ''),
    prescriptions: folder.prescriptions,
    pll: folder.pll,
    ...(folder.pllMessageId ? { pllMessageId: folder.pllMessageId } : {}),
    dispensings: folder.dispensings,
    criticalInfo: [],
    rfFetchedAt: m96.genDate,
    ...(folder.latest.m98 ? { kjFetchedAt: folder.latest.m98.genDate } : {}),
    errors,
  };
  const parts = [`M9.6 ${m96.msgId} (${m96.source})`];
  if (folder.latest.m912) parts.push(`M9.12 ${folder.latest.m912.msgId} (${folder.latest.m912.source})`);
  if (folder.latest.m98) parts.push(`M9.8 ${folder.latest.m98.msgId} (${folder.latest.m98.source})`);
  return { read, ...(folder.patientId ? { patientId: folder.patientId } : {}), description: `${kind === 'kith-folder' ? 'KITH-mappe' : 'KITH-fil'} ${abs}: ${parts.join(', ')}`, kind };
}

function placeholderPatient(id: string): Patient {
  return { identityNumber: id, identityKind: 'FNR', givenName: '', familyName: '', birthDate: '', sex: 'male' };
}

// ---- KJ ----

export interface KjInput {
  dispensings: Dispensing[];
  criticalInfo: CriticalInfo[];
  fetchedAt?: string;
  errors: MedicationRead['errors'];
  patientId?: string;
  description: string;
}

export function loadKj(file: string): KjInput {
  const abs = requireFile('--kj', file);
  const bytes = readBytes('--kj', abs);
  const kind = kindOfContent(bytes);
  if (kind === 'other') throw new InputError(`--kj: ${abs} er verken XML eller JSON. Oppgi en M9.8 (utleveringer) eller et $getMedication-svar.`);
  if (kind === 'json') {
    const json = parseJson('--kj', abs, bytes);
    const read = reading('--kj', `${abs} som $getMedication-svar`, () => readGetMedicationResponse(json, path.basename(abs)));
    return {
      dispensings: read.dispensings,
      criticalInfo: read.criticalInfo,
      ...(read.kjFetchedAt ? { fetchedAt: read.kjFetchedAt } : {}),
      errors: read.errors.filter((e) => e.source === 'KJ'),
      patientId: read.patient.identityNumber,
      description: `$getMedication ${path.basename(abs)} (utleveringer og CAVE)`,
    };
  }
  const msg = reading('--kj', abs, () => readKithMessage(bytes, path.basename(abs)));
  if (msg.type !== 'ERM98') {
    const what = msg.type === 'other' ? msg.msgType : msg.type;
    throw new InputError(`--kj: ${abs} er en ${what}-melding; --kj tar en M9.8 (ERM98, utleveringer) eller et $getMedication-svar.`);
  }
  return {
    dispensings: msg.dispensings,
    criticalInfo: [],
    fetchedAt: msg.head.genDate,
    errors: [],
    ...(msg.head.patientId ? { patientId: msg.head.patientId } : {}),
    description: `M9.8 ${msg.head.msgId} (${path.basename(abs)})`,
  };
}

// ---- FEST ----

export async function loadCatalogue(file: string | undefined): Promise<{ catalogue: FestCatalogue; file: string }> {
  const abs = file ? requireFile('--fest', file) : DEFAULT_FEST_FILE;
  if (!file && !existsSync(abs)) throw new InputError(`den innebygde FEST-katalogen ${abs} mangler; oppgi en FEST-fil med --fest`);
  try {
    const catalogue = await readFest(createReadStream(abs, { highWaterMark: 1 << 16 }), { source: path.basename(abs) });
    return { catalogue, file: abs };
  } catch (e) {
    if (e instanceof FestFormatError) throw new InputError(`--fest: ${e.message}. Oppgi en FEST-fil (M30, fest251.xml) eller utelat --fest for den innebygde katalogen.`);
    throw e;
  }
}

// ---- putting it together ----

export interface ReconcileRun {
  result: ReconcileResult;
  /** Lines for stderr that the user should see but that are not errors. */
  warnings: string[];
  inputs: { local: string; rf: string; kj?: string; fest: string; festExtractedAt: string; at: string };
  criticalInfo: CriticalInfo[];
}

/** Reads every input, checks they are about one patient and reconciles. Throws InputError for bad input. */
export async function runReconcile(opts: ReconcileOptions): Promise<ReconcileRun> {
  const local = loadLocal(opts.local);
  const rf = loadRf(opts.rf);
  const kj = opts.kj ? loadKj(opts.kj) : undefined;
  const fest = await loadCatalogue(opts.fest);
  const warnings: string[] = [];

  const who = local.patient.identityNumber;
  const masked = (id: string) => `${id.slice(0, 6)}*****`;
  if (!rf.patientId) throw new InputError(`--rf: ${opts.rf} navngir ingen pasient, så det kan ikke kontrolleres at den gjelder ${masked(who)}. Oppgi meldingene for pasienten.`);
  if (rf.patientId !== who) {
    throw new InputError(
      `--local og --rf gjelder ulike pasienter: den lokale listen er for ${masked(who)}, Reseptformidleren-dataene for ${masked(rf.patientId)}. Oppgi filer for samme pasient.`,
    );
  }
  if (kj?.patientId && kj.patientId !== who) {
    throw new InputError(`--local og --kj gjelder ulike pasienter: den lokale listen er for ${masked(who)}, Kjernejournal-dataene for ${masked(kj.patientId)}. Oppgi filer for samme pasient.`);
  }
  // An M9.8 envelope names no patient (the M9.7 request did): it cannot be checked, so say so.
  if (kj && !kj.patientId) warnings.push(`Merk: --kj ${opts.kj} navngir ingen pasient; kontroller selv at utleveringene gjelder ${masked(who)}.`);

  let read: MedicationRead = { ...rf.read, patient: rf.kind === 'get-medication' ? rf.read.patient : local.patient };
  if (kj) {
    if (read.dispensings.length > 0 || read.criticalInfo.length > 0) {
      warnings.push(`Merk: --kj erstatter utleveringene (${read.dispensings.length}) og CAVE (${read.criticalInfo.length}) fra --rf.`);
    }
    read = {
      ...read,
      dispensings: kj.dispensings,
      criticalInfo: kj.criticalInfo,
      errors: [...read.errors.filter((e) => e.source !== 'KJ'), ...kj.errors],
      ...(kj.fetchedAt ? { kjFetchedAt: kj.fetchedAt } : {}),
    };
  }
  // The practice's own CAVE counts as much as KJ's for the allergy checks.
  const criticalInfo = [...local.criticalInfo, ...read.criticalInfo];
  read = { ...read, criticalInfo };
  // The local list's patient record is the practice's; the multidose facts come from RF when it says so.
  const patient: Patient = { ...local.patient, ...(read.patient.multidose ? { multidose: true } : {}), ...(read.patient.multidoseDoctorHpr ? { multidoseDoctorHpr: read.patient.multidoseDoctorHpr } : {}) };

  const result = reconcile({ patient, local: local.entries, read }, safetyCatalogueFromFest(fest.catalogue), opts.at);
  // A comparison is only as current as the read: say when RF/KJ data are older than a send would accept.
  for (const [what, at] of [
    ['Reseptformidleren', read.rfFetchedAt],
    ['Kjernejournal', read.kjFetchedAt],
  ] as const) {
    const ageHours = at ? (opts.at.getTime() - Date.parse(at)) / 3_600_000 : NaN;
    if (ageHours > MAX_READ_AGE_HOURS) {
      warnings.push(`Merk: dataene fra ${what} er lest ${at!.slice(0, 16).replace('T', ' ')}, ${ageHours >= 48 ? `${Math.floor(ageHours / 24)} dager` : `${Math.floor(ageHours)} timer`} før vurderingstidspunktet (--at). Les på nytt før du handler på dem.`);
    }
  }
  return {
    result,
    warnings,
    criticalInfo,
    inputs: {
      local: `${local.kind === 'pasient-export' ? 'PasientExport' : LOCAL_LIST_FORMAT} ${path.resolve(opts.local)} (${local.entries.length} oppføringer)`,
      rf: rf.description,
      ...(kj ? { kj: kj.description } : {}),
      fest: fest.file,
      festExtractedAt: fest.catalogue.meta.extractedAt,
      at: opts.at.toISOString(),
    },
  };
}

/** The JSON the command prints: the engine's rows and findings plus the inputs, notes and CAVE. */
export interface ReconcileCliJson extends Omit<ReconcileJson, 'rows'> {
  /** The engine's rows, each with three more facts from the row: not a PLL item, in use, and its notes. */
  rows: (ReconcileJson['rows'][number] & { nonPll: boolean; active: boolean; notes: string[] })[];
  at: string;
  today: string;
  notes: string[];
  criticalInfo: { id: string; agent: string; atc: string | null; reaction: string | null; severity: string | null; source: 'KJ' | 'local' }[];
  inputs: ReconcileRun['inputs'];
}

export function toCliJson(run: ReconcileRun): ReconcileCliJson {
  const json = reconcileToJson(run.result);
  const byId = new Map(run.result.rows.map((r) => [r.id, r]));
  return {
    ...json,
    rows: json.rows.map((r) => {
      const row = byId.get(r.id);
      return { ...r, nonPll: row?.nonPll ?? false, active: row?.active ?? false, notes: row?.notes ?? [] };
    }),
    at: run.inputs.at,
    today: run.result.today,
    notes: run.result.notes,
    criticalInfo: run.criticalInfo.map((c) => ({ id: c.id, agent: c.agent, atc: c.atc ?? null, reaction: c.reaction ?? null, severity: c.severity ?? null, source: c.source })),
    inputs: run.inputs,
  };
}

const CAVE_SEVERITY: Record<string, string> = { critical: 'kritisk', serious: 'alvorlig', mild: 'mindre alvorlig', unknown: 'ukjent alvorlighet' };

export function toCliText(run: ReconcileRun): string {
  const lines = [reconcileToText(run.result).trimEnd(), ''];
  if (run.criticalInfo.length === 0) lines.push('CAVE: ingen registrert i kildene som ble lest');
  else {
    lines.push(`CAVE (${run.criticalInfo.length})`);
    for (const c of run.criticalInfo) {
      const bits = [c.reaction, c.severity ? CAVE_SEVERITY[c.severity] : undefined].filter(Boolean).join(', ');
      lines.push(`  ${c.agent}${c.atc ? ` (ATC ${c.atc})` : ''}${bits ? `: ${bits}` : ''} – ${c.source === 'local' ? 'lokal registrering' : 'Kjernejournal'}`);
    }
  }
  lines.push('');
  lines.push(`Vurdert per ${run.result.today}. FEST: ${path.basename(run.inputs.fest)} (hentet ${run.inputs.festExtractedAt.slice(0, 10)}).`);
  return lines.join('\n') + '\n';
}

/** Entry point used by cli/samstem.mjs. */
export async function runReconcileCommand(_cmd: string, argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const opts = parseReconcileArgs(argv);
    const run = await runReconcile(opts);
    for (const w of run.warnings) io.err(w);
    io.out(opts.format === 'json' ? JSON.stringify(toCliJson(run), null, 2) + '\n' : toCliText(run));
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      if (!e.message) {
        io.out(RECONCILE_HELP);
        return 0;
      }
      io.err(`samstem reconcile: ${e.message}`);
      if (e.showUsage) io.err(RECONCILE_USAGE);
      return 2;
    }
    io.err(`samstem reconcile: intern feil: ${(e as Error).stack ?? String(e)}`);
    io.err('Dette er en feil i Samstem, ikke i filene dine. Meld den med kommandoen og filene som ble brukt.');
    return 1;
  }
}
