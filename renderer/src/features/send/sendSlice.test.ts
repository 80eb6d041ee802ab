import { describe, expect, it } from 'vitest';
import { readSendMedicationRequest, type SendResult } from '../../../../shared/fhir/sendMedication';
import type { LocalListEntry, MedicationRead } from '../../../../shared/model';
import { decide, reconcile } from '../../../../shared/reconcile';
import type { BrokerClient } from '../../api/broker';
import { BrokerError } from '../../api/errors';
import { makeStore } from '../../app/store';
import { openPatient } from '../patient/patientSlice';
import { decisionSet, decisionsFor, selectWorkspace } from '../reconcile/workspaceSlice';
import { showcase, NOW } from '../reconcile/testSupport';
import { signedIn } from '../session/sessionSlice';
import { SendConflict, type SendClient } from './sendClient';
import type { QueuedSend } from '../offline/outbox';
import { rowsStillApplying, sendClosed, sendPrepared, submitSend } from './sendSlice';

const OK: SendResult = { prescriptionCount: 1, recallCount: 1, operations: [{ reseptId: 'x', resultCode: '0' }] };

interface Net {
  online: boolean;
  failQueue?: boolean;
  /** What supersedeOutbox answers (the keys of reworked conflicts replaced). */
  supersedes?: string[];
}

function setup(answers: (() => Promise<SendResult>)[], reads: MedicationRead[], failSave = false, net: Net = { online: true }) {
  const queued: QueuedSend[] = [];
  const settled: [string, string][] = [];
  const sent: { body: unknown; key: string; token: string | null }[] = [];
  const saved: LocalListEntry[][] = [];
  const readsAsked: string[] = [];
  const reachable: boolean[] = [];
  const supersedeCalls: [string, string, string][] = [];
  const client: SendClient = {
    async send(body, key, token) {
      sent.push({ body: JSON.parse(JSON.stringify(body)), key, token });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next();
    },
  };
  const broker: BrokerClient = {
    getToken: async () => 'tok',
    getMedication: async (id) => {
      readsAsked.push(id.value);
      return reads.shift() ?? reads[0]!;
    },
  };
  const store = makeStore(undefined, { broker: async () => broker, sendClient: async () => client, saveLocal: async (e) => {
      if (failSave) throw new Error('QuotaExceededError');
      saved.push(e);
    },
    queueOutbox: async (q) => {
      if (net.failQueue) throw new Error('Den krypterte lokale lagringen er ikke åpnet');
      queued.push(JSON.parse(JSON.stringify(q)) as QueuedSend);
    },
    settleOutbox: async (key, outcome) => {
      settled.push([key, outcome.kind]);
    },
    isOnline: () => net.online,
    reportReachable: (r) => {
      reachable.push(r);
    },
    supersedeOutbox: async (patientId, key, madeAt) => {
      supersedeCalls.push([patientId, key, madeAt.toISOString()]);
      return net.supersedes ?? [];
    },
  });
  store.dispatch(signedIn('gp-kristin'));
  return { store, sent, saved, readsAsked, queued, settled, net, reachable, supersedeCalls };
}

async function prepared(answers: (() => Promise<SendResult>)[], reads: MedicationRead[] = [], failSave = false, net: Net = { online: true }) {
  const { read, local } = showcase();
  const env = setup(answers, reads.length ? reads : [read], failSave, net);
  await env.store.dispatch(openPatient({ identityNumber: read.patient.identityNumber, kind: 'FNR' }));
  env.readsAsked.length = 0;
  const rows = reconcile({ patient: read.patient, local, read }, null, NOW).rows;
  const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
  env.store.dispatch(decisionSet({ patientId: read.patient.identityNumber, decision: { rowId: selo.id, kind: 'change-dose', dosage: { text: '1 tablett morgen' } } }));
  let i = 0;
  const d = decide(rows, decisionsFor(selectWorkspace(env.store.getState(), read.patient.identityNumber), rows), { read, local, now: NOW, sender: { name: 'Kristin Berg', hpr: '9144897' }, newId: () => `00000000-0000-4000-8000-${String(++i).padStart(12, '0')}` });
  env.store.dispatch(sendPrepared({ patientId: read.patient.identityNumber, plan: d.plan, localAfter: d.local, readBefore: read, rows }));
  return { ...env, read, local, rows, plan: d.plan, localAfter: d.local };
}

