// Ships the signed-in user's audit entries to the broker (POST /audit) while online: when the
// window comes online, when new entries are written, and every minute while some wait. After each
// run it asks the broker for the head of this device's chain and compares it with the local log: a
// missing tail (entries deleted here after shipping) is shown to the user as an alert, since a hash
// chain alone cannot reveal it. The broker stores and flags a broken link; the app notes that in
// the console.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { defaultExtra } from '../../app/extra';
import { useAppSelector } from '../../app/hooks';
import { platform } from '../../platform';
import { useConnectivity } from '../offline/connectivity';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';
import { checkAuditTailWithBroker, createAuditPoster, createAuditShipRunner, type AuditPoster, type TailCheck } from './auditLog';

const RETRY_EVERY_MS = 60_000;

export function AuditShipper() {
  const { db, keys } = useVault();
  const { online } = useConnectivity();
  const userId = useAppSelector(selectUserId);
  const pending = useLiveQuery(async () => (userId ? db.audit.filter((r) => !r.shippedAt && r.userId === userId).count() : 0), [db, userId]) ?? 0;
  const [tail, setTail] = useState<{ userId: string; check: Extract<TailCheck, { ok: false }> } | null>(null);
  const { ship, connect } = useMemo(() => {
    const connect = async (user: string): Promise<AuditPoster> => {
      const [info, broker] = await Promise.all([platform().getAppInfo(), defaultExtra.broker()]);
      return createAuditPoster(info.brokerUrl, await broker.getToken(user));
    };
    return { ship: createAuditShipRunner(db, keys, connect), connect };
  }, [db, keys]);

  useEffect(() => {
    if (!online || !userId) return;
    let live = true;
    const compare = async () => {
      const check = await checkAuditTailWithBroker(db, userId, await connect(userId));
      if (!live) return;
      setTail(check.ok ? null : { userId, check });
      if (!check.ok) console.error('Samstem:', check.message);
    };
    if (pending === 0) {
      // Everything is shipped (this runs again each time a run brings `pending` back to 0).
      compare().catch((err: unknown) => console.error('Samstem: revisjonsloggen kunne ikke kontrolleres mot megleren', err));
      return () => void (live = false);
    }
    const go = () =>
      void ship(userId).then(
        (result) => {
          if (!result.continuous) console.warn('Samstem: megleren fant brudd i revisjonsloggens kjede (lagret og flagget der), ved', result.breaks.map((b) => b.seq));
        },
        (err: unknown) => console.error('Samstem: revisjonsloggen kunne ikke sendes', err),
      );
    go();
    const id = setInterval(go, RETRY_EVERY_MS);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [online, userId, pending, ship, connect, db]);

  if (!tail || tail.userId !== userId) return null;
  return (
    <div className="status status-error" role="alert" data-testid="audit-tail-missing">
      <p>{tail.check.message}</p>
    </div>
  );
}
