// Runs real child processes: small stand-in brokers for the start/stop protocol, and the bundled
// broker (dist-electron/broker.cjs, built into a temp dir here) on this machine's Node — exactly
// what the desktop app does in development; packaged, the same bundle runs in a utility process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerStartError, brokerArgs, fromChildProcess, parseBrokerUrl, startEmbeddedBroker, type BrokerSpawner } from './broker-host';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;

const nodeSpawner: BrokerSpawner = (script, args) => fromChildProcess(spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-broker-host-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseBrokerUrl', () => {
  it('finds the loopback URL in the CLI line', () => {
    expect(parseBrokerUrl('Samstem testmegler kjører på http://127.0.0.1:43395 (FHIR: http://127.0.0.1:43395/fhir)')).toEqual({ url: 'http://127.0.0.1:43395', port: 43395 });
  });

  it('ignores non-loopback hosts and impossible ports', () => {
    expect(parseBrokerUrl('listening on http://0.0.0.0:80')).toBeNull();
    expect(parseBrokerUrl('http://127.0.0.1:0')).toBeNull();
    expect(parseBrokerUrl('http://127.0.0.1:70000')).toBeNull();
    expect(parseBrokerUrl('http://127.0.0.10:8080')).toBeNull();
    expect(parseBrokerUrl('')).toBeNull();
  });

  it('reads back any valid port (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.string(), (port, prefix) => {
        const found = parseBrokerUrl(`${prefix.replace(/http/g, '')} http://127.0.0.1:${port}/fhir`);
        expect(found).toEqual({ url: `http://127.0.0.1:${port}`, port });
      }),
    );
  });
});

describe('brokerArgs', () => {
  it('asks for loopback, a free port, the given database and the demo seed', () => {
    expect(brokerArgs('/data/b.sqlite')).toEqual(['--port', '0', '--host', '127.0.0.1', '--db', '/data/b.sqlite', '--seed', 'demo', '--quiet']);
    expect(brokerArgs('/data/b.sqlite', 'none')).toContain('none');
  });
});

