#!/usr/bin/env node
// `npm start` (after `npm run build`): the desktop app — Electron with dist-electron/main.cjs,
// which starts the embedded broker with demo data. Where the Electron binary is not installed
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the build machines) it says so loudly and runs the same
// app in web mode instead (`npm run web`: the broker serving the renderer on 127.0.0.1).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

/** The Electron binary's path, or null when it was never downloaded. */
export function electronBinary() {
  try {
    // node_modules/electron exports the binary's path and throws when path.txt is missing.
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`Kunne ikke starte ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const binary = electronBinary();
const main = path.join(root, 'dist-electron', 'main.cjs');

if (binary) {
  if (!existsSync(main)) {
    console.error('dist-electron/main.cjs finnes ikke. Kjør `npm run build` først (npm start gjør det for deg).');
    process.exit(1);
  }
  console.log('Starter Samstem (Electron) …');
  // SAMSTEM_NODE: in development the embedded broker runs on this Node, the one that built
  // node_modules (electron/broker-host.ts explains why).
  run(binary, [main, ...process.argv.slice(2)], { ...process.env, SAMSTEM_NODE: process.execPath });
} else {
  const bar = '='.repeat(78);
  console.error(
    [
      bar,
      'ELECTRON ER IKKE INSTALLERT — starter Samstem i NETTLESERMODUS i stedet.',
      '',
      'Electron-programfilen mangler (installert med ELECTRON_SKIP_BINARY_DOWNLOAD=1),',
      'så skrivebordsvinduet kan ikke åpnes på denne maskinen. Samme app kjører nå som',
      'nettside: testtjeneren med demodata serverer brukergrensesnittet på 127.0.0.1.',
      'Åpne adressen som skrives ut nedenfor i Chromium/Chrome/Edge/Firefox.',
      '',
      'For skrivebordsappen: installer Electron på nytt med nett (`npm rebuild electron`',
      'uten ELECTRON_SKIP_BINARY_DOWNLOAD) og kjør `npm start` igjen.',
      bar,
    ].join('\n'),
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // `npm start` has just built the renderer: no second build.
  run(npm, ['run', 'web', '--', '--no-build', ...process.argv.slice(2)]);
}
