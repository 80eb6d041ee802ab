// The renderer's own database (IndexedDB through Dexie): the practice's local medication list and
// small bookkeeping values. Plain records typed in shared/model.ts, no class instances.

import { Dexie, type EntityTable } from 'dexie';
import type { LocalListEntry, Patient } from '../../../shared/model';

/** Key/value bookkeeping. `value` is any structured-cloneable plain value. */
export interface MetaRow {
  key: string;
  value: unknown;
}

export const META_KEYS = {
  /** Set once the demo local lists have been written; never written again after that. */
  demoSeeded: 'demoSeeded',
  /** The patients of the local record (EPJ), for the quick list on the start page. */
  patients: 'patients',
} as const;

export class SamstemDb extends Dexie {
  localList!: EntityTable<LocalListEntry, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;

  constructor(name = 'samstem') {
    super(name);
    this.version(1).stores({
      localList: 'id, patientId, libId, reseptId',
      meta: 'key',
    });
  }
}

/** Local list of one patient, active entries first, then by name. */
export async function localListFor(db: SamstemDb, patientId: string): Promise<LocalListEntry[]> {
  const rows = await db.localList.where('patientId').equals(patientId).toArray();
  return rows.sort(
    (a, b) => Number(Boolean(a.discontinued)) - Number(Boolean(b.discontinued)) || a.medicine.name.localeCompare(b.medicine.name, 'nb'),
  );
}

export async function localPatients(db: SamstemDb): Promise<Patient[]> {
  const row = await db.meta.get(META_KEYS.patients);
  return Array.isArray(row?.value) ? (row.value as Patient[]) : [];
}

let instance: SamstemDb | undefined;

/** The app's database, opened lazily so tests and tools can use their own instances. */
export function appDb(): SamstemDb {
  instance ??= new SamstemDb();
  return instance;
}
