// Storage health on screen (issue 7): a failed local write stops the app with a screen that says
// what to do; near the quota the user is warned; a ward user whose browser will not promise to keep
// the offline data is told so. The app below stays mounted (hidden) while stopped, so the work in
// the window is not lost and "Prøv igjen" returns to it as it was.

import { useCallback, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { format } from 'date-fns';
import { nb } from '../../i18n/nb';
import { describeFailure, clearStorageFailure, isStorageFailure, probeWrite, quotaLevel, reportStorageFailure, requestPersistence, storageFailure, subscribeStorage, type PersistOutcome, type QuotaState } from '../../db/storageHealth';
import { useVault } from '../offline/vault';

const t = nb.storage;
const QUOTA_EVERY_MS = 120_000;

async function estimate(): Promise<QuotaState> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.estimate) return { level: 'unknown' };
  return quotaLevel(await storage.estimate());
}

export function StorageGate({ children, wardUser }: { children: ReactNode; wardUser: boolean }) {
  const { db } = useVault();
  const failure = useSyncExternalStore(subscribeStorage, storageFailure, storageFailure);
  const [quota, setQuota] = useState<QuotaState>({ level: 'unknown' });
  const [persist, setPersist] = useState<PersistOutcome | null>(null);
  const [retry, setRetry] = useState<'idle' | 'running' | 'failed'>('idle');

  const probe = useCallback(async (): Promise<boolean> => {
    try {
      await probeWrite(db);
      return true;
    } catch (err) {
      // The guard reports storage errors itself; a read-back mismatch or anything else is reported here.
      reportStorageFailure(describeFailure(err, 'probe'));
      if (!isStorageFailure(err)) console.error('Samstem: lokal lagring feilet', err);
      return false;
    }
  }, [db]);

  useEffect(() => {
    let live = true;
    void probe();
    requestPersistence().then(
      (p) => live && setPersist(p),
      () => live && setPersist('unsupported'),
    );
    const check = () =>
      estimate().then(
        (q) => live && setQuota(q),
        () => undefined,
      );
    void check();
    const id = setInterval(check, QUOTA_EVERY_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [probe]);

  const onRetry = async () => {
    setRetry('running');
    clearStorageFailure();
    const ok = await probe();
    setRetry(ok ? 'idle' : 'failed');
    setQuota(await estimate().catch(() => quota));
  };

  const percent = quota.share !== undefined ? Math.round(quota.share * 100) : 0;
  return (
    <>
      {failure && (
        <section className="panel status-error storage-stopped" role="alertdialog" aria-labelledby="storage-stopped-heading" aria-describedby="storage-stopped-intro" data-testid="storage-stopped">
          <h1 id="storage-stopped-heading">{t.stoppedTitle}</h1>
          <p id="storage-stopped-intro">
            {t.stoppedIntro(format(new Date(failure.at), 'HH:mm'))} {failure.quota ? t.stoppedQuota : t.stoppedOther}
          </p>
          <h2>{t.whatToDoHeading}</h2>
          <ol>
            {(failure.quota ? t.doQuota : t.doOther).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ol>
          <p>{t.lostHint}</p>
          <p className="detail" data-testid="storage-technical">
            {t.technical(failure.name, failure.where, failure.message)}
          </p>
          <button type="button" className="btn btn-primary" autoFocus disabled={retry === 'running'} onClick={() => void onRetry()}>
            {retry === 'running' ? t.retrying : t.retry}
          </button>
        </section>
      )}
      {!failure && retry === 'failed' && (
        <p className="status status-error" role="alert">
          {t.retryFailed}
        </p>
      )}
      {!failure && (quota.level === 'near' || quota.level === 'critical') && (
        <p className={`status ${quota.level === 'critical' ? 'status-error' : 'status-warning'}`} role={quota.level === 'critical' ? 'alert' : 'status'} data-testid="storage-quota">
          {quota.level === 'critical' ? t.quotaCritical(percent) : t.quotaNear(percent)}
        </p>
      )}
      {!failure && wardUser && persist === 'refused' && (
        <p className="status status-warning" role="status" data-testid="storage-not-persistent">
          {t.notPersistent}
        </p>
      )}
      {/* Kept mounted while stopped: the decisions in this window survive until storage works again. */}
      <div className="storage-app" hidden={Boolean(failure)} inert={Boolean(failure)} data-testid="storage-app">
        {children}
      </div>
    </>
  );
}
