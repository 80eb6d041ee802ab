// What a send will do, in the clinician's terms: new prescriptions, recalls with reasons, PLL changes.
// And after a 409, what changed in RF between two reads and who changed it.
import type { SendPlan } from '../../../../shared/fhir/sendMedication';
import type { MedicationRead, PllEntry, Prescription } from '../../../../shared/model';

export interface PlanSummary {
  newPrescriptions: { reseptId: string; name: string; dosage: string; expiresOn: string; renews?: string }[];
  recalls: { reseptId: string; name: string; reason: string; note?: string }[];
  pll: { libId: string; name: string; change: 'new' | 'changed' | 'discontinued' | 'removed'; dosage: string }[];
  sendsPll: boolean;
  /** False when nothing goes to RF (only the local list changes). */
  national: boolean;
}

export function summarisePlan(read: MedicationRead, plan: SendPlan): PlanSummary {
  const rx = new Map<string, Prescription>([...read.prescriptions, ...plan.newPrescriptions].map((p) => [p.reseptId, p]));
  const before = new Map(read.pll.map((e) => [e.libId, e]));
  const pll: PlanSummary['pll'] = [];
  if (plan.pll) {
    const after = new Set(plan.pll.map((e) => e.libId));
    for (const e of plan.pll) {
      const old = before.get(e.libId);
      const change = !old ? 'new' : e.discontinued && !old.discontinued ? 'discontinued' : !sameEntry(old, e) ? 'changed' : null;
      if (change) pll.push({ libId: e.libId, name: e.medicine.name, change, dosage: e.dosage.text });
    }
    for (const e of read.pll) if (!after.has(e.libId)) pll.push({ libId: e.libId, name: e.medicine.name, change: 'removed', dosage: e.dosage.text });
  }
  return {
    newPrescriptions: plan.newPrescriptions.map((p) => ({ reseptId: p.reseptId, name: p.medicine.name, dosage: p.dosage.text, expiresOn: p.expiresOn, ...(p.renews ? { renews: p.renews } : {}) })),
    recalls: plan.recalls.map((r) => ({ reseptId: r.reseptId, name: rx.get(r.reseptId)?.medicine.name ?? r.reseptId, reason: r.reason, ...(r.note ? { note: r.note } : {}) })),
    pll,
    sendsPll: plan.pll !== null,
    national: plan.newPrescriptions.length > 0 || plan.recalls.length > 0 || plan.pll !== null,
  };
}

function sameEntry(a: PllEntry, b: PllEntry): boolean {
  return a.lastChanged === b.lastChanged && a.reseptId === b.reseptId && a.dosage.text === b.dosage.text && !!a.discontinued === !!b.discontinued;
}

export interface ReadChange {
  name: string;
  what: 'new-prescription' | 'recalled' | 'status' | 'pll-new' | 'pll-changed' | 'pll-discontinued' | 'pll-removed';
  /** Who did it, when the read says. */
  by?: string;
  at?: string;
}

/** What changed in RF between two reads of the same patient. */
export function diffReads(before: MedicationRead, after: MedicationRead): ReadChange[] {
  const out: ReadChange[] = [];
  const oldRx = new Map(before.prescriptions.map((p) => [p.reseptId, p]));
  for (const p of after.prescriptions) {
    const o = oldRx.get(p.reseptId);
    const by = p.prescriber?.name;
    if (!o) out.push({ name: p.medicine.name, what: 'new-prescription', ...(by ? { by } : {}), at: p.prescribedOn });
    // A recall (M5) does not say who sent it; the prescriber is not necessarily the one who recalled.
    else if ((p.status === 'T' || p.recall) && !(o.status === 'T' || o.recall)) out.push({ name: p.medicine.name, what: 'recalled', ...(p.recall?.at ? { at: p.recall.at } : {}) });
    else if (p.status !== o.status) out.push({ name: p.medicine.name, what: 'status', ...(p.dispenserName ? { by: p.dispenserName } : {}) });
  }
  const oldPll = new Map(before.pll.map((e) => [e.libId, e]));
  const newIds = new Set(after.pll.map((e) => e.libId));
  for (const e of after.pll) {
    const o = oldPll.get(e.libId);
    const by = e.discontinued?.by?.name ?? e.prescriber?.name;
    if (!o) out.push({ name: e.medicine.name, what: 'pll-new', ...(by ? { by } : {}), at: e.lastChanged });
    else if (e.discontinued && !o.discontinued) out.push({ name: e.medicine.name, what: 'pll-discontinued', ...(by ? { by } : {}), at: e.discontinued.at });
    else if (e.lastChanged !== o.lastChanged) out.push({ name: e.medicine.name, what: 'pll-changed', ...(by ? { by } : {}), at: e.lastChanged });
  }
  for (const e of before.pll) if (!newIds.has(e.libId)) out.push({ name: e.medicine.name, what: 'pll-removed' });
  return out;
}
