import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoFixtures } from '../../../../fixtures/demo';
import type { MedicationRead } from '../../../../shared/model';
import { SamstemDb } from '../db';
import { loadRead, saveRead } from '../reads';
import { useTestDbs } from '../testDb';
import { InsecureKeyStoreError, keysFromStorageKey, loadAtRestKeys, webKeys } from './keys';
import { blindIndex, seal, TamperedDataError, unseal } from './sealed';

const now = new Date('2026-11-26T09:00:00Z');
const fixtures = buildDemoFixtures(now);
function readOf(i: number): MedicationRead {
  const d = fixtures.patients[i]!;
  return { readId: `r-${i}`, patient: d.patient, prescriptions: d.prescriptions, pll: d.pll, dispensings: d.dispensings, criticalInfo: d.criticalInfo, rfFetchedAt: now.toISOString(), kjFetchedAt: now.toISOString(), errors: [] };
}

const freshDb = useTestDbs('crypto-test').bare;

/** Every string a reader of the raw IndexedDB records could see, bytes decoded every usual way. */
function rawText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out.push(new TextDecoder('utf-8').decode(bytes), new TextDecoder('latin1').decode(bytes), new TextDecoder('utf-16le').decode(bytes));
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        walk(x);
      }
    } else {
      out.push(String(v));
    }
  };
  walk(value);
  return out.join('\n');
}

describe('encryption at rest', () => {
  it('stores reads with no identity number, name or drug name in clear text, and reads them back', async () => {
    const db = freshDb();
    const keys = await webKeys(db);
    const reads = [0, 1, 2, fixtures.patients.length - 1].map(readOf);
    for (const r of reads) await saveRead(db, keys, r, now.toISOString(), 'solsiden-2');
    const raw = rawText(await db.reads.toArray());
    // control: the plain read does contain what we look for, so the search can find it
    for (const r of reads) {
      const secrets = [r.patient.identityNumber, r.patient.familyName, r.patient.givenName, ...r.prescriptions.map((p) => p.medicine.name.split(' ')[0]!)];
      expect(secrets.length).toBeGreaterThan(3);
      for (const s of secrets) {
        expect(JSON.stringify(r)).toContain(s);
        expect(raw).not.toContain(s);
      }
      const back = await loadRead(db, keys, r.patient.identityNumber);
      expect(back?.read).toEqual(r);
      expect(back?.fetchedAt).toBe(now.toISOString());
    }
    expect(await loadRead(db, keys, '01015033459')).toBeUndefined();
  });

  it('indexes by a keyed hash: same number same key, another install another key', async () => {
    const a = await webKeys(freshDb());
    const b = await webKeys(freshDb());
    const id = fixtures.patients[0]!.patient.identityNumber;
    expect(await blindIndex(a, id)).toBe(await blindIndex(a, id));
    expect(await blindIndex(a, id)).toMatch(/^[0-9a-f]{64}$/);
    expect(await blindIndex(a, id)).not.toBe(await blindIndex(b, id));
    expect(await blindIndex(a, id)).not.toBe(await blindIndex(a, fixtures.patients[1]!.patient.identityNumber));
  });

  it('fails loudly on a tampered ciphertext, a tampered IV, a moved row and a foreign key', async () => {
    const db = freshDb();
    const keys = await webKeys(db);
    const sealed = await seal(keys, { name: 'Kari' }, 'reads:a');
    expect(await unseal(keys, sealed, 'reads:a')).toEqual({ name: 'Kari' });

    const flipped = new Uint8Array(sealed.ct.slice(0));
    flipped[3]! ^= 0x01;
    await expect(unseal(keys, { ...sealed, ct: flipped.buffer }, 'reads:a')).rejects.toThrow(TamperedDataError);
    const iv = sealed.iv.slice();
    iv[0]! ^= 0x80;
    await expect(unseal(keys, { ...sealed, iv }, 'reads:a')).rejects.toThrow(/endret, skadet/);
    await expect(unseal(keys, sealed, 'reads:b')).rejects.toThrow(TamperedDataError);
    await expect(unseal(await webKeys(freshDb()), sealed, 'reads:a')).rejects.toThrow(TamperedDataError);
    await expect(unseal(keys, { ...sealed, ct: sealed.ct.slice(0, 10) }, 'reads:a')).rejects.toThrow(TamperedDataError);
  });

  it('a tampered stored read is refused, not shown', async () => {
    const db = freshDb();
    const keys = await webKeys(db);
    const r = readOf(3);
    const key = await saveRead(db, keys, r, now.toISOString());
    const row = (await db.reads.get(key))!;
    const ct = new Uint8Array(row.sealed.ct.slice(0));
    ct[ct.length - 1]! ^= 0xff;
    await db.reads.put({ ...row, sealed: { ...row.sealed, ct: ct.buffer } });
    await expect(loadRead(db, keys, r.patient.identityNumber)).rejects.toThrow(TamperedDataError);
  });

  it('web mode: non-extractable keys created once and reused after a restart', async () => {
    const db = freshDb();
    const first = await loadAtRestKeys({ kind: 'web' }, db);
    expect(first.enc.extractable).toBe(false);
    expect(first.mac.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', first.enc)).rejects.toThrow();
    const sealed = await seal(first, 'x', 'c');
    db.close();
    const reopened = new SamstemDb(db.name);
    const [again, racing] = await Promise.all([webKeys(reopened), webKeys(reopened)]);
    expect(await unseal(again, sealed, 'c')).toBe('x');
    expect(await blindIndex(racing, '1')).toBe(await blindIndex(first, '1'));
    expect(await reopened.keys.count()).toBe(2);
    reopened.close(); // the database itself is deleted (by name) with `db` after the test
  });

  it('electron: derives the same keys from the same OS-protected key, and refuses basic_text', async () => {
    const keyBase64 = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const a = await keysFromStorageKey({ keyBase64, protection: 'os' });
    const b = await keysFromStorageKey({ keyBase64, protection: 'os' });
    expect(a.source).toBe('os');
    expect(await unseal(b, await seal(a, [1, 2], 'c'), 'c')).toEqual([1, 2]);
    expect(await blindIndex(a, '123')).toBe(await blindIndex(b, '123'));
    await expect(keysFromStorageKey({ keyBase64, protection: 'basic_text' })).rejects.toThrow(InsecureKeyStoreError);
    await expect(keysFromStorageKey({ keyBase64: btoa('short'), protection: 'os' })).rejects.toThrow(/feil lengde/);
    const db = freshDb();
    await expect(loadAtRestKeys({ kind: 'electron', getStorageKey: async () => ({ keyBase64, protection: 'basic_text' }) }, db)).rejects.toThrow(/nøkkelring/);
    await expect(loadAtRestKeys({ kind: 'electron', getStorageKey: () => Promise.reject(new Error('no keyring')) }, db)).rejects.toThrow(/no keyring/);
    expect(await db.keys.count()).toBe(0);
  });
});

