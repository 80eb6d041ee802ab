// The access token for opening patients, kept for the signed-in user while it is valid: opening a
// patient then costs one round trip to the broker, not two (token, then $getMedication). A token
// is reused only until a minute before its own expiry (`exp`); one the broker refuses is dropped
// and the open is tried once more with a fresh token (see openPatient). Forgotten on sign-out.

/** Reuse stops this long before the token's expiry, so a request never races the deadline. */
export const TOKEN_MARGIN_MS = 60_000;

interface Entry {
  userId: string;
  token: Promise<string | null>;
  /** Epoch ms after which the token is not reused; 0 until the token is known. */
  until: number;
  /** The token once known (for peek). */
  value?: string | null;
}

/** Seconds-since-epoch `exp` of a JWT, or undefined when the token is not a readable JWT. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

export interface TokenCache {
  /** The kept token when it is known and still valid, at once (no await); undefined otherwise. */
  peek(userId: string): string | undefined;
  /** The user's token: the kept one while valid, else a fresh one from `fetchToken`. `fresh` says which. */
  get(userId: string, fetchToken: () => Promise<string | null>): Promise<{ token: string | null; fresh: boolean }>;
  /** Drops the kept token (all users when no id is given). */
  forget(userId?: string): void;
}

export function createTokenCache(now: () => number = Date.now): TokenCache {
  let entry: Entry | null = null;
  return {
    peek(userId) {
      const kept = entry;
      if (!kept || kept.userId !== userId || kept.until === 0 || now() >= kept.until || typeof kept.value !== 'string') return undefined;
      return kept.value;
    },
    async get(userId, fetchToken) {
      const kept = entry;
      if (kept && kept.userId === userId && (kept.until === 0 || now() < kept.until)) {
        try {
          const token = await kept.token;
          // A token without a readable expiry (or no token at all) is never reused (until stays 0 only while in flight).
          if (entry === kept && kept.until > 0 && now() < kept.until) return { token, fresh: false };
        } catch {
          // the shared fetch failed: fall through to a fresh one
        }
      }
      const mine: Entry = { userId, token: fetchToken(), until: 0 };
      entry = mine;
      try {
        const token = await mine.token;
        const exp = token ? tokenExpiry(token) : undefined;
        if (entry === mine) {
          if (exp === undefined) entry = null;
          else {
            mine.value = token;
            mine.until = exp * 1000 - TOKEN_MARGIN_MS;
          }
        }
        return { token, fresh: true };
      } catch (err) {
        if (entry === mine) entry = null;
        throw err;
      }
    },
    forget(userId) {
      if (!userId || entry?.userId === userId) entry = null;
    },
  };
}

/** The app's one cache for the patient read (the thunk's and the warm-up's). */
export const patientTokens = createTokenCache();
