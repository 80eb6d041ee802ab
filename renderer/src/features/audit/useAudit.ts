// Logging from components: the signed-in user and role are filled in here.
import { useCallback } from 'react';
import { useAppSelector } from '../../app/hooks';
import { selectUserId } from '../session/sessionSlice';
import { findUser } from '../session/users';
import { useVault } from '../offline/vault';
import { appendAudit, type AuditAction } from './auditLog';

export function useAudit(): (action: AuditAction, identityNumber?: string, reason?: string) => Promise<void> {
  const { db, keys } = useVault();
  const userId = useAppSelector(selectUserId);
  return useCallback(
    async (action, identityNumber, reason) => {
      const user = findUser(userId);
      if (!user) return;
      await appendAudit(db, keys, { userId: user.id, role: user.role, action, ...(identityNumber ? { identityNumber } : {}), ...(reason ? { reason } : {}) });
    },
    [db, keys, userId],
  );
}
