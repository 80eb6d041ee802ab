// `npm run web`: the broker with demo data, serving the built renderer on 127.0.0.1.
// This is how the e2e journeys and a browser-only pilot run the app.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../broker/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(arg('port') ?? process.env.PORT ?? 5173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Ugyldig port «${arg('port')}». Bruk et tall mellom 0 og 65535, for eksempel --port 5173.`);
  process.exit(2);
}
const dbFile = path.resolve(arg('db') ?? path.join(root, '.data', 'web-broker.sqlite'));
const staticDir = path.join(root, 'renderer', 'dist');

if (!process.argv.includes('--no-build') || !existsSync(path.join(staticDir, 'index.html'))) {
  console.log('Bygger brukergrensesnittet (vite build)…');
  const r = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('Byggingen av brukergrensesnittet feilet (se over). Rett feilen og kjør `npm run web` på nytt.');
    process.exit(1);
  }
}
mkdirSync(path.dirname(dbFile), { recursive: true });

// Test flag for the e2e journeys only: POST /test/faults and /test/actors (never on by default).
const testRoutes = process.argv.includes('--test-routes');
const broker = await startBroker({ port, host: '127.0.0.1', dbFile, seed: 'demo', staticDir, logger: process.argv.includes('--log'), ...(testRoutes ? { testRoutes: true } : {}) });
// The e2e harness reads this exact line to find the URL.
console.log(`Samstem web: ${broker.url}/`);
console.log(`Mock-RF (SFM Basis API): ${broker.url}/fhir  ·  database: ${dbFile}`);
if (testRoutes) console.log('TESTMODUS: testruter (/test/actors, /test/faults) er slått på. Bare for automatiske tester.');
console.log('Stopp med Ctrl+C.');

const stop = async () => {
  await broker.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
