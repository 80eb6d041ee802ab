import { useLiveQuery } from 'dexie-react-hooks';
import { useConnectivity } from './connectivity';
import { dataTime } from './dataTime';
import { useVault } from './vault';
import { nb } from '../../i18n/nb';

/** Shown on every screen while offline: the app runs on stored data, and says from when. */
export function OfflineBanner() {
  const { online } = useConnectivity();
  const { db } = useVault();
  // fetchedAt is stored in clear (it identifies nobody), so no decryption is needed for the banner.
  const oldest = useLiveQuery(async () => (await db.reads.orderBy('fetchedAt').first())?.fetchedAt ?? null, [db]);
  if (online) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>{oldest ? nb.offline.banner(dataTime(oldest)) : nb.offline.bannerNoData}</strong>
      <span>{nb.offline.bannerDetail}</span>
    </div>
  );
}
