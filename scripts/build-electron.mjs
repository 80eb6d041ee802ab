#!/usr/bin/env node
// Bundles the Electron main process, the preload and the broker CLI into dist-electron/ with
// esbuild (CommonJS, as Electron's main and a sandboxed preload load it):
//   dist-electron/main.cjs     electron/main.ts    (electron external)
//   dist-electron/preload.cjs  electron/preload.ts (electron external; a sandboxed preload can
//                                                   require nothing else, so all else is inlined)
//   dist-electron/broker.cjs   broker/cli.ts       (better-sqlite3 external: a native module, loaded
//                                                   from node_modules — rebuilt for Electron by
//                                                   electron-builder when packaging)
//   dist-electron/migrations/  broker/migrations   (the broker reads them next to its module)
// Exports buildElectron() so electron/broker-host.test.ts can bundle the broker into a temp dir.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ENTRIES = [
  { name: 'main', in: 'electron/main.ts', out: 'main.cjs', external: ['electron'], importMeta: false },
  // A sandboxed preload can require only 'electron' and a few polyfills: no banner, no Node.
  { name: 'preload', in: 'electron/preload.ts', out: 'preload.cjs', external: ['electron'], importMeta: false },
  { name: 'broker', in: 'broker/cli.ts', out: 'broker.cjs', external: ['better-sqlite3', 'electron'], importMeta: true },
];

// ESM sources may use import.meta.url; in a CommonJS bundle it becomes the bundle file's URL.
const importMetaShim = "const __samstem_import_meta_url = require('node:url').pathToFileURL(__filename).href;";

export class BuildError extends Error {}

/**
 * Builds the given entries (default: all) into outDir, which is emptied first.
 * Returns the output files with their sizes.
 */
export async function buildElectron({ outDir = path.join(root, 'dist-electron'), only } = {}) {
  const entries = only ? ENTRIES.filter((e) => only.includes(e.name)) : ENTRIES;
  for (const entry of entries) {
    if (!existsSync(path.join(root, entry.in))) throw new BuildError(`${entry.in} is missing; cannot build ${entry.out}.`);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const outputs = [];
  for (const entry of entries) {
    let result;
    try {
      result = await build({
        absWorkingDir: root,
        entryPoints: [entry.in],
        outfile: path.join(outDir, entry.out),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        // Electron's own Node is newer; node20 is the floor for the system Node that runs the
        // broker in development, so the output must run on both.
        target: 'node20',
        external: entry.external,
        sourcemap: 'linked',
        legalComments: 'none',
        logLevel: 'silent',
        ...(entry.importMeta ? { banner: { js: importMetaShim }, define: { 'import.meta.url': '__samstem_import_meta_url' } } : {}),
        metafile: true,
      });
    } catch (err) {
      throw new BuildError(`bundling ${entry.in} failed:\n${err.message}`);
    }
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    outputs.push({ file: path.join(outDir, entry.out), bytes });
    if (entry.name === 'preload') {
      const foreign = [...readFileSync(path.join(outDir, entry.out), 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]).filter((m) => m !== 'electron');
      if (foreign.length > 0) throw new BuildError(`preload.cjs requires ${foreign.join(', ')}; a sandboxed preload can only require 'electron'.`);
    }
    if (entry.name === 'broker') {
      const migrations = path.join(root, 'broker', 'migrations');
      if (!existsSync(migrations)) throw new BuildError('broker/migrations is missing; the bundled broker could not create its database.');
      cpSync(migrations, path.join(outDir, 'migrations'), { recursive: true });
    }
  }
  return outputs;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const electronVersion = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const started = Date.now();
  try {
    const outputs = await buildElectron();
    for (const o of outputs) console.log(`${path.relative(root, o.file)}  ${(o.bytes / 1024).toFixed(0)} KiB (with source map)`);
    console.log(`build-electron: done for Electron ${electronVersion} in ${Date.now() - started} ms`);
  } catch (err) {
    console.error(`build-electron: ${err.message}`);
    process.exit(1);
  }
}
