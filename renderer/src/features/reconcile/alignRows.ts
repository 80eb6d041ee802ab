// Visually lines up the two rows of a pair in the two side-by-side tables (same height), so the eye
// can read across. Only layout: the tables stay separate and complete for assistive technology.
import { useLayoutEffect, type RefObject } from 'react';

export function useAlignedPairRows(left: RefObject<HTMLElement | null>, right: RefObject<HTMLElement | null>, deps: unknown[]) {
  useLayoutEffect(() => {
    const a = left.current;
    const b = right.current;
    if (!a || !b || typeof ResizeObserver === 'undefined') return;
    let frame = 0;
    const align = () => {
      const rowsA = [...a.querySelectorAll<HTMLElement>('tr[data-pair]')];
      const rowsB = new Map([...b.querySelectorAll<HTMLElement>('tr[data-pair]')].map((r) => [r.dataset.pair, r]));
      for (const r of [...rowsA, ...rowsB.values()]) r.style.height = '';
      // Stacked on a narrow window: nothing to line up.
      if (Math.abs(a.getBoundingClientRect().top - b.getBoundingClientRect().top) > 4) return;
      for (const ra of rowsA) {
        const rb = rowsB.get(ra.dataset.pair);
        if (!rb) continue;
        const h = Math.max(ra.getBoundingClientRect().height, rb.getBoundingClientRect().height);
        ra.style.height = `${h}px`;
        rb.style.height = `${h}px`;
      }
    };
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(align);
    };
    align();
    const ro = new ResizeObserver(schedule);
    ro.observe(a.parentElement ?? a);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
    };
  }, deps);
}
