// The nurse's units and their offline copy (issue 7). Online, the roster (which units, who lives
// there) comes from the broker (GET /units, GET /units/:id/residents). Downloading a unit fetches
// every resident's $getMedication and seals it as it arrives, then writes all the reads, the unit
// row (`wards`) and the roster, sealed, in ONE transaction: the offline copy changes all at once,
// and the ward view (a live query over the unit's reads) re-reads once instead of once per resident
// (bench/ward.ts measured a re-download of 300 residents at ~3x the first one with a put per
// resident). Offline, the units shown are the ones downloaded here. A resident whose read fails keeps the earlier cached read (if any) and is counted;
// a download where nothing could be fetched leaves the old unit untouched.

import { BrokerError, toErrorInfo, type BrokerClient, type BrokerErrorInfo } from '../../api/broker';
import type { RosterClient, RosterResident, RosterUnit } from '../../api/roster';
import { blindIndex, seal, unseal, type AtRestKeys } from '../../db/cipher/sealed';
import type { ReadRow, SamstemDb, SealedValue } from '../../db/db';
import { sealRead } from '../../db/reads';
import { nb } from '../../i18n/nb';

/** A unit as the ward panel lists it. `residentCount` as the broker counted it, or as downloaded. */
export interface WardUnit {
  unitId: string;
  name: string;
  residentCount: number;
}

/** The roster of a downloaded unit as stored (sealed) beside the reads. */
export interface StoredRoster {
  unit: RosterUnit;
  residents: RosterResident[];
  fetchedAt: string;
}

/** The `meta` key of a unit's sealed roster. The unit id is not personal data (the wards row shows it too). */
export const rosterMetaKey = (unitId: string) => `wardRoster:${unitId}`;
const rosterContext = (unitId: string) => `wardRoster:${unitId}`;

function isSealed(v: unknown): v is SealedValue {
  return typeof v === 'object' && v !== null && (v as SealedValue).v === 1 && 'iv' in v && 'ct' in v;
}

/** The sealed roster of a downloaded unit, opened; undefined when none is stored. Throws when it was tampered with. */
export async function loadStoredRoster(db: SamstemDb, keys: AtRestKeys, unitId: string): Promise<StoredRoster | undefined> {
  const row = await db.meta.get(rosterMetaKey(unitId));
  if (!row || !isSealed(row.value)) return undefined;
  return unseal<StoredRoster>(keys, row.value, rosterContext(unitId));
}

const isOffline = (info: BrokerErrorInfo) => info.kind === 'network' || info.kind === 'timeout';

export interface WardUnits {
  units: WardUnit[];
  /** 'broker': the live roster; 'downloaded': what this machine holds (offline, or the roster failed). */
  source: 'broker' | 'downloaded';
  /** Why the broker's roster is not shown (absent when source is 'broker'). */
  error?: BrokerErrorInfo;
}

export interface UnitsOptions {
  db: SamstemDb;
  keys: AtRestKeys;
  broker: BrokerClient;
  roster: RosterClient;
  userId: string;
  /** The units the signed-in user belongs to (the downloaded ones shown offline are limited to these). */
  memberOf: readonly string[];
  /** false: do not try the broker (the app knows it is offline). */
  online: boolean;
}

/** The units downloaded on this machine that the user belongs to, named from their sealed rosters. */
export async function downloadedUnits(db: SamstemDb, keys: AtRestKeys, memberOf: readonly string[]): Promise<WardUnit[]> {
  const rows = (await db.wards.bulkGet([...memberOf])).filter((w) => w !== undefined);
  return Promise.all(
    rows.map(async (w) => {
      const roster = await loadStoredRoster(db, keys, w.unitId).catch(() => undefined);
      return { unitId: w.unitId, name: roster?.unit.name ?? w.unitId, residentCount: w.residentKeys.length };
    }),
  );
}

/**
 * The user's units: from the broker when it answers, else the ones downloaded here (with the reason
 * the broker's list is missing, unless the app simply is offline).
 */
export async function loadUnits(opts: UnitsOptions): Promise<WardUnits> {
  const { db, keys } = opts;
  if (opts.online) {
    try {
      const token = await opts.broker.getToken(opts.userId);
      const units = await opts.roster.units(token);
      return { units: units.map((u) => ({ unitId: u.unitId, name: u.name, residentCount: u.residentCount })), source: 'broker' };
    } catch (err) {
      const error = toErrorInfo(err);
      return { units: await downloadedUnits(db, keys, opts.memberOf), source: 'downloaded', error };
    }
  }
  return { units: await downloadedUnits(db, keys, opts.memberOf), source: 'downloaded' };
}

