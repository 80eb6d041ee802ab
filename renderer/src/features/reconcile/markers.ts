import { nb } from '../../i18n/nb';
import type { SideBySideRow } from './sideBySide';

export type MarkerTone = 'same' | 'different' | 'only' | 'muted';

/** The text marker of a row (never colour alone) and the tone the stylesheet colours it with. */
export function markerOf(row: SideBySideRow): { text: string; tone: MarkerTone } {
  const m = nb.reconcile.marker;
  switch (row.kind) {
    case 'same':
      return { text: m.same, tone: 'same' };
    case 'different':
      return {
        text: row.differences.includes('dosage') || row.differences.includes('use') ? m.dosage : m.medicine,
        tone: 'different',
      };
    case 'discontinued-one-side':
      return { text: row.discontinuedIn === 'national' ? m.stoppedInPll : m.stoppedLocally, tone: 'different' };
    case 'only-local':
      return { text: m.onlyLocal, tone: 'only' };
    case 'not-pll-item':
      return { text: m.notPllItem, tone: 'muted' };
    case 'only-national':
      return { text: row.national.source === 'pll' ? m.onlyPll : m.onlyRf, tone: 'only' };
    case 'discontinued-both':
    case 'discontinued-local':
    case 'discontinued-national':
      return { text: m.discontinued, tone: 'muted' };
  }
}
