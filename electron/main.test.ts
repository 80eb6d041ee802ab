// Wiring test of main.ts with Electron mocked: the Electron binary is not installed here, so this
// is what proves main.ts connects the tested policies (security, ipc, app-protocol, broker-host)
// to the right events. The real window is covered by e2e/electron-launch.spec.ts where it can run.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebPreferences } from './security';

type Handler = (...args: unknown[]) => unknown;

const m = vi.hoisted(() => {
  const state = {
    lock: true,
    appHandlers: new Map<string, Handler>(),
    ipcHandlers: new Map<string, Handler>(),
    windows: [] as { options: Record<string, unknown>; loadURL: ReturnType<typeof vi.fn>; webContents: { send: ReturnType<typeof vi.fn>; url: string } }[],
    powerHandlers: new Map<string, Handler>(),
    readyResolve: (() => undefined) as () => void,
  };
  const electron = {
    app: {
      requestSingleInstanceLock: vi.fn(() => state.lock),
      on: vi.fn((event: string, fn: Handler) => state.appHandlers.set(event, fn)),
      whenReady: vi.fn(() => new Promise<void>((resolve) => (state.readyResolve = resolve))),
      enableSandbox: vi.fn(),
      setPath: vi.fn(),
      getPath: vi.fn((name: string) => path.resolve('/tmp/samstem-test-home', name)),
      getVersion: vi.fn(() => '0.1.0'),
      isPackaged: false,
      quit: vi.fn(),
      exit: vi.fn(),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    powerMonitor: {
      on: vi.fn((event: string, fn: Handler) => state.powerHandlers.set(event, fn)),
      removeListener: vi.fn(),
    },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    ipcMain: {
      handle: vi.fn((channel: string, fn: Handler) => state.ipcHandlers.set(channel, fn)),
      removeHandler: vi.fn(),
    },
    Menu: { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() },
    dialog: { showErrorBox: vi.fn(), showSaveDialog: vi.fn() },
    shell: { openExternal: vi.fn(async () => undefined) },
    safeStorage: { isEncryptionAvailable: vi.fn(() => false) },
    utilityProcess: { fork: vi.fn() },
    BrowserWindow: class {
      static fromWebContents = vi.fn(() => null);
      loadURL = vi.fn(async () => undefined);
      webContents = {
        url: 'app://samstem/index.html',
        send: vi.fn(),
        isDestroyed: () => false,
        getURL(this: { url: string }) {
          return this.url;
        },
      };
      once = vi.fn();
      on = vi.fn();
      constructor(public options: Record<string, unknown>) {
        state.windows.push(this);
      }
    },
  };
  const broker = {
    startEmbeddedBroker: vi.fn(),
    stop: vi.fn(async () => undefined),
  };
  return { state, electron, broker };
});

vi.mock('electron', () => m.electron);
vi.mock('node:fs/promises', async (orig) => ({ ...(await orig<typeof import('node:fs/promises')>()), mkdir: vi.fn(async () => undefined) }));
vi.mock('./broker-host', async (orig) => ({ ...(await orig<typeof import('./broker-host')>()), startEmbeddedBroker: m.broker.startEmbeddedBroker }));

const BROKER_URL = 'http://127.0.0.1:45678';

async function boot(): Promise<void> {
  await import('./main');
  m.state.readyResolve();
  await vi.waitFor(() => {
    if (m.state.windows.length === 0 && m.electron.app.exit.mock.calls.length === 0) throw new Error('not ready yet');
  });
}

beforeEach(() => {
  vi.resetModules();
  vi.clearAllMocks();
  m.state.lock = true;
  m.state.appHandlers.clear();
  m.state.ipcHandlers.clear();
  m.state.windows.length = 0;
  m.state.powerHandlers.clear();
  m.broker.startEmbeddedBroker.mockResolvedValue({ url: BROKER_URL, port: 45678, exited: new Promise(() => undefined), stop: m.broker.stop });
});
afterEach(() => vi.resetModules());

describe('main process wiring', () => {
  it('registers app:// as a standard secure scheme and sandboxes every renderer before ready', async () => {
    await import('./main');
    expect(m.electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(m.electron.app.enableSandbox).toHaveBeenCalled();
  });

  it('leaves at once when another Samstem holds the single-instance lock', async () => {
    m.state.lock = false;
    await import('./main');
    expect(m.electron.app.quit).toHaveBeenCalled();
    expect(m.electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('starts the broker with its database under userData, then opens app://samstem with the secure webPreferences', async () => {
    await boot();
    const opts = m.broker.startEmbeddedBroker.mock.calls[0]![0] as { dbFile: string; scriptPath: string; seed: string };
    expect(opts.dbFile.startsWith(path.resolve('/tmp/samstem-test-home', 'userData'))).toBe(true);
    expect(path.basename(opts.scriptPath)).toBe('broker.cjs');
    expect(opts.seed).toBe('demo');
    expect(m.state.windows).toHaveLength(1);
    const win = m.state.windows[0]!;
    const prefs = win.options.webPreferences as { preload: string };
    expect(path.basename(prefs.preload)).toBe('preload.cjs');
    expect(prefs).toEqual(createWebPreferences(prefs.preload));
    expect(win.loadURL).toHaveBeenCalledWith('app://samstem/index.html');
  });

  it('denies every permission request and check on the session', async () => {
    await boot();
    const [request] = m.electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]! as [Handler];
    const cb = vi.fn();
    request({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const [check] = m.electron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]! as [Handler];
    expect(check({}, 'geolocation')).toBe(false);
  });

  it('serves app:// with a CSP that names the running broker', async () => {
    await boot();
    const [scheme, handler] = m.electron.protocol.handle.mock.calls[0]! as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const res = await handler(new Request('app://samstem/assets/does-not-exist.js'));
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ${BROKER_URL}`);
  });

  it('answers app:info with the broker URL over validated IPC only', async () => {
    await boot();
    expect([...m.state.ipcHandlers.keys()].sort()).toEqual(['app:info', 'print:pdf', 'safe-storage:get-key']);
    const info = m.state.ipcHandlers.get('app:info')!;
    await expect(info({ senderFrame: { url: 'app://samstem/index.html', parent: null } })).resolves.toEqual({
      brokerUrl: BROKER_URL,
      version: '0.1.0',
      platform: process.platform,
    });
    await expect(info({ senderFrame: { url: 'https://evil.example/', parent: null } })).rejects.toThrow(/not the Samstem app/);
  });

  it('tells the window to lock when the OS locks the screen or suspends, only after ready', async () => {
    await import('./main');
    expect(m.electron.powerMonitor.on).not.toHaveBeenCalled();
    m.state.readyResolve();
    await vi.waitFor(() => expect(m.state.powerHandlers.size).toBe(2));
    const win = m.state.windows[0]!;
    m.state.powerHandlers.get('lock-screen')!();
    expect(win.webContents.send).toHaveBeenCalledWith('session:os-lock', { reason: 'lock-screen' });
    m.state.powerHandlers.get('suspend')!();
    expect(win.webContents.send).toHaveBeenLastCalledWith('session:os-lock', { reason: 'suspend' });
    // A window that has navigated away from the app gets nothing.
    win.webContents.url = 'https://evil.example/';
    m.state.powerHandlers.get('lock-screen')!();
    expect(win.webContents.send).toHaveBeenCalledTimes(2);
  });

  it('blocks navigation, new windows and webviews in every web contents', async () => {
    await import('./main');
    const created = m.state.appHandlers.get('web-contents-created')!;
    const listeners = new Map<string, Handler>();
    let openHandler: Handler | undefined;
    created({}, { on: (e: string, fn: Handler) => listeners.set(e, fn), setWindowOpenHandler: (fn: Handler) => (openHandler = fn) });

    const prevent = () => ({ preventDefault: vi.fn() });
    const attach = prevent();
    listeners.get('will-attach-webview')!(attach);
    expect(attach.preventDefault).toHaveBeenCalled();

    for (const ev of ['will-navigate', 'will-redirect']) {
      const evil = prevent();
      listeners.get(ev)!(evil, 'https://evil.example/');
      expect(evil.preventDefault, ev).toHaveBeenCalled();
      const inside = prevent();
      listeners.get(ev)!(inside, 'app://samstem/index.html');
      expect(inside.preventDefault, ev).not.toHaveBeenCalled();
    }
    expect(m.electron.shell.openExternal).not.toHaveBeenCalled();

    expect(openHandler!({ url: 'https://www.felleskatalogen.no/medisin/x' })).toEqual({ action: 'deny' });
    expect(m.electron.shell.openExternal).toHaveBeenCalledWith('https://www.felleskatalogen.no/medisin/x');
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(m.electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('shows a Norwegian error and exits non-zero when the broker cannot start', async () => {
    m.broker.startEmbeddedBroker.mockRejectedValue(new Error('port in use'));
    await boot();
    expect(m.electron.dialog.showErrorBox).toHaveBeenCalledWith(expect.stringContaining('kunne ikke starte'), expect.stringContaining('port in use'));
    expect(m.electron.app.exit).toHaveBeenCalledWith(1);
    expect(m.state.windows).toHaveLength(0);
  });

  it('stops the broker before the app quits', async () => {
    await boot();
    const willQuit = m.state.appHandlers.get('will-quit')!;
    const event = { preventDefault: vi.fn() };
    willQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(m.broker.stop).toHaveBeenCalled();
    await vi.waitFor(() => expect(m.electron.app.quit).toHaveBeenCalled());
    // The second will-quit (from that app.quit()) lets the app go.
    const second = { preventDefault: vi.fn() };
    willQuit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });
});
