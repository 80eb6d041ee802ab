// The FEST catalogue in the renderer: parsed from the curated fixture after first paint, held in
// memory with its search index and the engine's safety view. Never in Redux (it is data, and big).
// Components read it through useCatalogue(); a failure is a visible state, never a silent
// "no findings".

import { useEffect, useSyncExternalStore } from 'react';
import type { FestCatalogue, FestProduct } from '../../../../shared/fest/types';
import type { SearchIndex } from '../../../../shared/fest/search';
import { safetyCatalogueFromFest, type SafetyCatalogue } from '../../../../shared/reconcile';

export type CatalogueState =
  | { status: 'idle' | 'loading' }
  | { status: 'ready'; fest: FestCatalogue; safety: SafetyCatalogue; index: SearchIndex<FestProduct> }
  | { status: 'failed'; error: string };

export type CatalogueSource = () => Promise<string>;

/** The curated FEST extract shipped with the demo, as text (a separate chunk, fetched on demand). */
const defaultSource: CatalogueSource = async () => (await import('../../../../fixtures/fest/fest-curated.xml?raw')).default;

let state: CatalogueState = { status: 'idle' };
const listeners = new Set<() => void>();
const set = (s: CatalogueState) => {
  state = s;
  for (const l of listeners) l();
};

export function catalogueState(): CatalogueState {
  return state;
}

/** Loads (once) and resolves with the final state; a failed load may be retried. */
export async function loadCatalogue(source: CatalogueSource = defaultSource): Promise<CatalogueState> {
  if (state.status === 'ready' || state.status === 'loading') return state.status === 'ready' ? state : waitForLoad();
  set({ status: 'loading' });
  try {
    const xml = await source();
    const [{ parseFest }, { buildSearchIndex }] = await Promise.all([import('../../../../shared/fest/reader'), import('../../../../shared/fest/search')]);
    const fest = parseFest(xml, { source: 'fest-curated.xml' });
    const safety = safetyCatalogueFromFest(fest);
    if (!safety) throw new Error('Katalogen var tom');
    set({ status: 'ready', fest, safety, index: buildSearchIndex(fest.products) });
  } catch (err) {
    set({ status: 'failed', error: err instanceof Error ? err.message : String(err) });
  }
  return state;
}

function waitForLoad(): Promise<CatalogueState> {
  return new Promise((resolve) => {
    const l = () => {
      if (state.status !== 'loading') {
        listeners.delete(l);
        resolve(state);
      }
    };
    listeners.add(l);
  });
}

/** Test hook: forget the loaded catalogue. */
export function resetCatalogueForTests(): void {
  set({ status: 'idle' });
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The catalogue state; starts loading after the first paint of the component that asks. */
export function useCatalogue(): CatalogueState {
  const s = useSyncExternalStore(subscribe, catalogueState);
  useEffect(() => {
    if (state.status !== 'idle') return;
    // After paint: parsing a 1 MB XML must not delay the first view of the patient.
    const t = setTimeout(() => void loadCatalogue(), 50);
    return () => clearTimeout(t);
  }, []);
  return s;
}
