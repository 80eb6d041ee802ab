// Command-line arguments of the broker CLI (kept apart from cli.ts so they can be tested).
import type { BrokerOptions } from './server';

export const USAGE = 'Bruk: npm run broker -- --port N --db FIL [--seed demo] [--host 127.0.0.1] [--static MAPPE] [--quiet] [--no-auth]';

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
      default: fail(`Ukjent valg: ${a}`);
    }
  }
  if (!opts.dbFile) fail('Mangler --db FIL (SQLite-filen testmegleren lagrer i; opprettes om den ikke finnes).');
  return opts as BrokerOptions;
}

