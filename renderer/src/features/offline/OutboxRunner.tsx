// Replays the outbox while the browser has a network: when the window comes online, and every minute
// while sends wait. It also runs when the last broker call failed (the banner shows "Frakoblet"):
// the replay itself is the probe, and its answer tells connectivity the broker is back.
// Conflicts stay in the outbox for the doctor and are counted on screen (the patient shows what to do).
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { defaultExtra } from '../../app/extra';
import { useAppSelector } from '../../app/hooks';
import { nb } from '../../i18n/nb';
import { platform } from '../../platform';
import { selectUserId } from '../session/sessionSlice';
import { useConnectivity } from './connectivity';
import { replayOutbox, replaySender } from './outbox';
import { useVault } from './vault';

const REPLAY_EVERY_MS = 60_000;

export function OutboxRunner() {
  const { db, keys } = useVault();
  const { browserOnline } = useConnectivity();
  const userId = useAppSelector(selectUserId);
  const counts = useLiveQuery(async () => ({ pending: await db.outbox.where('state').anyOf('pending', 'sending').count(), conflicts: await db.outbox.where('state').equals('conflict').count() }), [db]);
  const pending = counts?.pending ?? 0;

  useEffect(() => {
    if (!browserOnline || !userId || pending === 0) return;
    const run = async () => {
      const [{ createSendClient }, info, broker] = await Promise.all([import('../send/sendClient'), platform().getAppInfo(), defaultExtra.broker()]);
      const client = createSendClient(info.brokerUrl);
      const token = await broker.getToken(userId);
      await replayOutbox(db, keys, replaySender(client, token));
    };
    const go = () => void run().catch((err: unknown) => console.error('Samstem: utboksen kunne ikke sendes', err));
    go();
    const id = setInterval(go, REPLAY_EVERY_MS);
    return () => clearInterval(id);
  }, [browserOnline, userId, pending, db, keys]);

  if (!counts || (counts.pending === 0 && counts.conflicts === 0)) return null;
  return (
    <p className={counts.conflicts > 0 ? 'status status-warning' : 'status'} role="status" data-testid="outbox-status">
      {[counts.pending > 0 ? nb.outbox.pending(counts.pending) : null, counts.conflicts > 0 ? nb.outbox.conflicts(counts.conflicts) : null].filter(Boolean).join(' ')}
    </p>
  );
}
