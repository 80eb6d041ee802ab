import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReconcileRow, RowStatus } from './types';
import { applyPlan } from './apply';
import { NOW, shuffle, sourcesArb, type GeneratedSources } from './arbitraries';
import { decide, type Decision } from './decide';
import { reconcile } from './reconcile';
import { counterIds, GP, mkCatalogue } from './testkit';
import { DISCONTINUED_RETENTION_DAYS } from './reconcile';
import { daysBetween, isoDateOf, isPlannedStop } from './dates';
import { therapeuticClassOf } from './drugclass';

const catalogue = mkCatalogue(NOW);
const run = (s: GeneratedSources) => reconcile({ patient: s.read.patient, local: s.local, read: s.read }, catalogue, NOW);

/** A decision that settles the row, as a GP would pick it. */
function resolving(row: ReconcileRow, pick: number): Decision | undefined {
  const id = row.id;
  switch (row.status) {
    case 'discontinued-locally-active-nationally':
    case 'discontinued-in-pll-active-locally':
      return { rowId: id, kind: 'discontinue', reason: 'A' };
    case 'dispensed-not-listed':
      return { rowId: id, kind: 'not-taking' };
    case 'recalled-but-active-locally':
      return pick % 2 ? { rowId: id, kind: 'renew' } : { rowId: id, kind: 'discontinue', reason: 'A' };
    case 'dose-differs':
      // Keeping the national content leaves an old prescription as it is: renew when it runs out.
      if (!row.expiresOn || daysBetween(NOW.toISOString(), row.expiresOn) <= 30 || row.items.prescriptions.some((p) => p.reseptId === row.headReseptId && p.status !== 'E' && p.status !== 'U')) {
        return pick % 2 ? { rowId: id, kind: 'renew' } : { rowId: id, kind: 'change-dose', dosage: { text: '1 tablett morgen og kveld', shortCode: '1+0+1+0' } };
      }
      return [{ rowId: id, kind: 'keep' as const }, { rowId: id, kind: 'change-dose' as const, dosage: { text: '1 tablett morgen og kveld', shortCode: '1+0+1+0' } }, { rowId: id, kind: 'renew' as const }][pick % 3];
    case 'only-pll':
    case 'only-prescription':
      return pick % 3 === 0 ? { rowId: id, kind: 'not-taking' } : { rowId: id, kind: 'renew' };
    case 'only-local':
      return pick % 2 ? { rowId: id, kind: 'renew' } : { rowId: id, kind: 'registration-error' };
    case 'prescription-expired-treatment-continues':
    case 'expires-soon':
    case 'pll-entry-without-valid-prescription':
    case 'prescription-without-pll-entry':
      return { rowId: id, kind: 'renew' };
    case 'details-differ':
      return { rowId: id, kind: 'keep' };
    default:
      return undefined;
  }
}

const SETTLED: ReadonlySet<RowStatus> = new Set(['in-sync', 'not-pll-item', 'discontinued', 'discontinued-expired', 'ended']);

