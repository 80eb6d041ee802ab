import { describe, expect, it } from 'vitest';
import { buildDosage, doseFormFrom, emptyAmounts } from './doseForm';

const base = { mode: 'short' as const, shortCode: '', amounts: emptyAmounts(), unit: 'tablett', text: '' };

describe('the dose editor', () => {
  it('turns a Kortdose into structured doses and a text the patient reads', () => {
    const r = buildDosage({ ...base, shortCode: '1+0+0+1' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dosage.doses?.map((d) => [d.time, d.amount])).toEqual([
      ['morning', 1],
      ['evening', 1],
    ]);
    expect(r.dosage.shortCode).toBe('1+0+0+1');
    expect(r.dosage.text).toMatch(/1 tablett morgen/);
  });

  it('says in Norwegian what is wrong with a Kortdose written with dashes', () => {
    const r = buildDosage({ ...base, shortCode: '1-0-0-1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.shortCode).toContain('1+0+0+1');
  });

  it('takes amounts per time of day and refuses a decimal point', () => {
    const ok = buildDosage({ ...base, mode: 'times', amounts: { ...emptyAmounts(), morning: '½', night: '2' } });
    expect(ok.ok && ok.dosage.doses?.map((d) => [d.time, d.amount])).toEqual([
      ['morning', 0.5],
      ['night', 2],
    ]);
    const bad = buildDosage({ ...base, mode: 'times', amounts: { ...emptyAmounts(), morning: '0.5' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.morning).toMatch(/komma/);
    const none = buildDosage({ ...base, mode: 'times' });
    expect(none.ok).toBe(false);
  });

  it('keeps the text the prescriber wrote', () => {
    const r = buildDosage({ ...base, shortCode: '1+1+1', text: 'Tas med mat' });
    expect(r.ok && r.dosage.text).toBe('Tas med mat');
  });

  it('starts from the dosage being changed', () => {
    const f = doseFormFrom({ text: 'x', shortCode: '2+0+0+0', doses: [{ time: 'morning', amount: 2, unit: 'kapsel' }] });
    expect(f).toMatchObject({ mode: 'short', shortCode: '2+0+0+0', unit: 'kapsel' });
    expect(f.amounts.morning).toBe('2');
  });
});
