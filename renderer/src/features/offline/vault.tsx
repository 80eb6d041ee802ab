// The encrypted local store of this window: the Dexie database and the at-rest keys, loaded once.
// Nothing below the gate renders until the keys are there; in Electron without an OS key store
// (safeStorage 'basic_text') it stops with a Norwegian explanation instead of storing patient data.

import { useLiveQuery } from 'dexie-react-hooks';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { appDb, attachKeys, META_KEYS, sealLocalData, type SamstemDb } from '../../db/db';
import { InsecureKeyStoreError, loadAtRestKeys, type KeySource } from '../../db/cipher/keys';
import type { AtRestKeys } from '../../db/cipher/sealed';
import { platform } from '../../platform';
import { nb } from '../../i18n/nb';

export interface Vault {
  db: SamstemDb;
  keys: AtRestKeys;
}

const VaultContext = createContext<Vault | null>(null);

export function useVault(): Vault {
  const v = useContext(VaultContext);
  if (!v) throw new Error('useVault outside <VaultGate>');
  return v;
}

let loading: Promise<Vault> | undefined;

/** The window's vault, loaded once (a failure may be retried by reloading). */
export function loadVault(source: KeySource = platform(), db: SamstemDb = appDb()): Promise<Vault> {
  loading ??= loadAtRestKeys(source, db).then(
    async (keys) => {
      attachKeys(db, keys);
      // Clear-text local data from v1/v2 (or an older writer) is sealed before anything reads it.
      await sealLocalData(db, keys);
      return { db, keys };
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

type GateState = { status: 'loading' } | { status: 'ready'; vault: Vault } | { status: 'insecure' } | { status: 'failed'; message: string };

export function VaultGate({ children, load = loadVault }: { children: ReactNode; load?: () => Promise<Vault> }) {
  const [state, setState] = useState<GateState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (vault) => live && setState({ status: 'ready', vault }),
      (err: unknown) => {
        if (!live) return;
        if (err instanceof InsecureKeyStoreError) setState({ status: 'insecure' });
        else setState({ status: 'failed', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [load]);

  if (state.status === 'loading') return <p className="status" role="status">{nb.offline.vaultLoading}</p>;
  if (state.status === 'insecure') {
    return (
      <section className="panel status-error" role="alert" data-testid="insecure-key-store">
        <h1>{nb.offline.insecureTitle}</h1>
        <p>{nb.offline.insecureBody}</p>
        <p>{nb.offline.insecureWhat}</p>
      </section>
    );
  }
  if (state.status === 'failed') {
    return (
      <section className="panel status-error" role="alert" data-testid="vault-failed">
        <h1>{nb.storage.openFailedTitle}</h1>
        <p>{nb.storage.openFailedWhy}</p>
        <ol>
          {nb.storage.openFailedWhat.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ol>
        <p className="detail">{state.message}</p>
      </section>
    );
  }
  return <VaultContext.Provider value={state.vault}>{children}</VaultContext.Provider>;
}

/** Seals clear-text local list rows as soon as any appear (writers that do not seal themselves yet). */
export function LocalSealer() {
  const { db, keys } = useVault();
  const plain = useLiveQuery(async () => (await db.localList.count()) + ((await db.meta.get(META_KEYS.patients)) ? 1 : 0), [db]);
  useEffect(() => {
    if (!plain) return;
    sealLocalData(db, keys).catch((err: unknown) => console.error('Samstem: kunne ikke kryptere lokale data', err));
  }, [plain, db, keys]);
  return null;
}
