// Locks Samstem when the OS locks the screen or goes to sleep (issue 7): Electron's powerMonitor
// 'lock-screen' and 'suspend' are forwarded to the app's window as the one-way `session:os-lock`
// message; the renderer then hides patient data at once, as after inactivity. Plain module: main.ts
// passes Electron's powerMonitor and the window's webContents; the tests pass fakes.
import { IPC_EVENTS, type OsLockEvent, type OsLockReason } from '../shared/ipc';
import { isAppUrl } from './security';

/** The part of Electron's powerMonitor we use. */
export interface PowerMonitorLike {
  on(event: OsLockReason, listener: () => void): unknown;
  removeListener(event: OsLockReason, listener: () => void): unknown;
}

/** The part of a window's webContents we use. */
export interface LockTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, payload: OsLockEvent): void;
}

export const OS_LOCK_REASONS: readonly OsLockReason[] = ['lock-screen', 'suspend'];

/**
 * Sends `session:os-lock` to every target that still shows our own app:// page (never to a
 * destroyed window or one that shows anything else). `onError` hears about a send that threw; the
 * other targets still get theirs. Returns the function that stops listening.
 */
export function forwardOsLock(powerMonitor: PowerMonitorLike, targets: () => readonly LockTarget[], onError: (err: unknown) => void = () => undefined): () => void {
  const listeners = OS_LOCK_REASONS.map((reason) => {
    const listener = () => {
      for (const target of targets()) {
        try {
          if (target.isDestroyed() || !isAppUrl(target.getURL())) continue;
          target.send(IPC_EVENTS.osLock, { reason });
        } catch (err) {
          onError(err);
        }
      }
    };
    powerMonitor.on(reason, listener);
    return { reason, listener };
  });
  return () => {
    for (const { reason, listener } of listeners) powerMonitor.removeListener(reason, listener);
  };
}
