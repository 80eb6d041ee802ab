// Locks the screen after a period without activity (setting lockAfterMinutes, default 10), and at
// once when the OS locks the screen or goes to sleep (Electron; see lockTriggers.ts): the patient
// data below is unmounted, not just covered, until the user signs in again.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState, type ReactNode } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { DEFAULT_SETTINGS, numberSetting } from '../../db/db';
import { platform } from '../../platform';
import { useAudit } from '../audit/useAudit';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';
import { signOut } from '../session/signOut';
import { findUser } from '../session/users';
import { nb } from '../../i18n/nb';
import { watchLockTriggers, type LockReason } from './lockTriggers';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focusin'] as const;

function onDocumentActivity(listener: () => void): () => void {
  for (const e of ACTIVITY_EVENTS) document.addEventListener(e, listener, { passive: true, capture: true });
  return () => {
    for (const e of ACTIVITY_EVENTS) document.removeEventListener(e, listener, { capture: true });
  };
}

const logFailure = (err: unknown) => console.error('Samstem: revisjonslogg feilet', err);

export function SessionLock({ children }: { children: ReactNode }) {
  const vault = useVault();
  const dispatch = useAppDispatch();
  const user = findUser(useAppSelector(selectUserId));
  const audit = useAudit();
  const minutes = useLiveQuery(() => numberSetting(vault.db, 'lockAfterMinutes'), [vault.db]) ?? DEFAULT_SETTINGS.lockAfterMinutes;
  const [locked, setLocked] = useState<LockReason | null>(null);

  useEffect(() => {
    if (locked) return;
    return watchLockTriggers({ idleMinutes: minutes, onOsLock: (l) => platform().onOsLock(l), onActivity: onDocumentActivity }, (reason) => {
      setLocked(reason);
      audit('lock', undefined, reason.kind === 'os' ? nb.lock.osAuditReason(reason.event) : undefined).catch(logFailure);
    });
  }, [locked, minutes, audit]);

  if (!locked) return <>{children}</>;
  return (
    <section className="panel lock-screen" role="alertdialog" aria-labelledby="lock-heading" aria-describedby="lock-body" data-testid="lock-screen" data-lock-reason={locked.kind}>
      <h1 id="lock-heading">{nb.lock.title}</h1>
      <p id="lock-body">{locked.kind === 'os' ? nb.lock.osBody(locked.event) : nb.lock.body(locked.minutes)}</p>
      {user && (
        <button
          type="button"
          className="btn btn-primary"
          autoFocus
          onClick={() => {
            setLocked(null);
            audit('unlock').catch(logFailure);
          }}
        >
          {nb.lock.unlockAs(user.name)}
        </button>
      )}{' '}
      <button type="button" className="btn btn-secondary" onClick={() => void signOut(dispatch, user, async () => vault)}>
        {nb.session.signOut}
      </button>
    </section>
  );
}
