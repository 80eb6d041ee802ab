// Command-line arguments of the broker CLI (kept apart from cli.ts so they can be tested).
import { ACTOR_ACTIONS } from './actors';
import { parseFaultSpec } from './faults';
import type { BrokerOptions } from './server';

export const USAGE = [
  'Bruk: npm run broker -- --port N --db FIL [--seed demo] [--host 127.0.0.1] [--static MAPPE] [--quiet] [--no-auth]',
  '                       [--test-routes] [--faults latency=MS,answer-delay=MS,error=R,reset=R,drop=R,malformed=R]',
  '      (answer-delay=MS: operasjonen utføres og lagres straks, bare svaret kommer MS millisekunder senere)',
  '      Ruter: /fhir (SFM: $getMedication, $sendMedication, metadata), /auth/token, /audit, /healthz,',
  '             GET /units (brukerens avdelinger), GET /units/:unitId/residents (beboerne i én avdeling)',
  '      npm run broker -- actor HANDLING --db FIL [--resept ID] [--patient NR] [--pharmacy NAVN] [--hours N] [--days N] …',
  `      (handlinger: ${ACTOR_ACTIONS.join(', ')})`,
].join('\n');

/** A usage error: the CLI prints it with the usage line and exits with code 2. */
export class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

export function parseArgs(argv: string[]): BrokerOptions {
  const opts: Partial<BrokerOptions> = { logger: true, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`Mangler verdi etter ${a}.`);
      return v;
    };
    switch (a) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) fail(`--port må være et tall mellom 0 og 65535, fikk «${v}».`);
        opts.port = n;
        break;
      }
      case '--db': opts.dbFile = value(); break;
      case '--host': opts.host = value(); break;
      case '--static': opts.staticDir = value(); break;
      case '--seed': {
        const v = value();
        if (v !== 'demo' && v !== 'none') fail(`--seed tar «demo» eller «none», fikk «${v}».`);
        opts.seed = v;
        break;
      }
      case '--quiet': opts.logger = false; break;
      case '--no-auth': opts.auth = 'off'; break;
      case '--test-routes': opts.testRoutes = true; break;
      case '--faults': {
        // optional value: `--faults` alone turns the machinery on with no faults (set them at runtime)
        const next = argv[i + 1];
        const spec = next !== undefined && !next.startsWith('--') ? argv[++i]! : '';
        try {
          opts.faults = parseFaultSpec(spec);
        } catch (e) {
          fail(`--faults: ${(e as Error).message}.`);
        }
        break;
      }
      default: fail(`Ukjent valg: ${a}`);
    }
  }
  if (!opts.dbFile) fail('Mangler --db FIL (SQLite-filen testmegleren lagrer i; opprettes om den ikke finnes).');
  return opts as BrokerOptions;
}


/** `actor ACTION --db FILE --key value …` → the action's fields (camelCase keys). */
export function parseActorArgs(argv: string[]): { dbFile: string; action: string; fields: Record<string, unknown> } {
  const [action, ...rest] = argv;
  if (!action || action.startsWith('--')) fail(`Mangler handling etter «actor». Kjente: ${ACTOR_ACTIONS.join(', ')}.`);
  const alias: Record<string, string> = { resept: 'reseptId', 'resept-id': 'reseptId', 'lib-id': 'libId', dosage: 'dosageText', 'dosage-text': 'dosageText', doctor: 'doctorName', 'doctor-hpr': 'doctorHpr', 'doctor-org': 'doctorOrganisation' };
  const fields: Record<string, unknown> = {};
  let dbFile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) fail(`Ukjent argument: ${a}`);
    const name = a.slice(2);
    if (name === 'substituted' || name === 'discontinue') {
      fields[name] = true;
      continue;
    }
    const v = rest[++i];
    if (v === undefined || v.startsWith('--')) fail(`Mangler verdi etter ${a}.`);
    if (name === 'db') dbFile = v;
    else fields[alias[name] ?? name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = v;
  }
  if (!dbFile) fail('Mangler --db FIL (testmeglerens SQLite-fil).');
  return { dbFile, action, fields };
}
