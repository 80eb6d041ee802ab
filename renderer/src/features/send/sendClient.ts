// POST /fhir/Patient/$sendMedication with an Idempotency-Key. The body is built once (when the
// user confirms) and kept, so a retry after a lost answer sends the very same bytes and key.
import { readOperationOutcome, readSendMedicationResponse, type SendResult } from '../../../../shared/fhir/sendMedication';
import { BrokerError } from '../../api/errors';
import { nb } from '../../i18n/nb';

export interface SendClient {
  send(body: unknown, idempotencyKey: string, token: string | null): Promise<SendResult>;
}

/** A 409 from the broker: RF changed since the read, or the read is too old. */
export class SendConflict extends Error {
  override name = 'SendConflict';
  constructor(public readonly detail: string) {
    super(detail);
  }
}

export function createSendClient(baseUrl: string, fetchImpl: typeof fetch = (i, init) => globalThis.fetch(i, init), timeoutMs = 20_000): SendClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async send(body, idempotencyKey, token) {
      const headers: Record<string, string> = {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        'idempotency-key': idempotencyKey,
      };
      if (token) headers.authorization = `Bearer ${token}`;
      let res: Response;
      try {
        res = await fetchImpl(`${base}/fhir/Patient/$sendMedication`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
      } catch (err) {
        const name = (err as { name?: string } | null)?.name;
        throw new BrokerError(name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout', message: nb.errors.timeout } : { kind: 'network', message: nb.errors.network });
      }
      if (res.status === 409) {
        let detail = '';
        try {
          detail = readOperationOutcome(await res.json())
            .map((i) => i.diagnostics)
            .join(' ');
        } catch {
          /* a 409 without an OperationOutcome is still a conflict */
        }
        throw new SendConflict(detail);
      }
      if (!res.ok) throw await (await import('../../api/broker')).errorFromResponse(res);
      let json: unknown;
      try {
        json = await res.json();
        return readSendMedicationResponse(json, '$sendMedication');
      } catch (err) {
        throw new BrokerError({ kind: 'format', message: nb.errors.format, detail: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}
