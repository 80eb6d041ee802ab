// Test data for the workspace and send tests: the showcase patient of the demo fixtures as one read.
import { buildDemoPatients, SHOWCASE_IDENTITY_NUMBER } from '../../../../fixtures/demo/patients';
import type { LocalListEntry, MedicationRead } from '../../../../shared/model';

export const NOW = new Date('2026-11-26T09:00:00Z');

export function showcase(now: Date = NOW, readId = 'read-1'): { read: MedicationRead; local: LocalListEntry[] } {
  const p = buildDemoPatients(now).find((x) => x.patient.identityNumber === SHOWCASE_IDENTITY_NUMBER)!;
  const read: MedicationRead = {
    readId,
    patient: p.patient,
    prescriptions: p.prescriptions,
    pll: p.pll,
    ...(p.pllMessageId ? { pllMessageId: p.pllMessageId } : {}),
    dispensings: p.dispensings,
    criticalInfo: p.criticalInfo,
    rfFetchedAt: now.toISOString(),
    kjFetchedAt: now.toISOString(),
    errors: [],
  };
  return { read, local: p.local };
}
