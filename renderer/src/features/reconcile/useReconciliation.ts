// Rows, findings and the decide() result for the patient on screen. Computed, never stored: the
// local list comes live from Dexie, the read from Redux, the catalogue from memory.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import type { LocalListEntry, MedicationRead, Prescriber } from '../../../../shared/model';
import { decide, reconcile, type DecideResult, type ReconcileResult } from '../../../../shared/reconcile';
import { useAppSelector } from '../../app/hooks';
import { appDb, localListFor } from '../../db/db';
import { useCatalogue, type CatalogueState } from '../catalog/catalogue';
import { selectUserId } from '../session/sessionSlice';
import { findUser, type TestUser } from '../session/users';
import { decisionsFor, progressOf, selectWorkspace, type PatientWorkspace, type Progress } from './workspaceSlice';

/** The current time, refreshed every `ms` (the 4-hour freshness rule must show without a click). */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function senderOf(user: TestUser): Prescriber {
  return { name: user.name, hpr: user.hpr, organisation: user.organisation.name };
}

export const newId = (): string => globalThis.crypto.randomUUID();

export interface Reconciliation {
  local: LocalListEntry[] | undefined;
  result: ReconcileResult | null;
  decided: DecideResult | null;
  workspace: PatientWorkspace;
  progress: Progress | null;
  catalogue: CatalogueState;
  user: TestUser | undefined;
  now: Date;
}

export function useReconciliation(patientId: string, read: MedicationRead | null): Reconciliation {
  const local = useLiveQuery(() => localListFor(appDb(), patientId), [patientId]);
  const catalogue = useCatalogue();
  const now = useNow();
  const minute = Math.floor(now.getTime() / 60_000);
  const workspace = useAppSelector((s) => selectWorkspace(s, patientId));
  const user = findUser(useAppSelector(selectUserId));
  const safety = catalogue.status === 'ready' ? catalogue.safety : null;

  const result = useMemo(() => {
    if (!local || !read) return null;
    return reconcile({ patient: read.patient, local, read }, safety, new Date(minute * 60_000));
  }, [local, read, safety, minute]);

  const decided = useMemo(() => {
    if (!result || !read || !local || !user) return null;
    return decide(result.rows, decisionsFor(workspace, result.rows), { read, local, now: new Date(minute * 60_000), sender: senderOf(user), newId });
  }, [result, read, local, user, workspace, minute]);

  const progress = result ? progressOf(workspace, result.rows) : null;
  return { local, result, decided, workspace, progress, catalogue, user, now };
}
