// The doctor's choices on a send RF refused on replay: discard it, or read again and reconcile anew
// (then the next registered send for the patient replaces it). A conflict never leaves unseen.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../../fixtures/demo/patients';
import { BrokerError } from '../../api/errors';
import type { AtRestKeys } from '../../db/cipher/sealed';
import type { SamstemDb } from '../../db/db';
import { useTestDbs } from '../../db/testDb';
import { SendConflict, type SendClient } from '../send/sendClient';
import { nb } from '../../i18n/nb';
import { readAudit } from '../audit/auditLog';
import { brokerAnswerParts, discardConflict, discardConflictLogged, markConflictRework, NotAConflictError, outboxConflicts, patientOutbox, queueSend, replayOutbox, replaySender, supersedeReworked } from './outbox';

const now = new Date('2026-11-26T09:00:00Z');
const at = (min: number) => new Date(now.getTime() + min * 60_000);
const [ingrid, olav] = buildDemoPatients(now).filter((d) => d.local.length > 0);
const dbs = useTestDbs('outbox-conflict');
const setup = dbs.open;

/** Queues a send for the patient at `min` minutes after `now` (body: no prescriptions, no recalls). */
async function queue(db: SamstemDb, keys: AtRestKeys, key: string, d: typeof ingrid, min: number) {
  const body = { resourceType: 'Parameters', key };
  await queueSend(db, keys, { idempotencyKey: key, patientId: d!.patient.identityNumber, body, localAfter: d!.local }, at(min));
}

/** A broker that refuses the listed keys (409) and accepts the rest. */
const brokerRefusing = (refused: string[]) => async (key: string) => (refused.includes(key) ? { kind: 'conflict' as const, detail: `Endret av Kari Lege (${key})` } : { kind: 'sent' as const });

