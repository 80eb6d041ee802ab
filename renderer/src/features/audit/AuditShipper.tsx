// Ships the signed-in user's audit entries to the broker (POST /audit) while online: when the
// window comes online, when new entries are written, and every minute while some wait.
// The broker stores and flags a broken chain; the app only notes it in the console.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo } from 'react';
import { defaultExtra } from '../../app/extra';
import { useAppSelector } from '../../app/hooks';
import { platform } from '../../platform';
import { useConnectivity } from '../offline/connectivity';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';
import { createAuditPoster, createAuditShipRunner } from './auditLog';

const RETRY_EVERY_MS = 60_000;

export function AuditShipper() {
  const { db, keys } = useVault();
  const { online } = useConnectivity();
  const userId = useAppSelector(selectUserId);
  const pending = useLiveQuery(async () => (userId ? db.audit.filter((r) => !r.shippedAt && r.userId === userId).count() : 0), [db, userId]) ?? 0;
  const ship = useMemo(
    () =>
      createAuditShipRunner(db, keys, async (user) => {
        const [info, broker] = await Promise.all([platform().getAppInfo(), defaultExtra.broker()]);
        return createAuditPoster(info.brokerUrl, await broker.getToken(user));
      }),
    [db, keys],
  );

  useEffect(() => {
    if (!online || !userId || pending === 0) return;
    const go = () =>
      void ship(userId).then(
        (result) => {
          if (!result.continuous) console.warn('Samstem: megleren fant brudd i revisjonsloggens kjede (lagret og flagget der), ved', result.breaks.map((b) => b.seq));
        },
        (err: unknown) => console.error('Samstem: revisjonsloggen kunne ikke sendes', err),
      );
    go();
    const id = setInterval(go, RETRY_EVERY_MS);
    return () => clearInterval(id);
  }, [online, userId, pending, ship]);

  return null;
}
