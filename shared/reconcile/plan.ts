// The send plan is shared/fhir/sendMedication.ts's `SendPlan` (what `$sendMedication` carries);
// decide() produces it and applyPlan() simulates it.
import type { SendPlan } from '../fhir/sendMedication';

export type { SendPlan };
export type PlannedRecall = SendPlan['recalls'][number];

export interface Blocker {
  code: BlockerCode;
  /** Norwegian: what blocks and what to do. */
  message: string;
  rowId?: string;
}

export type BlockerCode =
  | 'read-missing-time'
  | 'read-too-old'
  | 'read-errors'
  | 'sender-without-hpr'
  | 'not-multidose-doctor'
  | 'undecided'
  | 'unknown-row'
  | 'conflicting-decisions'
  | 'reason-missing'
  | 'dosage-missing'
  | 'keep-recalled'
  | 'not-applicable'
  | 'recall-locked'
  | 'recall-unknown'
  | 'recall-not-valid'
  | 'entry-missing'
  | 'discontinued-dropped-early'
  | 'duplicate-resept-id'
  | 'duplicate-lib-id'
  | 'lib-id-changed'
  | 'pll-prescription-mismatch';