// patientOutbox reads the stored body as a $sendMedication request; these bodies are stubs, so the
// tests look at the rows (the patient view's parsing is covered in patientOutbox.test.ts).
describe('a conflict goes back to the doctor, to decide', () => {
  it('is stamped with when RF refused it, and is never sent again by itself', async () => {
    const { db, keys } = await setup();
    await queue(db, keys, 'a', ingrid, 0);
    const sent: string[] = [];
    const send = async (key: string) => {
      sent.push(key);
      return brokerRefusing(['a'])(key);
    };
    expect((await replayOutbox(db, keys, send, () => at(5))).conflicts).toEqual(['a']);
    expect(await db.outbox.get('a')).toMatchObject({ state: 'conflict', conflictAt: at(5).toISOString(), lastError: 'Endret av Kari Lege (a)' });
    await replayOutbox(db, keys, send, () => at(10));
    expect(sent).toEqual(['a']);
  });

  it('discarding keeps who and when, removes it from the conflicts, and cannot happen twice', async () => {
    const { db, keys } = await setup();
    await queue(db, keys, 'a', ingrid, 0);
    await replayOutbox(db, keys, brokerRefusing(['a']), () => at(5));
    const row = await discardConflict(db, 'a', 'gp-kristin', at(7));
    expect(row).toMatchObject({ state: 'discarded', discardedBy: 'gp-kristin', discardedAt: at(7).toISOString() });
    expect(await db.outbox.get('a')).toMatchObject({ state: 'discarded', discardedBy: 'gp-kristin', lastError: 'Endret av Kari Lege (a)' });
    expect(await outboxConflicts(db)).toEqual([]);
    expect(await patientOutbox(db, keys, ingrid!.patient.identityNumber)).toEqual({ waiting: [], conflicts: [] });
    await expect(discardConflict(db, 'a', 'gp-kristin')).rejects.toBeInstanceOf(NotAConflictError);
    await expect(discardConflict(db, 'missing', 'gp-kristin')).rejects.toThrow('finnes ikke i utboksen');
    // a discarded send is never replayed
    const sent: string[] = [];
    await replayOutbox(db, keys, async (k) => (sent.push(k), { kind: 'sent' }));
    expect(sent).toEqual([]);
  });

  it("the doctor's discard is in her audit log as 'outbox-discard' with the patient and the key; a refused discard logs nothing", async () => {
    const { db, keys } = await setup();
    const patientId = ingrid!.patient.identityNumber;
    await queue(db, keys, 'a', ingrid, 0);
    await queue(db, keys, 'b', ingrid, 1);
    await replayOutbox(db, keys, brokerRefusing(['a']), () => at(5));
    const doctor = { id: 'gp-kristin', role: 'gp' };
    expect(await discardConflictLogged(db, keys, 'a', doctor, patientId, at(7))).toMatchObject({ state: 'discarded', discardedBy: 'gp-kristin' });
    // 'b' was sent, not refused: discarding it is refused, and nothing more is logged
    await expect(discardConflictLogged(db, keys, 'b', doctor, patientId, at(8))).rejects.toBeInstanceOf(NotAConflictError);
    const log = await readAudit(db, keys);
    expect(log.map(({ userId, role, action, identityNumber, at: when }) => ({ userId, role, action, identityNumber, at: when }))).toEqual([
      { userId: 'gp-kristin', role: 'gp', action: 'outbox-discard', identityNumber: patientId, at: at(7).toISOString() },
    ]);
    expect(log[0]!.reason).toBe(nb.patientOutbox.auditDiscard('a'));
    expect(await readAudit(db, keys, olav!.patient.identityNumber)).toEqual([]);
  });

  it('only a conflict can be discarded or reworked: a waiting send cannot be thrown away by mistake', async () => {
    const { db, keys } = await setup();
    await queue(db, keys, 'a', ingrid, 0);
    await expect(discardConflict(db, 'a', 'gp-kristin')).rejects.toThrow('er ikke lenger en konflikt (pending)');
    await expect(markConflictRework(db, 'a', 'gp-kristin')).rejects.toBeInstanceOf(NotAConflictError);
    expect((await db.outbox.get('a'))?.state).toBe('pending');
  });

  it('a later registered send replaces only the conflicts the doctor chose to rework before making it', async () => {
    const { db, keys } = await setup();
    await queue(db, keys, 'old-1', ingrid, 0);
    await queue(db, keys, 'old-2', ingrid, 1);
    await queue(db, keys, 'olav-1', olav, 2);
    await replayOutbox(db, keys, brokerRefusing(['old-1', 'old-2', 'olav-1']), () => at(5));
    // She chooses to reconcile anew for old-1 (and for Olav's), not for old-2.
    await markConflictRework(db, 'old-1', 'gp-kristin', at(6));
    await markConflictRework(db, 'olav-1', 'gp-kristin', at(6));
    expect(await db.outbox.get('old-1')).toMatchObject({ state: 'conflict', reworkAt: at(6).toISOString(), reworkBy: 'gp-kristin' });

    // A send made before she chose (queued at 4 min, sent now) does not replace it.
    await queue(db, keys, 'before', ingrid, 4);
    expect((await db.outbox.get('old-1'))?.state).toBe('conflict');
    const r1 = await replayOutbox(db, keys, brokerRefusing([]), () => at(8));
    expect(r1).toMatchObject({ sent: ['before'], superseded: [] });

    // The new send after the fresh reconciliation is registered: old-1 is replaced, old-2 stays, Olav's stays.
    await queue(db, keys, 'new', ingrid, 9);
    const r2 = await replayOutbox(db, keys, brokerRefusing([]), () => at(10));
    expect(r2).toMatchObject({ sent: ['new'], superseded: ['old-1'] });
    expect(await db.outbox.get('old-1')).toMatchObject({ state: 'superseded', supersededBy: 'new', supersededAt: at(10).toISOString() });
    expect((await outboxConflicts(db)).map((r) => r.idempotencyKey)).toEqual(['old-2', 'olav-1']);

    // The same from the send flow (a send made online): supersedeReworked directly.
    expect(await supersedeReworked(db, keys, olav!.patient.identityNumber, 'olav-new', at(11), at(11))).toEqual(['olav-1']);
    expect(await supersedeReworked(db, keys, ingrid!.patient.identityNumber, 'x', at(12))).toEqual([]);
    expect((await outboxConflicts(db)).map((r) => r.idempotencyKey)).toEqual(['old-2']);
  });
});

describe('replaySender tells connectivity what the attempt showed', () => {
  const client = (fail?: unknown): SendClient => ({
    async send() {
      if (fail) throw fail;
      return { prescriptionCount: 0, recallCount: 0, operations: [] };
    },
  });
  const run = async (fail?: unknown) => {
    const seen: boolean[] = [];
    const outcome = await replaySender(client(fail), 'tok', (r) => seen.push(r))('k', {});
    return { outcome: outcome.kind, seen };
  };

  it('unreachable on a network failure or timeout; reachable on any answer, also a refusal or a server error', async () => {
    expect(await run(new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }))).toEqual({ outcome: 'retry', seen: [false] });
    expect(await run(new BrokerError({ kind: 'timeout', message: 'Tidsavbrudd' }))).toEqual({ outcome: 'retry', seen: [false] });
    expect(await run(new BrokerError({ kind: 'server', message: 'Feil 503', status: 503 }))).toEqual({ outcome: 'retry', seen: [true] });
    expect(await run(new SendConflict('Endret'))).toEqual({ outcome: 'conflict', seen: [true] });
    expect(await run()).toEqual({ outcome: 'sent', seen: [true] });
  });
});

describe('brokerAnswerParts', () => {
  it('shows the Norwegian part of the broker answer and keeps the whole answer; a plain text is left as it is', () => {
    expect(brokerAnswerParts('Listen er endret. Ingenting er sendt. / RF data changed: read again.')).toEqual({ nb: 'Listen er endret. Ingenting er sendt.', full: 'Listen er endret. Ingenting er sendt. / RF data changed: read again.' });
    expect(brokerAnswerParts('Avvist Ugyldig dosering')).toEqual({ nb: 'Avvist Ugyldig dosering', full: null });
  });
});
