// The nursing-home roster (issue 7): which units the signed-in user works in, and who lives there.
// A real install gets this from the nursing home's own system; the mock broker answers from what it
// seeded: unit names in `units` (migration 006), residents = patients whose `units` name the unit.
//
//   GET /units                    the user's units with name, organisation and resident count
//   GET /units/:unitId/residents  the residents of one unit (identity number, kind, name, birth
//                                 date, multidose), only for users of that unit (403), 404 when
//                                 no such unit exists
//
// Bearer token as on the FHIR routes (with auth 'off' every unit is listed and open). Every call
// is audited; a resident listing writes one 'roster' row per resident listed (the patient can see
// who saw their name in a roster) and one row for the call itself, each naming the unit.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdentityKind, Patient } from '../shared/model';
import { authenticate, signingKey, type TestUser } from './auth';
import { insertAudit, stmt, type Db } from './db';
import { problem } from './outcome';
import { requestReason, who } from './request';

export interface RosterUnit {
  id: string;
  name: string;
  organisation?: { name: string; orgNr: string };
  residentCount: number;
}

export interface RosterResident {
  identityNumber: string;
  identityKind: IdentityKind;
  givenName: string;
  familyName: string;
  birthDate: string;
  multidose: boolean;
}

export interface UnitsResponse {
  units: RosterUnit[];
}

export interface UnitResidentsResponse {
  unit: RosterUnit;
  residents: RosterResident[];
}

const UNIT_ID = /^[\w.-]{1,100}$/;

/** The patients whose `units` name the unit, sorted as a nurse reads a list: family, given name. */
export function unitResidents(db: Db, unitId: string): Patient[] {
  const rows = stmt(db, "SELECT data FROM patients WHERE EXISTS (SELECT 1 FROM json_each(patients.data, '$.units') WHERE json_each.value = ?)").pluck().all(unitId) as string[];
  return rows
    .map((d) => JSON.parse(d) as Patient)
    .sort((a, b) => a.familyName.localeCompare(b.familyName, 'nb') || a.givenName.localeCompare(b.givenName, 'nb') || a.identityNumber.localeCompare(b.identityNumber));
}

function residentCount(db: Db, unitId: string): number {
  return stmt(db, "SELECT count(*) FROM patients WHERE EXISTS (SELECT 1 FROM json_each(patients.data, '$.units') WHERE json_each.value = ?)").pluck().get(unitId) as number;
}

/** The unit as the roster names it, or undefined when neither the units table nor any patient knows it. */
export function rosterUnit(db: Db, unitId: string): RosterUnit | undefined {
  const row = stmt(db, 'SELECT name, org_name, org_nr FROM units WHERE unit_id = ?').get(unitId) as { name: string; org_name: string | null; org_nr: string | null } | undefined;
  const count = residentCount(db, unitId);
  if (!row && count === 0) return undefined;
  return {
    id: unitId,
    // A database seeded before migration 006 knows the unit only by its id.
    name: row?.name ?? unitId,
    ...(row?.org_name && row.org_nr ? { organisation: { name: row.org_name, orgNr: row.org_nr } } : {}),
    residentCount: count,
  };
}

/** Every unit the store knows (auth off: nobody to filter by). */
function allUnitIds(db: Db): string[] {
  const named = stmt(db, 'SELECT unit_id FROM units').pluck().all() as string[];
  const lived = stmt(db, "SELECT DISTINCT json_each.value FROM patients, json_each(patients.data, '$.units')").pluck().all() as string[];
  return [...new Set([...named, ...lived])].sort();
}

function toResident(p: Patient): RosterResident {
  return { identityNumber: p.identityNumber, identityKind: p.identityKind, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, multidose: Boolean(p.multidose) };
}

/** Registers the roster routes. `authRequired` as the broker's `auth` option ('required' → true). */
export async function registerRoster(app: FastifyInstance, db: Db, now: () => Date, authRequired = true): Promise<void> {
  const key = await signingKey(db);
  const userOf = async (req: FastifyRequest): Promise<TestUser | undefined> => {
    if (!authRequired) return undefined;
    req.user = await authenticate(key, req.headers.authorization, now());
    return req.user;
  };
  const json = 'application/json; charset=utf-8';

  app.get('/units', async (req, reply) => {
    const user = await userOf(req);
    const ids = user ? user.units : allUnitIds(db);
    const units = ids.map((id) => rosterUnit(db, id) ?? { id, name: id, residentCount: 0 });
    const reason = requestReason(req);
    insertAudit(db, { at: now().toISOString(), action: 'roster:units', ...who(user), ...(reason ? { reason } : {}), outcome: 'ok', detail: `units: ${ids.join(', ') || '(none)'}` });
    const body: UnitsResponse = { units };
    return reply.header('cache-control', 'no-store').type(json).send(body);
  });

  app.get('/units/:unitId/residents', async (req, reply) => {
    const user = await userOf(req);
    const { unitId } = req.params as { unitId: string };
    const reason = requestReason(req);
    const audit = { at: now().toISOString(), action: 'roster', ...who(user), ...(reason ? { reason } : {}) };
    if (!UNIT_ID.test(unitId)) {
      insertAudit(db, { ...audit, outcome: '400', detail: 'invalid unit id' });
      throw problem(400, 'value', 'Ugyldig avdelings-id. Bruk id-en fra avdelingslisten (GET /units).', 'Invalid unit id: use an id from GET /units.', 'unitId');
    }
    const unit = rosterUnit(db, unitId);
    if (!unit) {
      insertAudit(db, { ...audit, outcome: 'not-found', detail: `unit ${unitId}` });
      throw problem(404, 'not-found', `Avdelingen «${unitId}» finnes ikke i testmegleren. Velg en avdeling fra avdelingslisten.`, `No unit ${unitId} in the mock broker.`, 'unitId');
    }
    if (user && !user.units.includes(unitId)) {
      insertAudit(db, { ...audit, outcome: '403', detail: `unit ${unitId}: the user does not work in this unit` });
      throw problem(403, 'forbidden', `Du er ikke knyttet til ${unit.name}. Beboerlisten vises bare for ansatte i avdelingen; be lederen din om tilgang.`, `User ${user.id} is not a member of unit ${unitId}.`);
    }
    const residents = unitResidents(db, unitId).map(toResident);
    db.transaction(() => {
      for (const r of residents) insertAudit(db, { ...audit, patient: r.identityNumber, outcome: 'ok', detail: `unit ${unitId}` });
      insertAudit(db, { ...audit, outcome: 'ok', detail: `unit ${unitId}: ${residents.length} residents listed` });
    })();
    req.log.info({ unitId, residents: residents.length }, 'roster answered');
    const body: UnitResidentsResponse = { unit, residents };
    return reply.header('cache-control', 'no-store').type(json).send(body);
  });
}
