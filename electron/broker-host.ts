// Starts the embedded mock broker for the desktop app.
//
// DECISION: the broker runs in its own process, never inside the Electron main process.
//   - Packaged app: `utilityProcess.fork(dist-electron/broker.cjs)`. That is Electron's own Node,
//     so better-sqlite3 must match Electron's ABI: electron-builder rebuilds it at packaging
//     (`npmRebuild: true`) and unpacks the .node file from the asar (`asarUnpack`). A utility
//     process (unlike ELECTRON_RUN_AS_NODE) keeps working when the RunAsNode fuse is turned off,
//     which is the hardening Electron recommends for shipped apps.
//   - Development (`npm start`, Playwright): the same bundle runs on the system Node that
//     installed node_modules (spawned with child_process), so better-sqlite3 as built by
//     `npm install` loads as is and node_modules never has to be rebuilt for Electron — the unit
//     tests, `npm run web` and the desktop app share one node_modules.
// Either way the main process holds no native module, a broker crash cannot take the window down
// with it (the UI shows the broker as unreachable), and the broker code is the very bundle that
// `npm run broker` runs. It listens on 127.0.0.1 port 0; the chosen URL is read from the first
// line of its stdout that carries one, and the process is stopped when the app quits.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A started broker process, whichever way it was started. */
export interface BrokerProcess {
  readonly pid?: number | undefined;
  readonly stdout: Readable | NodeJS.ReadableStream | null;
  readonly stderr: Readable | NodeJS.ReadableStream | null;
  /** Settles once, when the process has ended or could not be started at all. */
  readonly ended: Promise<{ code: number | null; error?: string }>;
  kill(): void;
}

/** Adapts a child_process child (development). A spawn failure (e.g. ENOENT) counts as ended. */
export function fromChildProcess(child: ChildProcess): BrokerProcess {
  const ended = new Promise<{ code: number | null; error?: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code }));
    child.once('error', (err) => resolve({ code: null, error: err.message }));
  });
  return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, ended, kill: () => void child.kill() };
}

/** The part of Electron's UtilityProcess we use (packaged app). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export function fromUtilityProcess(child: UtilityProcessLike): BrokerProcess {
  const ended = new Promise<{ code: number | null }>((resolve) => {
    child.once('exit', (code) => resolve({ code }));
  });
  return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, ended, kill: () => void child.kill() };
}

export type BrokerSpawner = (scriptPath: string, args: string[]) => BrokerProcess;

export interface EmbeddedBrokerOptions {
  spawn: BrokerSpawner;
  /** The bundled broker CLI (dist-electron/broker.cjs). */
  scriptPath: string;
  dbFile: string;
  seed?: 'demo' | 'none';
  /** How long to wait for the URL line before giving up. */
  startTimeoutMs?: number;
  /** How long stop() waits for a clean exit before it gives up waiting. */
  stopTimeoutMs?: number;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  /** Resolves with the exit code once the broker process has ended (on stop() or a crash). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export class BrokerStartError extends Error {
  constructor(message: string, readonly output: string) {
    super(output.trim() === '' ? message : `${message}\n--- broker output ---\n${output.trim()}`);
    this.name = 'BrokerStartError';
  }
}

/** Arguments for broker/cli.ts: loopback only, a free port, no request log on stdout. */
export function brokerArgs(dbFile: string, seed: 'demo' | 'none' = 'demo'): string[] {
  return ['--port', '0', '--host', '127.0.0.1', '--db', dbFile, '--seed', seed, '--quiet'];
}

const URL_PATTERN = /\bhttp:\/\/127\.0\.0\.1:(\d{1,5})\b/;

/** The broker base URL in a line of broker output, or null. Only loopback is accepted. */
export function parseBrokerUrl(line: string): { url: string; port: number } | null {
  const m = URL_PATTERN.exec(line);
  if (!m) return null;
  const port = Number(m[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { url: `http://127.0.0.1:${port}`, port };
}

const MAX_KEPT_OUTPUT = 16_000;

export function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const child = options.spawn(options.scriptPath, brokerArgs(options.dbFile, options.seed));

  let output = '';
  const keep = (chunk: Buffer | string) => {
    output = (output + chunk.toString()).slice(-MAX_KEPT_OUTPUT);
  };
  let exitCode: number | null | undefined;
  let spawnError: string | undefined;
  const exited = child.ended.then(({ code, error }) => {
    exitCode = code;
    spawnError = error;
    return code;
  });

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined || spawnError !== undefined) return;
    child.kill();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, stopTimeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
  };

  return new Promise<EmbeddedBroker>((resolve, reject) => {
    let settled = false;
    let pending = '';
    const timer = setTimeout(() => {
      fail(new BrokerStartError(`The broker printed no URL within ${startTimeoutMs} ms`, output));
      void stop();
    }, startTimeoutMs);

    function fail(err: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    }

    child.stderr?.on('data', keep);
    child.stdout?.on('data', (chunk: Buffer | string) => {
      keep(chunk);
      if (settled) return;
      pending += chunk.toString();
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const found = parseBrokerUrl(line);
        if (found) {
          settled = true;
          clearTimeout(timer);
          resolve({ ...found, exited, stop });
          return;
        }
      }
    });
    void exited.then((code) =>
      fail(
        new BrokerStartError(
          spawnError ? `The broker process could not be started: ${spawnError}` : `The broker exited with code ${code} before it was ready`,
          output,
        ),
      ),
    );
    if (!child.stdout) fail(new BrokerStartError('The broker process has no stdout pipe', ''));
  });
}
