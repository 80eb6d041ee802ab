// The app's own saveLocal (no fake): after a send the local list is stored sealed, never in clear
// text, and without the vault's keys nothing is written and the doctor is told.
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import type { SendResult } from '../../../../shared/fhir/sendMedication';
import { decide, reconcile } from '../../../../shared/reconcile';
import type { BrokerClient } from '../../api/broker';
import { makeStore } from '../../app/store';
import { webKeys } from '../../db/cipher/keys';
import { appDb, attachKeys, localListFor } from '../../db/db';
import { everythingStored } from '../../db/testDb';
import { openPatient } from '../patient/patientSlice';
import { decisionSet, decisionsFor, selectWorkspace } from '../reconcile/workspaceSlice';
import { NOW, showcase } from '../reconcile/testSupport';
import { signedIn } from '../session/sessionSlice';
import type { SendClient } from './sendClient';
import { sendPrepared, submitSend } from './sendSlice';

const OK: SendResult = { prescriptionCount: 1, recallCount: 1, operations: [{ reseptId: 'x', resultCode: '0' }] };

afterAll(async () => {
  await appDb().delete();
});

/** Everything the app's database stores, as one string (binary values decoded as text too). */
const everything = () => everythingStored(appDb());

/** A store with a fake broker and send client, but the app's default saveLocal; a plan prepared. */
async function preparedSend() {
  const { read, local } = showcase();
  const client: SendClient = { send: async () => OK };
  const broker: BrokerClient = { getToken: async () => 'tok', getMedication: async () => read };
  const store = makeStore(undefined, { broker: async () => broker, sendClient: async () => client });
  store.dispatch(signedIn('gp-kristin'));
  await store.dispatch(openPatient({ identityNumber: read.patient.identityNumber, kind: 'FNR' }));
  const rows = reconcile({ patient: read.patient, local, read }, null, NOW).rows;
  const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
  store.dispatch(decisionSet({ patientId: read.patient.identityNumber, decision: { rowId: selo.id, kind: 'change-dose', dosage: { text: '1 tablett morgen' } } }));
  let i = 0;
  const d = decide(rows, decisionsFor(selectWorkspace(store.getState(), read.patient.identityNumber), rows), { read, local, now: NOW, sender: { name: 'Kristin Berg', hpr: '9144897' }, newId: () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}` });
  store.dispatch(sendPrepared({ patientId: read.patient.identityNumber, plan: d.plan, localAfter: d.local, readBefore: read, rows }));
  return { store, read, localAfter: d.local };
}

// The two cases share the app's one database; they run in this order (keys attached in the second).
describe('the local list after a send, in the app database', () => {
  it('without the vault keys: RF result is kept, nothing is written in clear text, the failure is shown', async () => {
    const { store, localAfter } = await preparedSend();
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'done', result: OK, localSaveError: expect.stringMatching(/ikke åpnet/) });
    expect(await appDb().localList.count()).toBe(0);
    expect(await appDb().localSealed.count()).toBe(0);
    const raw = await everything();
    for (const e of localAfter) expect(raw).not.toContain(e.medicine.name);
  });

  it('is stored sealed: no drug name, dose text or identity number in clear text, and reads back the same', async () => {
    attachKeys(appDb(), await webKeys(appDb()));
    const { store, read, localAfter } = await preparedSend();
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'done', result: OK, localSaveError: null });
    expect(await appDb().localList.count()).toBe(0);
    expect(await appDb().localSealed.count()).toBe(localAfter.length);
    const raw = await everything();
    const secrets = [...new Set([...localAfter.map((e) => e.medicine.name), '1 tablett morgen', read.patient.identityNumber])];
    expect(localAfter.length).toBeGreaterThan(1);
    for (const s of secrets) expect(raw, s).not.toContain(s);
    const back = await localListFor(appDb(), read.patient.identityNumber);
    expect(back.map((e) => e.id).sort()).toEqual(localAfter.map((e) => e.id).sort());
    expect(back.some((e) => e.dosage.text === '1 tablett morgen')).toBe(true);
  });
});
