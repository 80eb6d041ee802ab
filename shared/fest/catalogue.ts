// Look-ups over a FEST catalogue for the reconciliation and safety rules: products by varenr,
// id, ATC or substance, and the interactions between two medicines.
// FEST joins interactions to products through ATC codes (a code at a higher level covers every
// code below it) or, for substances without ATC, through the substance; never by product id.
import type { CatalogueInteraction, CataloguePackage, CatalogueProduct, InteractionRelevance } from '../model';
import type { FestCatalogue } from './types';

/** What one side of an interaction check is: ATC codes and/or substance names, as known. */
export type MedicineKeys = string | string[] | { atc?: string[]; substances?: string[] };

const ATC_RE = /^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/;

/** True when `s` looks like an ATC code at any level (A, A10, A10B, A10BA, A10BA02). */
export const isAtcCode = (s: string): boolean => ATC_RE.test(s.trim().toUpperCase());

const norm = (s: string): string => s.trim().toLowerCase();

function splitKeys(keys: MedicineKeys): { atc: string[]; substances: string[] } {
  if (typeof keys === 'string' || Array.isArray(keys)) {
    const list = typeof keys === 'string' ? [keys] : keys;
    const atc: string[] = [];
    const substances: string[] = [];
    for (const k of list) {
      if (!k.trim()) continue;
      if (isAtcCode(k)) atc.push(k.trim().toUpperCase());
      else substances.push(norm(k));
    }
    return { atc, substances };
  }
  return {
    atc: (keys.atc ?? []).filter((a) => a.trim()).map((a) => a.trim().toUpperCase()),
    substances: (keys.substances ?? []).filter((s) => s.trim()).map(norm),
  };
}

/**
 * Does an interaction group cover a medicine? An ATC code in the group covers every medicine
 * whose code starts with it (N06AA covers N06AA09); a substance name matches by name.
 */
function groupCovers(
  group: CatalogueInteraction['substanceGroups'][number],
  med: { atc: string[]; substances: string[] },
): boolean {
  for (const g of group.atc) for (const a of med.atc) if (a.startsWith(g)) return true;
  if (med.substances.length) {
    for (const s of group.substances) if (med.substances.includes(norm(s))) return true;
  }
  return false;
}

const SEVERITY: Record<InteractionRelevance, number> = { avoid: 0, precautions: 1, none: 2 };

/**
 * The interactions that apply between medicine A and medicine B, most severe first, then in
 * catalogue order. Each side is ATC codes and/or substance names (strings that look like ATC
 * codes are taken as codes). 'none' (Ingen tiltak nødvendig) entries are included; callers
 * decide whether to show them. The first call on a catalogue builds an index (kept while the
 * catalogue's interactions array lives; treat a catalogue as immutable).
 */
export function interactionsBetween(
  catalogue: Pick<FestCatalogue, 'interactions'>,
  a: MedicineKeys,
  b: MedicineKeys,
): CatalogueInteraction[] {
  let checker = checkers.get(catalogue.interactions);
  if (!checker) {
    checker = createInteractionChecker(catalogue);
    checkers.set(catalogue.interactions, checker);
  }
  return checker.between(a, b);
}
const checkers = new WeakMap<object, InteractionChecker>();

/**
 * The plain definition of interactionsBetween(): scan every interaction. Milliseconds per pair on
 * the full catalogue; kept as the reference the indexed checker is tested against.
 */
export function scanInteractionsBetween(
  catalogue: Pick<FestCatalogue, 'interactions'>,
  a: MedicineKeys,
  b: MedicineKeys,
): CatalogueInteraction[] {
  const ma = splitKeys(a);
  const mb = splitKeys(b);
  if ((!ma.atc.length && !ma.substances.length) || (!mb.atc.length && !mb.substances.length)) return [];
  const out: CatalogueInteraction[] = [];
  for (const i of catalogue.interactions) {
    const gs = i.substanceGroups;
    let hit = false;
    for (let x = 0; x < gs.length && !hit; x++) {
      for (let y = 0; y < gs.length && !hit; y++) {
        if (x !== y && groupCovers(gs[x]!, ma) && groupCovers(gs[y]!, mb)) hit = true;
      }
    }
    if (hit) out.push(i);
  }
  return out.sort((p, q) => SEVERITY[p.relevance] - SEVERITY[q.relevance]);
}

/** ATC levels of a code: N06AA09 → N, N06, N06A, N06AA, N06AA09. */
const ATC_LEVELS = [1, 3, 4, 5, 7];
const atcPrefixes = (atc: string): string[] => ATC_LEVELS.filter((n) => n <= atc.length).map((n) => atc.slice(0, n));

export interface InteractionPair<M> {
  a: M;
  b: M;
  interactions: CatalogueInteraction[];
}

export interface InteractionChecker {
  /** Same result as interactionsBetween(), from an index: for checking whole medication lists. */
  between(a: MedicineKeys, b: MedicineKeys): CatalogueInteraction[];
  /** Every pair of the given medicines that has at least one interaction, in list order. */
  among<M extends { atc?: string; substances?: string[] }>(medicines: M[]): InteractionPair<M>[];
}

/**
 * Index the interactions by ATC code (every level) and substance name once, so a check costs
 * the handful of interactions that mention the medicine, not all 11,000.
 */
