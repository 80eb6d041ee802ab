// A pure simulator of what RF would hold after a successful `$sendMedication` of `plan`:
// the next read. The mock broker can reuse it; the property tests use it to close the loop.
import type { MedicationRead } from '../model';
import { stableHash } from './hash';
import type { SendPlan } from './plan';

export function applyPlan(read: MedicationRead, plan: SendPlan, now: Date): MedicationRead {
  const at = now.toISOString();
  const recalls = new Map(plan.recalls.map((r) => [r.reseptId, r]));
  const prescriptions = [
    ...read.prescriptions.map((p) => {
      const r = recalls.get(p.reseptId);
      if (!r) return p;
      return { ...p, status: 'T' as const, recall: { reason: r.reason, ...(r.note ? { note: r.note } : {}), at: plan.sentAt } };
    }),
    ...plan.newPrescriptions.map((p) => ({ ...p, status: 'E' as const })),
  ];
  const pllSent = plan.pll !== null;
  const next: MedicationRead = {
    readId: `read-${stableHash(read.readId, plan.sentAt, 'read')}`,
    patient: read.patient,
    prescriptions,
    pll: pllSent ? plan.pll! : read.pll,
    dispensings: read.dispensings,
    criticalInfo: read.criticalInfo,
    rfFetchedAt: at,
    kjFetchedAt: at,
    errors: [],
  };
  const pllMessageId = pllSent ? `pll-${stableHash(read.readId, plan.sentAt, 'pll')}` : read.pllMessageId;
  if (pllMessageId) next.pllMessageId = pllMessageId;
  return next;
}
