// First-start seeding of the demo local lists. Runs in one transaction that checks a meta flag, so
// a second start (or a second tab racing the first) never duplicates entries or overwrites edits.

import type { LocalListEntry, Patient } from '../../../shared/model';
import type { AtRestKeys } from './cipher/sealed';
import { META_KEYS, sealedPatientsRow, sealLocalEntry, type SamstemDb } from './db';

export interface SeedPatient {
  patient: Patient;
  local: LocalListEntry[];
}

export type SeedResult = { seeded: true; entries: number; patients: number } | { seeded: false };

/**
 * Writes the demo data unless it was written before. `build` is only called when seeding happens.
 * With `keys` (the app), everything is written sealed; without (v1 callers, tools) in clear text.
 */
export async function seedOnFirstStart(db: SamstemDb, build: () => SeedPatient[], keys?: AtRestKeys): Promise<SeedResult> {
  if (keys) return seedSealed(db, build, keys);
  return db.transaction('rw', db.localList, db.meta, async () => {
    const flag = await db.meta.get(META_KEYS.demoSeeded);
    if (flag) return { seeded: false } as const;
    const demo = build();
    const entries = demo.flatMap((d) => d.local);
    // add, not put: an id already present (written by someone else) must not be overwritten.
    const existing = new Set((await db.localList.bulkGet(entries.map((e) => e.id))).filter(Boolean).map((e) => e!.id));
    const fresh = entries.filter((e) => !existing.has(e.id));
    await db.localList.bulkAdd(fresh);
    await db.meta.put({ key: META_KEYS.patients, value: demo.map((d) => d.patient) });
    await db.meta.put({ key: META_KEYS.demoSeeded, value: new Date().toISOString() });
    return { seeded: true, entries: fresh.length, patients: demo.length } as const;
  });
}

async function seedSealed(db: SamstemDb, build: () => SeedPatient[], keys: AtRestKeys): Promise<SeedResult> {
  if (await db.meta.get(META_KEYS.demoSeeded)) return { seeded: false };
  // WebCrypto is async: build and seal before the transaction, which then only touches IndexedDB.
  const demo = build();
  const entries = demo.flatMap((d) => d.local);
  const rows = await Promise.all(entries.map((e) => sealLocalEntry(keys, e)));
  const patientsRow = await sealedPatientsRow(db, keys, demo.map((d) => d.patient));
  return db.transaction('rw', db.localList, db.localSealed, db.meta, async () => {
    if (await db.meta.get(META_KEYS.demoSeeded)) return { seeded: false } as const;
    const ids = rows.map((r) => r.id);
    const taken = new Set([...(await db.localSealed.bulkGet(ids)), ...(await db.localList.bulkGet(ids))].filter(Boolean).map((r) => r!.id));
    const fresh = rows.filter((r) => !taken.has(r.id));
    await db.localSealed.bulkAdd(fresh);
    await db.meta.put(patientsRow);
    await db.meta.put({ key: META_KEYS.demoSeeded, value: new Date().toISOString() });
    return { seeded: true, entries: fresh.length, patients: demo.length } as const;
  });
}