export interface DownloadProgress {
  done: number;
  total: number;
  failed: number;
}

export interface DownloadResult {
  downloadedAt: string;
  unit: RosterUnit;
  fetched: number;
  failed: { identityNumber: string; message: string }[];
}

export interface DownloadOptions {
  db: SamstemDb;
  keys: AtRestKeys;
  broker: BrokerClient;
  roster: RosterClient;
  userId: string;
  unitId: string;
  onProgress?: (p: DownloadProgress) => void;
  concurrency?: number;
  now?: () => Date;
  /**
   * Aborted when the panel goes away (sign-out, lock): nothing more is fetched and nothing is
   * written, so a download in flight cannot put back data that sign-out has just deleted.
   */
  signal?: AbortSignal;
}

/** The download was stopped (sign-out, the panel closed): nothing was written. */
export class WardDownloadAborted extends Error {
  override name = 'WardDownloadAborted';
  constructor() {
    super(nb.ward.downloadAborted);
  }
}

export class WardDownloadError extends Error {
  override name = 'WardDownloadError';
  constructor(
    message: string,
    readonly offline: boolean,
  ) {
    super(message);
  }
}

/** The default number of $getMedication calls in flight during a download (the bench uses it too). */
export const DOWNLOAD_CONCURRENCY = 4;

export async function downloadWard(opts: DownloadOptions): Promise<DownloadResult> {
  const { db, keys, broker } = opts;
  const now = opts.now ?? (() => new Date());
  let token: string | null;
  let roster: { unit: RosterUnit; residents: RosterResident[] };
  try {
    token = await broker.getToken(opts.userId);
    roster = await opts.roster.residents(opts.unitId, token);
  } catch (err) {
    const info = toErrorInfo(err);
    throw new WardDownloadError(isOffline(info) ? nb.ward.downloadOffline : nb.ward.rosterFailed(info.detail ? `${info.message} (${info.detail})` : info.message), isOffline(info));
  }
  const { unit, residents } = roster;
  const total = residents.length;
  const progress: DownloadProgress = { done: 0, total, failed: 0 };
  opts.onProgress?.({ ...progress });
  const failed: DownloadResult['failed'] = [];
  const rows: ReadRow[] = [];
  let offlineFailures = 0;
  let next = 0;
  const worker = async () => {
    while (next < total && !opts.signal?.aborted) {
      const resident = residents[next++]!;
      try {
        const read = await broker.getMedication({ value: resident.identityNumber, kind: resident.kind }, token);
        rows.push(await sealRead(keys, read, read.rfFetchedAt ?? now().toISOString(), unit.unitId));
      } catch (err) {
        const info = toErrorInfo(err);
        if (err instanceof BrokerError && isOffline(info)) offlineFailures++;
        failed.push({ identityNumber: resident.identityNumber, message: info.message });
        progress.failed++;
      }
      progress.done++;
      opts.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DOWNLOAD_CONCURRENCY, Math.max(total, 1)) }, worker));
  if (opts.signal?.aborted) throw new WardDownloadAborted();
  if (total > 0 && failed.length === total) {
    throw new WardDownloadError(offlineFailures === total ? nb.ward.downloadOffline : nb.ward.downloadAllFailed(failed[0]!.message), offlineFailures === total);
  }
  const residentKeys = await Promise.all(residents.map((r) => blindIndex(keys, r.identityNumber)));
  const downloadedAt = now().toISOString();
  const stored: StoredRoster = { unit, residents, fetchedAt: downloadedAt };
  const sealedRoster = await seal(keys, stored, rosterContext(unit.unitId));
  await db.transaction('rw', db.reads, db.wards, db.meta, async () => {
    // Checked inside the transaction: a sign-out purge (same tables) runs wholly before or after it.
    if (opts.signal?.aborted) throw new WardDownloadAborted();
    await db.reads.bulkPut(rows);
    await db.wards.put({ unitId: unit.unitId, downloadedAt, residentKeys, failed: failed.length });
    await db.meta.put({ key: rosterMetaKey(unit.unitId), value: sealedRoster });
  });
  return { downloadedAt, unit, fetched: total - failed.length, failed };
}
