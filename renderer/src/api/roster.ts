// The nursing-home roster from the broker (issue 7): GET /units (the signed-in user's units) and
// GET /units/:unitId/residents. Plain JSON, checked here at the edge; every failure is a
// BrokerError with a Norwegian message, the broker's own words (OperationOutcome) as its detail.

import { parseIdentityNumber } from '../../../shared/identity';
import type { IdentityKind } from '../../../shared/model';
import { BrokerError, errorFromResponse } from './broker';
import { nb } from '../i18n/nb';

export interface RosterUnit {
  unitId: string;
  name: string;
  residentCount: number;
  organisation?: { name: string; orgNr: string };
}

export interface RosterResident {
  identityNumber: string;
  kind: IdentityKind;
  givenName: string;
  familyName: string;
  birthDate: string;
  multidose: boolean;
}

export interface UnitResidents {
  unit: RosterUnit;
  residents: RosterResident[];
}

export interface RosterClient {
  /** The units the token's user works in. */
  units(token: string | null): Promise<RosterUnit[]>;
  /** Who lives in the unit, in the broker's order (family name, given name). */
  residents(unitId: string, token: string | null): Promise<UnitResidents>;
}

export interface RosterClientOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const KINDS: readonly IdentityKind[] = ['FNR', 'DNR', 'HNR'];

class Shape extends Error {}
const str = (o: Record<string, unknown>, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new Shape(`${k} mangler eller er ikke tekst`);
  return v;
};
const obj = (v: unknown, what: string): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Shape(`${what} er ikke et objekt`);
  return v as Record<string, unknown>;
};

function readUnit(v: unknown): RosterUnit {
  const o = obj(v, 'unit');
  const count = o.residentCount;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new Shape('residentCount er ikke et heltall');
  const unit: RosterUnit = { unitId: str(o, 'id'), name: str(o, 'name'), residentCount: count };
  if (o.organisation !== undefined) {
    const org = obj(o.organisation, 'organisation');
    unit.organisation = { name: str(org, 'name'), orgNr: str(org, 'orgNr') };
  }
  return unit;
}

function readResident(v: unknown): RosterResident {
  const o = obj(v, 'resident');
  const identityNumber = str(o, 'identityNumber');
  const kind = str(o, 'identityKind') as IdentityKind;
  if (!KINDS.includes(kind)) throw new Shape(`ukjent identityKind ${kind}`);
  const parsed = parseIdentityNumber(identityNumber);
  if (!parsed.ok) throw new Shape(`ugyldig identitetsnummer: ${parsed.message}`);
  if (parsed.kind !== kind) throw new Shape(`identityKind ${kind} passer ikke til nummeret`);
  if (typeof o.multidose !== 'boolean') throw new Shape('multidose er ikke sann/usann');
  return { identityNumber: parsed.value, kind, givenName: str(o, 'givenName'), familyName: str(o, 'familyName'), birthDate: str(o, 'birthDate'), multidose: o.multidose };
}

/** The body of GET /units, checked. Throws on anything else. */
export function readUnitsResponse(json: unknown): RosterUnit[] {
  const units = obj(json, 'svaret').units;
  if (!Array.isArray(units)) throw new Shape('units er ikke en liste');
  return units.map(readUnit);
}

/** The body of GET /units/:unitId/residents, checked. Throws on anything else. */
export function readResidentsResponse(json: unknown, unitId: string): UnitResidents {
  const o = obj(json, 'svaret');
  const unit = readUnit(o.unit);
  if (unit.unitId !== unitId) throw new Shape(`svaret gjelder avdeling ${unit.unitId}, ikke ${unitId}`);
  if (!Array.isArray(o.residents)) throw new Shape('residents er ikke en liste');
  return { unit, residents: o.residents.map(readResident) };
}

export function createRosterClient(baseUrl: string, options: RosterClientOptions = {}): RosterClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 20_000;
  const base = baseUrl.replace(/\/+$/, '');

  async function get<T>(path: string, token: string | null, read: (json: unknown) => T): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      throw name === 'TimeoutError' || name === 'AbortError' ? new BrokerError({ kind: 'timeout', message: nb.errors.timeout }) : new BrokerError({ kind: 'network', message: nb.errors.network });
    }
    if (!res.ok) {
      const err = await errorFromResponse(res);
      const message = err.info.kind === 'unauthorized' ? nb.roster.forbidden : err.info.kind === 'not-found' ? nb.roster.unknownUnit : err.info.message;
      throw new BrokerError({ ...err.info, message });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new BrokerError({ kind: 'format', message: nb.roster.format, detail: 'Svaret var ikke gyldig JSON' });
    }
    try {
      return read(json);
    } catch (err) {
      throw new BrokerError({ kind: 'format', message: nb.roster.format, detail: err instanceof Error ? err.message : String(err) });
    }
  }

  return {
    units: (token) => get('/units', token, readUnitsResponse),
    residents: (unitId, token) => get(`/units/${encodeURIComponent(unitId)}/residents`, token, (json) => readResidentsResponse(json, unitId)),
  };
}