export function createInteractionChecker(catalogue: Pick<FestCatalogue, 'interactions'>): InteractionChecker {
  // key → (interaction index, group index) pairs
  const byAtc = new Map<string, [number, number][]>();
  const byName = new Map<string, [number, number][]>();
  const push = (m: Map<string, [number, number][]>, k: string, v: [number, number]): void => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  catalogue.interactions.forEach((it, i) =>
    it.substanceGroups.forEach((g, gi) => {
      for (const a of g.atc) push(byAtc, a.toUpperCase(), [i, gi]);
      for (const s of g.substances) push(byName, norm(s), [i, gi]);
    }),
  );
  /** interaction index → the groups that cover the medicine */
  const hits = (keys: MedicineKeys): Map<number, Set<number>> => {
    const { atc, substances } = splitKeys(keys);
    const out = new Map<number, Set<number>>();
    const add = (list: [number, number][] | undefined): void => {
      for (const [i, g] of list ?? []) {
        let set = out.get(i);
        if (!set) out.set(i, (set = new Set()));
        set.add(g);
      }
    };
    for (const a of atc) for (const p of atcPrefixes(a)) add(byAtc.get(p));
    for (const s of substances) add(byName.get(s));
    return out;
  };
  const intersect = (ha: Map<number, Set<number>>, hb: Map<number, Set<number>>): CatalogueInteraction[] => {
    const found: number[] = [];
    for (const [i, ga] of ha) {
      const gb = hb.get(i);
      if (!gb) continue;
      // Different groups must cover the two medicines.
      let ok = false;
      for (const x of ga) for (const y of gb) if (x !== y) ok = true;
      if (ok) found.push(i);
    }
    const list = catalogue.interactions;
    return found
      .sort((p, q) => SEVERITY[list[p]!.relevance] - SEVERITY[list[q]!.relevance] || p - q)
      .map((i) => list[i]!);
  };
  const between = (a: MedicineKeys, b: MedicineKeys): CatalogueInteraction[] => {
    const ha = hits(a);
    return ha.size === 0 ? [] : intersect(ha, hits(b));
  };
  return {
    between,
    among(medicines) {
      const pairs: InteractionPair<(typeof medicines)[number]>[] = [];
      const h = medicines.map((m) => hits({ atc: m.atc ? [m.atc] : [], substances: m.substances ?? [] }));
      for (let x = 0; x < medicines.length; x++) {
        if (h[x]!.size === 0) continue;
        for (let y = x + 1; y < medicines.length; y++) {
          const found = intersect(h[x]!, h[y]!);
          if (found.length) pairs.push({ a: medicines[x]!, b: medicines[y]!, interactions: found });
        }
      }
      return pairs;
    },
  };
}

/** Whether FEST says a code has not been assessed for interactions (so "none found" means "unknown"). */
export function isNotAssessed(catalogue: Pick<FestCatalogue, 'notAssessedAtc'>, atc: string): boolean {
  const a = atc.trim().toUpperCase();
  return catalogue.notAssessedAtc.some((n) => a.startsWith(n));
}

export interface CatalogueLookup<P extends CatalogueProduct = CatalogueProduct> {
  productById(id: string): P | undefined;
  packageByVarenr(varenr: string): CataloguePackage | undefined;
  /** The product a package belongs to. */
  productByVarenr(varenr: string): P | undefined;
  /** Products whose ATC code starts with `atc` (so a level-4 code gives the whole group). */
  productsByAtc(atc: string): P[];
  /** Products containing the substance (by FEST substance id or name, case-insensitive). */
  productsBySubstance(idOrName: string): P[];
  packagesOfProduct(productId: string): CataloguePackage[];
}

/** Build in-memory indexes once (a few ms for the full catalogue) and look up in O(1)/O(k). */
export function createCatalogueLookup<P extends CatalogueProduct>(catalogue: {
  products: P[];
  packages: CataloguePackage[];
}): CatalogueLookup<P> {
  const byId = new Map<string, P>();
  const byAtc = new Map<string, P[]>();
  const bySubstance = new Map<string, P[]>();
  const pkgByVarenr = new Map<string, CataloguePackage>();
  const pkgsByProduct = new Map<string, CataloguePackage[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const p of catalogue.products) {
    byId.set(p.id, p);
    if (p.atc) push(byAtc, p.atc.toUpperCase(), p);
    const keys = new Set([...p.substanceIds, ...p.substances.map(norm)]);
    for (const k of keys) push(bySubstance, k, p);
  }
  for (const pk of catalogue.packages) {
    pkgByVarenr.set(pk.varenr, pk);
    push(pkgsByProduct, pk.productId, pk);
  }
  const atcKeys = [...byAtc.keys()].sort();
  return {
    productById: (id) => byId.get(id),
    packageByVarenr: (v) => pkgByVarenr.get(v.trim()),
    productByVarenr: (v) => {
      const pk = pkgByVarenr.get(v.trim());
      return pk ? byId.get(pk.productId) : undefined;
    },
    productsByAtc: (atc) => {
      const a = atc.trim().toUpperCase();
      if (!a) return [];
      const out: P[] = [];
      for (const k of atcKeys) if (k.startsWith(a)) out.push(...(byAtc.get(k) ?? []));
      return out;
    },
    productsBySubstance: (s) => [...(bySubstance.get(s.trim()) ?? bySubstance.get(norm(s)) ?? [])],
    packagesOfProduct: (id) => [...(pkgsByProduct.get(id) ?? [])],
  };
}
