import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../fixtures/demo/patients';
import { DEFAULT_SETTINGS, META_KEYS, SamstemDb, localListFor, localPatients, numberSetting } from './db';
import { seedOnFirstStart } from './seed';

const now = new Date('2026-11-26T09:00:00Z');
let n = 0;
const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

/** A database exactly as the v1 app created it: only the v1 schema, data seeded by the v1 code. */
async function makeV1Database(name: string) {
  const v1 = new Dexie(name);
  v1.version(1).stores({ localList: 'id, patientId, libId, reseptId', meta: 'key' });
  await v1.open();
  await seedOnFirstStart(v1 as unknown as SamstemDb, () => buildDemoPatients(now));
  const first = (await v1.table('localList').limit(1).toArray())[0];
  await v1.table('localList').update(first.id, { dosage: { text: 'Endret lokalt i v1' } });
  const snapshot = { local: await v1.table('localList').toArray(), meta: await v1.table('meta').toArray() };
  expect(v1.verno).toBe(1);
  v1.close();
  return snapshot;
}

describe('SamstemDb schema versions', () => {
  it('upgrades a v1 database to the current version (v3) without losing or changing any v1 data', async () => {
    const name = `upgrade-${++n}`;
    names.push(name);
    const before = await makeV1Database(name);
    expect(before.local.length).toBeGreaterThan(0);

    const db = new SamstemDb(name);
    await db.open();
    expect(db.verno).toBe(3);
    expect(await db.localList.toArray()).toEqual(before.local);
    expect(await db.meta.toArray()).toEqual(before.meta);
    // v1 queries still work on the upgraded database
    const someone = (await localPatients(db))[0]!;
    expect((await localListFor(db, someone.identityNumber)).length).toBe(before.local.filter((e) => e.patientId === someone.identityNumber).length);
    expect(before.local.some((e) => e.dosage.text === 'Endret lokalt i v1')).toBe(true);
    // the new tables exist, are empty, and the upgrade wrote the default settings
    expect(await db.reads.count()).toBe(0);
    expect(await db.audit.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.localSealed.count()).toBe(0);
    expect(await numberSetting(db, 'staleAfterHours')).toBe(DEFAULT_SETTINGS.staleAfterHours);
    expect((await db.settings.get('lockAfterMinutes'))?.value).toBe(DEFAULT_SETTINGS.lockAfterMinutes);
    // and the seed still refuses to run twice after the upgrade
    expect(await seedOnFirstStart(db, () => buildDemoPatients(now))).toEqual({ seeded: false });
    expect(await db.meta.get(META_KEYS.demoSeeded)).toBeTruthy();
    db.close();
  });

  it('keeps a setting the user changed when the upgrade runs on an already-v2 store (no overwrite)', async () => {
    const name = `fresh-${++n}`;
    names.push(name);
    const db = new SamstemDb(name);
    await db.open();
    expect(await numberSetting(db, 'lockAfterMinutes')).toBe(10);
    await db.settings.put({ key: 'lockAfterMinutes', value: 3 });
    db.close();
    const again = new SamstemDb(name);
    expect(await numberSetting(again, 'lockAfterMinutes')).toBe(3);
    await again.settings.put({ key: 'lockAfterMinutes', value: 'junk' });
    expect(await numberSetting(again, 'lockAfterMinutes')).toBe(10);
    again.close();
  });
});
