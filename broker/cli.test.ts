import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs, UsageError } from './cliArgs';
import { tempDbFile } from './testing';

const repo = resolve(fileURLToPath(import.meta.url), '../..');

describe('broker CLI arguments', () => {
  it('reads port, db, seed, host and static folder', () => {
    expect(parseArgs(['--port', '8123', '--db', 'x.sqlite', '--seed', 'demo', '--host', '0.0.0.0', '--static', 'renderer/dist'])).toMatchObject({
      port: 8123, dbFile: 'x.sqlite', seed: 'demo', host: '0.0.0.0', staticDir: 'renderer/dist', logger: true,
    });
    expect(parseArgs(['--db', 'x', '--no-auth', '--quiet'])).toMatchObject({ auth: 'off', logger: false, port: 0 });
    expect(parseArgs(['--db', 'x']).auth).toBeUndefined();
  });
  it.each([[['--port', 'abc', '--db', 'x']], [['--port', '70000', '--db', 'x']], [['--port', '1']], [['--db']], [['--db', 'x', '--seed', 'all']], [['--db', 'x', '--what']]])(
    'refuses %j with a message', (argv) => {
      expect(() => parseArgs(argv)).toThrow(UsageError);
    },
  );
});

describe('broker CLI process', () => {
  it('prints its URL, answers, and exits 0 on SIGTERM', async () => {
    const tmp = tempDbFile();
    const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', '--port', '0', '--db', tmp.file, '--seed', 'demo', '--quiet'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (m) ok(m[0]);
        });
        child.once('exit', (code) => fail(new Error(`exited ${code} before printing its URL`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      tmp.cleanup();
    }
  });

  it('exits 2 with a Norwegian message when --db is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', '--port', '0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    expect(code).toBe(2);
    expect(err).toMatch(/Mangler --db/);
  });
});
