// The dose editor's rules, apart from React so they can be tested: a Kortdose ("1+0+0+1") or an
// amount per time of day, both through shared/dosage with its Norwegian messages.
import { formatDosage, formatShortCode, parseAmount, parseShortCode, TIMES_OF_DAY } from '../../../../shared/dosage';
import type { DoseAtTime, Dosage, TimeOfDay } from '../../../../shared/model';
import { nb } from '../../i18n/nb';

export interface DoseFormInput {
  mode: 'short' | 'times';
  shortCode: string;
  amounts: Record<TimeOfDay, string>;
  unit: string;
  /** Free text for the patient; empty = generated from the doses. */
  text: string;
}

export type DoseFormField = 'shortCode' | 'unit' | TimeOfDay;
export type DoseFormResult = { ok: true; dosage: Dosage } | { ok: false; errors: Partial<Record<DoseFormField | 'form', string>> };

export const emptyAmounts = (): Record<TimeOfDay, string> => ({ morning: '', midday: '', evening: '', night: '' });

/** The form's starting values from the dosage being changed. */
export function doseFormFrom(d: Dosage | undefined): DoseFormInput {
  const amounts = emptyAmounts();
  for (const x of d?.doses ?? []) {
    if (x.time in amounts) amounts[x.time as TimeOfDay] = String(x.amount).replace('.', ',');
  }
  return { mode: d?.doses?.length && !d.shortCode ? 'times' : 'short', shortCode: d?.shortCode ?? '', amounts, unit: d?.doses?.[0]?.unit ?? 'tablett', text: '' };
}

export function buildDosage(input: DoseFormInput): DoseFormResult {
  const unit = input.unit.trim();
  if (!unit) return { ok: false, errors: { unit: 'Skriv enheten, f.eks. tablett.' } };
  let doses: DoseAtTime[];
  let shortCode: string | undefined;
  if (input.mode === 'short') {
    const r = parseShortCode(input.shortCode, unit);
    if (!r.ok) return { ok: false, errors: { shortCode: r.message } };
    doses = r.doses;
    shortCode = input.shortCode.trim().replace(/\s+/g, '');
  } else {
    const errors: DoseFormResult & { ok: false } = { ok: false, errors: {} };
    doses = [];
    for (const t of TIMES_OF_DAY) {
      const raw = input.amounts[t].trim();
      if (!raw) continue;
      const r = parseAmount(raw);
      if (!r.ok) errors.errors[t] = r.message;
      else doses.push({ time: t, amount: r.value, unit });
    }
    if (Object.keys(errors.errors).length > 0) return errors;
    if (doses.length === 0) return { ok: false, errors: { form: nb.dose.needOne } };
    shortCode = formatShortCode(doses) ?? undefined;
  }
  const generated = formatDosage({ text: '', doses });
  const text = input.text.trim() || generated;
  return { ok: true, dosage: { text, doses, ...(shortCode ? { shortCode } : {}), intervalDays: 1 } };
}
