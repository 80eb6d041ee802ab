// Grouping the items of the four sources into treatments (one row per real treatment).
// Keys, strongest first: ReseptId, LibId, renewal chain, FEST id, ATC+strength+form, ATC alone.
// The first three are identifiers and join everything they connect. The weak keys only join a
// component that holds local entries (and nothing national) with one that holds national items
// (and nothing local): they answer "which national item is this local line?", and never merge
// two prescriptions (two brands of one PPI stay two rows, so the duplicate check can see them).
import type { Dispensing, LocalListEntry, MedicineRef, PllEntry, Prescription } from '../model';
import { atcStrengthFormKey, normName } from './compare';
import { isStopped } from './dates';
import type { MatchKey, RowItems } from './types';
import { MATCH_KEYS } from './types';

type Node =
  | { kind: 'local'; key: string; item: LocalListEntry }
  | { kind: 'pll'; key: string; item: PllEntry }
  | { kind: 'prescription'; key: string; item: Prescription };

export interface MatchedGroup {
  items: RowItems;
  match: MatchKey;
  /** Key for dispensing-only groups (ATC, FEST id or name). */
  dispensingKey?: string;
}

class UnionFind {
  parent: number[];
  weakest: MatchKey[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
    this.weakest = Array.from({ length: n }, () => 'single' as MatchKey);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    let c = i;
    while (this.parent[c] !== r) {
      const next = this.parent[c]!;
      this.parent[c] = r;
      c = next;
    }
    return r;
  }
  union(a: number, b: number, key: MatchKey): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // Keep the smaller index as root so results do not depend on call order.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    this.weakest[root] = weaker(weaker(this.weakest[root]!, this.weakest[child]!), key);
  }
}

function weaker(a: MatchKey, b: MatchKey): MatchKey {
  return MATCH_KEYS.indexOf(a) >= MATCH_KEYS.indexOf(b) ? a : b;
}

const medKeys = (m: MedicineRef) => ({
  fest: m.festId ? `F:${m.festId}` : undefined,
  asf: atcStrengthFormKey(m),
  atc: m.atc ? m.atc.toUpperCase() : undefined,
});


