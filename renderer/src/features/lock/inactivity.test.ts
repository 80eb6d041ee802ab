import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startInactivityTimer } from './inactivity';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('inactivity timer', () => {
  it('fires once after the limit without activity', () => {
    const idle = vi.fn();
    startInactivityTimer(10 * 60_000, idle);
    vi.advanceTimersByTime(10 * 60_000 - 1);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * 60_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it('activity postpones it by the full limit; stop cancels it', () => {
    const idle = vi.fn();
    const t = startInactivityTimer(60_000, idle);
    vi.advanceTimersByTime(50_000);
    t.activity();
    vi.advanceTimersByTime(50_000);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(idle).toHaveBeenCalledTimes(1);

    const other = vi.fn();
    const u = startInactivityTimer(60_000, other);
    u.stop();
    vi.advanceTimersByTime(120_000);
    expect(other).not.toHaveBeenCalled();
  });
});
