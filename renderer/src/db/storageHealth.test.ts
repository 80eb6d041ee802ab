import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestDbs } from './testDb';
import { guardStorage, isStorageFailure, probeWrite, quotaLevel, requestPersistence, type StorageFailure } from './storageHealth';

const dbs = useTestDbs('storage-health');
function guarded() {
  const reports: StorageFailure[] = [];
  const db = dbs.bare();
  guardStorage(db, (f) => reports.push(f));
  return { db, reports };
}
afterEach(() => {
  vi.restoreAllMocks();
});

const domError = (name: string) => Object.assign(new Error(`${name} from the test`), { name });

describe('quota level', () => {
  it('warns from 80 % and turns serious from 95 %', () => {
    expect(quotaLevel({ usage: 79, quota: 100 }).level).toBe('ok');
    expect(quotaLevel({ usage: 80, quota: 100 })).toMatchObject({ level: 'near', share: 0.8 });
    expect(quotaLevel({ usage: 95, quota: 100 }).level).toBe('critical');
    expect(quotaLevel({ usage: 120, quota: 100 })).toMatchObject({ level: 'critical', share: 1 });
  });
  it('says unknown rather than guessing when the browser gives no numbers', () => {
    expect(quotaLevel(undefined).level).toBe('unknown');
    expect(quotaLevel({ usage: 5 }).level).toBe('unknown');
    expect(quotaLevel({ usage: 5, quota: 0 }).level).toBe('unknown');
  });
});

describe('which errors stop the app', () => {
  it('a full disk, a closed or broken database stop it, also when wrapped in an abort', () => {
    expect(isStorageFailure(domError('QuotaExceededError'))).toBe(true);
    expect(isStorageFailure(domError('DatabaseClosedError'))).toBe(true);
    expect(isStorageFailure(Object.assign(domError('AbortError'), { inner: domError('QuotaExceededError') }))).toBe(true);
  });
  it('a duplicate key the code handles, an abort on purpose and a plain bug do not', () => {
    expect(isStorageFailure(domError('ConstraintError'))).toBe(false);
    expect(isStorageFailure(Object.assign(domError('AbortError'), { inner: domError('ConstraintError') }))).toBe(false);
    expect(isStorageFailure(domError('AbortError'))).toBe(false);
    expect(isStorageFailure(new TypeError('x is undefined'))).toBe(false);
  });
});

describe('the write guard', () => {
  it('reports a write the disk refused, with the table, and the caller still gets the error', async () => {
    const { db, reports } = guarded();
    await db.settings.put({ key: 'a', value: 1 });
    expect(reports).toEqual([]);
    const store = globalThis.IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => unknown };
    vi.spyOn(store, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(db.settings.put({ key: 'b', value: 2 })).rejects.toThrow();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ where: 'settings', quota: true, name: 'QuotaExceededError' });
    vi.restoreAllMocks();
    // nothing was written in the failed call
    expect(await db.settings.get('b')).toBeUndefined();
  });

  it('does not report a duplicate key the code expects (the outbox refuses a second send with one key)', async () => {
    const { db, reports } = guarded();
    await db.meta.add({ key: 'k', value: 1 });
    await expect(db.meta.add({ key: 'k', value: 2 })).rejects.toThrow();
    expect(reports).toEqual([]);
  });

  it('reports a database that was closed under the app', async () => {
    const { db, reports } = guarded();
    await db.open();
    db.close();
    await expect(db.meta.get('x')).rejects.toThrow();
    expect(reports.map((r) => r.name)).toContain('DatabaseClosedError');
  });

  it('the probe writes, reads back and removes its row; it fails loudly when writes fail', async () => {
    const { db, reports } = guarded();
    await probeWrite(db);
    expect(await db.meta.get('storage-probe')).toBeUndefined();
    const store = globalThis.IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => unknown };
    vi.spyOn(store, 'put').mockImplementation(() => {
      throw new DOMException('disk I/O error', 'UnknownError');
    });
    await expect(probeWrite(db)).rejects.toThrow();
    expect(reports[0]).toMatchObject({ where: 'meta', quota: false, name: 'UnknownError' });
  });
});

describe('persistent storage', () => {
  it('asks only when not yet persisted, and says when the browser refuses', async () => {
    const persist = vi.fn(async () => false);
    expect(await requestPersistence({ persisted: async () => true, persist })).toBe('persisted');
    expect(persist).not.toHaveBeenCalled();
    expect(await requestPersistence({ persisted: async () => false, persist })).toBe('refused');
    expect(await requestPersistence({ persisted: async () => false, persist: async () => true })).toBe('granted');
    expect(await requestPersistence(undefined)).toBe('unsupported');
  });
});
