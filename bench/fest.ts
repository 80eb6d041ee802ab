// FEST import and search benchmark.
// - Import: the real-scale generated file (~100 MB) read by the streaming reader in a child Node
//   process (peak RSS from process.resourceUsage().maxRSS), beside the same file through a bare
//   saxes pass that builds nothing (the reference). Both children run under the same tsx loader.
// - Search: p50/p95 per query over the ~9,000 products, beside brute-force `includes`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { readFest } from '../shared/fest/reader';
import { buildSearchIndex } from '../shared/fest/search';
import { createInteractionChecker, scanInteractionsBetween } from '../shared/fest/catalogue';
import { generateFest } from '../fixtures/fest/generate';

const CHILD_ENV = 'SAMSTEM_FEST_BENCH_CHILD';
const SEED = 20261126;
const here = fileURLToPath(import.meta.url);

async function childMain(mode: string, file: string): Promise<void> {
  const started = performance.now();
  let result: Record<string, unknown>;
  if (mode === 'reader') {
    const c = await readFest(createReadStream(file, { highWaterMark: 1 << 16 }));
    result = { counts: c.meta.counts };
  } else {
    // Reference: the same bytes, decoded the same way, through saxes with no-op handlers.
    const parser = new SaxesParser({ xmlns: false, position: true });
    let elements = 0;
    parser.on('opentag', () => {
      elements++;
    });
    parser.on('text', () => {});
    parser.on('closetag', () => {});
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    parser.close();
    result = { elements };
  }
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ...result, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function runChild(mode: 'reader' | 'bare', file: string): { ms: number; maxRssMB: number } {
  const tsx = path.resolve(path.dirname(here), '..', 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [here], { env: { ...process.env, [CHILD_ENV]: `${mode}:${file}` }, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; maxRssMB: number };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export async function benchFest(): Promise<Record<string, number | string>> {
  const dir = path.join(os.tmpdir(), 'samstem-bench');
  mkdirSync(dir, { recursive: true });
  // Cached by the generator's source, so a changed generator never benchmarks a stale file.
  const fixtures = path.resolve(path.dirname(here), '..', 'fixtures', 'fest');
  const version = createHash('sha256');
  for (const f of ['generate.ts', 'festxml.ts', 'curated-source.ts']) version.update(readFileSync(path.join(fixtures, f)));
  const file = path.join(dir, `fest-real-${SEED}-${version.digest('hex').slice(0, 12)}.xml`);
  if (!existsSync(file)) await generateFest({ scale: 'real', out: file, seed: SEED });
  const mb = statSync(file).size / 1e6;

  // Median of three runs each, alternating, to even out noise.
  const reader: { ms: number; maxRssMB: number }[] = [];
  const bare: { ms: number; maxRssMB: number }[] = [];
  for (let i = 0; i < 3; i++) {
    reader.push(runChild('reader', file));
    bare.push(runChild('bare', file));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
  const readerMs = med(reader.map((r) => r.ms));
  const bareMs = med(bare.map((r) => r.ms));
  const readerRss = Math.max(...reader.map((r) => r.maxRssMB));
  const bareRss = Math.max(...bare.map((r) => r.maxRssMB));

  // Search over the same catalogue.
  const catalogue = await readFest(createReadStream(file, { highWaterMark: 1 << 16 }));
  const t0 = performance.now();
  const index = buildSearchIndex(catalogue);
  const buildMs = performance.now() - t0;
  const queries = ['paracet', 'ibux', 'simvastatn', 'C10AA01', '2,5', 'marevan 2,5', 'metformin 500', 'sandoz', 'tab 20 mg', 'cordaron', 'paracetmol', 'xyzzy'];
  const products = catalogue.products;
  const brute = (q: string) => {
    const lq = q.toLowerCase();
    const out = [];
    for (const p of products) {
      if (p.nameFormStrength.toLowerCase().includes(lq)) {
        out.push(p);
        if (out.length === 20) break;
      }
    }
    return out;
  };
  const time = (f: (q: string) => unknown): number[] => {
    const ts: number[] = [];
    for (let round = 0; round < 30; round++) {
      for (const q of queries) {
        const s = performance.now();
        f(q);
        ts.push(performance.now() - s);
      }
    }
    return ts.sort((a, b) => a - b);
  };
  time((q) => index.search(q)); // warm-up
  const idx = time((q) => index.search(q));
  time(brute);
  const br = time(brute);
  const typoHitsIndex = index.search('simvastatn').length;
  const typoHitsBrute = brute('simvastatn').length;

  // Interaction check of a 20-medicine list: indexed checker vs. scanning all interactions per pair.
  const meds = catalogue.products.filter((p) => p.atc).filter((_, i) => i % 450 === 0).slice(0, 20).map((p) => ({ atc: p.atc, substances: p.substances }));
  const checker = createInteractionChecker(catalogue);
  const tc = performance.now();
  const pairsIndexed = checker.among(meds).length;
  const checkMs = performance.now() - tc;
  const ts = performance.now();
  let pairsScan = 0;
  for (let x = 0; x < meds.length; x++)
    for (let y = x + 1; y < meds.length; y++) if (scanInteractionsBetween(catalogue, { atc: [meds[x]!.atc], substances: meds[x]!.substances }, { atc: [meds[y]!.atc], substances: meds[y]!.substances }).length) pairsScan++;
  const scanMs = performance.now() - ts;

  return {
    interaction_check_20_meds_ms: round(checkMs, 2),
    interaction_scan_20_meds_ms: round(scanMs, 2),
    interaction_check_ratio_vs_scan: round(checkMs / scanMs, 3),
    interaction_pairs_found: `${pairsIndexed} (scan: ${pairsScan})`,
    file_MB: round(mb, 1),
    products: catalogue.meta.counts.products,
    packages: catalogue.meta.counts.packages,
    interactions: catalogue.meta.counts.interactions,
    import_ms: round(readerMs, 0),
    import_MB_per_s: round(mb / (readerMs / 1000), 1),
    import_peak_rss_MB: round(readerRss, 0),
    bare_saxes_ms: round(bareMs, 0),
    bare_saxes_MB_per_s: round(mb / (bareMs / 1000), 1),
    bare_saxes_peak_rss_MB: round(bareRss, 0),
    import_throughput_ratio_vs_bare_saxes: round(bareMs / readerMs, 2),
    import_peak_rss_under_300MB: readerRss < 300 ? 'yes' : 'NO',
    search_index_build_ms: round(buildMs, 0),
    search_p50_ms: round(percentile(idx, 50), 3),
    search_p95_ms: round(percentile(idx, 95), 3),
    brute_includes_p50_ms: round(percentile(br, 50), 3),
    brute_includes_p95_ms: round(percentile(br, 95), 3),
    search_p95_ratio_vs_brute: round(percentile(idx, 95) / percentile(br, 95), 2),
    typo_query_hits: `simvastatn: index ${typoHitsIndex}, brute ${typoHitsBrute}`,
  };
}

const child = process.env[CHILD_ENV];
if (child) {
  const i = child.indexOf(':');
  await childMain(child.slice(0, i), child.slice(i + 1));
}
