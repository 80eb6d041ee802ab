// What locks the screen (issue 7): inactivity for the set number of minutes, or the OS locking the
// screen / going to sleep (Electron's powerMonitor through the platform bridge), whichever comes
// first. Plain module so the rule is tested without a DOM: SessionLock passes the real sources.

import type { OsLockEvent } from '../../platform';
import { startInactivityTimer, type InactivityTimer } from './inactivity';

export type LockReason = { kind: 'inactivity'; minutes: number } | { kind: 'os'; event: OsLockEvent['reason'] };

export interface LockSources {
  /** Minutes without activity before the lock. */
  idleMinutes: number;
  /** Subscribes to the OS lock (platform().onOsLock); returns unsubscribe. */
  onOsLock: (listener: (event: OsLockEvent) => void) => () => void;
  /** Subscribes to user activity (pointer, keys, …); returns unsubscribe. */
  onActivity: (listener: () => void) => () => void;
  startTimer?: (limitMs: number, onIdle: () => void) => InactivityTimer;
}

/**
 * Calls `lock` once, at the first trigger, then stops watching (the caller watches again after
 * the user has signed in again). Returns the function that stops watching without locking.
 */
export function watchLockTriggers(sources: LockSources, lock: (reason: LockReason) => void): () => void {
  let done = false;
  const start = sources.startTimer ?? startInactivityTimer;
  let stopOs: () => void = () => undefined;
  let stopActivity: () => void = () => undefined;
  const stop = () => {
    done = true;
    timer.stop();
    stopOs();
    stopActivity();
  };
  const fire = (reason: LockReason) => {
    if (done) return;
    stop();
    lock(reason);
  };
  const timer = start(sources.idleMinutes * 60_000, () => fire({ kind: 'inactivity', minutes: sources.idleMinutes }));
  stopOs = sources.onOsLock((event) => fire({ kind: 'os', event: event.reason }));
  stopActivity = sources.onActivity(() => timer.activity());
  if (done) {
    // The OS lock fired while subscribing: make sure nothing stays subscribed.
    stopOs();
    stopActivity();
  }
  return () => {
    if (!done) stop();
  };
}
