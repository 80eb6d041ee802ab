// When a national read fails for network reasons, offer the last read stored on this machine
// (sealed cache), clearly as stored data with its time, read-only, never as if it were fresh.

import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { DEFAULT_SETTINGS, numberSetting } from '../../db/db';
import { loadRead, type CachedRead } from '../../db/reads';
import { ResidentCard } from '../ward/WardPanel';
import { residentSchedule } from '../ward/wardModel';
import { dataTime } from './dataTime';
import { useVault } from './vault';
import { nb } from '../../i18n/nb';

export function CachedReadOffer({ identityNumber }: { identityNumber: string }) {
  const { db, keys } = useVault();
  const [cached, setCached] = useState<CachedRead | null>(null);
  const [show, setShow] = useState(false);
  const staleHours = useLiveQuery(() => numberSetting(db, 'staleAfterHours'), [db]) ?? DEFAULT_SETTINGS.staleAfterHours;
  useEffect(() => {
    let live = true;
    setShow(false);
    loadRead(db, keys, identityNumber).then(
      (c) => live && setCached(c ?? null),
      (err: unknown) => {
        console.error('Samstem: lagret lesning kunne ikke leses', err);
        if (live) setCached(null);
      },
    );
    return () => {
      live = false;
    };
  }, [db, keys, identityNumber]);
  if (!cached) return null;
  return (
    <div className="cached-offer" data-testid="cached-read-offer">
      <p>{nb.offline.cachedAvailable(dataTime(cached.fetchedAt))}</p>
      {show ? (
        <ResidentCard resident={residentSchedule(cached.read, cached.fetchedAt)} staleHours={staleHours} onBack={() => setShow(false)} backLabel={nb.offline.hideCached} />
      ) : (
        <button type="button" className="btn btn-secondary" onClick={() => setShow(true)}>
          {nb.offline.showCached}
        </button>
      )}
    </div>
  );
}
