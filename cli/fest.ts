// `samstem gen-fest` and `samstem import-fest`: make a FEST-format file, and import one into the
// local data directory. An import replaces <data>/fest.json only after the whole file parsed:
// it writes a temp file beside it and renames, so a bad or cut-off file leaves the old catalogue.
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFest, FestFormatError, type FestCatalogue } from '../shared/fest/reader';
import { generateFest, SCALES, type FestScale } from '../fixtures/fest/generate';

export const FEST_FILE_NAME = 'fest.json';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}
const defaultIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

class UsageError extends Error {}

/** Minimal `--flag value` / positional parser; unknown flags are errors, not ignored. */
function parseArgs(argv: string[], flags: string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!flags.includes(name)) throw new UsageError(`ukjent valg --${name} (gyldige: ${flags.map((f) => `--${f}`).join(', ')})`);
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} mangler verdi`);
      opts[name] = value;
    } else positional.push(a);
  }
  return { positional, opts };
}

/** `gen-fest --scale real|small --out FILE [--seed N]` */
export async function genFest(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const { positional, opts } = parseArgs(argv, ['scale', 'out', 'seed']);
    if (positional.length) throw new UsageError(`uventet argument «${positional[0]}»`);
    const scale = (opts.scale ?? 'small') as FestScale;
    if (!(scale in SCALES)) throw new UsageError(`--scale må være real eller small, ikke «${opts.scale}»`);
    if (!opts.out) throw new UsageError('--out FILE mangler: hvor skal filen skrives?');
    const seed = opts.seed === undefined ? undefined : Number(opts.seed);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed må være et heltall, ikke «${opts.seed}»`);
    const out = path.resolve(opts.out);
    mkdirSync(path.dirname(out), { recursive: true });
    const started = Date.now();
    const r = await generateFest({ scale, out, seed });
    io.out(`Skrev ${out} (${(r.bytes / 1e6).toFixed(1)} MB på ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    io.out(`  legemidler: ${r.counts.products}, pakninger: ${r.counts.packages}, virkestoff: ${r.counts.substances}, interaksjoner: ${r.counts.interactions}`);
    return 0;
  } catch (e) {
    io.err(`gen-fest: ${e instanceof UsageError ? e.message : (e as Error).message}`);
    if (e instanceof UsageError) io.err('Bruk: samstem gen-fest --scale real|small --out FIL [--seed N]');
    return 2;
  }
}

/** `import-fest FILE [--data DIR]` */
export async function importFest(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let tmp: string | undefined;
  try {
    const { positional, opts } = parseArgs(argv, ['data']);
    const file = positional[0];
    if (!file || positional.length > 1) throw new UsageError('oppgi nøyaktig én FEST-fil');
    const src = path.resolve(file);
    if (!existsSync(src) || !statSync(src).isFile()) throw new UsageError(`finner ikke filen ${src}`);
    const dataDir = path.resolve(opts.data ?? '.data');
    const size = statSync(src).size;
    const started = Date.now();
    // On a terminal, show how far the read has come (the real file takes a few seconds).
    let shown = 0;
    const onProgress = process.stderr.isTTY
      ? (bytes: number) => {
          const pct = Math.floor((bytes / Math.max(1, size)) * 10) * 10;
          if (pct > shown) {
            shown = pct;
            process.stderr.write(`\r  leser … ${pct} %${pct >= 100 ? '\n' : ''}`);
          }
        }
      : undefined;
    const catalogue = await readFest(createReadStream(src, { highWaterMark: 1 << 16 }), { source: path.basename(src), onProgress });
    mkdirSync(dataDir, { recursive: true });
    const target = path.join(dataDir, FEST_FILE_NAME);
    tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(catalogue));
    renameSync(tmp, target);
    tmp = undefined;
    const c = catalogue.meta.counts;
    io.out(`Importerte ${path.basename(src)} (${(size / 1e6).toFixed(1)} MB, HentetDato ${catalogue.meta.extractedAt}) på ${((Date.now() - started) / 1000).toFixed(1)} s`);
    io.out(`  legemidler (merkevare + virkestoff): ${c.products}`);
    io.out(`  pakninger: ${c.packages}`);
    io.out(`  virkestoff: ${c.substances}`);
    io.out(`  interaksjoner: ${c.interactions} (+ ${catalogue.notAssessedAtc.length} ATC-koder ikke vurdert)`);
    for (const [why, n] of Object.entries(catalogue.skipped)) io.out(`  hoppet over: ${why}: ${n}`);
    io.out(`Lagret i ${target}`);
    return 0;
  } catch (e) {
    if (tmp) {
      try {
        unlinkSync(tmp);
      } catch {
        // the temp file was never written
      }
    }
    if (e instanceof FestFormatError) {
      io.err(`import-fest: ${e.message}`);
      io.err('Ingenting ble endret: den forrige katalogen er beholdt. Last ned FEST-filen på nytt og prøv igjen.');
    } else if (e instanceof UsageError) {
      io.err(`import-fest: ${e.message}`);
      io.err('Bruk: samstem import-fest FIL [--data MAPPE]');
    } else {
      io.err(`import-fest: ${(e as Error).message}`);
      io.err('Ingenting ble endret: den forrige katalogen er beholdt.');
    }
    return 2;
  }
}

/** Read the catalogue an earlier import stored, or undefined when there is none. */
export function readImportedCatalogue(dataDir = '.data'): FestCatalogue | undefined {
  const file = path.join(path.resolve(dataDir), FEST_FILE_NAME);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as FestCatalogue;
}

export async function runFestCommand(cmd: 'gen-fest' | 'import-fest', argv: string[]): Promise<number> {
  return cmd === 'gen-fest' ? genFest(argv) : importFest(argv);
}
