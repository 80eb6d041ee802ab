// Starts `npm run web` (the real broker serving the built renderer) on a free port with a
// throw-away database, like Signal-Desktop's test-mock: every run starts from the demo seed.
// `--test-routes` lets journeys inject faults and other actors' changes (POST /test/faults,
// /test/actors/:action); a journey that sets faults clears them again (one broker for all specs).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWebProcess } from '../scripts/webProcess';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-e2e-'));
  const web = await startWebProcess(path.join(dir, 'broker.sqlite'), ['--test-routes']);
  process.env.SAMSTEM_URL = web.url;
  process.env.SAMSTEM_E2E_DIR = dir;
  return async () => {
    web.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
