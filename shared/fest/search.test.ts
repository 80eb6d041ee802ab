import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CatalogueProduct } from '../model';
import { boundedDamerauLevenshtein, boundedPrefixDistance, buildSearchIndex, tokenize } from './search';

const product = (id: string, nameFormStrength: string, atc: string, substances: string[], name = nameFormStrength.split(' ')[0]!): CatalogueProduct => ({
  id,
  name,
  nameFormStrength,
  atc,
  form: 'Tablett',
  prescriptionGroup: 'C',
  substanceIds: substances.map((s) => `ID_${s}`),
  substances,
});

const PRODUCTS = [
  product('p1', 'Paracet tab 500 mg', 'N02BE01', ['Paracetamol'], 'Paracet'),
  product('p2', 'Paracetamol Teva tab 1 g', 'N02BE01', ['Paracetamol'], 'Paracetamol Teva'),
  product('p3', 'Pinex tab 500 mg', 'N02BE01', ['Paracetamol']),
  product('i1', 'Ibux tab 400 mg', 'M01AE01', ['Ibuprofen']),
  product('s1', 'Simvastatin Sandoz tab 20 mg', 'C10AA01', ['Simvastatin'], 'Simvastatin Sandoz'),
  product('s2', 'Zocor tab 20 mg', 'C10AA01', ['Simvastatin']),
  product('s3', 'Inegy tab 10 mg/20 mg', 'C10BA02', ['Ezetimib', 'Simvastatin']),
  product('m1', 'Marevan tab 2,5 mg', 'B01AA03', ['Warfarin']),
  product('e1', 'Eliquis tab 2,5 mg', 'B01AF02', ['Apiksaban']),
  product('a1', 'Atorvastatin Teva tab 40 mg', 'C10AA05', ['Atorvastatin'], 'Atorvastatin Teva'),
];
const index = buildSearchIndex(PRODUCTS);
const ids = (q: string, limit?: number) => index.search(q, limit).map((h) => h.product.id);

/** Plain OSA distance, for checking the bounded versions. */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

describe('buildSearchIndex', () => {
  it('finds brands by prefix, exact brand first', () => {
    expect(ids('paracet').slice(0, 3)).toEqual(['p1', 'p2', 'p3']);
    expect(index.search('paracet')[0]?.match).toBe('exact');
    expect(ids('ibux')).toEqual(['i1']);
  });
  it('finds a misspelt substance ("simvastatn") and ranks it after real matches', () => {
    expect(new Set(ids('simvastatn'))).toEqual(new Set(['s1', 's2', 's3']));
    expect(index.search('simvastatn').every((h) => h.match === 'fuzzy')).toBe(true);
    // A typo match never outranks a prefix match.
    const hits = index.search('atorva');
    expect(hits[0]?.product.id).toBe('a1');
  });
  it('finds products by ATC code, whole or by level', () => {
    expect(new Set(ids('C10AA01'))).toEqual(new Set(['s1', 's2']));
    expect(new Set(ids('c10aa'))).toEqual(new Set(['s1', 's2', 'a1']));
  });
  it('matches numbers such as "2,5" exactly, without fuzzy fan-out', () => {
    expect(new Set(ids('2,5'))).toEqual(new Set(['m1', 'e1']));
    expect(ids('marevan 2,5')).toEqual(['m1']);
    expect(ids('2,6')).toEqual([]);
  });
  it('requires every word to match, respects the limit, and handles empty queries', () => {
    expect(ids('simvastatin 20')).toEqual(expect.arrayContaining(['s1', 's2', 's3']));
    expect(ids('zocor ibux')).toEqual([]);
    expect(ids('tab', 2)).toHaveLength(2);
    expect(ids('   ')).toEqual([]);
    expect(ids('-/,')).toEqual([]);
  });
  it('always finds a product by its own full name, as an exact match on top', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRODUCTS), (p) => {
        const hits = index.search(p.nameFormStrength, 50);
        expect(hits.map((h) => h.product.id)).toContain(p.id);
        expect(hits[0]?.match).toBe('exact');
      }),
    );
  });
  it('ranks by score, never a weaker match above a stronger one', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9, ]{1,12}$/), (q) => {
        const hits = index.search(q, 50);
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      }),
      { numRuns: 200 },
    );
  });
});

describe('distances', () => {
  it('bounded Damerau-Levenshtein agrees with the plain one within the bound', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[abc]{0,8}$/), fc.stringMatching(/^[abc]{0,8}$/), fc.integer({ min: 0, max: 3 }), (a, b, k) => {
        const d = osa(a, b);
        expect(boundedDamerauLevenshtein(a, b, k)).toBe(d <= k ? d : k + 1);
      }),
      { numRuns: 500 },
    );
  });
  it('prefix distance is the least distance to any beginning of the token', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[abc]{1,7}$/), fc.stringMatching(/^[abc]{0,10}$/), fc.integer({ min: 1, max: 2 }), (q, t, k) => {
        let best = Infinity;
        for (let j = 0; j <= t.length; j++) best = Math.min(best, osa(q, t.slice(0, j)));
        expect(boundedPrefixDistance(q, t, k)).toBe(best <= k ? best : k + 1);
      }),
      { numRuns: 500 },
    );
  });
  it('tokenizes strengths and ATC codes as single words', () => {
    expect(tokenize('Marevan tab 2,5 mg (B01AA03)')).toEqual(['marevan', 'tab', '2,5', 'mg', 'b01aa03']);
  });
});
