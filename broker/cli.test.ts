import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseActorArgs, parseArgs, UsageError } from './cliArgs';
import { openDatabase } from './db';
import { seedDemo } from './seed';
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

describe('broker CLI test flags and actors', () => {
  it('reads --test-routes and --faults (with or without a spec), and refuses a bad spec', () => {
    expect(parseArgs(['--db', 'x']).testRoutes).toBeUndefined();
    expect(parseArgs(['--db', 'x']).faults).toBeUndefined();
    expect(parseArgs(['--db', 'x', '--test-routes', '--faults', 'latency=200,error=0.1,drop=0.05'])).toMatchObject({ testRoutes: true, faults: { latencyMs: 200, errorRate: 0.1, dropAfterCommitRate: 0.05 } });
    expect(parseArgs(['--db', 'x', '--faults', '--quiet'])).toMatchObject({ faults: {}, logger: false });
    for (const bad of ['error=2', 'nonsense=1', 'latency=-1']) expect(() => parseArgs(['--db', 'x', '--faults', bad])).toThrow(UsageError);
  });

  it('reads actor arguments and refuses a missing --db or action', () => {
    expect(parseActorArgs(['dispense', '--db', 'f', '--resept', 'r1', '--pharmacy', 'Apotek X', '--substituted'])).toEqual({ dbFile: 'f', action: 'dispense', fields: { reseptId: 'r1', pharmacy: 'Apotek X', substituted: true } });
    expect(parseActorArgs(['pll-change', '--db', 'f', '--patient', 'p', '--lib-id', 'l', '--doctor', 'Dr X'])).toMatchObject({ fields: { patient: 'p', libId: 'l', doctorName: 'Dr X' } });
    expect(() => parseActorArgs(['dispense', '--resept', 'r1'])).toThrow(/--db/);
    expect(() => parseActorArgs([])).toThrow(UsageError);
  });

  it('`actor pharmacy-lock` changes the database file and prints the change; an unknown prescription exits 2', async () => {
    const tmp = tempDbFile();
    try {
      const db = openDatabase(tmp.file);
      seedDemo(db);
      const reseptId = db.prepare("SELECT resept_id FROM prescriptions WHERE patient = '47068530187' AND status = 'E' LIMIT 1").pluck().get() as string;
      db.close();
      const run = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((ok) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', 'actor', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (err += b.toString()));
        child.once('exit', (code) => ok({ code, out, err }));
      });
      const ok = await run(['pharmacy-lock', '--db', tmp.file, '--resept', reseptId, '--pharmacy', 'Apotek 1 Bryn']);
      expect(ok.code, ok.err).toBe(0);
      expect(JSON.parse(ok.out).changes[0]).toMatchObject({ kind: 'pharmacy-lock', actor: 'Apotek 1 Bryn' });
      const check = new Database(tmp.file, { readonly: true });
      expect(check.prepare('SELECT status FROM prescriptions WHERE resept_id = ?').pluck().get(reseptId)).toBe('U');
      check.close();
      const bad = await run(['dispense', '--db', tmp.file, '--resept', 'no-such-id']);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/Ingen resept/);
    } finally {
      tmp.cleanup();
    }
  });
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
