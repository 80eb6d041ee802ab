// Downloading a unit for offline use: every resident's $getMedication, sealed into the `reads`
// table as it arrives, then the unit row. A resident whose read fails keeps the earlier cached read
// (if any) and is counted; a download where nothing could be fetched leaves the old unit untouched.

import { buildDemoFixtures } from '../../../../fixtures/demo';
import type { IdentityKind } from '../../../../shared/model';
import { BrokerError, toErrorInfo, type BrokerClient } from '../../api/broker';
import { blindIndex, type AtRestKeys } from '../../db/cipher/sealed';
import type { SamstemDb } from '../../db/db';
import { sealRead } from '../../db/reads';
import { nbWard } from './texts';

export interface UnitRoster {
  unitId: string;
  name: string;
  residents: { identityNumber: string; kind: IdentityKind }[];
}

/**
 * The units the demo knows. A real install gets the roster from the nursing home's EPJ; the mock
 * broker has no roster endpoint yet, so the demo fixtures (the same the broker seeds) stand in.
 */
export function demoUnits(): UnitRoster[] {
  const fixtures = buildDemoFixtures(new Date());
  const kindOf = new Map(fixtures.patients.map((p) => [p.patient.identityNumber, p.patient.identityKind]));
  return fixtures.units.map((u) => ({
    unitId: u.id,
    name: u.name,
    residents: u.residentIdentityNumbers.map((identityNumber) => ({ identityNumber, kind: kindOf.get(identityNumber) ?? 'FNR' })),
  }));
}

export interface DownloadProgress {
  done: number;
  total: number;
  failed: number;
}

export interface DownloadResult {
  downloadedAt: string;
  fetched: number;
  failed: { identityNumber: string; message: string }[];
}

export interface DownloadOptions {
  db: SamstemDb;
  keys: AtRestKeys;
  broker: BrokerClient;
  userId: string;
  unit: UnitRoster;
  onProgress?: (p: DownloadProgress) => void;
  concurrency?: number;
  now?: () => Date;
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

export async function downloadWard(opts: DownloadOptions): Promise<DownloadResult> {
  const { db, keys, broker, unit } = opts;
  const now = opts.now ?? (() => new Date());
  let token: string | null;
  try {
    token = await broker.getToken(opts.userId);
  } catch (err) {
    const info = toErrorInfo(err);
    throw new WardDownloadError(info.message, info.kind === 'network' || info.kind === 'timeout');
  }
  const total = unit.residents.length;
  const progress: DownloadProgress = { done: 0, total, failed: 0 };
  opts.onProgress?.({ ...progress });
  const failed: DownloadResult['failed'] = [];
  let offlineFailures = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const resident = unit.residents[next++]!;
      try {
        const read = await broker.getMedication({ value: resident.identityNumber, kind: resident.kind }, token);
        const row = await sealRead(keys, read, read.rfFetchedAt ?? now().toISOString(), unit.unitId);
        await db.reads.put(row);
      } catch (err) {
        const info = toErrorInfo(err);
        if (err instanceof BrokerError && (info.kind === 'network' || info.kind === 'timeout')) offlineFailures++;
        failed.push({ identityNumber: resident.identityNumber, message: info.message });
        progress.failed++;
      }
      progress.done++;
      opts.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, Math.max(total, 1)) }, worker));
  if (total > 0 && failed.length === total) {
    throw new WardDownloadError(offlineFailures === total ? nbWard.downloadOffline : nbWard.downloadAllFailed(failed[0]!.message), offlineFailures === total);
  }
  const residentKeys = await Promise.all(unit.residents.map((r) => blindIndex(keys, r.identityNumber)));
  const downloadedAt = now().toISOString();
  await db.wards.put({ unitId: unit.unitId, downloadedAt, residentKeys, failed: failed.length });
  return { downloadedAt, fetched: total - failed.length, failed };
}
