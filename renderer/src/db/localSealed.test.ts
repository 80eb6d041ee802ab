import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../fixtures/demo/patients';
import { webKeys } from './cipher/keys';
import { TamperedDataError } from './cipher/sealed';
import { localListFor, localPatients, META_KEYS, saveLocalEntries, sealLocalData } from './db';
import { seedOnFirstStart } from './seed';
import { everythingStored as everything, useTestDbs } from './testDb';

const now = new Date('2026-11-26T09:00:00Z');
const demo = buildDemoPatients(now);
const dbs = useTestDbs('local-sealed');
const setup = () => dbs.open();

const secretsOf = () => {
  const withLocal = demo.filter((d) => d.local.length > 0);
  return [...new Set(withLocal.flatMap((d) => [d.patient.identityNumber, d.patient.familyName, ...d.local.map((e) => e.medicine.name)]))];
};

describe('the local list sealed (v3)', () => {
  it('the app seed stores no identity number, name or drug name in clear text, and reads back the same', async () => {
    const { db } = await setup();
    expect(await seedOnFirstStart(db, () => demo, (await webKeys(db)))).toMatchObject({ seeded: true });
    expect(await db.localList.count()).toBe(0);
    const raw = await everything(db);
    const secrets = secretsOf();
    expect(secrets.length).toBeGreaterThan(10);
    for (const s of secrets) expect(raw, s).not.toContain(s);
    expect((await localPatients(db)).map((p) => p.identityNumber)).toEqual(demo.map((d) => d.patient.identityNumber));
    for (const d of demo) expect((await localListFor(db, d.patient.identityNumber)).map((e) => e.id).sort()).toEqual(d.local.map((e) => e.id).sort());
    expect(await seedOnFirstStart(db, () => demo, await webKeys(db))).toEqual({ seeded: false });
  });

  it('moves v1 clear-text data into the sealed tables without changing what the app reads', async () => {
    const { db, keys } = await setup();
    await seedOnFirstStart(db, () => demo); // clear text, as v1 wrote it
    const before = await Promise.all(demo.map((d) => localListFor(db, d.patient.identityNumber)));
    const patientsBefore = await localPatients(db);
    const moved = await sealLocalData(db, keys);
    expect(moved).toEqual({ entries: demo.flatMap((d) => d.local).length, patients: true });
    expect(await db.localList.count()).toBe(0);
    expect(await db.meta.get(META_KEYS.patients)).toBeUndefined();
    expect(await Promise.all(demo.map((d) => localListFor(db, d.patient.identityNumber)))).toEqual(before);
    expect(await localPatients(db)).toEqual(patientsBefore);
    const raw = await everything(db);
    for (const s of secretsOf()) expect(raw).not.toContain(s);
    expect(await sealLocalData(db, keys)).toEqual({ entries: 0, patients: false });
  });

  it('a clear-text write after sealing (a writer that does not seal yet) wins until it is sealed too', async () => {
    const { db, keys } = await setup();
    await seedOnFirstStart(db, () => demo, keys);
    const d = demo.find((x) => x.local.length > 1)!;
    const changed = { ...d.local[0]!, dosage: { text: 'Endret etter sending' } };
    await db.localList.bulkPut([changed]);
    expect((await localListFor(db, d.patient.identityNumber)).find((e) => e.id === changed.id)?.dosage.text).toBe('Endret etter sending');
    expect(await sealLocalData(db, keys)).toMatchObject({ entries: 1 });
    expect(await db.localList.count()).toBe(0);
    expect((await localListFor(db, d.patient.identityNumber)).find((e) => e.id === changed.id)?.dosage.text).toBe('Endret etter sending');

    await saveLocalEntries(db, [{ ...changed, dosage: { text: 'Lagret kryptert' } }]);
    expect((await localListFor(db, d.patient.identityNumber)).find((e) => e.id === changed.id)?.dosage.text).toBe('Lagret kryptert');
    expect(await everything(db)).not.toContain('Lagret kryptert');
  });

  it('refuses a tampered sealed entry loudly, and cannot save without keys', async () => {
    const { db, keys } = await setup();
    await seedOnFirstStart(db, () => demo, keys);
    const d = demo.find((x) => x.local.length > 0)!;
    const row = (await db.localSealed.get(d.local[0]!.id))!;
    const ct = new Uint8Array(row.sealed.ct.slice(0));
    ct[0]! ^= 1;
    await db.localSealed.put({ ...row, sealed: { ...row.sealed, ct: ct.buffer } });
    await expect(localListFor(db, d.patient.identityNumber)).rejects.toThrow(TamperedDataError);
    const other = dbs.bare();
    await expect(saveLocalEntries(other, d.local)).rejects.toThrow(/ikke åpnet/);
  });
});

