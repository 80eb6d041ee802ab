// Damaged input: whatever is deleted, retyped or cut off, the readers either read or throw a
// FhirFormatError — never a TypeError or anything else a caller would not expect.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readGetMedicationResponse, writeGetMedicationResponse } from './getMedication';
import { FhirFormatError } from './json';
import {
  readGetMedicationRequest,
  readOperationOutcome,
  readSendMedicationRequest,
  readSendMedicationResponse,
  writeOperationOutcome,
  writeSendMedicationRequest,
  writeSendMedicationResponse,
} from './sendMedication';
import { haveReference, medicationReadArb, referenceJson, sendPlanArb } from './test-support';

type Reader = (json: unknown, source?: string) => unknown;

/** Every container (object or array) in a JSON tree, with how to reach it. */
function containers(v: unknown, out: unknown[] = []): unknown[] {
  if (v && typeof v === 'object') {
    out.push(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) containers(x, out);
  }
  return out;
}

const replacement = fc.constantFrom<unknown>(null, 0, -1, 1.5, '', 'x', true, false, [], {}, [null], { url: 5 }, '2024-13-45');

/** A mutation: pick the n-th container and delete, replace or retype one of its members. */
const mutationArb = fc.record({ target: fc.nat(), member: fc.nat(), kind: fc.constantFrom('delete', 'replace', 'wrap', 'hole'), value: replacement });

function mutate(doc: unknown, muts: { target: number; member: number; kind: string; value: unknown }[]): unknown {
  const copy = structuredClone(doc);
  for (const m of muts) {
    const all = containers(copy);
    const c = all[m.target % all.length] as Record<string, unknown> | unknown[];
    const keys = Object.keys(c);
    if (!keys.length) continue;
    const key = keys[m.member % keys.length] as string;
    const rec = c as Record<string, unknown>;
    if (m.kind === 'hole') delete rec[key]; // on an array: a sparse array (not JSON, but callers pass objects too)
    else if (m.kind === 'delete') {
      if (Array.isArray(c)) c.splice(Number(key), 1);
      else delete rec[key];
    } else if (m.kind === 'replace') rec[key] = structuredClone(m.value); // the constants are shared across runs: never insert (and later mutate) them
    else rec[key] = [rec[key]];
  }
  return copy;
}

function onlyFormatErrors(read: Reader, input: unknown): void {
  try {
    read(input, 'fuzz.json');
  } catch (e) {
    if (!(e instanceof FhirFormatError)) throw new Error(`reader threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    expect(e.message.startsWith('fuzz.json: ')).toBe(true);
  }
}

const fuzzDoc = (name: string, read: Reader, doc: () => unknown, runs = 300) =>
  it(`${name}: random deletions / wrong types / truncation → only FhirFormatError`, () => {
    const base = doc();
    const text = JSON.stringify(base);
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (muts) => onlyFormatErrors(read, mutate(base, muts))),
      { numRuns: runs },
    );
    fc.assert(
      fc.property(fc.nat(text.length), (cut) => {
        const truncated = text.slice(0, cut);
        onlyFormatErrors(read, truncated); // a string is not a document
        let parsed: unknown;
        try {
          parsed = JSON.parse(truncated);
        } catch {
          return;
        }
        onlyFormatErrors(read, parsed);
      }),
      { numRuns: 100 },
    );
  });

describe('fuzz: readers throw only FhirFormatError', () => {
  const now = '2026-02-01T08:00:00+01:00';
  const sampleRead = fc.sample(medicationReadArb, { numRuns: 1, seed: 42 })[0]!;
  const samplePlan = fc.sample(sendPlanArb, { numRuns: 1, seed: 7 })[0]!;

  fuzzDoc('getMedication (written)', readGetMedicationResponse, () => writeGetMedicationResponse(sampleRead, { now }));
  fuzzDoc('sendMedication request (written)', readSendMedicationRequest, () => writeSendMedicationRequest(samplePlan));
  fuzzDoc('sendMedication response (written)', readSendMedicationResponse, () =>
    writeSendMedicationResponse({ prescriptionCount: 1, recallCount: 1, pll: { messageId: 'm', resultCode: '0' }, operations: [{ reseptId: 'r', resultCode: '0' }] }),
  );
  fuzzDoc('OperationOutcome', readOperationOutcome, () => writeOperationOutcome([{ severity: 'error', code: 'invalid', diagnostics: 'x', expression: ['a'] }]));

  if (haveReference) {
    fuzzDoc('getMedication (NHN EX)', readGetMedicationResponse, () => referenceJson('getMedication-multidose-v3.9.json'), 150);
    fuzzDoc('getMedication (captured magistral)', readGetMedicationResponse, () => referenceJson('captured-nhn-test2/getmed-response-magistral.json'));
    fuzzDoc('sendMedication request (captured)', readSendMedicationRequest, () => referenceJson('captured-nhn-test2/sendmed-request.json'));
    fuzzDoc('getMedication request (captured)', readGetMedicationRequest, () => referenceJson('captured-nhn-test2/getmed-request.json'));
  } else {
    it.skip('NHN reference files: SKIPPED, ../shared/reference/sfm-tools is absent', () => {});
  }

  it('non-objects at the top', () => {
    for (const read of [readGetMedicationResponse, readSendMedicationRequest, readSendMedicationResponse, readGetMedicationRequest, readOperationOutcome] as Reader[]) {
      for (const v of [undefined, null, 0, 'x', [], true, { resourceType: 'Parameters', parameter: 'no' }]) onlyFormatErrors(read, v);
    }
  });
});

describe('hostile references', () => {
  it('a PractitionerRole whose practitioner points back at itself is a FhirFormatError, not a stack overflow', () => {
    const w = JSON.parse(
      JSON.stringify(
        writeGetMedicationResponse(fc.sample(medicationReadArb, { numRuns: 1, seed: 3 })[0]!, {
          now: '2026-02-01T08:00:00+01:00',
          author: { name: 'Kari Lege', hpr: '1234567', organisation: 'Legekontoret' },
        }),
      ),
    ) as { parameter: { resource?: { entry: { fullUrl: string; resource: Record<string, unknown> }[] } }[] };
    const bundle = w.parameter[0]!.resource!;
    const role = bundle.entry.find((e) => e.resource.resourceType === 'PractitionerRole')!;
    role.resource.practitioner = { reference: role.fullUrl };
    const send = writeSendMedicationRequest({ ...fc.sample(sendPlanArb, { numRuns: 1, seed: 5 })[0]!, sender: { name: 'Kari Lege', organisation: 'Legekontoret' } });
    const sendJson = JSON.parse(JSON.stringify(send)) as typeof w;
    const sendRole = sendJson.parameter[0]!.resource!.entry.find((e) => e.resource.resourceType === 'PractitionerRole')!;
    sendRole.resource.practitioner = { reference: sendRole.fullUrl };
    expect(() => readSendMedicationRequest(sendJson, 'send.json')).toThrow(/reference cycle/);
    onlyFormatErrors(readGetMedicationResponse, w);
  });
});
