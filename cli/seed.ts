// `npx samstem seed --kith DIR [--kith DIR …] [--db FILE] [--gp-org ORGNR] [--care-hpr HPR] [--unit ID] [--demo]`
// Seeds the mock broker's database from real KITH messages: one folder per patient, as the legacy
// prescribing module stores them (e.g. ../shared/reference/sfm-tools/patient-odden). What RF said
// last goes in: the prescriptions of the latest M9.6 with their status, the PLL of the latest M9.12
// (or of the latest M25.1 when no M9.12 carries one), the dispensings of the latest M9.8.
// Idempotent like the demo seed: rows are keyed by ReseptId / MsgId and inserted only when missing.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, seedDemo, seedPatients, type SeedResult } from '../broker';
import type { DemoPatient } from '../fixtures/demo';
import { parseIdentityNumber } from '../shared/identity';
import { KithFormatError, readKithFolder, readKithMessage, type KithFile, type PllRead } from '../shared/kith';
import type { Patient } from '../shared/model';

export const SEED_USAGE = 'Bruk: samstem seed --kith MAPPE [--kith MAPPE …] [--db FIL] [--gp-org ORGNR] [--care-hpr HPR] [--unit AVDELING] [--demo]';
export const SEED_HELP = `${SEED_USAGE}

Legger pasienter fra ekte KITH-meldinger inn i testmeglerens database (én mappe per pasient):
  --kith MAPPE    mappe med pasientens KITH-meldinger (*.xml): siste M9.6 gir reseptene med status,
                  siste M9.12 (ellers siste M25.1) gir PLL, siste M9.8 gir utleveringene
  --db FIL        testmeglerens SQLite-fil (standard .data/broker.sqlite; opprettes om den mangler)
  --gp-org ORGNR  organisasjonsnummeret til pasientens fastlegekontor (gir behandlingsrelasjon;
                  Kristin Berg i testbrukerne er 987654325). Uten: oppslag krever akuttilgang
  --care-hpr HPR  HPR-nummer til en lege med behandlingsrelasjon (kan gjentas)
  --unit ID       avdelingen pasienten bor på (sykepleiere der får lesetilgang), f.eks. solsiden-2
  --demo          legg også inn demodataene

Avslutningskode 0: ferdig; 2: feil i filene eller valgene.
`;

export interface SeedCommandOptions {
  kithDirs: string[];
  dbFile: string;
  gpOrgNr?: string;
  careHpr: string[];
  units: string[];
  demo: boolean;
}

class SeedInputError extends Error {}

export function parseSeedArgs(argv: readonly string[]): SeedCommandOptions | 'help' {
  const opts: SeedCommandOptions = { kithDirs: [], dbFile: path.join('.data', 'broker.sqlite'), careHpr: [], units: [], demo: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SeedInputError(`mangler verdi etter ${a}.`);
      return v;
    };
    switch (a) {
      case '--help': case '-h': return 'help';
      case '--kith': opts.kithDirs.push(value()); break;
      case '--db': opts.dbFile = value(); break;
      case '--gp-org': {
        const v = value();
        if (!/^\d{9}$/.test(v)) throw new SeedInputError(`--gp-org er et organisasjonsnummer med 9 siffer, fikk «${v}».`);
        opts.gpOrgNr = v;
        break;
      }
      case '--care-hpr': {
        const v = value();
        if (!/^\d{4,9}$/.test(v)) throw new SeedInputError(`--care-hpr er et HPR-nummer (bare siffer), fikk «${v}».`);
        opts.careHpr.push(v);
        break;
      }
      case '--unit': opts.units.push(value()); break;
      case '--demo': opts.demo = true; break;
      default: throw new SeedInputError(`ukjent valg: ${a}`);
    }
  }
  if (opts.kithDirs.length === 0 && !opts.demo) throw new SeedInputError('oppgi minst én --kith MAPPE (eller --demo).');
  return opts;
}

function readFolderFiles(dir: string): KithFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new SeedInputError(`${dir} er ikke en mappe.`);
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof SeedInputError) throw e;
    throw new SeedInputError(`finner ikke mappen ${dir}.`);
  }
  const files = names.filter((n) => n.toLowerCase().endsWith('.xml')).sort().map((name) => ({ name, content: readFileSync(path.join(dir, name)) }));
  if (files.length === 0) throw new SeedInputError(`mappen ${dir} har ingen .xml-filer.`);
  return files;
}

/** The latest M25.1 (ERM251) among the files, for folders whose M9.12 carries no PLL. */
function latestM251(files: KithFile[]): PllRead | undefined {
  let best: { pll: PllRead; genDate: string } | undefined;
  for (const f of files) {
    if (!/ERM251|M25\.?1/i.test(f.name) && !/<MsgType[^>]*V="ERM251"/.test(typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('latin1'))) continue;
    const msg = readKithMessage(f.content, f.name);
    if (msg.type === 'ERM251' && (!best || Date.parse(msg.head.genDate) >= Date.parse(best.genDate))) best = { pll: msg.pll, genDate: msg.head.genDate };
  }
  return best?.pll;
}

