// Where the at-rest keys come from. Electron: 32 bytes from the preload bridge, kept on disk by the
// OS key store (safeStorage); refused when the OS offers only "basic_text" (no keyring), because
// then the key lies next to the data. Web: non-extractable CryptoKeys generated once and stored in
// IndexedDB itself (structured-cloneable; script can use them, nobody can read them out).

import type { StorageKey } from '../../../../shared/ipc';
import type { SamstemDb } from '../db';
import type { AtRestKeys } from './sealed';

/** The OS cannot protect the key (Linux without a keyring): no patient data may be stored. */
export class InsecureKeyStoreError extends Error {
  override name = 'InsecureKeyStoreError';
  constructor() {
    super('Operativsystemet har ingen sikker nøkkellagring (nøkkelring) for Samstem. Pasientdata kan ikke lagres på denne maskinen.');
  }
}

export class KeyUnavailableError extends Error {
  override name = 'KeyUnavailableError';
}

const subtle = () => globalThis.crypto.subtle;
const utf8 = new TextEncoder();

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Derives the AES-GCM and HMAC keys from the bridge's key. Refuses an unprotected key. */
export async function keysFromStorageKey(key: StorageKey): Promise<AtRestKeys> {
  if (key.protection !== 'os') throw new InsecureKeyStoreError();
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(key.keyBase64);
  } catch {
    throw new KeyUnavailableError('Nøkkelen fra operativsystemet var ikke gyldig base64.');
  }
  if (raw.byteLength !== 32) throw new KeyUnavailableError(`Nøkkelen fra operativsystemet har feil lengde (${raw.byteLength} byte, ventet 32).`);
  const base = await subtle().importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  raw.fill(0);
  const hkdf = (info: string) => ({ name: 'HKDF', hash: 'SHA-256', salt: utf8.encode('samstem/at-rest/v1'), info: utf8.encode(info) });
  const enc = await subtle().deriveKey(hkdf('aes-gcm'), base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const mac = await subtle().deriveKey(hkdf('hmac-index'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']);
  return { enc, mac, source: 'os' };
}

const WEB_KEY_IDS = { enc: 'web-aes-gcm', mac: 'web-hmac-index' } as const;

/**
 * The web install's keys: read from the `keys` table, or generated (non-extractable) and stored the
 * first time. Two tabs racing both generate; the first write wins and both use the stored keys.
 */
export async function webKeys(db: SamstemDb): Promise<AtRestKeys> {
  const stored = async () => {
    const [enc, mac] = await db.keys.bulkGet([WEB_KEY_IDS.enc, WEB_KEY_IDS.mac]);
    return enc && mac ? { enc: enc.key, mac: mac.key, source: 'web' as const } : undefined;
  };
  const existing = await stored();
  if (existing) return existing;
  const enc = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const mac = (await subtle().generateKey({ name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify'])) as CryptoKey;
  const createdAt = new Date().toISOString();
  await db.transaction('rw', db.keys, async () => {
    const [e, m] = await db.keys.bulkGet([WEB_KEY_IDS.enc, WEB_KEY_IDS.mac]);
    if (e || m) {
      if (!(e && m)) throw new KeyUnavailableError('Bare én av de lokale nøklene finnes: lagrede pasientdata kan ikke leses. Slett lokale data og last ned på nytt.');
      return;
    }
    await db.keys.bulkAdd([
      { id: WEB_KEY_IDS.enc, key: enc, createdAt },
      { id: WEB_KEY_IDS.mac, key: mac, createdAt },
    ]);
  });
  const now = await stored();
  if (!now) throw new KeyUnavailableError('De lokale nøklene ble ikke lagret.');
  return now;
}

export interface KeySource {
  kind: 'electron' | 'web';
  getStorageKey?: () => Promise<StorageKey>;
}

/** The keys of this install, from the bridge (Electron) or the browser profile (web). */
export async function loadAtRestKeys(source: KeySource, db: SamstemDb): Promise<AtRestKeys> {
  if (source.kind === 'electron') {
    if (!source.getStorageKey) throw new KeyUnavailableError('Samstem-vinduet mangler tilgang til nøkkellageret (preload).');
    let key: StorageKey;
    try {
      key = await source.getStorageKey();
    } catch (err) {
      throw new KeyUnavailableError(`Fikk ikke nøkkelen fra operativsystemets nøkkellager: ${err instanceof Error ? err.message : String(err)}`);
    }
    return keysFromStorageKey(key);
  }
  return webKeys(db);
}
