// Encryption at rest for patient data in IndexedDB: AES-GCM (256-bit, random 96-bit IV per value)
// through WebCrypto, with the row's identity as additional authenticated data so a ciphertext moved
// to another row fails too. Identity numbers are looked up through a blind index (HMAC-SHA-256 with
// the install's own key), never stored in clear text.

import type { SealedValue } from '../db';

// WebCrypto calls are wrapped in Promise.resolve(): that keeps Dexie's liveQuery zone across them,
// so a live query may decrypt (see the dexie-react-hooks useLiveQuery rules).

export interface AtRestKeys {
  /** AES-GCM key, non-extractable. */
  enc: CryptoKey;
  /** HMAC-SHA-256 key for blind indexes, non-extractable (the per-install "salt"). */
  mac: CryptoKey;
  /** Where the key material lives: the OS key store (Electron safeStorage) or this browser profile. */
  source: 'os' | 'web';
}

/** Raised when stored data cannot be decrypted: altered, truncated, or sealed with another key. */
export class TamperedDataError extends Error {
  override name = 'TamperedDataError';
  constructor(context: string, cause?: unknown) {
    super(`Lagrede pasientdata kunne ikke dekrypteres (${context}): de er endret, skadet eller kryptert med en annen nøkkel.`, { cause });
  }
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) mangler: Samstem kan ikke lagre pasientdata kryptert i dette miljøet.');
  return s;
};

const utf8 = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Encrypts a JSON-serialisable value. `context` (e.g. `reads:<patientKey>`) is bound to the ciphertext. */
export async function seal(keys: AtRestKeys, value: unknown, context: string): Promise<SealedValue> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const plain = utf8.encode(JSON.stringify(value));
  const ct = await Promise.resolve(subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(context) }, keys.enc, plain));
  return { v: 1, iv, ct };
}

/** Decrypts what `seal` wrote under the same context; throws TamperedDataError on any mismatch. */
export async function unseal<T>(keys: AtRestKeys, sealed: SealedValue, context: string): Promise<T> {
  if (!sealed || sealed.v !== 1 || !(sealed.iv instanceof Uint8Array) || sealed.iv.byteLength !== 12) {
    throw new TamperedDataError(context);
  }
  let plain: ArrayBuffer;
  try {
    plain = await Promise.resolve(subtle().decrypt({ name: 'AES-GCM', iv: sealed.iv as Uint8Array<ArrayBuffer>, additionalData: utf8.encode(context) }, keys.enc, sealed.ct));
  } catch (err) {
    throw new TamperedDataError(context, err);
  }
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

/** The blind index of an identity number: HMAC-SHA-256 under the install's key, hex. */
export async function blindIndex(keys: AtRestKeys, identityNumber: string): Promise<string> {
  const mac = await Promise.resolve(subtle().sign('HMAC', keys.mac, utf8.encode(`identity:${identityNumber.replace(/\s+/g, '')}`)));
  return toHex(mac);
}

/** SHA-256 of a string, hex (for the audit chain). */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await Promise.resolve(subtle().digest('SHA-256', utf8.encode(text))));
}
