import { describe, expect, it } from 'vitest';
import { BrokerError } from '../../api/broker';
import { showcase } from '../reconcile/testSupport';
import { fetchPllHistory, HISTORY_ERROR } from './historyApi';
import { diffPll } from './pllHistory';

function fakeFetch(status: number, body: unknown, seen: { url?: string; headers?: Record<string, string> } = {}): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.url = String(input);
    seen.headers = init?.headers as Record<string, string>;
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('fetchPllHistory', () => {
  it('asks the broker for the patient with the token and returns the versions oldest first, ready to diff', async () => {
    const { read } = showcase();
    const changed = read.pll.map((e, i) => (i === 0 ? { ...e, dosage: { ...e.dosage, text: 'ny dosering' } } : e));
    const seen: { url?: string; headers?: Record<string, string> } = {};
    const body = {
      versions: [
        { messageId: 'm2', createdAt: '2026-11-02T10:00:00Z', author: { name: 'Kristin Berg', hpr: '9144897', organisation: 'Bakkehuset' }, entries: changed },
        { messageId: 'm1', createdAt: '2026-11-01T10:00:00Z', author: null, entries: read.pll },
      ],
    };
    const versions = await fetchPllHistory('http://broker/', read.patient.identityNumber, 'tok', { fetch: fakeFetch(200, body, seen) });
    expect(seen.url).toBe(`http://broker/fhir/Patient/pll-history?patient=${read.patient.identityNumber}`);
    expect(seen.headers?.authorization).toBe('Bearer tok');
    expect(versions.map((v) => v.messageId)).toEqual(['m1', 'm2']);
    expect(versions[0]!.author).toBeUndefined();
    expect(versions[1]!.author?.name).toBe('Kristin Berg');
    const diff = diffPll(versions[0]!.entries, versions[1]!.entries);
    expect(diff).toEqual([expect.objectContaining({ libId: read.pll[0]!.libId, change: 'changed' })]);
  });

  it('fails with a Norwegian message on 403, and never returns a partial list', async () => {
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Pasienten er ikke i din avdeling' }] };
    const err = await fetchPllHistory('http://broker', '47068530187', 'tok', { fetch: fakeFetch(403, oo) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerError);
    expect((err as BrokerError).info.message.startsWith(HISTORY_ERROR)).toBe(true);
    expect((err as BrokerError).info.status).toBe(403);
  });

  it('fails on a network error and on an answer without versions', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(fetchPllHistory('http://broker', '47068530187', null, { fetch: down })).rejects.toMatchObject({ info: { kind: 'network', message: HISTORY_ERROR } });
    await expect(fetchPllHistory('http://broker', '47068530187', null, { fetch: fakeFetch(200, { items: [] }) })).rejects.toMatchObject({ info: { kind: 'format' } });
    await expect(fetchPllHistory('http://broker', '47068530187', null, { fetch: fakeFetch(200, 'not json') })).rejects.toMatchObject({ info: { kind: 'format' } });
  });
});
