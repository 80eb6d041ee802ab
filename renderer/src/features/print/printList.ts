// The list a patient or a nurse takes away: current medicines laid out by time of day
// (morgen / midt på dagen / kveld / natt), then "ved behov" and doses without a fixed time.
import { dosesByTimeOfDay, formatDosage } from '../../../../shared/dosage';
import type { LocalListEntry, TimeOfDay } from '../../../../shared/model';
import { isoDateOf } from '../../../../shared/reconcile/dates';
import { isStopped } from '../../../../shared/reconcile';

export type PrintSlot = TimeOfDay | 'asNeeded' | 'unscheduled';
export const PRINT_SLOTS: readonly PrintSlot[] = ['morning', 'midday', 'evening', 'night', 'asNeeded', 'unscheduled'];

export interface PrintLine {
  name: string;
  /** "1 tablett", or the dosage text when it has no structured doses. */
  dose: string;
  /** "morgen", "kl. 08:00"; empty when unknown. */
  label: string;
  note?: string;
  purpose?: string;
}

export interface PrintSchedule {
  slots: Record<PrintSlot, PrintLine[]>;
  /** Every current medicine once, with its whole dosage in words. */
  all: { name: string; dosage: string; purpose?: string }[];
}

/** Current (not discontinued) entries, by time of day; medicines sorted by name within a slot. */
export function printSchedule(entries: readonly LocalListEntry[], now: Date = new Date()): PrintSchedule {
  // A planned stop (a date after today) is still in use until that day, so it is printed.
  const today = isoDateOf(now);
  const current = entries.filter((e) => !isStopped(e.discontinued, today)).sort((a, b) => a.medicine.name.localeCompare(b.medicine.name, 'nb'));
  const slots = Object.fromEntries(PRINT_SLOTS.map((s) => [s, [] as PrintLine[]])) as Record<PrintSlot, PrintLine[]>;
  for (const e of current) {
    const by = dosesByTimeOfDay(e.dosage, { use: e.use });
    for (const s of PRINT_SLOTS) {
      for (const d of by[s]) {
        // A dosage text that states the maximum already needs no second "høyst …" note.
        const note = d.note && !(d.amount === undefined && /\bhøyst\b|\bmaks/i.test(d.text)) ? d.note : undefined;
        slots[s].push({ name: e.medicine.name, dose: d.text, label: d.label, ...(note ? { note } : {}), ...(e.purpose ? { purpose: e.purpose } : {}) });
      }
    }
  }
  return {
    slots,
    all: current.map((e) => ({ name: e.medicine.name, dosage: formatDosage(e.dosage, { use: e.use }), ...(e.purpose ? { purpose: e.purpose } : {}) })),
  };
}
