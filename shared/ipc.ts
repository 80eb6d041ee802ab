// The IPC contract between the Electron main process, the preload bridge and the renderer.
// Every channel the renderer can reach is listed here; main registers handlers for exactly these
// and nothing else, and the preload exposes one function per channel (never ipcRenderer itself).
// Pure TypeScript: the renderer imports the types, main and preload import the names.

/** The custom scheme and host the renderer is served from inside Electron: `app://samstem/`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'samstem';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export const IPC_CHANNELS = {
  appInfo: 'app:info',
  storageKey: 'safe-storage:get-key',
  printPdf: 'print:pdf',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

export const ALLOWED_IPC_CHANNELS: readonly IpcChannel[] = Object.values(IPC_CHANNELS);

/** `value` is one of the allow-listed names (exact match). */
function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export function isIpcChannel(value: unknown): value is IpcChannel {
  return isOneOf(ALLOWED_IPC_CHANNELS, value);
}

/**
 * One-way messages main pushes to the page (main → renderer only; the page cannot send on them).
 * The preload listens on exactly these and hands the page the parsed payload, never the IPC event
 * (which carries ipcRenderer).
 */
export const IPC_EVENTS = {
  /** The OS locked the screen or is going to sleep: lock Samstem at once (issue 7). */
  osLock: 'session:os-lock',
} as const;

export type IpcEventChannel = (typeof IPC_EVENTS)[keyof typeof IPC_EVENTS];

export const ALLOWED_IPC_EVENTS: readonly IpcEventChannel[] = Object.values(IPC_EVENTS);

export function isIpcEventChannel(value: unknown): value is IpcEventChannel {
  return isOneOf(ALLOWED_IPC_EVENTS, value);
}

/** Why the OS lock fired: Electron powerMonitor's 'lock-screen' or 'suspend'. */
export type OsLockReason = 'lock-screen' | 'suspend';

export interface OsLockEvent {
  reason: OsLockReason;
}

/** Validates the payload of `session:os-lock`; null for anything else. */
export function parseOsLockEvent(value: unknown): OsLockEvent | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const reason = (value as { reason?: unknown }).reason;
  return reason === 'lock-screen' || reason === 'suspend' ? { reason } : null;
}

export interface AppInfo {
  /** Base URL of the embedded broker, e.g. `http://127.0.0.1:49152` (no trailing slash). */
  brokerUrl: string;
  /** The app version from package.json. */
  version: string;
  /** `process.platform` of the host: 'linux' | 'win32' | 'darwin' | … */
  platform: string;
}

/**
 * A 256-bit key for encrypting data at rest in the renderer (IndexedDB), kept on disk only in
 * encrypted form by the OS key store (Electron safeStorage).
 */
export interface StorageKey {
  /** 32 random bytes, base64. */
  keyBase64: string;
  /**
   * Which OS store protects the key. 'basic_text' (Linux without a keyring) means the key file is
   * only obfuscated, not protected: the UI should say so rather than pretend it is safe.
   */
  protection: 'os' | 'basic_text';
}

export interface PrintPdfRequest {
  /** File name offered in the save dialog, without directory. Sanitised by main. */
  suggestedFileName?: string;
  /** Page size; A4 unless asked otherwise. */
  pageSize?: 'A4' | 'Letter';
  landscape?: boolean;
}

export type PrintPdfResult =
  | { status: 'saved'; filePath: string }
  | { status: 'cancelled' };

/** Request and response types per channel. */
export interface IpcContract {
  'app:info': { request: void; response: AppInfo };
  'safe-storage:get-key': { request: void; response: StorageKey };
  'print:pdf': { request: PrintPdfRequest | undefined; response: PrintPdfResult };
}

/** Validates the untrusted argument of `print:pdf`; returns a clean copy or throws. */
export function parsePrintPdfRequest(value: unknown): PrintPdfRequest {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('print:pdf: request must be an object');
  }
  const v = value as Record<string, unknown>;
  const allowed = new Set(['suggestedFileName', 'pageSize', 'landscape']);
  for (const key of Object.keys(v)) {
    if (!allowed.has(key)) throw new TypeError(`print:pdf: unknown field "${key}"`);
  }
  const out: PrintPdfRequest = {};
  if (v.suggestedFileName !== undefined) {
    if (typeof v.suggestedFileName !== 'string' || v.suggestedFileName.length > 200) {
      throw new TypeError('print:pdf: suggestedFileName must be a string of at most 200 characters');
    }
    out.suggestedFileName = v.suggestedFileName;
  }
  if (v.pageSize !== undefined) {
    if (v.pageSize !== 'A4' && v.pageSize !== 'Letter') {
      throw new TypeError('print:pdf: pageSize must be "A4" or "Letter"');
    }
    out.pageSize = v.pageSize;
  }
  if (v.landscape !== undefined) {
    if (typeof v.landscape !== 'boolean') throw new TypeError('print:pdf: landscape must be a boolean');
    out.landscape = v.landscape;
  }
  return out;
}

/**
 * What the preload exposes as `window.samstem`. Absent in web mode (plain browser): the renderer's
 * platform layer must check `window.samstem` and use its web fallback when it is undefined.
 */
export interface SamstemBridge {
  /** Broker URL, app version and platform. */
  getAppInfo(): Promise<AppInfo>;
  /** The at-rest encryption key, created on first use. Rejects when the OS offers no key store. */
  getStorageKey(): Promise<StorageKey>;
  /** Prints the current window to PDF and asks the user where to save it. */
  printToPdf(request?: PrintPdfRequest): Promise<PrintPdfResult>;
  /**
   * Calls `listener` each time the OS locks the screen or suspends (main's powerMonitor). Returns
   * the unsubscribe function.
   */
  onOsLock(listener: (event: OsLockEvent) => void): () => void;
}

declare global {
  interface Window {
    samstem?: SamstemBridge;
  }
}
