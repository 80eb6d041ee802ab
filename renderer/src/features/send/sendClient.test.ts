import { describe, expect, it } from 'vitest';
import { writeOperationOutcome, writeSendMedicationResponse } from '../../../../shared/fhir/sendMedication';
import { BrokerError } from '../../api/errors';
import { createSendClient, SendConflict } from './sendClient';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/fhir+json' } });

describe('the $sendMedication client', () => {
  it('posts with the Idempotency-Key and bearer token and reads the result', async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const client = createSendClient('http://b/', async (url, init) => {
      seen.push({ url: String(url), headers: init?.headers as Record<string, string> });
      return json(200, writeSendMedicationResponse({ prescriptionCount: 1, recallCount: 0, operations: [{ reseptId: 'r1', resultCode: '0' }] }));
    });
    const r = await client.send({ resourceType: 'Parameters' }, 'key-1', 'tok');
    expect(r.operations).toEqual([{ reseptId: 'r1', resultCode: '0' }]);
    expect(seen[0]!.url).toBe('http://b/fhir/Patient/$sendMedication');
    expect(seen[0]!.headers['idempotency-key']).toBe('key-1');
    expect(seen[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('turns a 409 into a conflict carrying the service text', async () => {
    const client = createSendClient('http://b', async () => json(409, writeOperationOutcome([{ severity: 'error', code: 'conflict', diagnostics: 'Listen er endret.' }])));
    const err = await client.send({}, 'k', null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendConflict);
    expect((err as SendConflict).detail).toBe('Listen er endret.');
  });

  it('a failed connection is a network error (the answer may be lost), a 422 a refusal', async () => {
    const down = createSendClient('http://b', async () => {
      throw new TypeError('fetch failed');
    });
    const e1 = await down.send({}, 'k', null).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(BrokerError);
    expect((e1 as BrokerError).info.kind).toBe('network');
    const refused = createSendClient('http://b', async () => json(422, writeOperationOutcome([{ severity: 'error', code: 'business-rule', diagnostics: 'LibId står to ganger i PLL.' }])));
    const e2 = (await refused.send({}, 'k', null).catch((e: unknown) => e)) as BrokerError;
    expect(e2.info).toMatchObject({ kind: 'rejected', detail: 'LibId står to ganger i PLL.' });
  });
});
