// The encrypted cache of `$getMedication` results (v2 `reads` table): one row per patient, keyed by
// the blind index of the identity number, the MedicationRead sealed with AES-GCM.

import type { MedicationRead } from '../../../shared/model';
import { blindIndex, seal, unseal, type AtRestKeys } from './cipher/sealed';
import type { ReadRow, SamstemDb, WardRow } from './db';

export interface CachedRead {
  read: MedicationRead;
  /** When the broker answered (ISO). */
  fetchedAt: string;
  unitId?: string;
}

const context = (patientKey: string) => `reads:${patientKey}`;

/** Encrypts a read; the row is built before any transaction (WebCrypto is async). */
export async function sealRead(keys: AtRestKeys, read: MedicationRead, fetchedAt: string, unitId?: string): Promise<ReadRow> {
  const patientKey = await blindIndex(keys, read.patient.identityNumber);
  return { patientKey, fetchedAt, ...(unitId ? { unitId } : {}), sealed: await seal(keys, read, context(patientKey)) };
}

export async function saveRead(db: SamstemDb, keys: AtRestKeys, read: MedicationRead, fetchedAt: string, unitId?: string): Promise<string> {
  const row = await sealRead(keys, read, fetchedAt, unitId);
  await db.reads.put(row);
  return row.patientKey;
}

export async function openReadRow(keys: AtRestKeys, row: ReadRow): Promise<CachedRead> {
  const read = await unseal<MedicationRead>(keys, row.sealed, context(row.patientKey));
  return { read, fetchedAt: row.fetchedAt, ...(row.unitId ? { unitId: row.unitId } : {}) };
}

/** The cached read of one patient, decrypted, or undefined when none is cached. */
export async function loadRead(db: SamstemDb, keys: AtRestKeys, identityNumber: string): Promise<CachedRead | undefined> {
  const row = await db.reads.get(await blindIndex(keys, identityNumber));
  if (!row) return undefined;
  const cached = await openReadRow(keys, row);
  if (cached.read.patient.identityNumber !== identityNumber.replace(/\s+/g, '')) {
    throw new Error('Den lagrede lesningen hører til en annen pasient. Last ned avdelingen på nytt.');
  }
  return cached;
}

/** The downloaded unit and its residents' reads in roster order (missing ones left out). */
export async function loadWard(db: SamstemDb, keys: AtRestKeys, unitId: string): Promise<{ ward: WardRow; residents: CachedRead[] } | undefined> {
  const ward = await db.wards.get(unitId);
  if (!ward) return undefined;
  const rows = await db.reads.bulkGet(ward.residentKeys);
  const residents: CachedRead[] = [];
  for (const row of rows) if (row) residents.push(await openReadRow(keys, row));
  return { ward, residents };
}