/** One folder of KITH messages → the broker's seed record for that patient. */
export function kithFolderToSeed(files: KithFile[], opts: Pick<SeedCommandOptions, 'gpOrgNr' | 'careHpr' | 'units'>): { seed: DemoPatient; pllSource: 'M9.12' | 'M25.1' | 'none' } {
  const read = readKithFolder(files);
  const id = read.patientId ?? read.patient?.identityNumber;
  if (!id) throw new SeedInputError('ingen av meldingene sier hvilken pasient de gjelder.');
  let patient: Patient | undefined = read.patient;
  if (!patient) {
    const parsed = parseIdentityNumber(id);
    if (!parsed.ok) throw new SeedInputError(`pasientens nummer i meldingene er ugyldig: ${parsed.message}`);
    patient = { identityNumber: id, identityKind: parsed.kind, givenName: '', familyName: '(ukjent navn)', birthDate: parsed.birthDate, sex: parsed.sex };
  }
  if (opts.units.length) patient = { ...patient, units: [...new Set([...(patient.units ?? []), ...opts.units])] };
  let pll = read.pllVersion;
  let pllSource: 'M9.12' | 'M25.1' | 'none' = pll ? 'M9.12' : 'none';
  if (!pll) {
    pll = latestM251(files);
    if (pll) pllSource = 'M25.1';
  }
  if (pll?.patientId && pll.patientId !== id) throw new SeedInputError('M25.1 gjelder en annen pasient enn de andre meldingene.');
  const seed: DemoPatient = {
    patient,
    prescriptions: read.prescriptions,
    pll: pll?.entries ?? [],
    dispensings: read.dispensings,
    criticalInfo: [],
    local: [],
    demonstrates: `Seeded from KITH messages (${read.messages.length} messages).`,
    careRelations: opts.careHpr,
  };
  if (pll) {
    seed.pllMessageId = pll.messageId;
    seed.pllCreatedAt = pll.createdAt;
    if (pll.author) seed.pllAuthor = pll.author;
  }
  if (opts.gpOrgNr) seed.gpOrgNr = opts.gpOrgNr;
  return { seed, pllSource };
}

export interface SeedIo {
  out: (text: string) => void;
  err: (line: string) => void;
}
const defaultIo: SeedIo = { out: (t) => process.stdout.write(t), err: (l) => console.error(l) };

export async function runSeedCommand(_cmd: string, argv: string[], io: SeedIo = defaultIo): Promise<number> {
  let opts: SeedCommandOptions | 'help';
  try {
    opts = parseSeedArgs(argv);
  } catch (e) {
    if (e instanceof SeedInputError) {
      io.err(`samstem seed: ${e.message}`);
      io.err(SEED_USAGE);
      return 2;
    }
    throw e;
  }
  if (opts === 'help') {
    io.out(SEED_HELP);
    return 0;
  }
  // Read every folder before touching the database: a bad folder leaves the file as it was.
  const seeds: { dir: string; seed: DemoPatient; pllSource: string }[] = [];
  try {
    for (const dir of opts.kithDirs) seeds.push({ dir, ...kithFolderToSeed(readFolderFiles(dir), opts) });
  } catch (e) {
    if (e instanceof SeedInputError || e instanceof KithFormatError) {
      io.err(`samstem seed: ${e.message}`);
      return 2;
    }
    throw e;
  }
  mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
  const db = openDatabase(opts.dbFile);
  try {
    if (opts.demo) {
      const r = seedDemo(db);
      io.out(`Demodata: ${r.patients} nye pasienter, ${r.prescriptions} nye resepter.\n`);
    }
    for (const { dir, seed, pllSource } of seeds) {
      const r: SeedResult = seedPatients(db, [seed]);
      const p = seed.patient;
      io.out(
        `${dir}: pasient ${p.identityNumber} (${[p.givenName, p.familyName].filter(Boolean).join(' ')})${r.patients ? '' : ' fantes fra før'}; ` +
          `${seed.prescriptions.length} resepter (${r.prescriptions} nye), ` +
          `PLL: ${seed.pllMessageId ? `${seed.pll.length} oppføringer fra ${pllSource}${r.pllVersions ? '' : ' (fantes fra før)'}` : 'ingen'}, ` +
          `${seed.dispensings.length} utleveringer.\n`,
      );
      if (!seed.gpOrgNr && seed.careRelations?.length === 0 && !p.units?.length) {
        io.err(`samstem seed: ingen behandlingsrelasjon oppgitt for ${p.identityNumber} (--gp-org/--care-hpr/--unit): oppslag krever akuttilgang med begrunnelse.`);
      }
    }
  } finally {
    db.close();
  }
  io.out(`Database: ${path.resolve(opts.dbFile)}\n`);
  return 0;
}
