// FHIR OperationOutcome replies. Every error the broker gives is one of these, never HTML or a
// stack trace: the diagnostics say what is wrong in Norwegian (for the person who sees it in the
// app) and in English (for the developer reading the log or the HTTP exchange).
import type { FhirOperationOutcome } from '../shared/fhir/types';

export type IssueCode =
  | 'invalid' | 'structure' | 'required' | 'value' | 'not-found' | 'security' | 'login' | 'forbidden'
  | 'conflict' | 'duplicate' | 'not-supported' | 'too-costly' | 'exception' | 'timeout' | 'business-rule' | 'processing' | 'transient';

export interface Problem {
  status: number;
  code: IssueCode;
  nb: string;
  en: string;
  expression?: string;
  /** A machine-readable reason clients can act on (issue.details.coding, system ISSUE_DETAIL_SYSTEM). */
  detail?: 'emergency-access-required';
}

/** The content type of every FHIR answer. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The code system of the broker's machine-readable issue details. */
export const ISSUE_DETAIL_SYSTEM = 'urn:samstem:broker:issue';

type Issue = FhirOperationOutcome['issue'][0] & { details?: { coding: { system: string; code: string }[] } };

export function operationOutcome(p: Omit<Problem, 'status'>): FhirOperationOutcome {
  const issue: Issue = { severity: 'error', code: p.code, diagnostics: `${p.nb} / ${p.en}` };
  if (p.detail) issue.details = { coding: [{ system: ISSUE_DETAIL_SYSTEM, code: p.detail }] };
  if (p.expression) issue.expression = [p.expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/** An error a route throws to answer with an OperationOutcome. */
export class BrokerProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.en);
    this.name = 'BrokerProblem';
  }
}

export const problem = (status: number, code: IssueCode, nb: string, en: string, expression?: string): BrokerProblem =>
  new BrokerProblem(expression ? { status, code, nb, en, expression } : { status, code, nb, en });
