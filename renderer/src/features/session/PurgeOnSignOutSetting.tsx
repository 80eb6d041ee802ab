// The ward setting "Slett lokale pasientdata ved utlogging", one checkbox per unit of the user
// (issue 7). Saved at once in `settings`; signOut.ts reads it at sign-out.

import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useAppSelector } from '../../app/hooks';
import { booleanSetting, purgeOnSignOutKey } from '../../db/db';
import { useVault } from '../offline/vault';
import { selectUserId } from './sessionSlice';
import { unitDisplayName } from './signOut';
import { findUser } from './users';
import { nb } from '../../i18n/nb';
import './session.css';

const t = nb.purge;

export function PurgeOnSignOutSetting() {
  const { db, keys } = useVault();
  const user = findUser(useAppSelector(selectUserId));
  const unitKey = (user?.units ?? []).join('\n');
  const units = useLiveQuery(
    () =>
      Promise.all(
        (unitKey ? unitKey.split('\n') : []).map(async (unitId) => ({ unitId, name: await unitDisplayName(db, keys, unitId), on: await booleanSetting(db, purgeOnSignOutKey(unitId)) })),
      ),
    [db, keys, unitKey],
  );
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  // The box follows the click at once (and keeps what was saved); a failed save shows the stored value again.
  const [shown, setShown] = useState<Record<string, boolean>>({});
  if (!units || units.length === 0) return null;
  return (
    <fieldset className="purge-setting" data-testid="purge-on-sign-out">
      <legend className="visually-hidden">{t.setting}</legend>
      {units.map((u) => (
        <label key={u.unitId}>
          <input
            type="checkbox"
            checked={shown[u.unitId] ?? u.on}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setStatus(null);
              setShown((s) => ({ ...s, [u.unitId]: on }));
              const settle = () =>
                setShown((s) => {
                  const { [u.unitId]: _done, ...rest } = s;
                  return rest;
                });
              db.settings.put({ key: purgeOnSignOutKey(u.unitId), value: on }).then(
                () => setStatus({ error: false, text: t.settingSaved }),
                (err: unknown) => {
                  settle();
                  setStatus({ error: true, text: t.settingFailed(err instanceof Error ? err.message : String(err)) });
                },
              );
            }}
          />
          <span>{units.length === 1 ? t.setting : t.settingFor(u.name)}</span>
        </label>
      ))}
      <p className="muted hint">{t.settingHint}</p>
      {status && (
        <p className={status.error ? 'status status-error' : 'muted'} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
    </fieldset>
  );
}
