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

export const sameStrength = (a: string | undefined, b: string | undefined): boolean =>
  norm(a).replace(/\s/g, '') === norm(b).replace(/\s/g, '');

export const sameForm = (a: string | undefined, b: string | undefined): boolean => norm(a) === norm(b);

/** Key for "same ATC + strength + form", or undefined when any part is missing. */
export function atcStrengthFormKey(m: MedicineRef): string | undefined {
  if (!m.atc || !m.strength || !m.form) return undefined;
  return `${m.atc.toUpperCase()}|${norm(m.strength).replace(/\s/g, '')}|${norm(m.form)}`;
}

export const normName = norm;
