import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { buildDemoFixtures, DEMO_UNIT_ID } from '../../../../fixtures/demo';
import type { MedicationRead } from '../../../../shared/model';
import type { BrokerClient } from '../../api/broker';
import type { RosterClient, RosterResident, RosterUnit } from '../../api/roster';
import { makeStore } from '../../app/store';
import { blindIndex, seal } from '../../db/cipher/sealed';
import { booleanSetting, localListFor, purgeOnSignOutKey, saveLocalEntries, type OutboxRow, type SamstemDb } from '../../db/db';
import { loadRead, saveRead } from '../../db/reads';
import { useTestDbs, type TestVault } from '../../db/testDb';
import { readAudit, verifyAuditChain } from '../audit/auditLog';
import { downloadWard, rosterMetaKey } from '../ward/wardSync';
import { purgeOnSignOut, purgeUnitCache, unitsToPurge } from './purgeOnSignOut';
import { signedIn, selectSignOutNotice, selectUserId } from './sessionSlice';
import { purgeNotice, signOut } from './signOut';
import { findUser } from './users';

const now = new Date('2026-11-26T09:00:00Z');
const fixtures = buildDemoFixtures(now);
const byId = new Map(fixtures.patients.map((p) => [p.patient.identityNumber, p]));
const readOf = (id: string): MedicationRead => {
  const d = byId.get(id)!;
  return { readId: `r-${id}`, patient: d.patient, prescriptions: d.prescriptions, pll: d.pll, dispensings: d.dispensings, criticalInfo: d.criticalInfo, rfFetchedAt: now.toISOString(), kjFetchedAt: now.toISOString(), errors: [] };
};
const demoUnit = fixtures.units.find((u) => u.id === DEMO_UNIT_ID)!;
const residentsOf = (ids: string[]): RosterResident[] =>
  ids.map((id) => {
    const p = byId.get(id)!.patient;
    return { identityNumber: id, kind: p.identityKind, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, multidose: Boolean(p.multidose) };
  });
// The demo unit, and a second (made-up) unit with other residents, to prove only one is purged.
const units: Record<string, { unit: RosterUnit; residents: RosterResident[] }> = {
  [DEMO_UNIT_ID]: { unit: { unitId: DEMO_UNIT_ID, name: demoUnit.name, residentCount: demoUnit.residentIdentityNumbers.length }, residents: residentsOf(demoUnit.residentIdentityNumbers) },
};
const outsiders = fixtures.patients.map((p) => p.patient.identityNumber).filter((id) => !demoUnit.residentIdentityNumbers.includes(id));
units['annen-avdeling'] = { unit: { unitId: 'annen-avdeling', name: 'Annen avdeling', residentCount: 2 }, residents: residentsOf(outsiders.slice(0, 2)) };

const broker: BrokerClient = { getToken: async () => 'tok', getMedication: async (identity) => readOf(identity.value) };
const roster: RosterClient = { units: async () => Object.values(units).map((u) => u.unit), residents: async (unitId) => units[unitId]! };

const dbs = useTestDbs('purge-test');
async function downloaded(unitIds = [DEMO_UNIT_ID]): Promise<TestVault> {
  const v = await dbs.open();
  for (const unitId of unitIds) await downloadWard({ ...v, broker, roster, userId: 'nurse-sigrid', unitId, now: () => now });
  return v;
}

async function outboxRow(v: TestVault, identityNumber: string, state: OutboxRow['state'], key: string): Promise<OutboxRow> {
  const row: OutboxRow = { idempotencyKey: key, createdAt: now.toISOString(), patientKey: await blindIndex(v.keys, identityNumber), kind: 'sendMedication', state, sealed: await seal(v.keys, { body: key }, `outbox:${key}`), attempts: 0 };
  await v.db.outbox.put(row);
  return row;
}

const residentIds = demoUnit.residentIdentityNumbers;

