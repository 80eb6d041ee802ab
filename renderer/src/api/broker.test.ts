import { describe, expect, it } from 'vitest';
import type { MedicationRead } from '../../../shared/model';
import { nb } from '../i18n/nb';
import { createBrokerClient, getMedicationRequestBody } from './broker';
import { caught, fakeFetch, jsonResponse, operationOutcome } from './testFetch';

const FNR = '15069396949';

const minimalRead = (identityNumber: string): MedicationRead => ({
  readId: 'r1',
  patient: { identityNumber, identityKind: 'FNR', givenName: 'Kari', familyName: 'Nordmann', birthDate: '1993-06-15', sex: 'female' },
  prescriptions: [],
  pll: [],
  dispensings: [],
  criticalInfo: [],
  errors: [],
});



const json = (status: number, body: unknown, type = 'application/fhir+json') => jsonResponse(status, body, type);

const outcome = operationOutcome;


describe('broker client', () => {
  it('posts the SFM-shaped Parameters with the identifier system of the number kind and the token', async () => {
    const { f, calls } = fakeFetch(() => json(200, { resourceType: 'Bundle' }));
    const client = createBrokerClient('http://127.0.0.1:5174/', { fetch: f, parse: () => minimalRead(FNR) });
    await client.getMedication({ value: FNR, kind: 'FNR' }, 'tok-1');
    expect(calls[0]!.url).toBe('http://127.0.0.1:5174/fhir/Patient/$getMedication');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/fhir+json');
    expect(headers.authorization).toBe('Bearer tok-1');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(getMedicationRequestBody({ value: FNR, kind: 'FNR' }));
    expect(getMedicationRequestBody({ value: '55069300000', kind: 'DNR' }).parameter[0]!.resource.identifier[0]!.system).toBe('urn:oid:2.16.578.1.12.4.1.4.2');
    expect(getMedicationRequestBody({ value: FNR, kind: 'HNR' }).parameter[0]!.resource.identifier[0]!.system).toBe('urn:oid:2.16.578.1.12.4.1.4.3');
  });

  it('sends no authorization header when there is no token', async () => {
    const { f, calls } = fakeFetch(() => json(200, {}));
    await createBrokerClient('http://x', { fetch: f, parse: () => minimalRead(FNR) }).getMedication({ value: FNR, kind: 'FNR' }, null);
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('gets a token, and proceeds without one when the broker has no token endpoint', async () => {
    const withToken = fakeFetch(() => json(200, { access_token: 'abc', expires_in: 300 }, 'application/json'));
    expect(await createBrokerClient('http://x', { fetch: withToken.f }).getToken('gp-kristin')).toBe('abc');
    expect(JSON.parse(String(withToken.calls[0]!.init.body))).toEqual({ userId: 'gp-kristin' });
    const without = fakeFetch(() => new Response('not found', { status: 404 }));
    expect(await createBrokerClient('http://x', { fetch: without.f }).getToken('gp-kristin')).toBeNull();
  });

  it('a refused login is an error, not a silent anonymous request', async () => {
    const { f } = fakeFetch(() => json(400, outcome('invalid', 'Ukjent bruker'), 'application/json'));
    const err = await caught(createBrokerClient('http://x', { fetch: f }).getToken('nobody'));
    expect(err.info).toMatchObject({ kind: 'auth', message: nb.errors.auth, detail: 'Ukjent bruker' });
  });

  it('shows OperationOutcome diagnostics under a Norwegian message', async () => {
    const cases: [number, string, string, string][] = [
      [404, 'not-found', 'Pasienten finnes ikke', nb.errors.notFound],
      [400, 'invalid', 'Parameter patient mangler', nb.errors.rejected],
      [401, 'login', 'Token utløpt', nb.errors.unauthorized],
      [403, 'forbidden', 'Mangler tjenstlig behov', nb.errors.unauthorized],
      [503, 'transient', 'KJ nede', nb.errors.server(503)],
    ];
    for (const [status, code, diagnostics, message] of cases) {
      const { f } = fakeFetch(() => json(status, outcome(code, diagnostics)));
      const err = await caught(createBrokerClient('http://x', { fetch: f, parse: () => minimalRead(FNR) }).getMedication({ value: FNR, kind: 'FNR' }, null));
      expect(err.info).toEqual({ kind: expect.any(String), message, detail: diagnostics, status });
    }
  });

  it('a 500 without a body still says what to do', async () => {
    const { f } = fakeFetch(() => new Response('', { status: 500 }));
    const err = await caught(createBrokerClient('http://x', { fetch: f }).getMedication({ value: FNR, kind: 'FNR' }, null));
    expect(err.info).toEqual({ kind: 'server', message: nb.errors.server(500), status: 500 });
    expect(err.info.message).toMatch(/Prøv igjen/);
  });

  it('maps a network failure to "Får ikke kontakt med Reseptformidleren … Prøv igjen"', async () => {
    const { f } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const err = await caught(createBrokerClient('http://x', { fetch: f }).getMedication({ value: FNR, kind: 'FNR' }, null));
    expect(err.info.kind).toBe('network');
    expect(err.info.message).toMatch(/^Får ikke kontakt med Reseptformidleren\..*Prøv igjen/);
  });

  it('maps a timeout to its own message', async () => {
    const { f } = fakeFetch(() => {
      throw new DOMException('timed out', 'TimeoutError');
    });
    const err = await caught(createBrokerClient('http://x', { fetch: f }).getToken('u'));
    expect(err.info).toEqual({ kind: 'timeout', message: nb.errors.timeout });
  });

  it('an unreadable answer is a format error carrying the parser message', async () => {
    const notJson = fakeFetch(() => new Response('<html>', { status: 200 }));
    expect((await caught(createBrokerClient('http://x', { fetch: notJson.f }).getMedication({ value: FNR, kind: 'FNR' }, null))).info.kind).toBe('format');
    const bad = fakeFetch(() => json(200, { resourceType: 'Bundle' }));
    const err = await caught(
      createBrokerClient('http://x', {
        fetch: bad.f,
        parse: () => {
          throw new Error('Bundle.entry mangler Composition');
        },
      }).getMedication({ value: FNR, kind: 'FNR' }, null),
    );
    expect(err.info).toEqual({ kind: 'format', message: nb.errors.format, detail: 'Bundle.entry mangler Composition' });
  });

  it('rejects an answer about another patient', async () => {
    const { f } = fakeFetch(() => json(200, {}));
    const err = await caught(createBrokerClient('http://x', { fetch: f, parse: () => minimalRead('05058000061') }).getMedication({ value: FNR, kind: 'FNR' }, null));
    expect(err.info.kind).toBe('wrong-patient');
  });
});
