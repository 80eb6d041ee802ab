// Reconciliation engine (issue 4): pure functions over the domain model.
export { reconcile, chainHead, isValidPrescription, pllDosage, plannedStopText, stopLabel, EXPIRES_SOON_DAYS, DISCONTINUED_RETENTION_DAYS } from './reconcile';
export { isStopped, isPlannedStop } from './dates';
export { computeFindings, allergyMatch, CATALOGUE_MAX_AGE_DAYS, RECENT_DISPENSING_DAYS, AGENT_ATC } from './findings';
export { isLocalActing, therapeuticClassOf, intendedCombination, BROAD_CLASSES } from './drugclass';
export { decide } from './decide';
export type { Decision, DecisionKind, DecideContext, DecideResult } from './decide';
export { validatePlan, MAX_READ_AGE_HOURS } from './validate';
export { applyPlan } from './apply';
export { reconcileToJson, reconcileToText } from './output';
export type { ReconcileJson } from './output';
export { sameDosage, describeDosage } from './compare';
export { stableHash } from './hash';
export type { SendPlan, PlannedRecall, Blocker, BlockerCode } from './plan';
export * from './types';
export { safetyCatalogueFromFest } from './adapter';
