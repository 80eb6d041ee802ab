// The FEST catalogue in the renderer: parsed from the curated fixture once per window, held in
// memory with its search index and the engine's safety view. Never in Redux (it is data, and big).
// Components read it through useCatalogue(); a failure is a visible state, never a silent
// "no findings".
//
// Loading starts when the app is up (preloadCatalogue, called once the local database is ready),
// not when a patient is opened, and runs as background-priority work in small slices: parsing the ~1 MB XML in one
// go is a 150 ms task on these machines, and a patient opened meanwhile would wait behind it. The
// search index is built only when the prescribing search first needs it (or in the background after).

import { useEffect, useSyncExternalStore } from 'react';
import type { FestCatalogue, FestProduct } from '../../../../shared/fest/types';
import type { SearchHit, SearchIndex } from '../../../../shared/fest/search';
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

/** Characters fed to the XML reader between checks of the time budget (~1 ms of parsing). */
const SLICE_CHARS = 8 * 1024;
/**
 * Work per slice. Small even when the browser reports more idle time: an idle deadline does not
 * know about a network answer arriving meanwhile (the patient read), which would wait for the slice.
 */
const SLICE_BUDGET_MS = 4;
/** The longest a slice waits for the main thread to be free (background task, idle frame) before it runs anyway. */
const IDLE_TIMEOUT_MS = 500;

type IdleDeadlineLike = { timeRemaining(): number; didTimeout: boolean };

/**
 * Resolves with a time budget (ms) for the next piece of background work. Chromium (Electron and
 * the browser) has scheduler.postTask: a background-priority task runs whenever nothing more
 * urgent is queued, so the parse goes on between the steps of opening a patient without holding
 * any of them up. requestIdleCallback waits for idle frames, which were rare while a patient
 * opened (the checks came ~2x later in the UI bench); it is the fallback, then a plain macrotask.
 */
function nextSlice(): Promise<number> {
  const scheduler = (globalThis as { scheduler?: { postTask?: <T>(cb: () => T, o: { priority: 'background' }) => Promise<T> } }).scheduler;
  if (typeof scheduler?.postTask === 'function') {
    const postTask = scheduler.postTask.bind(scheduler);
    return new Promise((resolve) => {
      // A main thread that never runs out of work would starve background tasks: run anyway after a while.
      const timer = setTimeout(() => resolve(SLICE_BUDGET_MS), IDLE_TIMEOUT_MS);
      void postTask(() => {
        clearTimeout(timer);
        resolve(SLICE_BUDGET_MS);
      }, { priority: 'background' });
    });
  }
  const ric = (globalThis as { requestIdleCallback?: (cb: (d: IdleDeadlineLike) => void, o?: { timeout: number }) => number }).requestIdleCallback;
  if (typeof ric === 'function') {
    return new Promise((resolve) => ric((d) => resolve(d.didTimeout ? SLICE_BUDGET_MS : Math.max(1, Math.min(SLICE_BUDGET_MS, d.timeRemaining() - 1))), { timeout: IDLE_TIMEOUT_MS }));
  }
  return new Promise((resolve) => setTimeout(() => resolve(SLICE_BUDGET_MS), 0));
}

/** Parses the XML in slices between which the main thread is free (rendering, input, network answers). */
async function parseInSlices(xml: string, createFestReader: typeof import('../../../../shared/fest/reader').createFestReader): Promise<FestCatalogue> {
  const reader = createFestReader({ source: 'fest-curated.xml' });
  let at = 0;
  while (at < xml.length) {
    const budget = await nextSlice();
    const until = performance.now() + budget;
    do {
      reader.write(xml.slice(at, at + SLICE_CHARS));
      at += SLICE_CHARS;
    } while (at < xml.length && performance.now() < until);
  }
  await nextSlice();
  return reader.close();
}

/**
 * The search index, built on the first search (or by warm()): building it takes ~25 ms, which the
 * opening of the catalogue should not pay when nobody has searched yet.
 */
function lazyIndex(products: FestProduct[], build: (p: FestProduct[]) => SearchIndex<FestProduct>): SearchIndex<FestProduct> & { warm(): void } {
  let built: SearchIndex<FestProduct> | undefined;
  const get = () => (built ??= build(products));
  return {
    search: (query: string, limit?: number): SearchHit<FestProduct>[] => get().search(query, limit),
    get size() {
      return get().size;
    },
    warm: () => void get(),
  };
}

let loading: Promise<CatalogueState> | null = null;

/** Loads (once) and resolves with the final state; a failed load may be retried. */
export async function loadCatalogue(source: CatalogueSource = defaultSource): Promise<CatalogueState> {
  if (state.status === 'ready') return state;
  if (state.status === 'loading' && loading) return loading;
  set({ status: 'loading' });
  const run = (async (): Promise<CatalogueState> => {
    try {
      const [xml, { createFestReader }, { buildSearchIndex }] = await Promise.all([
        source(),
        import('../../../../shared/fest/reader'),
        import('../../../../shared/fest/search'),
      ]);
      const fest = await parseInSlices(xml, createFestReader);
      await nextSlice();
      const safety = safetyCatalogueFromFest(fest);
      if (!safety) throw new Error('Katalogen var tom');
      const index = lazyIndex(fest.products, buildSearchIndex);
      set({ status: 'ready', fest, safety, index });
      // Ready for the first search before anyone types, without holding up the checks. A failure
      // here is not lost: the first search builds again and shows it.
      void nextSlice()
        .then(() => index.warm())
        .catch(() => undefined);
    } catch (err) {
      set({ status: 'failed', error: err instanceof Error ? err.message : String(err) });
    } finally {
      loading = null;
    }
    return state;
  })();
  loading = run;
  return run;
}

/**
 * Starts loading the catalogue in the background, once per window. Called when the app is up, so
 * the checks are usually ready before the first patient is opened.
 */
export function preloadCatalogue(): void {
  if (state.status === 'idle') void loadCatalogue();
}

/** Test hook: forget the loaded catalogue. */
export function resetCatalogueForTests(): void {
  loading = null;
  set({ status: 'idle' });
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The catalogue state; starts loading (in the background) if nothing started it yet. */
export function useCatalogue(): CatalogueState {
  const s = useSyncExternalStore(subscribe, catalogueState);
  useEffect(() => {
    preloadCatalogue();
  }, []);
  return s;
}