describe('purgeUnitCache', () => {
  it('deletes the unit row, its roster and every cached read of its residents, and nothing of another unit', async () => {
    const v = await downloaded([DEMO_UNIT_ID, 'annen-avdeling']);
    // A resident opened on her own (no unit on the read) is cached data of the unit too.
    await v.db.reads.delete(await blindIndex(v.keys, residentIds[0]!));
    await saveRead(v.db, v.keys, readOf(residentIds[0]!), now.toISOString());
    expect(await v.db.reads.count()).toBe(residentIds.length + 2);

    const result = await purgeUnitCache(v.db, DEMO_UNIT_ID);
    expect(result).toEqual({ unitId: DEMO_UNIT_ID, reads: residentIds.length, ward: true, keptUnsent: 0 });
    expect(await v.db.wards.get(DEMO_UNIT_ID)).toBeUndefined();
    expect(await v.db.meta.get(rosterMetaKey(DEMO_UNIT_ID))).toBeUndefined();
    for (const id of residentIds) expect(await loadRead(v.db, v.keys, id), id).toBeUndefined();
    // The other unit is untouched.
    expect(await v.db.wards.get('annen-avdeling')).toBeDefined();
    expect(await v.db.meta.get(rosterMetaKey('annen-avdeling'))).toBeDefined();
    expect(await v.db.reads.count()).toBe(2);
    expect((await loadRead(v.db, v.keys, outsiders[0]!))?.read.patient.identityNumber).toBe(outsiders[0]);
  });

  it('never deletes outbox rows (unsent ones are counted and kept), the audit log or the local medication list', async () => {
    const v = await downloaded();
    const pending = await outboxRow(v, residentIds[0]!, 'pending', 'k-pending');
    const sending = await outboxRow(v, residentIds[1]!, 'sending', 'k-sending');
    const conflict = await outboxRow(v, residentIds[2]!, 'conflict', 'k-conflict');
    const sent = await outboxRow(v, residentIds[3]!, 'sent', 'k-sent');
    const elsewhere = await outboxRow(v, outsiders[0]!, 'pending', 'k-elsewhere');
    const discarded = await outboxRow(v, residentIds[4]!, 'discarded', 'k-discarded');
    const superseded = await outboxRow(v, residentIds[5]!, 'superseded', 'k-superseded');
    const resident = byId.get(residentIds[0]!)!;
    const local = [{ ...(fixtures.patients.find((p) => p.local.length > 0)!.local[0]!), id: 'local-1', patientId: resident.patient.identityNumber }];
    await saveLocalEntries(v.db, local);
    const { appendAudit } = await import('../audit/auditLog');
    await appendAudit(v.db, v.keys, { userId: 'nurse-sigrid', role: 'nurse', action: 'ward-download' });
    const settingsBefore = await v.db.settings.toArray();

    const result = await purgeUnitCache(v.db, DEMO_UNIT_ID);
    expect(result.keptUnsent).toBe(3);
    expect((await v.db.outbox.toArray()).sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey))).toEqual([conflict, discarded, elsewhere, pending, sending, sent, superseded]);
    expect(await v.db.audit.count()).toBe(1);
    expect((await verifyAuditChain(v.db)).ok).toBe(true);
    expect(await localListFor(v.db, resident.patient.identityNumber)).toEqual(local);
    expect(await v.db.settings.toArray()).toEqual(settingsBefore);
  });

  it('on a machine where the unit was never downloaded, deletes nothing and says so', async () => {
    const v = await dbs.open();
    const other = await saveRead(v.db, v.keys, readOf(outsiders[0]!), now.toISOString());
    expect(await purgeUnitCache(v.db, DEMO_UNIT_ID)).toEqual({ unitId: DEMO_UNIT_ID, reads: 0, ward: false, keptUnsent: 0 });
    expect(await v.db.reads.get(other)).toBeDefined();
  });
});

describe('the setting, per unit', () => {
  it('is off unless set to true for that unit; only units with it on are purged', async () => {
    const v = await downloaded([DEMO_UNIT_ID, 'annen-avdeling']);
    expect(await booleanSetting(v.db, purgeOnSignOutKey(DEMO_UNIT_ID))).toBe(false);
    expect(await unitsToPurge(v.db, [DEMO_UNIT_ID, 'annen-avdeling'])).toEqual([]);
    expect(await purgeOnSignOut(v.db, [DEMO_UNIT_ID, 'annen-avdeling'])).toEqual([]);
    expect(await v.db.wards.count()).toBe(2);

    await v.db.settings.put({ key: purgeOnSignOutKey('annen-avdeling'), value: 'true' }); // not a boolean: off
    await v.db.settings.put({ key: purgeOnSignOutKey(DEMO_UNIT_ID), value: true });
    const outcomes = await purgeOnSignOut(v.db, [DEMO_UNIT_ID, 'annen-avdeling']);
    expect(outcomes.map((o) => o.unitId)).toEqual([DEMO_UNIT_ID]);
    expect((await v.db.wards.toArray()).map((w) => w.unitId)).toEqual(['annen-avdeling']);
  });
});

