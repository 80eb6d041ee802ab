import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { forwardOsLock, type LockTarget, type PowerMonitorLike } from './os-lock';

function fakePowerMonitor() {
  const emitter = new EventEmitter();
  const pm: PowerMonitorLike & { emit(e: string): void; count(e: string): number } = {
    on: (e, l) => emitter.on(e, l),
    removeListener: (e, l) => emitter.removeListener(e, l),
    emit: (e) => void emitter.emit(e),
    count: (e) => emitter.listenerCount(e),
  };
  return pm;
}

function target(url = 'app://samstem/index.html', destroyed = false) {
  const send = vi.fn<LockTarget['send']>();
  return { isDestroyed: () => destroyed, getURL: () => url, send } satisfies LockTarget;
}

describe('forwardOsLock', () => {
  it('tells the app window to lock at once on lock-screen and on suspend', () => {
    const pm = fakePowerMonitor();
    const win = target();
    forwardOsLock(pm, () => [win]);
    expect(win.send).not.toHaveBeenCalled();
    pm.emit('lock-screen');
    expect(win.send).toHaveBeenLastCalledWith('session:os-lock', { reason: 'lock-screen' });
    pm.emit('suspend');
    expect(win.send).toHaveBeenLastCalledWith('session:os-lock', { reason: 'suspend' });
    expect(win.send).toHaveBeenCalledTimes(2);
  });

  it('never sends to a destroyed window or to a page that is not our app', () => {
    const pm = fakePowerMonitor();
    const gone = target('app://samstem/index.html', true);
    const foreign = target('https://evil.example/');
    const blank = target('about:blank');
    const ours = target();
    forwardOsLock(pm, () => [gone, foreign, blank, ours]);
    pm.emit('lock-screen');
    expect(gone.send).not.toHaveBeenCalled();
    expect(foreign.send).not.toHaveBeenCalled();
    expect(blank.send).not.toHaveBeenCalled();
    expect(ours.send).toHaveBeenCalledTimes(1);
  });

  it('asks for the windows at the time of the event (a window opened later is locked too)', () => {
    const pm = fakePowerMonitor();
    const windows: LockTarget[] = [];
    forwardOsLock(pm, () => windows);
    pm.emit('lock-screen');
    const later = target();
    windows.push(later);
    pm.emit('lock-screen');
    expect(later.send).toHaveBeenCalledTimes(1);
  });

  it('a window whose send throws does not keep the others unlocked; the error is reported', () => {
    const pm = fakePowerMonitor();
    const broken = target();
    broken.send.mockImplementation(() => {
      throw new Error('Render frame was disposed');
    });
    const ok = target();
    const onError = vi.fn();
    forwardOsLock(pm, () => [broken, ok], onError);
    pm.emit('suspend');
    expect(ok.send).toHaveBeenCalledWith('session:os-lock', { reason: 'suspend' });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'Render frame was disposed' }));
  });

  it('stops listening when asked', () => {
    const pm = fakePowerMonitor();
    const win = target();
    const stop = forwardOsLock(pm, () => [win]);
    expect(pm.count('lock-screen')).toBe(1);
    expect(pm.count('suspend')).toBe(1);
    stop();
    expect(pm.count('lock-screen')).toBe(0);
    expect(pm.count('suspend')).toBe(0);
    pm.emit('lock-screen');
    expect(win.send).not.toHaveBeenCalled();
  });
});
