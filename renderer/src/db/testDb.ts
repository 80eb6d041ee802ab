// Test helper (imported by *.test.ts only): throw-away SamstemDb instances on fake-indexeddb, each
// with its own web keys attached, deleted after every test.
import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { webKeys } from './cipher/keys';
import type { AtRestKeys } from './cipher/sealed';
import { attachKeys, SamstemDb } from './db';

export interface TestVault {
  db: SamstemDb;
  keys: AtRestKeys;
}

/**
 * Call once at the top of a test file: returns `open()`, which makes a fresh database (named
 * `${prefix}-N`) with keys attached. Every database opened is deleted after each test.
 */
export function useTestDbs(prefix: string): { open(): Promise<TestVault>; bare(): SamstemDb } {
  let n = 0;
  const opened: SamstemDb[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.delete();
  });
  const bare = () => {
    const db = new SamstemDb(`${prefix}-${++n}`);
    opened.push(db);
    return db;
  };
  return {
    /** A fresh database without keys attached (like an app whose vault is not open). */
    bare,
    async open() {
      const db = bare();
      const keys = await webKeys(db);
      attachKeys(db, keys);
      return { db, keys };
    },
  };
}

/** Everything stored in every table, as one string (binary values decoded as text too). */
export async function everythingStored(db: SamstemDb): Promise<string> {
  const parts: string[] = [];
  for (const table of db.tables) {
    for (const row of await table.toArray()) {
      parts.push(JSON.stringify(row, (_k, v: unknown) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? new TextDecoder('latin1').decode(v as ArrayBuffer) : v)));
    }
  }
  return parts.join('\n');
}
