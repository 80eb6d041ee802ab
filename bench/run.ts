// `npm run bench`: every benchmark prints its figure beside a reference measured in the same run
// (a ratio), and all results land in bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Bench = { name: string; run: () => Promise<Record<string, number | string>> };

const benches: Bench[] = [];
async function add(name: string, modulePath: string, fn: string): Promise<void> {
  try {
    const mod = (await import(modulePath)) as Record<string, () => Promise<Record<string, number | string>>>;
    const run = mod[fn];
    if (typeof run !== 'function') throw new Error(`${modulePath} does not export ${fn}`);
    benches.push({ name, run });
  } catch (err) {
    console.error(`!! bench ${name} could not load: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const registry: [string, string, string][] = [
  ['fest', './fest', 'benchFest'],
  ['reconcile', './reconcile', 'benchReconcile'],
  ['broker', './broker', 'benchBroker'],
  ['ui', './ui', 'benchUi'],
  ['ward', './ward', 'benchWard'],
];
for (const [name, mod, fn] of registry) if (only.length === 0 || only.includes(name)) await add(name, mod, fn);

const results: Record<string, Record<string, number | string>> = {};
for (const b of benches) {
  console.log(`\n== ${b.name}`);
  try {
    results[b.name] = await b.run();
    for (const [k, v] of Object.entries(results[b.name]!)) console.log(`  ${k}: ${v}`);
  } catch (err) {
    console.error(`!! bench ${b.name} failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  }
}
const outDir = path.resolve('bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'latest.json'),
  JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version }, results }, null, 2),
);
console.log(`\nwrote ${path.join(outDir, 'latest.json')}`);
