import { describe, expect, it } from 'vitest';
import { buildDemoFixtures } from '../../../../fixtures/demo';
import { BrokerError, createBrokerClient } from '../../api/broker';

const emergencyRefusal = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Pasienten er ikke på din liste eller i din avdeling. Oppslag krever akuttilgang med begrunnelse.', details: { coding: [{ system: 'urn:samstem:broker:issue', code: 'emergency-access-required' }] } }],
};

describe('emergency access through the broker client', () => {
  it('recognises the refusal that emergency access can lift, and no other', async () => {
    const reply = (body: unknown, status = 403) => async () => new Response(JSON.stringify(body), { status });
    const client = createBrokerClient('http://b', { fetch: reply(emergencyRefusal) });
    const err = await client.getMedication({ value: '14034827061', kind: 'FNR' }, 't').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerError);
    expect((err as BrokerError).info).toMatchObject({ kind: 'unauthorized', status: 403, emergencyAccessRequired: true });

    const pharmacist = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Farmasøyter har ikke tilgang' }] };
    const other = await createBrokerClient('http://b', { fetch: reply(pharmacist) }).getMedication({ value: '14034827061', kind: 'FNR' }, 't').catch((e: unknown) => e);
    expect((other as BrokerError).info.emergencyAccessRequired).toBeUndefined();
  });

  it('sends the reason percent-encoded in X-Emergency-Access-Reason, only when given', async () => {
    const d = buildDemoFixtures(new Date('2026-11-26T09:00:00Z')).patients[0]!;
    const at = new Date('2026-11-26T09:00:00Z');
    const read = { readId: 'r', patient: d.patient, prescriptions: d.prescriptions, pll: d.pll, dispensings: d.dispensings, criticalInfo: d.criticalInfo, rfFetchedAt: at.toISOString(), kjFetchedAt: at.toISOString(), errors: [] };
    const seen: Headers[] = [];
    const client = createBrokerClient('http://b', {
      fetch: async (_url, init) => {
        seen.push(new Headers(init?.headers));
        return new Response('{"resourceType":"Parameters"}', { status: 200 });
      },
      parse: () => read,
    });
    const identity = { value: d.patient.identityNumber, kind: d.patient.identityKind };
    await client.getMedication(identity, 't', { emergencyReason: '  Bevisstløs pasient på legevakt, «akutt»  ' });
    await client.getMedication(identity, 't');
    await client.getMedication(identity, 't', { emergencyReason: '   ' });
    expect(decodeURIComponent(seen[0]!.get('x-emergency-access-reason')!)).toBe('Bevisstløs pasient på legevakt, «akutt»');
    expect(seen[0]!.get('x-emergency-access-reason')).toMatch(/^[\x20-\x7e]+$/);
    expect(seen[1]!.has('x-emergency-access-reason')).toBe(false);
    expect(seen[2]!.has('x-emergency-access-reason')).toBe(false);
  });
});
