import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dosage, LocalListEntry, MedicationRead, MedicineRef, PllEntry, Prescription } from '../../../../shared/model';
import { matchSideBySide, nationalItems, sameDosage, summarise, type NationalItem } from './sideBySide';
import { markerOf } from './markers';

const med = (name: string, atc?: string): MedicineRef => ({ name, kind: 'brand', ...(atc ? { atc } : {}) });
const dose = (text: string, shortCode?: string): Dosage => ({ text, ...(shortCode ? { shortCode } : {}) });

function local(id: string, over: Partial<LocalListEntry> = {}): LocalListEntry {
  return { id, patientId: 'p1', medicine: med('Simvastatin tab 20 mg', 'C10AA01'), dosage: dose('1 tablett om kvelden', '0+0+1'), use: '1', updatedAt: '2026-11-01T10:00:00Z', ...over };
}
function pll(libId: string, over: Partial<PllEntry> = {}): PllEntry {
  return { libId, type: 'E', lastChanged: '2026-11-01T10:00:00Z', medicine: med('Simvastatin tab 20 mg', 'C10AA01'), dosage: dose('1 tablett om kvelden', '0+0+1'), use: '1', ...over };
}
function rx(reseptId: string, over: Partial<Prescription> = {}): Prescription {
  return { reseptId, prescribedOn: '2026-06-01', expiresOn: '2027-06-01', medicine: med('Metformin tab 500 mg', 'A10BA02'), dosage: dose('1 tablett morgen og kveld', '1+0+1'), use: '1', status: 'E', ...over };
}
const read = (p: PllEntry[], r: Prescription[]): Pick<MedicationRead, 'pll' | 'prescriptions'> => ({ pll: p, prescriptions: r });

describe('nationalItems', () => {
  it('lists PLL entries and only those valid prescriptions no PLL entry refers to', () => {
    const items = nationalItems(
      read(
        [pll('lib-1', { reseptId: 'rx-1' })],
        [
          rx('rx-1', { medicine: med('Simvastatin tab 20 mg', 'C10AA01') }),
          rx('rx-2'),
          rx('rx-expired', { expiresOn: '2026-01-01' }),
          rx('rx-recalled', { status: 'T' }),
          rx('rx-done', { status: 'R' }),
          rx('rx-locked', { status: 'U' }),
        ],
      ),
      '2026-11-26',
    );
    expect(items.map((i) => i.key)).toEqual(['lib:lib-1', 'rx:rx-2', 'rx:rx-locked']);
    expect(items[0]).toMatchObject({ source: 'pll', status: 'E', reseptId: 'rx-1' });
  });
});

