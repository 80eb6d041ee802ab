#!/usr/bin/env node
// `npm run setup`: installs the dependencies exactly as locked. Tries the Electron binary first;
// on a machine that cannot download it (no internet), installs without it and says so: the app
// then runs in web mode (`npm start` falls back to it, loudly).
import { spawnSync } from 'node:child_process';

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  console.error(`Samstem trenger Node.js 20 eller nyere (du har ${process.version}). Installer Node 20 og prøv igjen.`);
  process.exit(2);
}

const run = (env) => spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env: { ...process.env, ...env } }).status;

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
  process.exit(run({}) ?? 1);
}
if (run({}) === 0) process.exit(0);
console.warn('\n!! npm ci feilet, trolig fordi Electron-programmet ikke kan lastes ned her.');
console.warn('!! Installerer uten Electron (ELECTRON_SKIP_BINARY_DOWNLOAD=1): appen kjører da i nettlesermodus (`npm run web`).\n');
process.exit(run({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) ?? 1);