describe('sign and send', () => {
  it('sends the prepared plan once with its key, writes the local list, clears the decisions and reads again', async () => {
    const { store, sent, saved, readsAsked, plan, localAfter, read } = await prepared([async () => OK]);
    expect(store.getState().send.phase).toBe('review');
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'done', result: OK });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.token).toBe('tok');
    expect(sent[0]!.key).toBe(store.getState().send.idempotencyKey);
    expect(readSendMedicationRequest(sent[0]!.body).newPrescriptions.map((p) => p.dosage.text)).toEqual(plan.newPrescriptions.map((p) => p.dosage.text));
    expect(saved).toEqual([localAfter]);
    expect(selectWorkspace(store.getState(), read.patient.identityNumber).decisions).toEqual({});
    expect(readsAsked).toEqual([read.patient.identityNumber]);
  });

  it('after a lost answer retries with the same key and the very same body', async () => {
    const { store, sent, saved, queued, settled, read, localAfter } = await prepared([
      async () => {
        throw new BrokerError({ kind: 'network', message: 'nett' });
      },
      async () => OK,
    ]);
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'lost', queued: true, queueError: null });
    expect(saved).toEqual([]);
    // The send waits in the outbox under the same key, with the same body and the local change.
    expect(queued).toEqual([{ idempotencyKey: sent[0]!.key, patientId: read.patient.identityNumber, body: sent[0]!.body, localAfter: JSON.parse(JSON.stringify(localAfter)) }]);
    expect(selectWorkspace(store.getState(), read.patient.identityNumber).decisions).toEqual({});
    await store.dispatch(submitSend());
    expect(store.getState().send.phase).toBe('done');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[1]!.body).toEqual(sent[0]!.body);
    expect(saved).toHaveLength(1);
    // Answered by hand: the outbox must not send it again; queued only once.
    expect(settled).toEqual([[sent[0]!.key, 'sent']]);
    expect(queued).toHaveLength(1);
  });

  it('offline: nothing is sent, the send goes to the outbox with its key and the decisions are done with', async () => {
    const { store, sent, queued, saved, read, localAfter } = await prepared([async () => OK], [], false, { online: false });
    await store.dispatch(submitSend());
    expect(sent).toEqual([]);
    expect(saved).toEqual([]);
    expect(store.getState().send).toMatchObject({ phase: 'queued', queued: true });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ idempotencyKey: store.getState().send.idempotencyKey, patientId: read.patient.identityNumber });
    expect(queued[0]!.body).toEqual(JSON.parse(JSON.stringify(store.getState().send.body)));
    expect(queued[0]!.localAfter.map((e) => e.id)).toEqual(localAfter.map((e) => e.id));
    expect(selectWorkspace(store.getState(), read.patient.identityNumber).decisions).toEqual({});
  });

  it('when the outbox cannot take it, says so and leaves only the retry (nothing written, decisions kept)', async () => {
    const net = { online: true, failQueue: true };
    const { store, queued, read } = await prepared([
      async () => {
        throw new BrokerError({ kind: 'timeout', message: 'tid' });
      },
    ], [], false, net);
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'lost', queued: false, queueError: expect.stringContaining('ikke åpnet') });
    expect(queued).toEqual([]);
    expect(Object.keys(selectWorkspace(store.getState(), read.patient.identityNumber).decisions)).not.toHaveLength(0);
    net.online = false;
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'lost', queued: false });
  });

  it('tells connectivity: unreachable when the answer does not come (the banner shows), reachable on any answer', async () => {
    const lost = await prepared([
      async () => {
        throw new BrokerError({ kind: 'network', message: 'nett' });
      },
      async () => OK,
    ]);
    await lost.store.dispatch(submitSend());
    expect(lost.reachable).toEqual([false]);
    await lost.store.dispatch(submitSend());
    expect(lost.reachable).toEqual([false, true]);

    const refused = await prepared([
      async () => {
        throw new SendConflict('Endret');
      },
    ]);
    await refused.store.dispatch(submitSend());
    expect(refused.reachable).toEqual([true]);
    const rejected = await prepared([
      async () => {
        throw new BrokerError({ kind: 'rejected', message: 'Avvist', status: 422 });
      },
    ]);
    await rejected.store.dispatch(submitSend());
    expect(rejected.reachable).toEqual([true]);
    // offline from the start: nothing was tried, so nothing is reported
    const offline = await prepared([async () => OK], [], false, { online: false });
    await offline.store.dispatch(submitSend());
    expect(offline.reachable).toEqual([]);
  });

  it('a registered send replaces the outbox conflicts the doctor chose to rework, and says so; none when it failed', async () => {
    const ok = await prepared([async () => OK], [], false, { online: true, supersedes: ['old-key'] });
    await ok.store.dispatch(submitSend());
    const s = ok.store.getState().send;
    expect(s).toMatchObject({ phase: 'done', superseded: 1 });
    expect(ok.supersedeCalls).toEqual([[ok.read.patient.identityNumber, s.idempotencyKey, s.preparedAt]]);
    const refused = await prepared([
      async () => {
        throw new SendConflict('Endret');
      },
    ], [], false, { online: true, supersedes: ['old-key'] });
    await refused.store.dispatch(submitSend());
    expect(refused.supersedeCalls).toEqual([]);
    expect(refused.store.getState().send.superseded).toBe(0);
  });

  it('a new send after closing gets a new key', async () => {
    const { store, plan, localAfter, read, rows } = await prepared([]);
    const first = store.getState().send.idempotencyKey;
    store.dispatch(sendClosed());
    store.dispatch(sendPrepared({ patientId: read.patient.identityNumber, plan, localAfter, readBefore: read, rows }));
    expect(store.getState().send.idempotencyKey).not.toBe(first);
  });

  it('on 409 reads again, keeps the local list as it was, and keeps only decisions on unchanged rows', async () => {
    const { read: fresh } = showcase(NOW, 'read-2');
    // Someone recalled Selo-Zok in RF meanwhile.
    fresh.prescriptions = fresh.prescriptions.map((p) => (p.medicine.name.startsWith('Selo-Zok') ? { ...p, status: 'T', recall: { reason: '2', at: NOW.toISOString() } } : p));
    const { store, saved, readsAsked, rows, local, read } = await prepared([
      async () => {
        throw new SendConflict('Legemiddellisten i Reseptformidleren er endret siden oppslaget.');
      },
    ], [showcase().read, fresh]);
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'conflict', conflictDetail: expect.stringContaining('endret') });
    expect(saved).toEqual([]);
    expect(readsAsked).toEqual([read.patient.identityNumber]);
    const newRows = reconcile({ patient: fresh.patient, local, read: fresh }, null, NOW).rows;
    const kept = rowsStillApplying(store.getState().send.rowsBefore!, newRows);
    const selo = rows.find((r) => r.name.startsWith('Selo-Zok'))!;
    expect(kept).not.toContain(selo.id);
    expect(kept).toContain(rows.find((r) => r.name.startsWith('Marevan'))!.id);
  });

  it('a refusal is shown with the service text and nothing is written', async () => {
    const { store, saved } = await prepared([
      async () => {
        throw new BrokerError({ kind: 'rejected', message: 'avvist', detail: 'LibId står to ganger' });
      },
    ]);
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'error', error: { detail: 'LibId står to ganger' } });
    expect(saved).toEqual([]);
  });

  it('when RF accepted but the local list cannot be written, says so instead of "not sent"', async () => {
    const { store } = await prepared([async () => OK], [], true);
    await store.dispatch(submitSend());
    expect(store.getState().send).toMatchObject({ phase: 'done', result: OK, localSaveError: 'QuotaExceededError' });
  });
});
