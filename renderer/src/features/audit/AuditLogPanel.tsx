// The local audit log, for the person at the machine (issue 7): its hash chain is checked once when
// the user signs in (a broken chain is an alert, never quiet) and on demand, and the user's own
// latest entries can be read: who opened which patient, when and why.

import { format } from 'date-fns';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { formatIdentityNumber } from '../../../../shared/identity';
import { useAppSelector } from '../../app/hooks';
import { nb } from '../../i18n/nb';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';
import { readAudit, verifyAuditChain, type AuditEntry, type ChainCheck } from './auditLog';

const t = nb.auditLog;
const SHOW_LATEST = 15;

type CheckState = (ChainCheck & { at: Date }) | { failed: string; at: Date } | null;

// The last check's result, shared by the alert at the top of the screen and the panel below.
let last: CheckState = null;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
const snapshot = () => last;
function publish(next: CheckState) {
  last = next;
  for (const l of listeners) l();
}

function useChainCheck() {
  const { db } = useVault();
  const check = useSyncExternalStore(subscribe, snapshot, snapshot);
  const [running, setRunning] = useState(false);
  const run = useCallback(async () => {
    setRunning(true);
    try {
      publish({ ...(await verifyAuditChain(db)), at: new Date() });
    } catch (err) {
      publish({ failed: err instanceof Error ? err.message : String(err), at: new Date() });
    } finally {
      setRunning(false);
    }
  }, [db]);
  const broken = check && 'ok' in check && !check.ok ? check : null;
  const failed = check && 'failed' in check ? check : null;
  return { check, broken, failed, running, run };
}

/** At the top of the screen: runs the check once per sign-in and says loudly when the chain is broken. */
export function AuditChainAlert() {
  const userId = useAppSelector(selectUserId);
  const { broken, failed, run } = useChainCheck();
  useEffect(() => {
    if (userId) void run();
  }, [userId, run]);
  if (!broken && !failed) return null;
  return (
    <p className="status status-error" role="alert" data-testid="audit-chain-broken-alert">
      {broken ? t.broken(broken.brokenAt, broken.problem) : t.checkFailed(failed!.failed)}
    </p>
  );
}

/** The log for the person at the machine: the check on demand and her own latest entries. */
export function AuditLogPanel() {
  const { db, keys } = useVault();
  const userId = useAppSelector(selectUserId);
  const { check, broken, failed, running, run } = useChainCheck();
  const [open, setOpen] = useState(false);
  // Live while the panel is open: an entry written a moment ago shows without reopening.
  const listed = useLiveQuery(async (): Promise<{ entries: AuditEntry[] } | { error: string } | null> => {
    if (!open) return null;
    try {
      return { entries: (await readAudit(db, keys)).filter((e) => e.userId === userId).slice(-SHOW_LATEST).reverse() };
    } catch (err) {
      // An altered entry does not decrypt: said here, never a blank screen (the chain check says where).
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }, [open, db, keys, userId]);
  const entries = listed && 'entries' in listed ? listed.entries : null;

  return (
    <details className="panel audit-log-panel" data-testid="audit-log-panel" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t.heading}</summary>
      <p>{t.intro}</p>
      <button type="button" className="btn btn-secondary" disabled={running} onClick={() => void run()}>
        {running ? t.checking : t.check}
      </button>
      <p role="status" data-testid="audit-chain-status" className={broken || failed ? 'status status-error' : 'status'}>
        {check && 'ok' in check && check.ok && t.intact(check.entries, format(check.at, 'HH:mm:ss'))}
        {broken && t.broken(broken.brokenAt, broken.problem)}
        {failed && t.checkFailed(failed.failed)}
      </p>
      {listed && 'error' in listed && (
        <p className="status status-error" role="alert" data-testid="audit-entries-failed">
          {t.entriesFailed(listed.error)}
        </p>
      )}
      {entries && (
        <table className="audit-table">
          <caption>{t.latestCaption(entries.length)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colSeq}</th>
              <th scope="col">{t.colTime}</th>
              <th scope="col">{t.colAction}</th>
              <th scope="col">{t.colPatient}</th>
              <th scope="col">{t.colReason}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{format(new Date(e.at), 'dd.MM.yyyy HH:mm:ss')}</td>
                <td>{t.actions[e.action] ?? e.action}</td>
                <td>{e.identityNumber ? formatIdentityNumber(e.identityNumber) : '—'}</td>
                <td>{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
