// What the nurse sees of one resident: current medicines laid out by the rounds of the day, the
// multidose ones marked, CAVE on top. Pure: built from a cached (decrypted) $getMedication read.

import { dosesByTimeOfDay, type ScheduledDose } from '../../../../shared/dosage';
import type { CriticalInfo, MedicationRead, MedicineRef, Use } from '../../../../shared/model';
import { isoDateOf } from '../../../../shared/reconcile/dates';
import { isStopped } from '../../../../shared/reconcile';

export const ROUNDS = ['morning', 'midday', 'evening', 'night', 'asNeeded', 'unscheduled'] as const;
export type Round = (typeof ROUNDS)[number];

export interface ScheduleItem {
  key: string;
  medicine: MedicineRef;
  purpose?: string;
  dose: ScheduledDose;
  /** Dispensed in multidose bags (the patient has multidose and this is a fixed medicine). */
  multidose: boolean;
  /** A planned stop (seponering fram i tid): given until this date, not from it (ISO date). */
  stopsOn?: string;
}

export interface ResidentSchedule {
  identityNumber: string;
  name: string;
  birthDate: string;
  multidose: boolean;
  cave: CriticalInfo[];
  rounds: Record<Round, ScheduleItem[]>;
  /** Where the list comes from: the patient's PLL, or (without a PLL) the valid prescriptions. */
  source: 'pll' | 'prescriptions';
  /** How many current medicines (not dose lines). */
  medicineCount: number;
  fetchedAt: string;
}

interface Current {
  key: string;
  medicine: MedicineRef;
  dosage: MedicationRead['pll'][number]['dosage'];
  use: Use;
  purpose?: string;
  reseptId?: string;
  stopsOn?: string;
}

function currentMedicines(read: MedicationRead, today: string): { items: Current[]; source: 'pll' | 'prescriptions' } {
  if (read.pll.length > 0 || read.pllMessageId) {
    // A planned stop (a date after today) is still in use until that day: the nurse must see it.
    const items = read.pll
      .filter((e) => !isStopped(e.discontinued, today))
      .map((e) => ({
        key: e.libId,
        medicine: e.medicine,
        dosage: e.dosage,
        use: e.use,
        ...(e.purpose ? { purpose: e.purpose } : {}),
        ...(e.reseptId ? { reseptId: e.reseptId } : {}),
        ...(e.discontinued ? { stopsOn: isoDateOf(e.discontinued.at) } : {}),
      }));
    return { items, source: 'pll' };
  }
  const items = read.prescriptions
    .filter((p) => (p.status === 'E' || p.status === 'U') && !p.recall)
    .map((p) => ({ key: p.reseptId, medicine: p.medicine, dosage: p.dosage, use: p.use, ...(p.purpose ? { purpose: p.purpose } : {}), reseptId: p.reseptId }));
  return { items, source: 'prescriptions' };
}

/** `now`: the clinician's time (not the fetch time): a course that ended since the download is not shown. */
export function residentSchedule(read: MedicationRead, fetchedAt: string, now: Date = new Date()): ResidentSchedule {
  const { items, source } = currentMedicines(read, isoDateOf(now));
  const multidosePharmacy = new Set(read.dispensings.filter((d) => d.reseptId && /multidose/i.test(d.pharmacy ?? '')).map((d) => d.reseptId!));
  const rounds = Object.fromEntries(ROUNDS.map((r) => [r, [] as ScheduleItem[]])) as Record<Round, ScheduleItem[]>;
  for (const item of items) {
    const multidose = Boolean(read.patient.multidose) && (item.use === '1' || (item.reseptId !== undefined && multidosePharmacy.has(item.reseptId)));
    const byRound = dosesByTimeOfDay(item.dosage, { use: item.use });
    for (const round of ROUNDS) {
      for (const dose of byRound[round]) {
        rounds[round].push({ key: `${item.key}:${round}:${dose.label}`, medicine: item.medicine, ...(item.purpose ? { purpose: item.purpose } : {}), dose, multidose, ...(item.stopsOn ? { stopsOn: item.stopsOn } : {}) });
      }
    }
  }
  for (const round of ROUNDS) rounds[round].sort((a, b) => a.medicine.name.localeCompare(b.medicine.name, 'nb'));
  return {
    identityNumber: read.patient.identityNumber,
    name: `${read.patient.givenName} ${read.patient.familyName}`,
    birthDate: read.patient.birthDate,
    multidose: Boolean(read.patient.multidose),
    cave: read.criticalInfo,
    rounds,
    source,
    medicineCount: items.length,
    fetchedAt,
  };
}

/** True when data fetched at `fetchedAt` is older than `hours` at `now` (or the time is unreadable). */
export function isStale(fetchedAt: string, now: Date, hours: number): boolean {
  const t = Date.parse(fetchedAt);
  return !Number.isFinite(t) || now.getTime() - t > hours * 3_600_000;
}

/** The oldest fetch time among the residents (what an offline banner must admit to). */
export function oldestFetch(times: readonly string[]): string | undefined {
  let oldest: string | undefined;
  for (const t of times) if (!oldest || Date.parse(t) < Date.parse(oldest)) oldest = t;
  return oldest;
}
