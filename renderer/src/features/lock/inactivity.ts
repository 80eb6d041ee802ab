// Inactivity timer: calls `onIdle` once `limitMs` has passed without activity. Activity only stamps
// a time; the single timer re-arms itself for the remainder, so mouse movement costs nothing.

export interface InactivityTimer {
  activity(): void;
  stop(): void;
}

export function startInactivityTimer(limitMs: number, onIdle: () => void, clock: { now(): number } = Date): InactivityTimer {
  let last = clock.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = (ms: number) => {
    timer = setTimeout(check, Math.max(ms, 0));
  };
  const check = () => {
    if (stopped) return;
    const idle = clock.now() - last;
    if (idle >= limitMs) {
      stopped = true;
      onIdle();
    } else {
      arm(limitMs - idle);
    }
  };
  arm(limitMs);
  return {
    activity() {
      last = clock.now();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
