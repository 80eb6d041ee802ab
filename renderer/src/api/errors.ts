// Failures talking to the broker, as values a person can read (Norwegian) and Redux can store.
import { nb } from '../i18n/nb';

export type BrokerErrorKind =
  | 'network'
  | 'timeout'
  | 'not-found'
  | 'unauthorized'
  | 'rejected'
  | 'server'
  | 'format'
  | 'wrong-patient'
  | 'auth';

/** Plain, serialisable description of a failure (goes into Redux as-is). */
export interface BrokerErrorInfo {
  kind: BrokerErrorKind | 'no-session' | 'platform' | 'unexpected';
  /** Norwegian text for the user: what happened and what to do. */
  message: string;
  /** What the service said (OperationOutcome diagnostics), shown as-is under the message. */
  detail?: string;
  status?: number;
  /** The broker refused because the patient is outside the user's care: emergency access with a reason may open it. */
  emergencyAccessRequired?: boolean;
}

export class BrokerError extends Error {
  override name = 'BrokerError';
  constructor(public readonly info: BrokerErrorInfo) {
    super(info.detail ? `${info.message} (${info.detail})` : info.message);
  }
}

/** Any thrown value as a serialisable error description. */
export function toErrorInfo(err: unknown): BrokerErrorInfo {
  if (err instanceof BrokerError) return err.info;
  if ((err as { name?: string } | null)?.name === 'PlatformError') {
    return { kind: 'platform', message: nb.errors.platform, detail: (err as Error).message };
  }
  return { kind: 'unexpected', message: nb.errors.unexpected, detail: err instanceof Error ? err.message : String(err) };
}
