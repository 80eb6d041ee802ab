import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { writeSendMedicationRequest } from '../../../../shared/fhir/sendMedication';
import { decide, reconcile } from '../../../../shared/reconcile';
import { useTestDbs } from '../../db/testDb';
import { NOW, showcase } from '../reconcile/testSupport';
import { patientOutbox, queueSend, replayOutbox } from './outbox';

const dbs = useTestDbs('patient-outbox');

async function queuedChangeOfDose() {
  const { db, keys } = await dbs.open();
  const { read, local } = showcase();
  const rows = reconcile({ patient: read.patient, local, read }, null, NOW).rows;
  const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
  let i = 0;
  const d = decide(rows, [{ rowId: selo.id, kind: 'change-dose', dosage: { text: '1 tablett morgen' } }], { read, local, now: NOW, sender: { name: 'Kristin Berg', hpr: '9144897' }, newId: () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}` });
  await queueSend(db, keys, { idempotencyKey: 'k-1', patientId: read.patient.identityNumber, body: writeSendMedicationRequest(d.plan), localAfter: d.local }, NOW);
  return { db, keys, read, plan: d.plan };
}

describe("a patient's sends in the outbox", () => {
  it('shows what waits (the recalled ReseptIds and new drugs), then a conflict once RF refused it; other patients see none', async () => {
    const { db, keys, read, plan } = await queuedChangeOfDose();
    expect(plan.recalls.length).toBeGreaterThan(0);
    const before = await patientOutbox(db, keys, read.patient.identityNumber);
    expect(before.conflicts).toEqual([]);
    expect(before.waiting).toEqual([{ key: 'k-1', createdAt: NOW.toISOString(), recalls: plan.recalls.map((r) => r.reseptId), newPrescriptions: plan.newPrescriptions.map((p) => p.medicine.name) }]);
    expect(await patientOutbox(db, keys, '01010112345')).toEqual({ waiting: [], conflicts: [] });

    await replayOutbox(db, keys, async () => ({ kind: 'conflict', detail: 'Legemiddellisten i RF er endret.' }), () => new Date(NOW.getTime() + 60_000));
    // The conflict says what RF answered, when, and what the refused send held (for the doctor to decide).
    expect(await patientOutbox(db, keys, read.patient.identityNumber)).toEqual({
      waiting: [],
      conflicts: [{ key: 'k-1', createdAt: NOW.toISOString(), detail: 'Legemiddellisten i RF er endret.', conflictAt: new Date(NOW.getTime() + 60_000).toISOString(), recalls: plan.recalls.map((r) => r.reseptId), newPrescriptions: plan.newPrescriptions.map((p) => p.medicine.name) }],
    });
  });

  it('a sent row is no longer shown', async () => {
    const { db, keys, read } = await queuedChangeOfDose();
    await replayOutbox(db, keys, async () => ({ kind: 'sent' }));
    expect(await patientOutbox(db, keys, read.patient.identityNumber)).toEqual({ waiting: [], conflicts: [] });
  });
});