export function matchItems(
  local: LocalListEntry[],
  pll: PllEntry[],
  prescriptions: Prescription[],
  dispensings: Dispensing[],
  /** The comparison date: a stop date after it is a planned stop, and the entry is still current. Absent: every stop counts. */
  today?: string,
): MatchedGroup[] {
  const stopped = (stop: { at: string } | undefined) => (today === undefined ? !!stop : isStopped(stop, today));
  const isActiveLocal = (l: LocalListEntry) => !stopped(l.discontinued);
  // Canonical node order: by kind, then by identifier, so the result never depends on input order.
  const nodes: Node[] = [
    ...local.map((item) => ({ kind: 'local' as const, key: `L:${item.id}`, item })),
    ...pll.map((item) => ({ kind: 'pll' as const, key: `P:${item.libId}`, item })),
    ...prescriptions.map((item) => ({ kind: 'prescription' as const, key: `R:${item.reseptId}`, item })),
  ].sort((a, b) => cmp(a.key, b.key) || cmp(JSON.stringify(a.item), JSON.stringify(b.item)));
  const uf = new UnionFind(nodes.length);

  const byResept = new Map<string, number[]>();
  const addResept = (id: string | undefined, i: number) => {
    if (!id) return;
    const list = byResept.get(id) ?? [];
    list.push(i);
    byResept.set(id, list);
  };
  nodes.forEach((n, i) => {
    if (n.kind === 'local') addResept(n.item.reseptId, i);
    else if (n.kind === 'pll') addResept(n.item.reseptId, i);
    else addResept(n.item.reseptId, i);
  });
  for (const list of byResept.values()) for (const i of list.slice(1)) uf.union(list[0]!, i, 'resept-id');

  const byLib = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    const lib = n.kind === 'local' || n.kind === 'pll' ? n.item.libId : undefined;
    if (!lib) return;
    byLib.set(lib, [...(byLib.get(lib) ?? []), i]);
  });
  for (const list of byLib.values()) for (const i of list.slice(1)) uf.union(list[0]!, i, 'lib-id');

  nodes.forEach((n, i) => {
    const links = n.kind === 'prescription' ? (n.item.renews ? [n.item.renews] : []) : n.kind === 'local' ? (n.item.previousReseptIds ?? []) : [];
    for (const id of links) for (const j of byResept.get(id) ?? []) uf.union(i, j, 'renewal-chain');
  });

  // Weak keys: local-only components with national-only components.
  const levels: ('fest' | 'asf' | 'atc')[] = ['fest', 'asf', 'atc'];
  const levelKey: Record<'fest' | 'asf' | 'atc', MatchKey> = { fest: 'fest-id', asf: 'atc-strength-form', atc: 'atc' };
  // Active local lines pick first, and each side prefers a partner in the same state (current
  // with current, stopped with stopped), so a stopped duplicate does not take a current entry.
  const isActive = (c: Component) =>
    c.nodes.some((i) => {
      const n = nodes[i]!;
      return n.kind === 'local' ? isActiveLocal(n.item) : n.kind === 'pll' ? !stopped(n.item.discontinued) : n.item.status === 'E' || n.item.status === 'U';
    });
  for (const level of levels) {
    const comps = components(nodes, uf);
    const localOnly = comps.filter((c) => c.hasLocal && !c.hasNational);
    const ordered = [...localOnly.filter(isActive), ...localOnly.filter((c) => !isActive(c))];
    const nationalOnly = comps.filter((c) => c.hasNational && !c.hasLocal);
    const taken = new Set<number>();
    for (const lc of ordered) {
      const active = isActive(lc);
      // ATC alone is too weak to tie a discontinued local line to a current national one.
      if (level === 'atc' && !active) continue;
      const keys = lc.keys[level];
      if (keys.size === 0) continue;
      const fits = nationalOnly.filter((nc) => !taken.has(nc.root) && [...nc.keys[level]].some((k) => keys.has(k)));
      const candidate = fits.find((nc) => isActive(nc) === active) ?? fits[0];
      if (!candidate) continue;
      taken.add(candidate.root);
      uf.union(lc.root, candidate.root, levelKey[level]);
    }
  }

  const comps = components(nodes, uf);
  const groups: MatchedGroup[] = comps.map((c) => ({
    items: {
      local: c.nodes.filter((i) => nodes[i]!.kind === 'local').map((i) => nodes[i]!.item as LocalListEntry),
      pll: c.nodes.filter((i) => nodes[i]!.kind === 'pll').map((i) => nodes[i]!.item as PllEntry),
      prescriptions: c.nodes.filter((i) => nodes[i]!.kind === 'prescription').map((i) => nodes[i]!.item as Prescription),
      dispensings: [],
    },
    match: c.nodes.length > 1 ? uf.weakest[c.root]! : 'single',
  }));

  // Dispensings: by ReseptId (any link of a chain), else the weak keys, else grouped on their own.
  const reseptToGroup = new Map<string, number>();
  groups.forEach((g, gi) => {
    for (const r of g.items.prescriptions) {
      reseptToGroup.set(r.reseptId, gi);
      if (r.renews) reseptToGroup.set(r.renews, gi);
    }
    for (const l of g.items.local) for (const id of [l.reseptId, ...(l.previousReseptIds ?? [])]) if (id) reseptToGroup.set(id, gi);
    for (const p of g.items.pll) if (p.reseptId) reseptToGroup.set(p.reseptId, gi);
  });
  const groupKeys = groups.map((g) => {
    const meds = [...g.items.local.map((x) => x.medicine), ...g.items.pll.map((x) => x.medicine), ...g.items.prescriptions.map((x) => x.medicine)];
    const keys = { fest: new Set<string>(), asf: new Set<string>(), atc: new Set<string>() };
    for (const m of meds) {
      const k = medKeys(m);
      if (k.fest) keys.fest.add(k.fest);
      if (k.asf) keys.asf.add(k.asf);
      if (k.atc) keys.atc.add(k.atc);
    }
    const active = g.items.local.some(isActiveLocal) || g.items.pll.some((p) => !stopped(p.discontinued)) || g.items.prescriptions.some((p) => p.status === 'E' || p.status === 'U');
    return { keys, active };
  });
  const loose = new Map<string, Dispensing[]>();
  const sortedDisp = [...dispensings].sort((a, b) => cmp(a.id, b.id) || cmp(a.dispensedAt, b.dispensedAt));
  for (const d of sortedDisp) {
    let gi = d.reseptId !== undefined ? reseptToGroup.get(d.reseptId) : undefined;
    let key: MatchKey | undefined;
    if (gi === undefined) {
      const k = medKeys(d.medicine);
      for (const level of levels) {
        const v = k[level];
        if (!v) continue;
        const candidates = groupKeys.map((g, i) => ({ g, i })).filter(({ g }) => g.keys[level].has(v));
        const pick = candidates.find(({ g }) => g.active) ?? candidates[0];
        if (pick) {
          gi = pick.i;
          key = levelKey[level];
          break;
        }
      }
      if (gi === undefined) {
        // Last resort for dispensings only: the same product name (e.g. a local line written for it).
        const name = normName(d.medicine.name);
        const candidates = groups.map((g, i) => ({ g, i })).filter(({ g }) => [...g.items.local, ...g.items.pll, ...g.items.prescriptions].some((x) => normName(x.medicine.name) === name));
        const pick = candidates.find(({ i }) => groupKeys[i]!.active) ?? candidates[0];
        if (pick) {
          gi = pick.i;
          key = 'name';
        }
      }
    }
    if (gi !== undefined) {
      const g = groups[gi]!;
      g.items.dispensings.push(d);
      g.match = weaker(g.match, key ?? 'resept-id');
      continue;
    }
    const lk = d.medicine.atc?.toUpperCase() ?? (d.medicine.festId ? `F:${d.medicine.festId}` : `N:${normName(d.medicine.name)}`);
    loose.set(lk, [...(loose.get(lk) ?? []), d]);
  }
  for (const [k, list] of [...loose.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    groups.push({ items: { local: [], pll: [], prescriptions: [], dispensings: list }, match: list.length > 1 ? 'atc' : 'single', dispensingKey: k });
  }
  for (const g of groups) g.items.dispensings.sort((a, b) => cmp(a.dispensedAt, b.dispensedAt) || cmp(a.id, b.id));
  return groups;
}

interface Component {
  root: number;
  nodes: number[];
  hasLocal: boolean;
  hasNational: boolean;
  keys: Record<'fest' | 'asf' | 'atc', Set<string>>;
}

function components(nodes: Node[], uf: UnionFind): Component[] {
  const map = new Map<number, Component>();
  nodes.forEach((n, i) => {
    const root = uf.find(i);
    let c = map.get(root);
    if (!c) {
      c = { root, nodes: [], hasLocal: false, hasNational: false, keys: { fest: new Set(), asf: new Set(), atc: new Set() } };
      map.set(root, c);
    }
    c.nodes.push(i);
    if (n.kind === 'local') c.hasLocal = true;
    else c.hasNational = true;
    const k = medKeys(n.item.medicine);
    if (k.fest) c.keys.fest.add(k.fest);
    if (k.asf) c.keys.asf.add(k.asf);
    if (k.atc) c.keys.atc.add(k.atc);
  });
  // Roots are the smallest node index of each component: sorting by root is canonical.
  return [...map.values()].sort((a, b) => a.root - b.root);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