describe('purgeNotice', () => {
  it('names the unit, counts what was deleted, and says unsent work was kept', () => {
    const notice = purgeNotice([{ unitId: 'u', unitName: 'Solsiden 2. etg.', ok: true, result: { unitId: 'u', reads: 8, ward: true, keptUnsent: 2 } }]);
    expect(notice).toEqual({ error: false, lines: [expect.stringContaining('Lokale data for Solsiden 2. etg. er slettet'), expect.stringMatching(/^2 usendte endringer .* er beholdt/)] });
    expect(notice!.lines[0]).toContain('8 lagrede legemiddellister');
    expect(purgeNotice([])).toBeNull();
    expect(purgeNotice([{ unitId: 'u', unitName: 'X', ok: true, result: { unitId: 'u', reads: 0, ward: false, keptUnsent: 0 } }])!.lines).toEqual(['Det lå ingen lokale data for X på denne maskinen.']);
    const failed = purgeNotice([{ unitId: 'u', unitName: 'X', ok: false, message: 'QuotaExceededError' }])!;
    expect(failed.error).toBe(true);
    expect(failed.lines[0]).toMatch(/kunne ikke slettes: QuotaExceededError/);
  });
});

describe('signOut', () => {
  const nurse = findUser('nurse-sigrid')!;

  it('signs out at once, purges a unit with the setting on, logs it, and tells the next sign-in page', async () => {
    const v = await downloaded();
    await v.db.settings.put({ key: purgeOnSignOutKey(DEMO_UNIT_ID), value: true });
    await outboxRow(v, residentIds[0]!, 'pending', 'k1');
    const store = makeStore();
    store.dispatch(signedIn(nurse.id));
    let signedOutBeforePurge = false;
    await signOut(store.dispatch, nurse, async () => {
      signedOutBeforePurge = selectUserId(store.getState()) === null;
      return v;
    });
    expect(signedOutBeforePurge).toBe(true);
    expect(await v.db.wards.count()).toBe(0);
    expect(await v.db.reads.count()).toBe(0);
    expect(await v.db.outbox.count()).toBe(1);
    const notice = selectSignOutNotice(store.getState())!;
    expect(notice.error).toBe(false);
    expect(notice.lines[0]).toContain(`Lokale data for ${demoUnit.name} er slettet`);
    expect(notice.lines[1]).toMatch(/Én usendt endring .* er beholdt/);
    const log = await readAudit(v.db, v.keys);
    expect(log.map((e) => [e.userId, e.action])).toEqual([['nurse-sigrid', 'cache-purge']]);
    expect(log[0]!.reason).toContain(`${residentIds.length} lagrede lesninger slettet`);
    // The notice goes at the next sign-in.
    store.dispatch(signedIn(nurse.id));
    expect(selectSignOutNotice(store.getState())).toBeNull();
  });

  it('with the setting off, keeps the offline copy and shows no notice', async () => {
    const v = await downloaded();
    const store = makeStore();
    store.dispatch(signedIn(nurse.id));
    await signOut(store.dispatch, nurse, async () => v);
    expect(selectUserId(store.getState())).toBeNull();
    expect(await v.db.wards.count()).toBe(1);
    expect(await v.db.reads.count()).toBe(residentIds.length);
    expect(selectSignOutNotice(store.getState())).toBeNull();
    expect(await v.db.audit.count()).toBe(0);
  });

  it('when the store cannot be opened, still signs out and says the data could not be deleted', async () => {
    const store = makeStore();
    store.dispatch(signedIn(nurse.id));
    await signOut(store.dispatch, nurse, async () => {
      throw new Error('IndexedDB er utilgjengelig');
    });
    expect(selectUserId(store.getState())).toBeNull();
    expect(selectSignOutNotice(store.getState())).toEqual({ error: true, lines: [expect.stringMatching(/kunne ikke slettes: IndexedDB er utilgjengelig/)] });
  });

  it('a notice arriving after the next user signed in is not shown to her', async () => {
    const v = await downloaded();
    await v.db.settings.put({ key: purgeOnSignOutKey(DEMO_UNIT_ID), value: true });
    const store = makeStore();
    store.dispatch(signedIn(nurse.id));
    await signOut(store.dispatch, nurse, async () => {
      store.dispatch(signedIn('gp-per'));
      return v;
    });
    expect(selectSignOutNotice(store.getState())).toBeNull();
  });

  it('a user without units signs out without touching the store', async () => {
    const store = makeStore();
    store.dispatch(signedIn('gp-kristin'));
    const open = vi.fn(async (): Promise<{ db: SamstemDb }> => ({ db: (await dbs.open()).db }));
    await signOut(store.dispatch, findUser('gp-kristin'), open);
    expect(open).not.toHaveBeenCalled();
    expect(selectUserId(store.getState())).toBeNull();
  });
});
