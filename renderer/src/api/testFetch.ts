// Test helpers for the broker clients: a recording fetch, JSON answers, OperationOutcomes, and the
// BrokerError a call threw.
import { BrokerError } from './errors';

export interface FetchCall {
  url: string;
  init: RequestInit;
}

export function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return handler(String(input), init ?? {});
  }) as typeof fetch;
  return { f, calls };
}

export const jsonResponse = (status: number, body: unknown, type: string) => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

export const operationOutcome = (code: string, diagnostics: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });

export async function caught(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
}
