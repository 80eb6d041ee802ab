// HTTP client for the broker (mock RF/KJ behind an SFM Basis-shaped FHIR API). Every failure becomes
// a BrokerError carrying a Norwegian message a clinician can act on; nothing is swallowed.

import type { IdentityKind, MedicationRead } from '../../../shared/model';
import { readGetMedicationResponse } from '../../../shared/fhir/getMedication';
import { nb } from '../i18n/nb';
import { BrokerError, type BrokerErrorKind } from './errors';

export { BrokerError, toErrorInfo, type BrokerErrorInfo, type BrokerErrorKind } from './errors';

export const IDENTITY_SYSTEMS: Record<IdentityKind, string> = {
  FNR: 'urn:oid:2.16.578.1.12.4.1.4.1',
  DNR: 'urn:oid:2.16.578.1.12.4.1.4.2',
  HNR: 'urn:oid:2.16.578.1.12.4.1.4.3',
};

export interface PatientIdentity {
  value: string;
  kind: IdentityKind;
}

export interface BrokerClient {
  /** A bearer token for the user, or null when the broker has no token endpoint (404). */
  getToken(userId: string): Promise<string | null>;
  /** `options.emergencyReason` opens a patient outside the care relationship (X-Emergency-Access-Reason). */
  getMedication(identity: PatientIdentity, token: string | null, options?: { emergencyReason?: string }): Promise<MedicationRead>;
}

export interface BrokerClientOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  parse?: (json: unknown, source?: string) => MedicationRead;
}

export function getMedicationRequestBody(identity: PatientIdentity) {
  return {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'patient',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: IDENTITY_SYSTEMS[identity.kind], value: identity.value }],
        },
      },
    ],
  };
}

/** Text of an OperationOutcome's issues (diagnostics, else details.text), or undefined if not one. */
/** The broker's machine-readable issue details (issue.details.coding with this system). */
export const BROKER_ISSUE_SYSTEM = 'urn:samstem:broker:issue';

/** Codes of issue.details.coding in the broker's own system, e.g. 'emergency-access-required'. */
export function operationOutcomeDetailCodes(json: unknown): string[] {
  const issues = (json as { resourceType?: unknown; issue?: unknown } | null)?.issue;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((i: { details?: { coding?: { system?: unknown; code?: unknown }[] } }) =>
    (i?.details?.coding ?? []).filter((c) => c?.system === BROKER_ISSUE_SYSTEM && typeof c.code === 'string').map((c) => c.code as string),
  );
}

export function operationOutcomeText(json: unknown): { text: string; codes: string[] } | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const oo = json as { resourceType?: unknown; issue?: unknown };
  if (oo.resourceType !== 'OperationOutcome' || !Array.isArray(oo.issue)) return undefined;
  const texts: string[] = [];
  const codes: string[] = [];
  for (const issue of oo.issue as { diagnostics?: unknown; details?: { text?: unknown }; code?: unknown }[]) {
    if (typeof issue?.code === 'string') codes.push(issue.code);
    const text = typeof issue?.diagnostics === 'string' ? issue.diagnostics : typeof issue?.details?.text === 'string' ? issue.details.text : undefined;
    if (text && !texts.includes(text)) texts.push(text);
  }
  return { text: texts.join(' '), codes };
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Maps a non-2xx answer to a BrokerError with the service's own words as detail. */
export async function errorFromResponse(res: Response): Promise<BrokerError> {
  const json = await readJson(res);
  const oo = operationOutcomeText(json);
  const detail = oo?.text || undefined;
  const status = res.status;
  const codes = oo?.codes ?? [];
  let kind: BrokerErrorKind;
  let message: string;
  if (status === 401 || status === 403 || codes.includes('security') || codes.includes('login')) {
    kind = 'unauthorized';
    message = nb.errors.unauthorized;
  } else if (status === 404 || codes.includes('not-found')) {
    kind = 'not-found';
    message = nb.errors.notFound;
  } else if (status >= 400 && status < 500) {
    kind = 'rejected';
    message = nb.errors.rejected;
  } else {
    kind = 'server';
    message = nb.errors.server(status);
  }
  const emergencyAccessRequired = operationOutcomeDetailCodes(json).includes('emergency-access-required');
  return new BrokerError({ kind, message, status, ...(detail ? { detail } : {}), ...(emergencyAccessRequired ? { emergencyAccessRequired } : {}) });
}

function networkError(err: unknown): BrokerError {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new BrokerError({ kind: 'timeout', message: nb.errors.timeout });
  }
  return new BrokerError({ kind: 'network', message: nb.errors.network });
}

export function createBrokerClient(baseUrl: string, options: BrokerClientOptions = {}): BrokerClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 20_000;
  const parse = options.parse ?? readGetMedicationResponse;
  const base = baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    try {
      return await doFetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
    } catch (err) {
      throw networkError(err);
    }
  }

  return {
    async getToken(userId) {
      const res = await post('/auth/token', { userId }, { 'content-type': 'application/json', accept: 'application/json' });
      // The first broker versions have no token endpoint: proceed without a token rather than fail.
      if (res.status === 404) return null;
      if (!res.ok) {
        const err = await errorFromResponse(res);
        throw new BrokerError({ ...err.info, kind: 'auth', message: nb.errors.auth });
      }
      const json = (await readJson(res)) as { access_token?: unknown } | undefined;
      if (typeof json?.access_token !== 'string' || !json.access_token) {
        throw new BrokerError({ kind: 'auth', message: nb.errors.auth, detail: 'Svaret manglet access_token' });
      }
      return json.access_token;
    },

    async getMedication(identity, token, options) {
      const headers: Record<string, string> = {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
      };
      if (token) headers.authorization = `Bearer ${token}`;
      // Header values must be ISO-8859-1: the reason is sent percent-encoded, the broker decodes it.
      const reason = options?.emergencyReason?.trim();
      if (reason) headers['x-emergency-access-reason'] = encodeURIComponent(reason);
      const res = await post('/fhir/Patient/$getMedication', getMedicationRequestBody(identity), headers);
      if (!res.ok) throw await errorFromResponse(res);
      const json = await readJson(res);
      if (json === undefined) {
        throw new BrokerError({ kind: 'format', message: nb.errors.format, detail: 'Svaret var ikke gyldig JSON' });
      }
      let read: MedicationRead;
      try {
        read = parse(json, `${base}/fhir/Patient/$getMedication`);
      } catch (err) {
        throw new BrokerError({ kind: 'format', message: nb.errors.format, detail: err instanceof Error ? err.message : String(err) });
      }
      if (read.patient.identityNumber !== identity.value) {
        throw new BrokerError({ kind: 'wrong-patient', message: nb.errors.wrongPatient });
      }
      return read;
    },
  };
}
