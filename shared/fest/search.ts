// Product search over the FEST catalogue: brand names, substance names and ATC codes.
// A token dictionary (unique word tokens → product postings) keeps each query to a scan of
// distinct tokens (tens of thousands), not of products. Each query word is matched against
// tokens as exact > prefix > substring > fuzzy (bounded Damerau-Levenshtein, letters only), and
// a product must match every query word. Numbers ("2,5") match exactly or by prefix only, so a
// short number never fans out into a fuzzy search.
import type { CatalogueProduct } from '../model';

export type MatchKind = 'exact' | 'prefix' | 'substring' | 'fuzzy';

export interface SearchHit<P extends CatalogueProduct = CatalogueProduct> {
  product: P;
  score: number;
  /** The weakest way a query word matched this product. */
  match: MatchKind;
}

export interface SearchIndex<P extends CatalogueProduct = CatalogueProduct> {
  search(query: string, limit?: number): SearchHit<P>[];
  readonly size: number;
}

const SCORE: Record<MatchKind, number> = { exact: 100, prefix: 60, substring: 30, fuzzy: 20 };
const RANK: Record<MatchKind, number> = { exact: 3, prefix: 2, substring: 1, fuzzy: 0 };

const TOKEN = /[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu;

/** Lower-case word tokens; "2,5" and "C10AA01" stay one token each. */
export function tokenize(s: string): string[] {
  return s.toLowerCase().match(TOKEN) ?? [];
}

const isWordy = (t: string): boolean => /^\p{L}/u.test(t) && !/^[a-z]\d/.test(t);

/** Allowed edits for a query word: none below 4 letters, 1 up to 7, 2 from 8. */
const maxEdits = (len: number): number => (len < 4 ? 0 : len < 8 ? 1 : 2);

const MAX_WORD = 64;
let rowA = new Int32Array(MAX_WORD + 1);
let rowB = new Int32Array(MAX_WORD + 1);
let rowC = new Int32Array(MAX_WORD + 1);

/**
 * Optimal-string-alignment Damerau-Levenshtein distance, giving up (returning max+1) as soon
 * as every cell of a row exceeds `max`. Rows are reused typed arrays: this runs against every
 * dictionary token of a compatible length, so it must not allocate.
 */
export function boundedDamerauLevenshtein(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0 || lb === 0) return Math.max(la, lb) <= max ? Math.max(la, lb) : max + 1;
  const last = osaLastRow(a, b, lb, max);
  if (!last) return max + 1;
  const d = last[lb]!;
  return d <= max ? d : max + 1;
}

/**
 * The OSA (restricted Damerau-Levenshtein) matrix of `a` against the first `lb` letters of `b`,
 * row by row in the reused rows; returns the last row, or null as soon as a whole row exceeds
 * `max` (no cell below can come back under it). Shared by the two bounded distances above and below.
 */
