// The Electron main process. Thin on purpose: every rule lives in a tested module next to this
// file (security, ipc, app-protocol, broker-host, storage-key, print, menu, paths); this file only
// wires them into Electron's events.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, powerMonitor, protocol, safeStorage, session, shell, utilityProcess } from 'electron';
import { APP_SCHEME } from '../shared/ipc';
import { createAppProtocolHandler } from './app-protocol';
import { fromChildProcess, fromUtilityProcess, startEmbeddedBroker, type BrokerSpawner, type EmbeddedBroker } from './broker-host';
import { registerIpcHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import { forwardOsLock } from './os-lock';
import { bundlePaths, userDataPaths } from './paths';
import { printToPdf } from './print';
import {
  buildCsp,
  denyAllPermissionChecks,
  denyAllPermissions,
  externalLinkTarget,
  isNavigationAllowed,
  windowOpenHandler,
} from './security';
import { loadOrCreateStorageKey } from './storage-key';
import { createMainWindow } from './window';
import type { StorageKey } from '../shared/ipc';

// Must happen before `ready`: app:// becomes a standard, secure origin (IndexedDB, fetch, CSP
// 'self'), and every renderer is sandboxed whatever a window asks for.
// corsEnabled lets the bundle's `<script type="module" crossorigin>` load from its own origin.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
]);
app.enableSandbox();

// Throw-away storage for automated runs (e2e/electron-launch.spec.ts), like Signal-Desktop's
// test-mock: a fresh broker database and key file per run. Must be set before anything reads it.
if (process.env.SAMSTEM_USER_DATA) {
  app.setPath('userData', path.resolve(process.env.SAMSTEM_USER_DATA));
}

const bundle = bundlePaths(__dirname);
let broker: EmbeddedBroker | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;
let storageKey: Promise<StorageKey> | null = null;

function openExternalIfAllowed(url: string): void {
  const target = externalLinkTarget(url);
  if (target) {
    // `target` has passed externalLinkTarget(): https only, an exact host from
    // EXTERNAL_LINK_ALLOWLIST, no credentials, default port (security.test.ts).
    void shell.openExternal(target); // eng-disable OPEN_EXTERNAL_JS_CHECK -- reviewed: only an https URL on an allow-listed host reaches here
  }
}

/**
 * Development (`npm start`, Playwright): the system Node that installed node_modules runs the
 * broker. Packaged: a utility process on Electron's Node with the rebuilt better-sqlite3.
 * See broker-host.ts for the reasoning.
 */
function brokerSpawner(): BrokerSpawner {
  if (app.isPackaged) {
    return (script, args) => fromUtilityProcess(utilityProcess.fork(script, args, { stdio: 'pipe', serviceName: 'Samstem broker' }));
  }
  const node = process.env.SAMSTEM_NODE || 'node';
  return (script, args) => {
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    return fromChildProcess(spawn(node, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  };
}

function fatal(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

function createWindow(): BrowserWindow {
  const win = createMainWindow(bundle.preload);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  return win;
}

async function onReady(): Promise<void> {
  const paths = userDataPaths(app.getPath('userData'));
  await mkdir(path.dirname(paths.brokerDb), { recursive: true });

  try {
    broker = await startEmbeddedBroker({ spawn: brokerSpawner(), scriptPath: bundle.brokerScript, dbFile: paths.brokerDb, seed: 'demo' });
  } catch (err) {
    fatal('Samstem kunne ikke starte den innebygde testtjeneren (mock-RF)', err);
    return;
  }
  const running = broker;
  void running.exited.then((code) => {
    if (quitting) return;
    broker = null;
    dialog.showErrorBox(
      'Testtjeneren (mock-RF) stoppet',
      `Den innebygde testtjeneren avsluttet uventet (kode ${code}). Henting og sending av legemidler virker ikke. Lukk Samstem og start programmet på nytt.`,
    );
  });

  const csp = buildCsp(running.url);
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler(denyAllPermissions);
  ses.setPermissionCheckHandler(denyAllPermissionChecks);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: bundle.rendererDir, csp: () => csp }));

  registerIpcHandlers(ipcMain, {
    'app:info': () => ({ brokerUrl: running.url, version: app.getVersion(), platform: process.platform }),
    'safe-storage:get-key': () => {
      storageKey ??= loadOrCreateStorageKey({ safeStorage, file: paths.storageKeyFile, platform: process.platform });
      // A failed attempt is not cached: the user may unlock the keyring and try again.
      storageKey.catch(() => {
        storageKey = null;
      });
      return storageKey;
    },
    'print:pdf': (event, request) => {
      const owner = BrowserWindow.fromWebContents(event.sender);
      return printToPdf(
        {
          printToPDF: (options) => event.sender.printToPDF(options),
          showSaveDialog: (options) => (owner ? dialog.showSaveDialog(owner, options) : dialog.showSaveDialog(options)),
          defaultDir: app.getPath('documents'),
        },
        request,
      );
    },
  });

  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, isDev: !app.isPackaged, appName: 'Samstem' })));
  mainWindow = createWindow();
  // The OS locks the screen or sleeps: the window hides patient data at once (issue 7).
  // powerMonitor is usable only after ready.
  forwardOsLock(
    powerMonitor,
    () => (mainWindow ? [mainWindow.webContents] : []),
    (err) => console.error('Samstem: kunne ikke låse vinduet ved skjermlås', err),
  );
}

if (!app.requestSingleInstanceLock()) {
  // Another Samstem is running: it gets focus (second-instance below), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (isNavigationAllowed(url)) return;
      event.preventDefault();
      openExternalIfAllowed(url);
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.setWindowOpenHandler(({ url }) => {
      openExternalIfAllowed(url);
      return windowOpenHandler();
    });
  });

  app.on('window-all-closed', () => app.quit());

  app.on('will-quit', (event) => {
    quitting = true;
    const running = broker;
    if (!running) return;
    broker = null;
    event.preventDefault();
    void running.stop().finally(() => app.quit());
  });

  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => fatal('Samstem kunne ikke starte', err));
}
