// The one place that knows whether we run inside Electron (preload bridge `window.samstem`) or as a
// plain web page served by the broker. Everything else asks this module, never `window` directly.

import type { AppInfo, OsLockEvent, SamstemBridge, StorageKey } from '../../../shared/ipc';

export type { AppInfo, OsLockEvent };

/** The part of the preload bridge the renderer uses so far. */
export type HostBridge = Pick<SamstemBridge, 'getAppInfo'> & Partial<Pick<SamstemBridge, 'getStorageKey' | 'onOsLock'>>;

export interface Platform {
  kind: 'electron' | 'web';
  getAppInfo(): Promise<AppInfo>;
  /** Electron only: the at-rest key from the OS key store (issue 7). Absent in web mode. */
  getStorageKey?: () => Promise<StorageKey>;
  /**
   * Calls `listener` when the OS locks the screen or suspends (Electron's powerMonitor), so the app
   * can lock at once. Returns the unsubscribe function. Web mode: the page cannot see the OS lock,
   * so nothing is ever called (the inactivity lock still applies).
   */
  onOsLock(listener: (event: OsLockEvent) => void): () => void;
}

const noop = () => undefined;

export class PlatformError extends Error {
  override name = 'PlatformError';
}

interface WindowLike {
  samstem?: unknown;
  location?: { origin: string; protocol: string };
  navigator?: { userAgent?: string };
}

function isBridge(value: unknown): value is HostBridge {
  return typeof value === 'object' && value !== null && typeof (value as HostBridge).getAppInfo === 'function';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

const version = (import.meta.env?.SAMSTEM_VERSION as string | undefined) ?? '0.0.0-dev';

/**
 * Chooses the bridge when the preload exposed one; otherwise the page must have been served over
 * http(s) by the broker itself, so the broker is our own origin. Anything else (file://, app://
 * without a bridge) is a broken install: say so instead of guessing a URL.
 */
export function detectPlatform(win: WindowLike = globalThis as unknown as WindowLike): Platform {
  if (isBridge(win.samstem)) {
    const bridge = win.samstem;
    return {
      kind: 'electron',
      async getAppInfo() {
        const info = await bridge.getAppInfo();
        if (!info || typeof info.brokerUrl !== 'string' || !/^https?:\/\//.test(info.brokerUrl)) {
          throw new PlatformError('The host bridge returned no usable broker URL');
        }
        return { ...info, brokerUrl: trimSlash(info.brokerUrl) };
      },
      ...(typeof bridge.getStorageKey === 'function' ? { getStorageKey: () => bridge.getStorageKey!() } : {}),
      onOsLock(listener) {
        // An older preload without the event: say so once rather than pretend the OS lock works.
        if (typeof bridge.onOsLock !== 'function') {
          console.warn('Samstem: vinduet mangler varsel om skjermlås fra operativsystemet (preload); bare inaktivitetslåsen virker.');
          return noop;
        }
        const off = bridge.onOsLock(listener);
        return typeof off === 'function' ? off : noop;
      },
    };
  }
  return {
    kind: 'web',
    async getAppInfo() {
      const loc = win.location;
      if (!loc || (loc.protocol !== 'http:' && loc.protocol !== 'https:')) {
        throw new PlatformError(`No host bridge and the page origin is not http(s): ${loc?.protocol ?? 'none'}`);
      }
      return { brokerUrl: trimSlash(loc.origin), version, platform: 'web' };
    },
    onOsLock: () => noop,
  };
}

let cached: Platform | undefined;

/** The platform of this page, detected once. */
export function platform(): Platform {
  cached ??= detectPlatform();
  return cached;
}
