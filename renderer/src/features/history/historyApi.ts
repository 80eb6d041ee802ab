// Loads a patient's stored PLL versions from the broker: GET {base}/fhir/Patient/pll-history?patient=…
// (see broker/README.md). No fallback: a failure is a BrokerError with a Norwegian message, never a
// silently shorter list.
import type { IsoDateTime, PllEntry } from '../../../../shared/model';
import { BrokerError, errorFromResponse } from '../../api/broker';

export interface PllVersion {
  messageId: string;
  createdAt: IsoDateTime;
  author?: { name: string; hpr: string; organisation: string };
  entries: PllEntry[];
}

export const HISTORY_ERROR = 'Historikken for PLL kunne ikke hentes fra Reseptformidleren. Listen over tidligere versjoner vises derfor ikke.';

function isVersion(v: unknown): v is { messageId: string; createdAt: string; author: PllVersion['author'] | null; entries: PllEntry[] } {
  const o = v as Record<string, unknown> | null;
  return !!o && typeof o.messageId === 'string' && typeof o.createdAt === 'string' && Array.isArray(o.entries);
}

/** The patient's PLL versions, OLDEST first (ready for diffing one against the next). */
export async function fetchPllHistory(
  baseUrl: string,
  identityNumber: string,
  token: string | null,
  opts: { fetch?: typeof fetch; emergencyReason?: string; timeoutMs?: number } = {},
): Promise<PllVersion[]> {
  const doFetch = opts.fetch ?? ((i, init) => globalThis.fetch(i, init));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const reason = opts.emergencyReason?.trim();
  if (reason) headers['x-emergency-access-reason'] = encodeURIComponent(reason);
  let res: Response;
  try {
    res = await doFetch(`${baseUrl.replace(/\/+$/, '')}/fhir/Patient/pll-history?patient=${encodeURIComponent(identityNumber)}`, {
      headers,
      cache: 'no-store',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch (err) {
    throw new BrokerError({ kind: 'network', message: HISTORY_ERROR, detail: err instanceof Error ? err.message : String(err) });
  }
  if (!res.ok) {
    const e = await errorFromResponse(res);
    throw new BrokerError({ ...e.info, message: `${HISTORY_ERROR} ${e.info.message}` });
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new BrokerError({ kind: 'format', message: HISTORY_ERROR, detail: 'Svaret var ikke gyldig JSON' });
  }
  const versions = (json as { versions?: unknown } | null)?.versions;
  if (!Array.isArray(versions) || !versions.every(isVersion)) {
    throw new BrokerError({ kind: 'format', message: HISTORY_ERROR, detail: 'Svaret hadde ikke feltet versions med messageId, createdAt og entries' });
  }
  return versions
    .map((v) => ({ messageId: v.messageId, createdAt: v.createdAt, entries: v.entries, ...(v.author ? { author: v.author } : {}) }))
    .reverse(); // the broker answers newest first (its storage order, not the clock)
}
