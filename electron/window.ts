// The main window. webPreferences are written out literally (not spread from a factory) so that
// electronegativity can check them; window.test.ts asserts they equal createWebPreferences() from
// security.ts, the documented policy.
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from '../shared/ipc';

export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Samstem',
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      // Reviewed: preload.ts exposes only createBridge() — three ipcRenderer.invoke wrappers over
      // the allow-listed channels and one listener on the allow-listed main → page event
      // (session:os-lock) that passes the parsed payload only; never ipcRenderer itself (bridge.test.ts).
      preload, // eng-disable PRELOAD_JS_CHECK -- reviewed: preload exposes three allow-listed invoke wrappers and one allow-listed event listener only
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
