// Comparison helpers for matching and differences. Dosage comparison and wording come from
// shared/dosage.ts (structured doses, Kortdose and text, the same rules everywhere in the app).
import type { MedicineRef, Use } from '../model';
import { formatDosage, sameDosage } from '../dosage';
import type { Dosage } from '../model';

export { sameDosage };

const norm = (s: string | undefined): string =>
  (s ?? '').toLowerCase().replace(/,/g, '.').replace(/\s+/g, ' ').trim();

/** The dosage as the patient reads it. */
export function describeDosage(d: Dosage): string {
  return formatDosage(d);
}

export const USE_LABEL: Record<Use, string> = { '1': 'Fast', '2': 'Kur', '3': 'Ved behov', '4': 'Vaksine' };

/** Strength without spaces, with one spelling of microgram ("50 mikrog" = "50 µg" = "50 mcg"). */
const normStrength = (s: string | undefined): string =>
  norm(s)
    .replace(/\s/g, '')
    .replace(/(mikrog|mcg|μg|ug)/g, 'µg');

export const sameStrength = (a: string | undefined, b: string | undefined): boolean => normStrength(a) === normStrength(b);

export const sameForm = (a: string | undefined, b: string | undefined): boolean => norm(a) === norm(b);

/** Key for "same ATC + strength + form", or undefined when any part is missing. */
export function atcStrengthFormKey(m: MedicineRef): string | undefined {
  if (!m.atc || !m.strength || !m.form) return undefined;
  return `${m.atc.toUpperCase()}|${normStrength(m.strength)}|${norm(m.form)}`;
}

export const normName = norm;
