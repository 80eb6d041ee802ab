// Recent patients are derived from the user's own audit log (every patient open is logged there,
// encrypted), so there is no second copy of who was opened to keep in step or to protect.
import type { AuditEntry } from '../audit/auditLog';

/** The identity numbers this user opened, most recent first, each once. */
export function recentPatientIds(entries: readonly AuditEntry[], userId: string, limit = 8): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const opens = entries.filter((e) => e.userId === userId && e.action === 'patient-open' && e.identityNumber);
  for (const e of [...opens].sort((a, b) => b.seq - a.seq)) {
    if (seen.has(e.identityNumber!)) continue;
    seen.add(e.identityNumber!);
    out.push(e.identityNumber!);
    if (out.length === limit) break;
  }
  return out;
}
