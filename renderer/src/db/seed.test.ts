import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../fixtures/demo/patients';
import { localListFor, localPatients, META_KEYS } from './db';
import { seedOnFirstStart } from './seed';
import { useTestDbs } from './testDb';

const now = new Date('2026-11-26T09:00:00Z');
const freshDb = useTestDbs('seed-test').bare;

describe('seedOnFirstStart', () => {
  it('loads every demo local list on the first start', async () => {
    const db = freshDb();
    const demo = buildDemoPatients(now);
    const result = await seedOnFirstStart(db, () => demo);
    const expected = demo.flatMap((d) => d.local).length;
    expect(expected).toBeGreaterThan(0);
    expect(result).toEqual({ seeded: true, entries: expected, patients: demo.length });
    expect(await db.localList.count()).toBe(expected);
    const first = demo.find((d) => d.local.length > 0)!;
    const list = await localListFor(db, first.patient.identityNumber);
    expect(list.map((e) => e.id).sort()).toEqual(first.local.map((e) => e.id).sort());
    expect((await localPatients(db)).map((p) => p.identityNumber)).toEqual(demo.map((d) => d.patient.identityNumber));
  });

  it('does nothing on the second start: no duplicates, local edits and deletions survive', async () => {
    const db = freshDb();
    await seedOnFirstStart(db, () => buildDemoPatients(now));
    const count = await db.localList.count();
    const [edited, removed] = await db.localList.limit(2).toArray();
    await db.localList.update(edited!.id, { dosage: { text: 'Endret lokalt' } });
    await db.localList.delete(removed!.id);

    let built = 0;
    const second = await seedOnFirstStart(db, () => {
      built++;
      return buildDemoPatients(now);
    });
    expect(second).toEqual({ seeded: false });
    expect(built).toBe(0);
    expect(await db.localList.count()).toBe(count - 1);
    expect((await db.localList.get(edited!.id))?.dosage.text).toBe('Endret lokalt');
    expect(await db.localList.get(removed!.id)).toBeUndefined();
  });

  it('seeds once when two starts race (two tabs)', async () => {
    const db = freshDb();
    const results = await Promise.all([seedOnFirstStart(db, () => buildDemoPatients(now)), seedOnFirstStart(db, () => buildDemoPatients(now))]);
    expect(results.filter((r) => r.seeded)).toHaveLength(1);
    expect(await db.localList.count()).toBe(buildDemoPatients(now).flatMap((d) => d.local).length);
  });

  it('leaves no half-seeded database behind when writing fails', async () => {
    const db = freshDb();
    const demo = buildDemoPatients(now);
    const entries = demo.flatMap((d) => d.local);
    // A duplicate id inside one bulkAdd makes the transaction fail.
    const broken = [{ ...demo[0]!, local: [...demo[0]!.local, entries[0]!] }, ...demo.slice(1)];
    await expect(seedOnFirstStart(db, () => broken)).rejects.toThrow();
    expect(await db.localList.count()).toBe(0);
    expect(await db.meta.get(META_KEYS.demoSeeded)).toBeUndefined();
    // and a later start can still seed
    expect(await seedOnFirstStart(db, () => demo)).toMatchObject({ seeded: true });
  });
});
