import { describe, expect, it } from 'vitest';
import { classLabel, intendedCombination, isLocalActing, localSiteOf, therapeuticClassOf } from './drugclass';

describe('isLocalActing', () => {
  it('knows eye, ear and skin medicines by ATC, and the dermatological groups that are systemic', () => {
    expect(isLocalActing({ atc: 'S01CA01' })).toBe(true); // Maxitrol eye drops
    expect(isLocalActing({ atc: 'S01ED01' })).toBe(true); // timolol eye drops
    expect(isLocalActing({ atc: 'S02CA06' })).toBe(true);
    expect(isLocalActing({ atc: 'D07AC01' })).toBe(true); // betamethasone cream
    expect(isLocalActing({ atc: 'M02AA15' })).toBe(true); // diclofenac gel
    expect(isLocalActing({ atc: 'D05BB02' })).toBe(false); // acitretin capsules
    expect(isLocalActing({ atc: 'D10BA01' })).toBe(false); // isotretinoin capsules
    expect(isLocalActing({ atc: 'D01BA02' })).toBe(false); // terbinafine tablets
    expect(isLocalActing({ atc: 'H02AB02' })).toBe(false); // dexamethasone tablets
    expect(isLocalActing({ atc: 'C07AA06' })).toBe(false); // timolol tablets
  });
  it('falls back to the form when there is no ATC code', () => {
    expect(isLocalActing({ form: 'Øyedråper' })).toBe(true);
    expect(isLocalActing({ form: 'Krem' })).toBe(true);
    expect(isLocalActing({ form: 'Tablett' })).toBe(false);
    expect(isLocalActing({})).toBe(false);
    // The ATC code decides when present: a systemic code in a cream-sounding form stays systemic.
    expect(isLocalActing({ atc: 'N02BE01', form: 'Krem' })).toBe(false);
  });
  it('says where it acts', () => {
    expect(localSiteOf({ atc: 'S01CA01' })).toBe('i øyet');
    expect(localSiteOf({ atc: 'S02CA06' })).toBe('i øret');
    expect(localSiteOf({ atc: 'D07AC01' })).toBe('på huden');
  });
});

describe('therapeuticClassOf', () => {
  it('uses ATC level 4, with wider classes for NSAIDs, RAS blockers and oral anticoagulants', () => {
    expect(therapeuticClassOf('C10AA01')?.key).toBe(therapeuticClassOf('C10BA02')?.key); // simvastatin + ezetimibe is a statin too
    expect(therapeuticClassOf('C10AX09')?.key).toBe('C10AX'); // ezetimibe alone is not
    expect(therapeuticClassOf('N02AA05')?.key).toBe(therapeuticClassOf('N02AJ06')?.key); // oxycodone, codeine + paracetamol
    expect(therapeuticClassOf('A02BC05')?.name).toMatch(/protonpumpehemmere/);
    expect(therapeuticClassOf('M01AE01')?.key).toBe(therapeuticClassOf('M01AB05')?.key);
    expect(therapeuticClassOf('M01AX05')?.key).toBe('M01AX'); // glucosamine is not an NSAID
    expect(therapeuticClassOf('C09AA02')?.key).toBe(therapeuticClassOf('C09CA01')?.key);
    expect(therapeuticClassOf('B01AA03')?.key).toBe(therapeuticClassOf('B01AF02')?.key);
    expect(therapeuticClassOf('B01AC06')?.key).toBe('B01AC');
    expect(therapeuticClassOf('A10AB05')?.key).not.toBe(therapeuticClassOf('A10AE04')?.key);
    expect(therapeuticClassOf('C10')).toBeUndefined();
    expect(therapeuticClassOf('X99ZZ01')?.name).toBe('ATC-gruppe X99ZZ');
  });
});

describe('classLabel', () => {
  it('names the level-4 group when all members are in it, else the wider class', () => {
    expect(classLabel(['C10AA01', 'C10AA05'])).toBe('statiner, ATC C10AA');
    expect(classLabel(['C10AA05', 'C10BA02'])).toMatch(/^statiner, også i kombinasjonspreparater/);
    expect(classLabel(['M01AE01', 'M01AE02'])).toBe('NSAID, ATC M01A');
    expect(classLabel(['A02BC01', 'A02BC05'])).toBe('protonpumpehemmere, ATC A02BC');
  });
});

describe('intendedCombination', () => {
  it('names the combinations clinicians use on purpose and nothing else', () => {
    expect(intendedCombination([{ atc: 'R03AC02' }, { atc: 'R03AC13' }])).toMatch(/beta-2-agonist/);
    expect(intendedCombination([{ atc: 'B01AC06' }, { atc: 'B01AC24' }])).toMatch(/dobbel platehemming/);
    expect(intendedCombination([{ atc: 'N02AA05', form: 'Depottablett' }, { atc: 'N02AA01', form: 'Mikstur' }])).toMatch(/depot/);
    expect(intendedCombination([{ atc: 'N02AA05', form: 'Depottablett' }, { atc: 'N02AA01', form: 'Depottablett' }])).toBeNull();
    expect(intendedCombination([{ atc: 'R03AC12' }, { atc: 'R03AC13' }])).toBeNull(); // two long-acting
    expect(intendedCombination([{ atc: 'C10AA01' }, { atc: 'C10AA05' }])).toBeNull();
  });
});
