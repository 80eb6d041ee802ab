// "Slett lokale pasientdata ved utlogging" (issue 7), a setting per unit: at sign-out, the offline
// copy of each of the user's units that has it on is deleted: the cached reads of the unit (every
// read downloaded for it, and any other cached read of one of its residents), the unit row and its
// sealed roster. What is never deleted: outbox rows (a clinician's unsent work; they are counted
// and the user is told they were kept), the audit log, the local medication list (the practice's
// own record, not a cache) and the settings.

import { booleanSetting, purgeOnSignOutKey, type OutboxRow, type SamstemDb } from '../../db/db';
import { rosterMetaKey } from '../ward/wardSync';

/** Outbox states that are a clinician's work not yet at the broker (a conflict waits for the doctor). */
const UNSENT: ReadonlySet<OutboxRow['state']> = new Set<OutboxRow['state']>(['pending', 'sending', 'conflict']);

export interface UnitPurge {
  unitId: string;
  /** Cached reads deleted. */
  reads: number;
  /** True when the unit's downloaded copy (unit row) was there and is now deleted. */
  ward: boolean;
  /** Outbox rows of the unit's residents not yet sent (pending, sending, or a conflict back with the doctor): kept. */
  keptUnsent: number;
}

/** Deletes the offline copy of one unit in one transaction. */
export async function purgeUnitCache(db: SamstemDb, unitId: string): Promise<UnitPurge> {
  return db.transaction('rw', [db.reads, db.wards, db.meta, db.outbox], async () => {
    const ward = await db.wards.get(unitId);
    const patientKeys = new Set<string>(ward?.residentKeys ?? []);
    for (const key of await db.reads.where('unitId').equals(unitId).primaryKeys()) patientKeys.add(key);
    const stored = (await db.reads.bulkGet([...patientKeys])).filter((r) => r !== undefined).map((r) => r.patientKey);
    await db.reads.bulkDelete(stored);
    await db.wards.delete(unitId);
    await db.meta.delete(rosterMetaKey(unitId));
    // Read only: the outbox is counted so the user hears about unsent work, never touched.
    const keptUnsent = patientKeys.size === 0 ? 0 : await db.outbox.where('patientKey').anyOf([...patientKeys]).filter((r) => UNSENT.has(r.state)).count();
    return { unitId, reads: stored.length, ward: Boolean(ward), keptUnsent };
  });
}

/** The units (of `unitIds`) whose purge-at-sign-out setting is on. */
export async function unitsToPurge(db: SamstemDb, unitIds: readonly string[]): Promise<string[]> {
  const on = await Promise.all(unitIds.map((u) => booleanSetting(db, purgeOnSignOutKey(u))));
  return unitIds.filter((_, i) => on[i]);
}

export type PurgeOutcome = { unitId: string; ok: true; result: UnitPurge } | { unitId: string; ok: false; message: string };

/**
 * Purges every unit of the user that has the setting on. One unit failing does not stop the
 * others; each outcome is returned so the user is told exactly what happened.
 */
export async function purgeOnSignOut(db: SamstemDb, unitIds: readonly string[]): Promise<PurgeOutcome[]> {
  const out: PurgeOutcome[] = [];
  for (const unitId of await unitsToPurge(db, unitIds)) {
    try {
      out.push({ unitId, ok: true, result: await purgeUnitCache(db, unitId) });
    } catch (err) {
      out.push({ unitId, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
