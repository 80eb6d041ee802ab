import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CatalogueInteraction } from '../model';
import { createCatalogueLookup, createInteractionChecker, interactionsBetween, isAtcCode, isNotAssessed, scanInteractionsBetween } from './catalogue';

const inter = (id: string, relevance: CatalogueInteraction['relevance'], a: [string[], string[]], b: [string[], string[]]): CatalogueInteraction => ({
  id,
  relevance,
  consequence: id,
  substanceGroups: [
    { atc: a[0], substances: a[1] },
    { atc: b[0], substances: b[1] },
  ],
});
const CAT = {
  interactions: [
    inter('simva-klari', 'avoid', [['C10AA01', 'C10BA02'], ['Simvastatin']], [['J01FA09'], ['Klaritromycin']]),
    inter('simva-amio', 'precautions', [['C10AA01'], ['Simvastatin']], [['C01BD01'], ['Amiodaron']]),
    inter('tca-terbinafin', 'precautions', [['N06AA'], ['Trisykliske antidepressiva']], [['D01BA02'], ['Terbinafin']]),
    inter('levo-omep', 'none', [['H03AA01'], ['Levotyroksin']], [['A02BC01'], ['Omeprazol']]),
    inter('perikum-pille', 'avoid', [[], ['Perikum']], [['G03AA07'], ['Levonorgestrel og østrogen']]),
    inter('simva-amio-2', 'avoid', [['C10AA01'], ['Simvastatin']], [['C01BD01'], ['Amiodaron']]),
  ],
  notAssessedAtc: ['N07AB02'],
};

describe('interactionsBetween', () => {
  it('finds the interaction either way round, most severe first', () => {
    expect(interactionsBetween(CAT, 'C10AA01', 'C01BD01').map((i) => i.id)).toEqual(['simva-amio-2', 'simva-amio']);
    expect(interactionsBetween(CAT, ['C01BD01'], ['C10AA01']).map((i) => i.id)).toEqual(['simva-amio-2', 'simva-amio']);
  });
  it('lets a higher-level ATC code in FEST cover the codes below it, but not the other way', () => {
    expect(interactionsBetween(CAT, 'N06AA09', 'D01BA02').map((i) => i.id)).toEqual(['tca-terbinafin']);
    expect(interactionsBetween(CAT, 'C10AA', 'J01FA09')).toEqual([]);
  });
  it('matches substances without ATC by name, case-insensitively', () => {
    expect(interactionsBetween(CAT, { substances: ['perikum'] }, { atc: ['G03AA07'] }).map((i) => i.id)).toEqual(['perikum-pille']);
    expect(interactionsBetween(CAT, ['Perikum'], ['G03AA07']).map((i) => i.id)).toEqual(['perikum-pille']);
  });
  it('includes "none" interactions for the caller to filter, and finds nothing for unrelated or empty sides', () => {
    expect(interactionsBetween(CAT, 'H03AA01', 'A02BC01')[0]?.relevance).toBe('none');
    expect(interactionsBetween(CAT, 'C10AA01', 'A02BC01')).toEqual([]);
    expect(interactionsBetween(CAT, [], 'C10AA01')).toEqual([]);
  });
  it('does not pair a medicine with itself through one group', () => {
    expect(interactionsBetween(CAT, 'C10AA01', 'C10BA02')).toEqual([]);
  });
  it('is symmetric', () => {
    const codes = ['C10AA01', 'C10BA02', 'J01FA09', 'C01BD01', 'N06AA09', 'D01BA02', 'H03AA01', 'A02BC01', 'G03AA07', 'B01AA03'];
    fc.assert(
      fc.property(fc.constantFrom(...codes), fc.constantFrom(...codes), (a, b) => {
        expect(interactionsBetween(CAT, a, b).map((i) => i.id).sort()).toEqual(interactionsBetween(CAT, b, a).map((i) => i.id).sort());
      }),
    );
  });
  it('knows codes that are not assessed and what an ATC code looks like', () => {
    expect(isNotAssessed(CAT, 'N07AB02')).toBe(true);
    expect(isNotAssessed(CAT, 'C10AA01')).toBe(false);
    expect(['C', 'C10', 'C10A', 'C10AA', 'c10aa01'].every(isAtcCode)).toBe(true);
    expect(['Simvastatin', 'C1', 'C10AA011', ''].some(isAtcCode)).toBe(false);
  });
});

describe('createInteractionChecker', () => {
  const checker = createInteractionChecker(CAT);
  const keys = ['C10AA01', 'C10BA02', 'C10AA', 'J01FA09', 'C01BD01', 'N06AA09', 'N06AA', 'D01BA02', 'H03AA01', 'A02BC01', 'G03AA07', 'Perikum', 'simvastatin', 'B01AA03'];
  it('gives exactly what the plain scan gives', () => {
    fc.assert(
      fc.property(fc.subarray(keys, { minLength: 0, maxLength: 3 }), fc.subarray(keys, { minLength: 0, maxLength: 3 }), (a, b) => {
        expect(checker.between(a, b).map((i) => i.id)).toEqual(scanInteractionsBetween(CAT, a, b).map((i) => i.id));
      }),
      { numRuns: 300 },
    );
  });
  it('lists the interacting pairs of a medication list', () => {
    const meds = [
      { name: 'Zocor', atc: 'C10AA01' },
      { name: 'Paracet', atc: 'N02BE01' },
      { name: 'Cordarone', atc: 'C01BD01' },
      { name: 'Klacid', atc: 'J01FA09' },
    ];
    const pairs = checker.among(meds).map((p) => [p.a.name, p.b.name, p.interactions.map((i) => i.relevance)]);
    expect(pairs).toEqual([
      ['Zocor', 'Cordarone', ['avoid', 'precautions']],
      ['Zocor', 'Klacid', ['avoid']],
    ]);
  });
});

describe('createCatalogueLookup', () => {
  const p = (id: string, atc: string, substances: string[]) => ({
    id, name: id, nameFormStrength: `${id} tab`, atc, form: 'Tablett', prescriptionGroup: 'C' as const, substanceIds: substances.map((s) => `ID_${s}`), substances,
  });
  const lookup = createCatalogueLookup({
    products: [p('Zocor', 'C10AA01', ['Simvastatin']), p('Lipitor', 'C10AA05', ['Atorvastatin']), p('Inegy', 'C10BA02', ['Ezetimib', 'Simvastatin'])],
    packages: [{ varenr: '012345', productId: 'Zocor', size: 28, unit: 'stykk' }, { varenr: '222222', productId: 'Zocor', size: 98, unit: 'stykk' }],
  });
  it('finds products by varenr, id, ATC level and substance', () => {
    expect(lookup.productByVarenr('012345')?.id).toBe('Zocor');
    expect(lookup.productByVarenr('999999')).toBeUndefined();
    expect(lookup.productById('Lipitor')?.atc).toBe('C10AA05');
    expect(lookup.productsByAtc('C10AA').map((x) => x.id).sort()).toEqual(['Lipitor', 'Zocor']);
    expect(lookup.productsByAtc('c10')).toHaveLength(3);
    expect(lookup.productsBySubstance('simvastatin').map((x) => x.id).sort()).toEqual(['Inegy', 'Zocor']);
    expect(lookup.productsBySubstance('ID_Atorvastatin').map((x) => x.id)).toEqual(['Lipitor']);
    expect(lookup.packagesOfProduct('Zocor').map((x) => x.varenr)).toEqual(['012345', '222222']);
  });
});
