// Everything a signed-in user sees, wrapped in the issue-7 protections: the encrypted store must be
// open (or the app says why not), the screen locks after inactivity, the offline banner shows the
// age of the stored data, every patient open is logged, and users with units get the ward view.

import type { ReactNode } from 'react';
import { useAppSelector } from '../../app/hooks';
import { AuditChainAlert, AuditLogPanel } from '../audit/AuditLogPanel';
import { AuditObserver } from '../audit/AuditObserver';
import { SessionLock } from '../lock/SessionLock';
import { selectUserId } from '../session/sessionSlice';
import { findUser } from '../session/users';
import { StorageGate } from '../storage/StorageGate';
import { WardPanel } from '../ward/WardPanel';
import { OfflineBanner } from './OfflineBanner';
import { OutboxRunner } from './OutboxRunner';
import { LocalSealer, VaultGate } from './vault';


export function SecureShell({ children }: { children: ReactNode }) {
  const user = findUser(useAppSelector(selectUserId));
  const wardUser = Boolean(user && user.units.length > 0);
  const content = (
    <>
      <OfflineBanner />
      <AuditChainAlert />
      <AuditObserver />
      <LocalSealer />
      <OutboxRunner />
      {wardUser && <WardPanel />}
      {children}
      <AuditLogPanel />
    </>
  );
  return (
    <VaultGate>
      <StorageGate wardUser={wardUser}>
        <SessionLock>{content}</SessionLock>
      </StorageGate>
    </VaultGate>
  );
}