describe('reconcile properties', () => {
  it('puts every input item in exactly one row', () => {
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const res = run(s);
        const seen = new Map<unknown, number>();
        for (const r of res.rows) for (const x of [...r.items.local, ...r.items.pll, ...r.items.prescriptions, ...r.items.dispensings]) seen.set(x, (seen.get(x) ?? 0) + 1);
        const inputs = [...s.local, ...s.read.pll, ...s.read.prescriptions, ...s.read.dispensings];
        for (const x of inputs) expect(seen.get(x)).toBe(1);
        expect(seen.size).toBe(inputs.length);
        expect(new Set(res.rows.map((r) => r.id)).size).toBe(res.rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the sources', () => {
    fc.assert(
      fc.property(sourcesArb, fc.integer({ min: 1, max: 2 ** 31 }), (s, seed) => {
        const shuffled: GeneratedSources = {
          local: shuffle(s.local, seed),
          read: {
            ...s.read,
            prescriptions: shuffle(s.read.prescriptions, seed + 1),
            pll: shuffle(s.read.pll, seed + 2),
            dispensings: shuffle(s.read.dispensings, seed + 3),
            criticalInfo: shuffle(s.read.criticalInfo, seed + 4),
          },
        };
        expect(JSON.stringify(run(shuffled))).toBe(JSON.stringify(run(s)));
      }),
      { numRuns: 300 },
    );
  });

  it('never reports the same finding twice', () => {
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const f = run(s).findings;
        expect(new Set(f.map((x) => x.id)).size).toBe(f.length);
        expect(new Set(f.map((x) => `${x.kind}|${x.rows.join(',')}|${x.message}`)).size).toBe(f.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives rows that are all settled after the plan is applied', () => {
    fc.assert(
      fc.property(sourcesArb, fc.nat(), (s, pick) => {
        const res = run(s);
        const decisions = res.rows.map((r, i) => resolving(r, pick + i)).filter((d): d is Decision => !!d);
        const out = decide(res.rows, decisions, { read: s.read, local: s.local, now: NOW, sender: GP, newId: counterIds() });
        fc.pre(out.blockers.length === 0);
        const next = applyPlan(s.read, out.plan, NOW);
        const after = reconcile({ patient: next.patient, local: out.local, read: next }, catalogue, NOW);
        // Dispensings of a treatment whose PLL entry has left the list (over 90 days) stand alone afterwards.
        const orphaned = new Set(res.rows.filter((r) => r.status === 'discontinued-expired').flatMap((r) => r.items.dispensings.map((d) => d.id)));
        const unsettled = after.rows
          .filter((r) => !SETTLED.has(r.status))
          .filter((r) => !(r.status === 'dispensed-not-listed' && r.items.dispensings.every((d) => orphaned.has(d.id)))).map((r) => `${r.name}: ${r.status}`);
        expect(unsettled).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('never loses a LibId, whatever is decided', () => {
    const kinds = ['keep', 'renew', 'discontinue', 'not-taking', 'registration-error', 'take-into-local', 'change-dose'] as const;
    fc.assert(
      fc.property(sourcesArb, fc.array(fc.constantFrom(...kinds), { minLength: 8, maxLength: 8 }), (s, picks) => {
        const res = run(s);
        const decisions: Decision[] = res.rows.map((r, i) => {
          const kind = picks[i % picks.length]!;
          if (kind === 'discontinue') return { rowId: r.id, kind, reason: 'A' };
          if (kind === 'change-dose') return { rowId: r.id, kind, dosage: { text: '2 tabletter kveld' } };
          return { rowId: r.id, kind };
        });
        const { plan } = decide(res.rows, decisions, { read: s.read, local: s.local, now: NOW, sender: GP, newId: counterIds() });
        if (s.read.pll.length > 0) expect(plan.pll).not.toBeNull();
        const libs = (plan.pll ?? []).map((e) => e.libId);
        expect(new Set(libs).size).toBe(libs.length);
        for (const e of s.read.pll) {
          const expired = e.discontinued && daysBetween(e.discontinued.at, NOW.toISOString()) > DISCONTINUED_RETENTION_DAYS;
          if (!expired) expect(libs).toContain(e.libId);
        }
        const active = (plan.pll ?? []).filter((e) => !e.discontinued && e.reseptId).map((e) => e.reseptId);
        expect(new Set(active).size).toBe(active.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a stale dispensing of another drug change the safety checks', () => {
    const checks = (f: ReturnType<typeof run>['findings']) => f.filter((x) => x.kind === 'interaction' || x.kind === 'allergy' || x.kind === 'duplicate');
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const res = run(s);
        const stale = new Set(res.rows.flatMap((r) => (r.otherDrugDispensings ?? []).filter((d) => !d.current).map((d) => d.dispensingId)));
        fc.pre(stale.size > 0);
        const without = run({ ...s, read: { ...s.read, dispensings: s.read.dispensings.filter((d) => !stale.has(d.id)) } });
        expect(checks(res.findings)).toEqual(checks(without.findings));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps another drug dispensed on a prescription out of the row and reports it once', () => {
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const res = run(s);
        for (const r of res.rows) {
          for (const d of r.otherDrugDispensings ?? []) {
            if (d.atc) expect(r.atcs).not.toContain(d.atc);
            const own = res.findings.filter((f) => f.kind === 'dispensing' && f.details?.dispensingId === d.dispensingId);
            expect(own.map((f) => f.rows)).toEqual([[r.id]]);
            expect(own[0]!.severity).toBe(d.current ? 'medium' : 'info');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('flags every pair of different drugs of one therapeutic class in use, with both rows', () => {
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const res = run(s);
        const inUse = res.rows.filter((r) => r.active && !r.nonPll && r.status !== 'dispensed-not-listed' && r.atc?.length === 7);
        const dups = res.findings.filter((f) => f.kind === 'duplicate');
        for (const a of inUse) {
          for (const b of inUse) {
            if (a.id >= b.id || a.atc === b.atc || therapeuticClassOf(a.atc!)?.key !== therapeuticClassOf(b.atc!)?.key) continue;
            expect(dups.some((f) => f.rows.includes(a.id) && f.rows.includes(b.id)), `${a.name} + ${b.name}`).toBe(true);
          }
        }
        for (const f of dups) {
          expect(new Set(f.rows).size).toBe(f.rows.length);
          expect(f.rows.length).toBeGreaterThanOrEqual(2);
          if (f.details?.group) expect(new Set(f.atc).size).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a planned stop (date after today) keeps the treatment in use and in the checks, exactly as without the stop', () => {
    const today = isoDateOf(NOW);
    const unplanned = (s: GeneratedSources): GeneratedSources => {
      const drop = <T extends { discontinued?: { at: string } }>(x: T): T => {
        if (!isPlannedStop(x.discontinued, today)) return x;
        const { discontinued: _stop, ...rest } = x;
        return rest as T;
      };
      return { read: { ...s.read, pll: s.read.pll.map(drop) }, local: s.local.map(drop) };
    };
    // Expiry findings may differ on purpose: a course ending before the prescription expires needs no renewal.
    const checks = (r: ReturnType<typeof run>) => r.findings.filter((f) => f.kind !== 'expiry').map((f) => `${f.id} ${f.severity} ${f.rows.join('+')} ${f.message}`);
    let planned = 0;
    fc.assert(
      fc.property(sourcesArb, (s) => {
        const plain = unplanned(s);
        if (plain.read.pll.every((e, i) => e === s.read.pll[i]) && plain.local.every((l, i) => l === s.local[i])) return;
        planned++;
        const a = run(s);
        const b = run(plain);
        const inUse = (r: ReturnType<typeof run>) => r.rows.map((x) => `${x.id} ${x.active}`).sort();
        expect(inUse(a)).toEqual(inUse(b));
        expect(checks(a)).toEqual(checks(b));
        for (const r of a.rows) if (r.plannedStopOn) expect(r.active && r.plannedStopOn > today).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(planned).toBeGreaterThan(20);
  });
});
