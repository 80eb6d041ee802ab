import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detectPlatform, type OsLockEvent } from '../../platform';
import { watchLockTriggers, type LockSources } from './lockTriggers';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** An Electron platform whose preload bridge lets the test play the OS. */
function electronWithOs() {
  const listeners = new Set<(e: OsLockEvent) => void>();
  const platform = detectPlatform({
    samstem: {
      getAppInfo: async () => ({ brokerUrl: 'http://127.0.0.1:1', version: '1', platform: 'linux' }),
      onOsLock: (l: (e: OsLockEvent) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
  });
  return { platform, osLocks: (reason: OsLockEvent['reason']) => [...listeners].forEach((l) => l({ reason })), listeners };
}

function activitySource() {
  const listeners = new Set<() => void>();
  return { onActivity: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)), act: () => listeners.forEach((l) => l()), listeners };
}

describe('watchLockTriggers', () => {
  it('locks at once when the OS locks the screen, long before the inactivity limit', () => {
    const os = electronWithOs();
    const activity = activitySource();
    const lock = vi.fn();
    watchLockTriggers({ idleMinutes: 10, onOsLock: os.platform.onOsLock, onActivity: activity.onActivity }, lock);
    vi.advanceTimersByTime(5_000);
    expect(lock).not.toHaveBeenCalled();
    os.osLocks('lock-screen');
    expect(lock).toHaveBeenCalledWith({ kind: 'os', event: 'lock-screen' });
    // Locked once; the inactivity timer and the subscriptions are gone.
    vi.advanceTimersByTime(60 * 60_000);
    os.osLocks('suspend');
    expect(lock).toHaveBeenCalledTimes(1);
    expect(os.listeners.size).toBe(0);
    expect(activity.listeners.size).toBe(0);
  });

  it('locks on suspend too', () => {
    const os = electronWithOs();
    const lock = vi.fn();
    watchLockTriggers({ idleMinutes: 10, onOsLock: os.platform.onOsLock, onActivity: activitySource().onActivity }, lock);
    os.osLocks('suspend');
    expect(lock).toHaveBeenCalledWith({ kind: 'os', event: 'suspend' });
  });

  it('still locks after the idle minutes without activity; activity postpones it', () => {
    const os = electronWithOs();
    const activity = activitySource();
    const lock = vi.fn();
    watchLockTriggers({ idleMinutes: 10, onOsLock: os.platform.onOsLock, onActivity: activity.onActivity }, lock);
    vi.advanceTimersByTime(9 * 60_000);
    activity.act();
    vi.advanceTimersByTime(9 * 60_000);
    expect(lock).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(lock).toHaveBeenCalledWith({ kind: 'inactivity', minutes: 10 });
    expect(os.listeners.size).toBe(0);
  });

  it('in a browser tab (no OS event), the inactivity lock alone applies', () => {
    const web = detectPlatform({ location: { origin: 'http://127.0.0.1:5174', protocol: 'http:' } });
    const lock = vi.fn();
    watchLockTriggers({ idleMinutes: 1, onOsLock: web.onOsLock, onActivity: activitySource().onActivity }, lock);
    vi.advanceTimersByTime(60_000);
    expect(lock).toHaveBeenCalledWith({ kind: 'inactivity', minutes: 1 });
  });

  it('stopping (unmount, sign-out) unsubscribes and never locks', () => {
    const os = electronWithOs();
    const activity = activitySource();
    const lock = vi.fn();
    const stop = watchLockTriggers({ idleMinutes: 1, onOsLock: os.platform.onOsLock, onActivity: activity.onActivity }, lock);
    stop();
    os.osLocks('lock-screen');
    vi.advanceTimersByTime(10 * 60_000);
    expect(lock).not.toHaveBeenCalled();
    expect(os.listeners.size).toBe(0);
    expect(activity.listeners.size).toBe(0);
  });

  it('an OS lock delivered while subscribing still locks, and leaves nothing subscribed', () => {
    const lock = vi.fn();
    const offActivity = vi.fn();
    const sources: LockSources = {
      idleMinutes: 10,
      onOsLock: (l) => (l({ reason: 'lock-screen' }), () => undefined),
      onActivity: () => offActivity,
    };
    watchLockTriggers(sources, lock);
    expect(lock).toHaveBeenCalledTimes(1);
    expect(offActivity).toHaveBeenCalled();
  });
});
