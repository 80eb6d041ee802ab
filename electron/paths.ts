// Where the desktop app keeps its files. Everything writable lives under Electron's userData
// directory (per user, per OS: ~/.config/Samstem, %APPDATA%\Samstem, ~/Library/Application
// Support/Samstem); everything read-only comes from the app bundle next to dist-electron/.
import path from 'node:path';

export interface UserDataPaths {
  userData: string;
  /** SQLite file of the embedded mock broker. */
  brokerDb: string;
  /** The at-rest key for the renderer's IndexedDB, encrypted by safeStorage. */
  storageKeyFile: string;
  logsDir: string;
}

export function userDataPaths(userData: string): UserDataPaths {
  if (!path.isAbsolute(userData)) throw new Error(`userData must be an absolute path, got "${userData}"`);
  return {
    userData,
    brokerDb: path.join(userData, 'broker', 'samstem-broker.sqlite'),
    storageKeyFile: path.join(userData, 'storage-key.bin'),
    logsDir: path.join(userData, 'logs'),
  };
}

export interface BundlePaths {
  /** The built renderer served under app://samstem/. */
  rendererDir: string;
  preload: string;
  /** The bundled broker CLI, run in its own process. */
  brokerScript: string;
}

/**
 * `distElectronDir` is the directory of main.cjs (its __dirname). The same layout holds unpacked
 * (`npm start`) and inside app.asar, because electron-builder packs dist-electron/ and
 * renderer/dist/ side by side.
 */
export function bundlePaths(distElectronDir: string): BundlePaths {
  return {
    rendererDir: path.resolve(distElectronDir, '..', 'renderer', 'dist'),
    preload: path.join(distElectronDir, 'preload.cjs'),
    brokerScript: path.join(distElectronDir, 'broker.cjs'),
  };
}
