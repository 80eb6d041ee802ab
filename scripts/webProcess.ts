// Starts `npm run web` (scripts/web.ts: the real broker serving the built renderer) as a child
// process on a free port with the given database, and waits for the URL it prints. Used by the e2e
// global setup and the UI benches, so each runs against its own throw-away broker.
import { spawn } from 'node:child_process';

export interface WebProcess {
  url: string;
  stop(): void;
}

export async function startWebProcess(dbFile: string, extraArgs: string[] = []): Promise<WebProcess> {
  const child = spawn('npx', ['tsx', 'scripts/web.ts', '--port', '0', '--db', dbFile, '--no-build', ...extraArgs], {
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
  return {
    url,
    stop() {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
}