function osaLastRow(a: string, b: string, lb: number, max: number): Int32Array | null {
  const la = a.length;
  if (lb + 1 > rowA.length) {
    rowA = new Int32Array(lb + 1);
    rowB = new Int32Array(lb + 1);
    rowC = new Int32Array(lb + 1);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    const caPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = prev[j - 1]! + (ca === cb ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < v) v = del;
      const ins = cur[j - 1]! + 1;
      if (ins < v) v = ins;
      if (j > 1 && ca === b.charCodeAt(j - 2) && caPrev === cb) {
        const tr = prev2[j - 2]! + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return null;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev;
}

/**
 * The smallest OSA distance between `q` and any beginning of `t` (the whole of `t` included),
 * bounded by `max`. One pass over the matrix: the answer is the least cell of the last row.
 */
export function boundedPrefixDistance(q: string, t: string, max: number): number {
  const la = q.length;
  const lb = Math.min(t.length, la + max);
  if (lb < la - max) return max + 1;
  // Cheap necessary condition: one of q's first max+1 letters must occur among t's first
  // 2*max+1 letters, or the first max+1 letters would all need an edit.
  let near = la <= max;
  for (let i = 0; i <= max && i < la && !near; i++) {
    const c = q.charCodeAt(i);
    for (let j = 0; j <= 2 * max && j < lb; j++) {
      if (t.charCodeAt(j) === c) {
        near = true;
        break;
      }
    }
  }
  if (!near) return max + 1;
  const last = osaLastRow(q, t, lb, max);
  if (!last) return max + 1;
  let best = max + 1;
  for (let j = Math.max(0, la - max); j <= lb; j++) if (last[j]! < best) best = last[j]!;
  return best;
}

/** Which letters occur in a word: a-z bits 0-25, æ ø å 26-28, anything else bit 29. */
function letterMask(w: string): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c >= 97 && c <= 122) m |= 1 << (c - 97);
    else if (c === 0xe6) m |= 1 << 26;
    else if (c === 0xf8) m |= 1 << 27;
    else if (c === 0xe5) m |= 1 << 28;
    else m |= 1 << 29;
  }
  return m;
}
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

interface TokenEntry {
  token: string;
  /** letterMask(token), for a cheap "could this be within k edits" test. */
  mask: number;
  /** doc * 2 + 1 when the token is in the product's own name, doc * 2 otherwise (substance, ATC). */
  postings: number[];
}

/** A match in the product's name ranks a little above one only in its substances or ATC code. */
const NAME_BONUS = 5;

