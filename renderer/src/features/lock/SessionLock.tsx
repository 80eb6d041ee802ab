// Locks the screen after a period without activity (setting lockAfterMinutes, default 10): the
// patient data below is unmounted, not just covered, until the user signs in again.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState, type ReactNode } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { DEFAULT_SETTINGS, numberSetting } from '../../db/db';
import { useAudit } from '../audit/useAudit';
import { useVault } from '../offline/vault';
import { selectUserId, signedOut } from '../session/sessionSlice';
import { findUser } from '../session/users';
import { nbLock } from '../ward/texts';
import { nb } from '../../i18n/nb';
import { startInactivityTimer } from './inactivity';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focusin'] as const;

export function SessionLock({ children }: { children: ReactNode }) {
  const { db } = useVault();
  const dispatch = useAppDispatch();
  const user = findUser(useAppSelector(selectUserId));
  const audit = useAudit();
  const minutes = useLiveQuery(() => numberSetting(db, 'lockAfterMinutes'), [db]) ?? DEFAULT_SETTINGS.lockAfterMinutes;
  const [locked, setLocked] = useState(false);

  useEffect(() => {
    if (locked) return;
    const timer = startInactivityTimer(minutes * 60_000, () => {
      setLocked(true);
      audit('lock').catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err));
    });
    const onActivity = () => timer.activity();
    for (const e of ACTIVITY_EVENTS) document.addEventListener(e, onActivity, { passive: true, capture: true });
    return () => {
      timer.stop();
      for (const e of ACTIVITY_EVENTS) document.removeEventListener(e, onActivity, { capture: true });
    };
  }, [locked, minutes, audit]);

  if (!locked) return <>{children}</>;
  return (
    <section className="panel lock-screen" role="alertdialog" aria-labelledby="lock-heading" aria-describedby="lock-body" data-testid="lock-screen">
      <h1 id="lock-heading">{nbLock.title}</h1>
      <p id="lock-body">{nbLock.body(minutes)}</p>
      {user && (
        <button
          type="button"
          className="btn btn-primary"
          autoFocus
          onClick={() => {
            setLocked(false);
            audit('unlock').catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err));
          }}
        >
          {nbLock.unlockAs(user.name)}
        </button>
      )}{' '}
      <button type="button" className="btn btn-secondary" onClick={() => dispatch(signedOut())}>
        {nb.session.signOut}
      </button>
    </section>
  );
}
