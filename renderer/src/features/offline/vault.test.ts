import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoPatients } from '../../../../fixtures/demo/patients';
import { InsecureKeyStoreError } from '../../db/cipher/keys';
import { keysOf, localPatients } from '../../db/db';
import { useTestDbs } from '../../db/testDb';
import { seedOnFirstStart } from '../../db/seed';
import { detectPlatform } from '../../platform';
import { loadVault } from './vault';

const freshDb = useTestDbs('vault-test').bare;

const keyBase64 = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i * 7)));
const electron = (protection: 'os' | 'basic_text') =>
  detectPlatform({
    samstem: { getAppInfo: async () => ({ brokerUrl: 'http://127.0.0.1:1', version: '1', platform: 'linux' }), getStorageKey: async () => ({ keyBase64, protection }) },
  });

describe('loadVault', () => {
  it('electron without an OS key store: refused, no keys attached, nothing sealed or written', async () => {
    const db = freshDb();
    const p = electron('basic_text');
    expect(p.kind).toBe('electron');
    await expect(loadVault(p, db)).rejects.toBeInstanceOf(InsecureKeyStoreError);
    expect(keysOf(db)).toBeUndefined();
    expect(await db.keys.count()).toBe(0);
  });

  it('electron with an OS key store: keys attached and v1 clear-text data sealed on open', async () => {
    const db = freshDb();
    const demo = buildDemoPatients(new Date('2026-11-26T09:00:00Z'));
    await seedOnFirstStart(db, () => demo);
    expect(await db.localList.count()).toBeGreaterThan(0);
    const vault = await loadVault(electron('os'), db);
    expect(vault.keys.source).toBe('os');
    expect(keysOf(db)).toBe(vault.keys);
    expect(await db.localList.count()).toBe(0);
    expect(await db.localSealed.count()).toBe(demo.flatMap((d) => d.local).length);
    expect((await localPatients(db)).map((p) => p.identityNumber)).toEqual(demo.map((d) => d.patient.identityNumber));
    expect(await loadVault(electron('os'), db)).toBe(vault);
  });
});