describe('matchSideBySide', () => {
  const today = '2026-11-26';

  it('pairs on LibId and calls identical entries the same', () => {
    const rows = matchSideBySide([local('a', { libId: 'lib-1' })], nationalItems(read([pll('lib-1')], []), today));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'same', matchedBy: 'libId' });
    expect(markerOf(rows[0]!).text).toBe('✓ Samme');
  });

  it('pairs on ReseptId, also an earlier link of the local renewal chain, and flags a dose change', () => {
    const national = nationalItems(read([pll('lib-9', { reseptId: 'rx-new', dosage: dose('2 tabletter om kvelden', '0+0+2') })], []), today);
    const rows = matchSideBySide([local('a', { reseptId: 'rx-old', previousReseptIds: ['rx-new'] })], national);
    expect(rows[0]).toMatchObject({ kind: 'different', matchedBy: 'reseptId', differences: ['dosage'] });
    expect(markerOf(rows[0]!).text).toBe('≠ Ulik dosering');
  });

  it('falls back to ATC only for entries without a shared identifier', () => {
    const national = nationalItems(read([pll('lib-1', { medicine: med('Zocor tab 20 mg', 'C10AA01') })], []), today);
    const rows = matchSideBySide([local('a')], national);
    expect(rows[0]).toMatchObject({ kind: 'different', matchedBy: 'atc', differences: ['medicine'] });
  });

  it('keeps what only one side has, with the right words', () => {
    const national = nationalItems(read([pll('lib-1', { medicine: med('Paracet tab 500 mg', 'N02BE01') })], [rx('rx-2')]), today);
    const rows = matchSideBySide([local('a')], national);
    expect(rows.map((r) => [r.kind, markerOf(r).text])).toEqual([
      ['only-local', 'Bare lokalt'],
      ['only-national', 'Bare i PLL'],
      ['only-national', 'Bare resept i RF'],
    ]);
    expect(summarise(rows)).toEqual({ same: 0, different: 0, onlyLocal: 1, onlyNational: 2 });
  });

  it('shows a treatment stopped in PLL but still active locally as a discrepancy', () => {
    const national = nationalItems(read([pll('lib-1', { discontinued: { at: '2026-11-01T10:00:00Z' } })], []), today);
    const rows = matchSideBySide([local('a', { libId: 'lib-1' })], national);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'discontinued-one-side', discontinuedIn: 'national' });
    expect(markerOf(rows[0]!).text).toBe('≠ Seponert i PLL');
    expect(summarise(rows).different).toBe(1);
  });

  it('never pairs stopped entries on ATC alone, but still lists them', () => {
    const national = nationalItems(read([pll('lib-1', { discontinued: { at: '2026-11-01T10:00:00Z' } })], []), today);
    const rows = matchSideBySide([local('a'), local('b', { discontinued: { at: '2026-10-01T10:00:00Z' } })], national);
    expect(rows.map((r) => r.kind)).toEqual(['only-local', 'discontinued-local', 'discontinued-national']);
    expect(markerOf(rows[2]!).text).toBe('Seponert');
  });

  it('does not call a vaccine missing from PLL a discrepancy', () => {
    const rows = matchSideBySide([local('v', { category: 'vaccine', medicine: med('Influvac Tetra', 'J07BB02'), use: '4' })], []);
    expect(rows[0]).toMatchObject({ kind: 'not-pll-item' });
    expect(markerOf(rows[0]!).text).toBe('Ikke PLL-vare');
    expect(summarise(rows)).toEqual({ same: 0, different: 0, onlyLocal: 0, onlyNational: 0 });
  });

  it('prefers an identifier match over an ATC match for the same national item', () => {
    const national = nationalItems(read([pll('lib-1')], []), today);
    // 'a' comes first and would win an ATC match; 'b' owns the LibId and must get the pair.
    const rows = matchSideBySide([local('a'), local('b', { libId: 'lib-1' })], national);
    const pair = rows.find((r) => r.kind === 'same' || r.kind === 'different');
    expect(pair && 'local' in pair ? pair.local.id : undefined).toBe('b');
    expect(rows.find((r) => r.kind === 'only-local')).toMatchObject({ local: { id: 'a' } });
  });

  // Properties: every input shows up in exactly one row, and each national item is paired at most once.
  const atcs = ['C10AA01', 'A10BA02', 'N02BE01', undefined];
  const ids = ['x1', 'x2', 'x3', 'x4', undefined];
  const arbLocal = fc.record({
    libId: fc.constantFrom(...ids),
    reseptId: fc.constantFrom(...ids),
    atc: fc.constantFrom(...atcs),
    code: fc.constantFrom('1+0+0', '0+0+1', '1+0+1'),
    discontinued: fc.boolean(),
  });
  const arbNational = fc.record({
    libId: fc.constantFrom(...ids),
    reseptId: fc.constantFrom(...ids),
    atc: fc.constantFrom(...atcs),
    code: fc.constantFrom('1+0+0', '0+0+1', '1+0+1'),
    discontinued: fc.boolean(),
  });

  it('accounts for every entry exactly once (property)', () => {
    fc.assert(
      fc.property(fc.array(arbLocal, { maxLength: 8 }), fc.array(arbNational, { maxLength: 8 }), (ls, ns) => {
        const localEntries = ls.map((l, i) =>
          local(`l${i}`, {
            ...(l.libId ? { libId: l.libId } : {}),
            ...(l.reseptId ? { reseptId: l.reseptId } : {}),
            medicine: med(`M ${l.atc ?? 'none'}`, l.atc),
            dosage: dose(l.code, l.code),
            ...(l.discontinued ? { discontinued: { at: '2026-01-01T00:00:00Z' } } : {}),
          }),
        );
        const nationalList: NationalItem[] = ns.map((n, i) => ({
          key: `n${i}`,
          source: 'pll',
          ...(n.libId ? { libId: n.libId } : {}),
          ...(n.reseptId ? { reseptId: n.reseptId } : {}),
          medicine: med(`M ${n.atc ?? 'none'}`, n.atc),
          dosage: dose(n.code, n.code),
          use: '1',
          discontinued: n.discontinued,
        }));
        const rows = matchSideBySide(localEntries, nationalList);
        const seenLocal = rows.flatMap((r) => ('local' in r ? [r.local.id] : []));
        const seenNational = rows.flatMap((r) => ('national' in r ? [r.national.key] : []));
        expect([...seenLocal].sort()).toEqual(localEntries.map((e) => e.id).sort());
        expect([...seenNational].sort()).toEqual(nationalList.map((n) => n.key).sort());
        for (const r of rows) {
          if ('local' in r && 'national' in r) {
            // A pair always shares the key it claims to be matched by; ATC never pairs stopped entries.
            if (r.matchedBy === 'libId') expect(r.local.libId).toBe(r.national.libId);
            if (r.matchedBy === 'atc') {
              expect(r.local.medicine.atc).toBe(r.national.medicine.atc);
              expect(Boolean(r.local.discontinued) || r.national.discontinued).toBe(false);
            }
            const stopped = [Boolean(r.local.discontinued), r.national.discontinued];
            const expectedKind = stopped[0] && stopped[1] ? 'discontinued-both' : stopped[0] || stopped[1] ? 'discontinued-one-side'
              : sameDosage(r.local.dosage, r.national.dosage) && r.local.medicine.name === r.national.medicine.name ? 'same' : 'different';
            expect(r.kind).toBe(expectedKind);
          } else if ('local' in r) {
            expect(r.kind).toBe(r.local.discontinued ? 'discontinued-local' : 'only-local');
          } else {
            expect(r.kind).toBe(r.national.discontinued ? 'discontinued-national' : 'only-national');
          }
        }
      }),
    );
  });
});

describe('sameDosage', () => {
  it('compares structured doses when both sides have them', () => {
    const a: Dosage = { text: 'x', doses: [{ time: 'morning', amount: 1, unit: 'tablett' }] };
    const b: Dosage = { text: 'y', doses: [{ time: 'morning', amount: 1, unit: 'Tablett' }] };
    const c: Dosage = { text: 'x', doses: [{ time: 'evening', amount: 1, unit: 'tablett' }] };
    expect(sameDosage(a, b)).toBe(true);
    expect(sameDosage(a, c)).toBe(false);
  });
  it('treats weekly and daily as different even with the same short code', () => {
    expect(sameDosage({ text: '', shortCode: '1+0+0', intervalDays: 7 }, { text: '', shortCode: '1+0+0' })).toBe(false);
    expect(sameDosage({ text: '', shortCode: '1 + 0 + 0' }, { text: '', shortCode: '1+0+0' })).toBe(true);
  });
  it('falls back to the text, ignoring case and spacing only', () => {
    expect(sameDosage(dose('1 tablett  om Kvelden'), dose('1 tablett om kvelden'))).toBe(true);
    expect(sameDosage(dose('1 tablett om kvelden'), dose('2 tabletter om kvelden'))).toBe(false);
  });
});
