// Signing out (session bar and lock screen): the patient data leaves the screen at once; then,
// for each of the user's units with "Slett lokale pasientdata ved utlogging" on, the offline copy is
// deleted (purgeOnSignOut.ts), the deletion is logged, and the sign-in page says what was deleted
// and what was kept.

import type { Dispatch } from '@reduxjs/toolkit';
import { appDb, type SamstemDb } from '../../db/db';
import type { AtRestKeys } from '../../db/cipher/sealed';
import { appendAudit } from '../audit/auditLog';
import { loadVault } from '../offline/vault';
import { loadStoredRoster } from '../ward/wardSync';
import { purgeOnSignOut, type PurgeOutcome } from './purgeOnSignOut';
import { signedOut, signOutNoticeShown, type SignOutNotice } from './sessionSlice';
import type { TestUser } from './users';
import { nb } from '../../i18n/nb';

export interface SignOutStore {
  db: SamstemDb;
  /** The at-rest keys, when the vault is open: needed to name the unit and to log the deletion. */
  keys?: AtRestKeys;
}

/**
 * The app's store for the session bar, which sits outside the vault gate: the open vault (keys
 * to name units and log), or the bare database when the vault cannot open (the purge needs no keys).
 */
export async function appSignOutStore(): Promise<SignOutStore> {
  try {
    return await loadVault();
  } catch {
    return { db: appDb() };
  }
}

/** The unit's name from its downloaded roster, or its id when there is none (or no keys). */
export async function unitDisplayName(db: SamstemDb, keys: AtRestKeys | undefined, unitId: string): Promise<string> {
  if (!keys) return unitId;
  const roster = await loadStoredRoster(db, keys, unitId).catch(() => undefined);
  return roster?.unit.name ?? unitId;
}

/** The sign-in page's notice for these purge outcomes (null when no unit had the setting on). */
export function purgeNotice(outcomes: readonly (PurgeOutcome & { unitName: string })[]): SignOutNotice | null {
  if (outcomes.length === 0) return null;
  const lines: string[] = [];
  let error = false;
  for (const o of outcomes) {
    if (!o.ok) {
      error = true;
      lines.push(nb.purge.failed(o.unitName, o.message));
      continue;
    }
    const r = o.result;
    if (r.ward || r.reads > 0) lines.push(`${nb.purge.purged(o.unitName)} ${nb.purge.purgedCount(r.reads)}`);
    else lines.push(nb.purge.nothingStored(o.unitName));
    if (r.keptUnsent > 0) lines.push(nb.purge.keptUnsent(r.keptUnsent));
  }
  return { lines, error };
}

/**
 * Signs the user out at once, then purges. Resolves when the notice (if any) is shown. Never
 * throws: a failure is told to the user in the notice.
 */
export async function signOut(dispatch: Dispatch, user: TestUser | undefined, store: () => Promise<SignOutStore>): Promise<void> {
  dispatch(signedOut());
  if (!user || user.units.length === 0) return;
  let db: SamstemDb;
  let keys: AtRestKeys | undefined;
  try {
    ({ db, keys } = await store());
  } catch (err) {
    dispatch(signOutNoticeShown({ lines: [nb.purge.failed(user.units.join(', '), err instanceof Error ? err.message : String(err))], error: true }));
    return;
  }
  try {
    const names = new Map<string, string>();
    for (const unitId of user.units) names.set(unitId, await unitDisplayName(db, keys, unitId));
    const outcomes = await purgeOnSignOut(db, user.units);
    for (const o of outcomes) {
      if (!o.ok || !(o.result.ward || o.result.reads > 0)) continue;
      if (!keys) {
        console.error('Samstem: slettingen av lokale data ble ikke logget (den krypterte lagringen er ikke åpnet).');
        continue;
      }
      await appendAudit(db, keys, {
        userId: user.id,
        role: user.role,
        action: 'cache-purge',
        reason: nb.purge.auditReason(o.unitId, o.result.reads, o.result.keptUnsent),
      }).catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err));
    }
    const notice = purgeNotice(outcomes.map((o) => ({ ...o, unitName: names.get(o.unitId) ?? o.unitId })));
    if (notice) dispatch(signOutNoticeShown(notice));
  } catch (err) {
    dispatch(signOutNoticeShown({ lines: [nb.purge.failed(user.units.join(', '), err instanceof Error ? err.message : String(err))], error: true }));
  }
}
