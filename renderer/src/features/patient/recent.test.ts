import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/auditLog';
import { recentPatientIds } from './recent';

const entry = (seq: number, userId: string, action: string, identityNumber?: string): AuditEntry => ({
  seq,
  at: new Date(Date.UTC(2026, 10, 26, 8, seq)).toISOString(),
  userId,
  role: 'gp',
  action,
  ...(identityNumber ? { identityNumber } : {}),
});

describe('recent patients', () => {
  it("lists the user's own opens, newest first, each patient once", () => {
    const log = [
      entry(1, 'gp-kristin', 'patient-open', 'A'),
      entry(2, 'gp-kristin', 'patient-open', 'B'),
      entry(3, 'nurse-sigrid', 'patient-open', 'C'),
      entry(4, 'gp-kristin', 'send', 'D'),
      entry(5, 'gp-kristin', 'patient-open', 'A'),
      entry(6, 'gp-kristin', 'lock'),
    ];
    expect(recentPatientIds(log, 'gp-kristin')).toEqual(['A', 'B']);
    expect(recentPatientIds(log, 'nurse-sigrid')).toEqual(['C']);
    expect(recentPatientIds(log, 'ooh-anders')).toEqual([]);
  });

  it('keeps at most the limit', () => {
    const log = Array.from({ length: 20 }, (_, i) => entry(i + 1, 'u', 'patient-open', `P${i}`));
    expect(recentPatientIds(log, 'u', 3)).toEqual(['P19', 'P18', 'P17']);
  });
});
