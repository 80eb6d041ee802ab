import { describe, expect, it } from 'vitest';
import { nb } from '../i18n/nb';
import { createRosterClient } from './roster';
import { caught, fakeFetch, jsonResponse, operationOutcome } from './testFetch';

const unit = { id: 'solsiden-2', name: 'Solsiden sykehjem, avdeling 2', organisation: { name: 'Solsiden sykehjem', orgNr: '974123452' }, residentCount: 2 };
const residents = [
  { identityNumber: '23013106088', identityKind: 'FNR', givenName: 'Solveig', familyName: 'Johansen', birthDate: '1931-01-23', multidose: true },
  { identityNumber: '47068530187', identityKind: 'DNR', givenName: 'Tomasz', familyName: 'Nowak', birthDate: '1985-06-07', multidose: false },
];

const json = (status: number, body: unknown, type = 'application/json') => jsonResponse(status, body, type);
const outcome = operationOutcome;


describe('roster client', () => {
  it('gets the user\'s units with the token and maps them', async () => {
    const { f, calls } = fakeFetch(() => json(200, { units: [unit] }));
    const units = await createRosterClient('http://127.0.0.1:5174/', { fetch: f }).units('tok');
    expect(calls[0]!.url).toBe('http://127.0.0.1:5174/units');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer tok');
    expect(units).toEqual([{ unitId: 'solsiden-2', name: unit.name, residentCount: 2, organisation: unit.organisation }]);
  });

  it('gets a unit\'s residents (the id encoded in the path) and keeps the broker\'s order', async () => {
    const { f, calls } = fakeFetch(() => json(200, { unit, residents }));
    const got = await createRosterClient('http://x', { fetch: f }).residents('solsiden-2', null);
    expect(calls[0]!.url).toBe('http://x/units/solsiden-2/residents');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
    expect(got.unit.unitId).toBe('solsiden-2');
    expect(got.residents.map((r) => [r.identityNumber, r.kind, r.multidose])).toEqual([
      ['23013106088', 'FNR', true],
      ['47068530187', 'DNR', false],
    ]);
    await createRosterClient('http://x', { fetch: fakeFetch(() => json(200, { unit: { ...unit, id: 'a/b' }, residents: [] })).f }).residents('a/b', null);
  });

  it('refuses an answer it cannot trust: a bad identity number, a kind that does not fit, another unit, not JSON', async () => {
    const cases: [unknown, RegExp][] = [
      [{ unit, residents: [{ ...residents[0], identityNumber: '23013106089' }] }, /identitetsnummer/],
      [{ unit, residents: [{ ...residents[0], identityKind: 'DNR' }] }, /passer ikke/],
      [{ unit: { ...unit, id: 'annen' }, residents }, /annen/],
      [{ unit, residents: [{ ...residents[0], multidose: 'ja' }] }, /multidose/],
      [{ unit }, /residents/],
    ];
    for (const [body, detail] of cases) {
      const err = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => json(200, body)).f }).residents('solsiden-2', 't'));
      expect(err.info.kind).toBe('format');
      expect(err.info.message).toBe(nb.roster.format);
      expect(err.info.detail).toMatch(detail);
    }
    const notJson = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => new Response('<html>', { status: 200 })).f }).units('t'));
    expect(notJson.info.kind).toBe('format');
    const badUnits = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => json(200, { units: [{ id: 'x', name: 'X', residentCount: -1 }] })).f }).units('t'));
    expect(badUnits.info.detail).toMatch(/residentCount/);
  });

  it('a 403 or 404 says so in roster words, with the broker\'s Norwegian text as detail', async () => {
    const forbidden = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => json(403, outcome('forbidden', 'Du er ikke knyttet til avdelingen'), 'application/fhir+json')).f }).residents('solsiden-2', 't'));
    expect(forbidden.info).toEqual({ kind: 'unauthorized', message: nb.roster.forbidden, detail: 'Du er ikke knyttet til avdelingen', status: 403 });
    const missing = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => json(404, outcome('not-found', 'Avdelingen finnes ikke'))).f }).residents('x', 't'));
    expect(missing.info).toMatchObject({ kind: 'not-found', message: nb.roster.unknownUnit, status: 404 });
    const server = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => new Response('', { status: 500 })).f }).units('t'));
    expect(server.info).toEqual({ kind: 'server', message: nb.errors.server(500), status: 500 });
  });

  it('a network failure or a timeout is its own kind (the ward falls back to what is downloaded)', async () => {
    const down = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => { throw new TypeError('fetch failed'); }).f }).units('t'));
    expect(down.info).toEqual({ kind: 'network', message: nb.errors.network });
    const slow = await caught(createRosterClient('http://x', { fetch: fakeFetch(() => { throw new DOMException('timed out', 'TimeoutError'); }).f }).units('t'));
    expect(slow.info.kind).toBe('timeout');
  });
});
