// Helpers for the broker's tests (and e2e set-ups): a throw-away database folder and FHIR calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIdentityNumber } from '../shared/identity';

export function tempDbFile(): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'samstem-broker-'));
  return { file: join(dir, 'broker.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const SYSTEM_OF = { FNR: 'urn:oid:2.16.578.1.12.4.1.4.1', DNR: 'urn:oid:2.16.578.1.12.4.1.4.2', HNR: 'urn:oid:2.16.578.1.12.4.1.4.3' } as const;

/** A $getMedication Parameters for the number, with the identifier system of its kind (FNR when invalid). */
export function getMedicationBody(identityNumber: string, system?: string) {
  if (!system) {
    const p = parseIdentityNumber(identityNumber);
    system = SYSTEM_OF[p.ok ? p.kind : 'FNR'];
  }
  return {
    resourceType: 'Parameters',
    parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ use: 'official', system, value: identityNumber }] } }],
  };
}

let getMedicationCheck: ((json: unknown) => void) | undefined;
/**
 * From now on every 200 answer of $getMedication that postFhir receives is passed to `check`
 * (tests register FHIR R4 validation through ./testing-fhir; a throw fails the request's test).
 */
export function checkEveryGetMedicationAnswer(check: (json: unknown) => void): void {
  getMedicationCheck = check;
}

export async function postFhir(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; json: unknown; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (getMedicationCheck && r.status === 200 && json !== undefined && new URL(url).pathname.endsWith('/$getMedication')) getMedicationCheck(json);
  return { status: r.status, contentType: r.headers.get('content-type') ?? '', json, text };
}

/** A bearer token for a test user from the broker's mock HelseID. */
export async function tokenFor(url: string, userId = 'gp-kristin'): Promise<string> {
  const r = await fetch(`${url}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!r.ok) throw new Error(`token for ${userId}: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

export async function authHeader(url: string, userId = 'gp-kristin'): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(url, userId)}` };
}
