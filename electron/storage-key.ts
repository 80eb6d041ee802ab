// The key the renderer uses to encrypt data at rest in IndexedDB. It is created once, stored on
// disk only as ciphertext from Electron's safeStorage (DPAPI on Windows, Keychain on macOS,
// libsecret/kwallet on Linux), and handed to the renderer over the allow-listed IPC channel.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StorageKey } from '../shared/ipc';

/** The part of Electron's safeStorage we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; 'basic_text' means no keyring was found. */
  getSelectedStorageBackend?(): string;
}

export class StorageKeyError extends Error {
  override name = 'StorageKeyError';
}

const KEY_BYTES = 32;

function protectionOf(safeStorage: SafeStorageLike, platform: string): StorageKey['protection'] {
  if (platform !== 'linux' || !safeStorage.getSelectedStorageBackend) return 'os';
  return safeStorage.getSelectedStorageBackend() === 'basic_text' ? 'basic_text' : 'os';
}

/**
 * Returns the stored key, or creates and stores one when there is none. A key file that cannot be
 * decrypted is an error, never silently replaced: a new key would make every encrypted record
 * unreadable without anyone noticing.
 */
export async function loadOrCreateStorageKey(opts: {
  safeStorage: SafeStorageLike;
  file: string;
  platform: string;
}): Promise<StorageKey> {
  const { safeStorage, file, platform } = opts;
  if (!safeStorage.isEncryptionAvailable()) {
    throw new StorageKeyError('The operating system offers no key store (safeStorage unavailable); the local data key cannot be protected.');
  }
  const protection = protectionOf(safeStorage, platform);

  let existing: Buffer | null = null;
  try {
    existing = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }

  if (existing) {
    let keyBase64: string;
    try {
      keyBase64 = safeStorage.decryptString(existing);
    } catch (err) {
      throw new StorageKeyError(`The local data key in ${file} cannot be decrypted by this user's key store: ${(err as Error).message}`);
    }
    if (Buffer.from(keyBase64, 'base64').length !== KEY_BYTES) {
      throw new StorageKeyError(`The local data key in ${file} is damaged (wrong length).`);
    }
    return { keyBase64, protection };
  }

  const keyBase64 = randomBytes(KEY_BYTES).toString('base64');
  const encrypted = safeStorage.encryptString(keyBase64);
  await mkdir(path.dirname(file), { recursive: true });
  // Write-then-rename so a crash never leaves half a key file behind.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, encrypted, { mode: 0o600 });
  await rename(tmp, file);
  return { keyBase64, protection };
}
