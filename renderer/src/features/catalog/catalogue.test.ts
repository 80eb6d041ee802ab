import { afterEach, describe, expect, it } from 'vitest';
import xml from '../../../../fixtures/fest/fest-curated.xml?raw';
import { catalogueState, loadCatalogue, preloadCatalogue, resetCatalogueForTests } from './catalogue';
import { medicineRefOf } from './PrescribePanel';

afterEach(() => resetCatalogueForTests());

describe('the catalogue in the renderer', () => {
  it('loads the curated FEST extract into a search index and the safety view', async () => {
    const s = await loadCatalogue(async () => xml);
    expect(s.status).toBe('ready');
    if (s.status !== 'ready') return;
    const hit = s.index.search('marevn', 3)[0]; // a typo still finds it
    expect(hit?.product.nameFormStrength).toBe('Marevan tab 2,5 mg');
    expect(s.safety.meta?.extractedAt).toBe(s.fest.meta.extractedAt);
    expect(s.safety.interactions.length).toBeGreaterThan(0);
    const ref = medicineRefOf(hit!.product);
    expect(ref).toMatchObject({ name: 'Marevan tab 2,5 mg', atc: 'B01AA03', kind: 'brand', festId: hit!.product.id });
  });

  it('is read once per window: a preload, a load while it runs and a load after it share one read', async () => {
    let reads = 0;
    const source = async () => {
      reads++;
      return xml;
    };
    const first = loadCatalogue(source);
    expect(catalogueState().status).toBe('loading');
    preloadCatalogue(); // already loading: nothing new
    const second = loadCatalogue(source);
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe('ready');
    expect(b).toBe(a);
    expect(await loadCatalogue(source)).toBe(a);
    expect(reads).toBe(1);
    // the search index is built on first use and answers like a fresh one
    if (a.status === 'ready') expect(a.index.size).toBe(a.fest.products.length);
  });

  it('a broken file is a visible failure (checks not running), never an empty catalogue', async () => {
    const s = await loadCatalogue(async () => '<FEST><KatLegemiddelMerkevare>');
    expect(s.status).toBe('failed');
    expect(catalogueState().status).toBe('failed');
    if (s.status === 'failed') expect(s.error).toMatch(/FEST/);
  });

  it('a failed load can be retried', async () => {
    await loadCatalogue(async () => {
      throw new Error('nettverk');
    });
    expect(catalogueState().status).toBe('failed');
    expect((await loadCatalogue(async () => xml)).status).toBe('ready');
  });
});
