// Who is asking and why: the request context routes put in the audit log.
import type { FastifyRequest } from 'fastify';
import type { TestUser } from './auth';
import type { AuditEvent } from './db';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated test user (undefined when auth is off). */
    user?: TestUser;
  }
}

/** The audit fields that say who did it. */
export function who(user: TestUser | undefined): Pick<AuditEvent, 'userId' | 'userName' | 'userHpr' | 'role' | 'organisation'> {
  return user ? { userId: user.id, userName: user.name, userHpr: user.hpr, role: user.role, organisation: `${user.organisation.name} (${user.organisation.orgNr})` } : {};
}

/** Why the user looks (tjenstlig behov / the emergency reason): header X-Request-Reason, URI-encoded. */
export function requestReason(req: FastifyRequest): string | undefined {
  const h = req.headers['x-request-reason'];
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  try {
    return decodeURIComponent(v).slice(0, 500);
  } catch {
    return v.slice(0, 500);
  }
}