export function buildSearchIndex<P extends CatalogueProduct>(catalogue: { products: P[] } | P[]): SearchIndex<P> {
  const products = Array.isArray(catalogue) ? catalogue : catalogue.products;
  const n = products.length;
  const dict = new Map<string, Map<number, boolean>>();
  const nameLength = new Int32Array(n);
  const nameKey: string[] = new Array<string>(n);
  products.forEach((p, i) => {
    const fields: [string | undefined, boolean][] = [
      [p.nameFormStrength, true],
      [p.name, true],
      [p.atc, false],
      ...p.substances.map((x): [string, boolean] => [x, false]),
    ];
    for (const [f, inName] of fields) {
      if (!f) continue;
      for (const t of tokenize(f)) {
        let docs = dict.get(t);
        if (!docs) dict.set(t, (docs = new Map()));
        if (!docs.get(i)) docs.set(i, inName);
      }
    }
    nameKey[i] = p.nameFormStrength.toLowerCase();
    nameLength[i] = nameKey[i]!.length;
  });
  // Sorted so that a prefix is a contiguous range found by binary search.
  const tokens: TokenEntry[] = [...dict.entries()]
    .map(([token, docs]) => ({ token, mask: letterMask(token), postings: [...docs].map(([d, inName]) => d * 2 + (inName ? 1 : 0)) }))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const byLength = new Map<number, TokenEntry[]>();
  for (const e of tokens) {
    if (!isWordy(e.token)) continue;
    let l = byLength.get(e.token.length);
    if (!l) byLength.set(e.token.length, (l = []));
    l.push(e);
  }

  const lowerBound = (q: string): number => {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid]!.token < q) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Per-query scratch space, reused: best score of the current word per doc, the running total,
  // the weakest match kind, and how many words each doc has matched so far.
  const wordScore = new Float64Array(n);
  const wordKind = new Int8Array(n);
  const total = new Float64Array(n);
  const weakest = new Int8Array(n);
  const matched = new Int32Array(n);
  const KIND_BY_RANK: MatchKind[] = ['fuzzy', 'substring', 'prefix', 'exact'];

  /** Score one query word into wordScore/wordKind; returns the docs it touched. */
  function matchWord(q: string, enoughStrong: number): number[] {
    const touched: number[] = [];
    let strong = 0;
    const add = (e: TokenEntry, kind: MatchKind): void => {
      const base = SCORE[kind];
      for (const code of e.postings) {
        const d = code >> 1;
        const sc = base + (code & 1 ? NAME_BONUS : 0);
        if (wordScore[d] === 0) {
          touched.push(d);
          if (kind !== 'fuzzy') strong++;
        }
        if (sc > wordScore[d]!) {
          wordScore[d] = sc;
          wordKind[d] = RANK[kind];
        }
      }
    };
    for (let i = lowerBound(q); i < tokens.length; i++) {
      const e = tokens[i]!;
      if (!e.token.startsWith(q)) break;
      add(e, e.token.length === q.length ? 'exact' : 'prefix');
    }
    const wordy = isWordy(q);
    // Substring and fuzzy matches rank below every exact or prefix match, so when those
    // already fill the page there is nothing weaker matches could add.
    if (q.length >= 3 && wordy && strong < enoughStrong) {
      for (const e of tokens) {
        if (e.token.length > q.length && e.token.includes(q) && !e.token.startsWith(q)) add(e, 'substring');
      }
    }
    const k = wordy ? maxEdits(q.length) : 0;
    if (k > 0 && strong < enoughStrong) {
      const qMask = letterMask(q);
      for (let len = q.length - k; len <= q.length + k + 6; len++) {
        const list = byLength.get(len);
        if (!list) continue;
        for (const e of list) {
          // Each edit brings in at most one letter the token lacks, so more than k missing
          // letters rules the token out before any distance is computed.
          if (popcount(qMask & ~e.mask) > k) continue;
          // The whole token or its beginning ("simvastatn" → "simvastatin", "paracetmol" → "paracetamol…").
          if (!e.token.startsWith(q) && boundedPrefixDistance(q, e.token, k) <= k) add(e, 'fuzzy');
        }
      }
    }
    return touched;
  }

  return {
    size: n,
    search(query: string, limit = 20): SearchHit<P>[] {
      const words = [...new Set(tokenize(query))].filter((w) => w.length <= MAX_WORD);
      if (words.length === 0 || limit <= 0) return [];
      let candidates: number[] = [];
      try {
        words.forEach((w, wi) => {
          const touched = matchWord(w, words.length === 1 ? limit : Infinity);
          const next: number[] = [];
          for (const d of touched) {
            if (matched[d] === wi) {
              total[d] = total[d]! + wordScore[d]!;
              weakest[d] = wi === 0 ? wordKind[d]! : Math.min(weakest[d]!, wordKind[d]!);
              matched[d] = wi + 1;
              if (wi === words.length - 1) next.push(d);
            }
          }
          for (const d of touched) {
            wordScore[d] = 0;
            wordKind[d] = 0;
          }
          if (wi === words.length - 1) candidates = next;
        });
        // Top `limit` by score, then shorter name, then alphabetical: a small sorted window.
        const better = (a: number, b: number): boolean => {
          if (total[a] !== total[b]) return total[a]! > total[b]!;
          if (nameLength[a] !== nameLength[b]) return nameLength[a]! < nameLength[b]!;
          return nameKey[a]! < nameKey[b]!;
        };
        const top: number[] = [];
        for (const d of candidates) {
          if (top.length === limit && !better(d, top[top.length - 1]!)) continue;
          let i = top.length === limit ? top.length - 1 : top.length;
          while (i > 0 && better(d, top[i - 1]!)) {
            top[i] = top[i - 1]!;
            i--;
          }
          top[i] = d;
          if (top.length > limit) top.length = limit;
        }
        return top.map((d) => ({ product: products[d]!, score: total[d]!, match: KIND_BY_RANK[weakest[d]!]! }));
      } finally {
        // Reset scratch for the docs this query touched (matched > 0 ⇔ touched by word 0).
        for (let d = 0; d < n; d++) {
          if (matched[d] !== 0) {
            matched[d] = 0;
            total[d] = 0;
            weakest[d] = 0;
          }
        }
      }
    },
  };
}
