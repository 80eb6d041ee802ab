// Security policy of the desktop shell as pure functions, so each rule is unit-tested without a
// window. main.ts only wires these into Electron's events.
import type { WebPreferences } from 'electron';
import { APP_HOST, APP_SCHEME } from '../shared/ipc';

/**
 * The only webPreferences any Samstem window gets. window.ts spells the same object out literally
 * inside `new BrowserWindow(…)` so electronegativity can read it; window.test.ts proves the two
 * are identical. The renderer is an ordinary web page: no Node,
 * isolated world for the preload, OS sandbox on, same-origin policy on.
 */
export function createWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
    // Middle-click would otherwise try to open links in a new window (denied anyway, see
    // windowOpenHandler); switching the feature off removes the path altogether.
    disableBlinkFeatures: 'Auxclick',
    spellcheck: false,
  };
}

/** Parses a broker base URL and insists it is plain HTTP on loopback, as the embedded broker is. */
export function brokerOrigin(brokerUrl: string): string {
  const url = new URL(brokerUrl);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === '') {
    throw new Error(`Broker URL must be http://127.0.0.1:<port>, got ${brokerUrl}`);
  }
  return url.origin;
}

/**
 * The Content-Security-Policy for everything served from app://. Scripts and styles only from
 * the app bundle, network only to our own origin and the embedded broker, no plugins, no framing,
 * no forms posting anywhere, no <base> tricks.
 */
export function buildCsp(brokerUrl: string): string {
  const broker = brokerOrigin(brokerUrl);
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['connect-src', `'self' ${broker}`],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** True when `url` is a page of our own app (app://samstem/…). */
export function isAppUrl(url: string): boolean {
  try {
    // Node's URL gives non-special schemes an opaque origin ('null'), so compare the parts.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * Navigation guard for `will-navigate` / `will-redirect`: the window may only ever show our own
 * app. A link to anywhere else is not followed in the window (it may be opened externally, see
 * `externalLinkTarget`).
 */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Sites a clinician may reasonably follow a link to (drug information, authorities). Opened in the
 * OS browser, never inside the app.
 */
export const EXTERNAL_LINK_ALLOWLIST: readonly string[] = [
  'www.felleskatalogen.no',
  'www.legemiddelsok.no',
  'www.dmp.no',
  'www.helsedirektoratet.no',
  'www.ehelse.no',
  'www.nhn.no',
  'www.helsenorge.no',
];

/**
 * For a link the page tries to open (window.open, target=_blank, a denied navigation): the URL to
 * hand to the OS browser, or null when it must not be opened at all. Only https, only an exact
 * host from the allow-list, no credentials in the URL.
 */
export function externalLinkTarget(url: string, allowlist: readonly string[] = EXTERNAL_LINK_ALLOWLIST): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.port !== '' && parsed.port !== '443') return null;
  if (!allowlist.includes(parsed.hostname.toLowerCase())) return null;
  return parsed.href;
}

/** `setWindowOpenHandler`: never a new Electron window. */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * `session.setPermissionRequestHandler`: the app needs no camera, microphone, geolocation,
 * notifications, MIDI, clipboard-read, HID, serial or anything else — every request is refused.
 */
export function denyAllPermissions(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** `session.setPermissionCheckHandler`: answers "not granted" to every synchronous check. */
export function denyAllPermissionChecks(): boolean {
  return false;
}

/** Response headers added to every app:// response. */
export function securityHeaders(csp: string): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
  // The CSP string is built at runtime (it names the broker port), so electronegativity's static
  // evaluator cannot read it here; scripts/electronegativity.mjs feeds the real runtime string to
  // the same evaluator instead and fails on the same thresholds.
  headers['Content-Security-Policy'] = csp; // eng-disable CSP_GLOBAL_CHECK -- reviewed: runtime CSP evaluated by scripts/electronegativity.mjs and security.test.ts
  return headers;
}
