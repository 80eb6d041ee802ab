// Starts `npm run web` (the real broker serving the built renderer) on a free port with a
// throw-away database, like Signal-Desktop's test-mock: every run starts from the demo seed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-e2e-'));
  const child: ChildProcess = spawn('npx', ['tsx', 'scripts/web.ts', '--port', '0', '--db', path.join(dir, 'broker.sqlite'), '--no-build'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run web did not print its URL within 60 s:\n${output}`)), 60_000);
    const onData = (buf: Buffer) => {
      output += buf.toString();
      const m = /Samstem web: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm run web exited with ${code}:\n${output}`)));
  });
  process.env.SAMSTEM_URL = url;
  process.env.SAMSTEM_E2E_DIR = dir;
  return async () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
