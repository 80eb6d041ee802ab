import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageKeyError, loadOrCreateStorageKey, type SafeStorageLike } from './storage-key';

/** Stands in for the OS key store: reversible, but not the identity, so plaintext on disk shows. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
    decryptString: (b) => {
      const text = b.toString();
      if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(text.slice(4), 'hex').toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadOrCreateStorageKey', () => {
  it('creates a 256-bit key once, stores only ciphertext, and returns the same key afterwards', async () => {
    const file = path.join(dir, 'sub', 'storage-key.bin');
    const safeStorage = fakeSafeStorage();
    const first = await loadOrCreateStorageKey({ safeStorage, file, platform: 'linux' });
    expect(Buffer.from(first.keyBase64, 'base64')).toHaveLength(32);
    expect(first.protection).toBe('os');
    expect(readFileSync(file, 'utf8')).not.toContain(first.keyBase64);
    const again = await loadOrCreateStorageKey({ safeStorage, file, platform: 'linux' });
    expect(again.keyBase64).toBe(first.keyBase64);
  });

  it('gives different keys to different installations', async () => {
    const a = await loadOrCreateStorageKey({ safeStorage: fakeSafeStorage(), file: path.join(dir, 'a.bin'), platform: 'win32' });
    const b = await loadOrCreateStorageKey({ safeStorage: fakeSafeStorage(), file: path.join(dir, 'b.bin'), platform: 'win32' });
    expect(a.keyBase64).not.toBe(b.keyBase64);
  });

  it.skipIf(process.platform === 'win32')('writes the key file readable by the user only', async () => {
    const file = path.join(dir, 'k.bin');
    await loadOrCreateStorageKey({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("says so when Linux has no keyring ('basic_text')", async () => {
    const key = await loadOrCreateStorageKey({ safeStorage: fakeSafeStorage('basic_text'), file: path.join(dir, 'k.bin'), platform: 'linux' });
    expect(key.protection).toBe('basic_text');
  });

  it('refuses to work without an OS key store', async () => {
    await expect(loadOrCreateStorageKey({ safeStorage: fakeSafeStorage('unknown', false), file: path.join(dir, 'k.bin'), platform: 'linux' })).rejects.toBeInstanceOf(StorageKeyError);
  });

  it('never replaces a key file it cannot decrypt', async () => {
    const file = path.join(dir, 'k.bin');
    writeFileSync(file, 'garbage from another user');
    await expect(loadOrCreateStorageKey({ safeStorage: fakeSafeStorage(), file, platform: 'linux' })).rejects.toThrow(/cannot be decrypted/);
    expect(readFileSync(file, 'utf8')).toBe('garbage from another user');
  });

  it('refuses a key of the wrong length', async () => {
    const file = path.join(dir, 'k.bin');
    writeFileSync(file, fakeSafeStorage().encryptString(Buffer.alloc(16).toString('base64')));
    await expect(loadOrCreateStorageKey({ safeStorage: fakeSafeStorage(), file, platform: 'linux' })).rejects.toThrow(/damaged/);
  });
});