describe('startEmbeddedBroker', () => {
  it('resolves with the URL once the broker prints it, even split across writes, and stop() ends the process', async () => {
    const file = script(
      'ok.cjs',
      `process.stdout.write('starting\\nSamstem testmegler kjører på http://127.0.');
       setTimeout(() => process.stdout.write('0.1:4312 (FHIR)\\n'), 50);
       setInterval(() => {}, 1000);`,
    );
    let pid = 0;
    const broker = await startEmbeddedBroker({
      spawn: (s, a) => {
        const child = nodeSpawner(s, a);
        pid = child.pid!;
        return child;
      },
      scriptPath: file,
      dbFile: path.join(dir, 'x.sqlite'),
    });
    expect(broker).toMatchObject({ url: 'http://127.0.0.1:4312', port: 4312 });
    expect(alive(pid)).toBe(true);
    await broker.stop();
    expect(alive(pid)).toBe(false);
    await expect(broker.exited).resolves.not.toBe(0);
    await broker.stop(); // a second stop is harmless
  });

  it('passes the broker its arguments', async () => {
    const file = script('args.cjs', `console.log('http://127.0.0.1:1234 ' + JSON.stringify(process.argv.slice(2))); setInterval(() => {}, 1000);`);
    let seen: string[] = [];
    const broker = await startEmbeddedBroker({
      spawn: (s, a) => {
        seen = a;
        return nodeSpawner(s, a);
      },
      scriptPath: file,
      dbFile: '/tmp/db.sqlite',
      seed: 'none',
    });
    await broker.stop();
    expect(seen).toEqual(brokerArgs('/tmp/db.sqlite', 'none'));
  });

  it('rejects with the broker output when it dies before it is ready', async () => {
    const file = script('dies.cjs', `console.error('Kunne ikke starte testmegleren: database locked'); process.exit(2);`);
    const err = await startEmbeddedBroker({ spawn: nodeSpawner, scriptPath: file, dbFile: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerStartError);
    expect((err as Error).message).toMatch(/exited with code 2/);
    expect((err as Error).message).toContain('database locked');
  });

  it('rejects, without crashing the caller, when the runtime cannot be started at all', async () => {
    const missing: BrokerSpawner = (s, a) => fromChildProcess(spawn(path.join(dir, 'no-such-node'), [s, ...a], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const err = await startEmbeddedBroker({ spawn: missing, scriptPath: 'x.cjs', dbFile: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerStartError);
    expect((err as Error).message).toMatch(/could not be started: .*ENOENT/);
  });

  it('gives up, and kills the broker, when no URL comes', async () => {
    const file = script('silent.cjs', `console.log('no url here'); setInterval(() => {}, 1000);`);
    let pid = 0;
    const err = await startEmbeddedBroker({
      spawn: (s, a) => {
        const child = nodeSpawner(s, a);
        pid = child.pid!;
        return child;
      },
      scriptPath: file,
      dbFile: 'x',
      startTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerStartError);
    expect((err as Error).message).toMatch(/no URL/);
    await expect.poll(() => alive(pid)).toBe(false);
  });
});

describe('the bundled broker (dist-electron/broker.cjs) on Node', () => {
  const out = () => path.join(dir, 'bundle');
  let built: true | string = 'not built';

  beforeAll(async () => {
    const modPath = path.join(repoRoot, 'scripts', 'build-electron.mjs');
    const mod = (await import(/* @vite-ignore */ modPath)) as { buildElectron(o: { outDir: string; only: string[] }): Promise<unknown> };
    try {
      await mod.buildElectron({ outDir: out(), only: ['broker'] });
      built = true;
    } catch (err) {
      built = (err as Error).message;
    }
  }, 120_000);

  it('bundles', () => {
    expect(built).toBe(true);
  });

  it('starts on a free loopback port with a new database, answers /healthz and CORS for app://samstem, and stops', async () => {
    expect(existsSync(path.join(out(), 'broker.cjs'))).toBe(true);
    const dbFile = path.join(dir, 'embedded', 'broker.sqlite');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(dbFile), { recursive: true });
    // The temp bundle has no node_modules above it; in the app, dist-electron/ sits next to it.
    const withModules: BrokerSpawner = (s, a) =>
      fromChildProcess(spawn(process.execPath, [s, ...a], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') } }));
    const broker = await startEmbeddedBroker({ spawn: withModules, scriptPath: path.join(out(), 'broker.cjs'), dbFile, seed: 'demo' });
    try {
      const health = await fetch(`${broker.url}/healthz`);
      expect(health.status).toBe(200);
      const cors = await fetch(`${broker.url}/fhir/metadata`, { headers: { origin: 'app://samstem' } });
      expect(cors.headers.get('access-control-allow-origin')).toBe('app://samstem');
      expect(existsSync(dbFile)).toBe(true);
    } finally {
      await broker.stop();
    }
    await expect(fetch(`${broker.url}/healthz`)).rejects.toThrow();
  });
});

describe('fromUtilityProcess', () => {
  it('reports the exit of an Electron utility process and forwards kill()', async () => {
    const { EventEmitter } = await import('node:events');
    const { PassThrough } = await import('node:stream');
    const emitter = new EventEmitter();
    const utility = Object.assign(emitter, {
      pid: 42,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      kill: () => emitter.emit('exit', 15),
    });
    const { fromUtilityProcess } = await import('./broker-host');
    const proc = fromUtilityProcess(utility);
    const started = startEmbeddedBroker({ spawn: () => proc, scriptPath: 'broker.cjs', dbFile: 'x' });
    utility.stdout.write('Samstem testmegler kjører på http://127.0.0.1:5555 (FHIR)\n');
    const broker = await started;
    expect(broker.port).toBe(5555);
    await broker.stop();
    await expect(broker.exited).resolves.toBe(15);
  });
});
