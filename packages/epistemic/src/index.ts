/**
 * `@tam/epistemic`: epistemic debt as an enforced constraint.
 *
 * A debt ledger in bits (overclaimed information accrues debt, only calibration repays it), one
 * enforcement function called before every action (`shouldRefuseAction`: debt > 2 bits blocks
 * everything but calibration, a budget reserve keeps calibration affordable, debt inflates costs),
 * contamination tracking when enforcement is disabled, a JSONL refusal log, and a wells-and-budget lab
 * world with three agent policies. Pure TypeScript; source: `003_9e0f6a831bfd364e.txt`.
 *
 * @packageDocumentation
 */
export * from "./constants.js";
export type { SeededRng } from "./seeded-rng.js";
export { createSeededRng } from "./seeded-rng.js";
export type { ActionKind, ActionTemplate } from "./action-template.js";
export {
  BASELINE_REPLICATES,
  DEFAULT_TEMPLATES,
  DOSE_RESPONSE,
  DOSE_RESPONSE_COST_WELLS,
  DOSE_RESPONSE_DEEP,
  TERMINATE,
  cheapestCalibrationCostWells,
  validateActionTemplate,
} from "./action-template.js";
export type { CostInflationOptions } from "./cost-inflation.js";
export { costMultiplier, inflatedCostWells } from "./cost-inflation.js";
export { computeRepayment } from "./repayment.js";
export type { DebtAccrualEvent, DebtEvent, DebtRepaymentEvent } from "./debt-ledger.js";
export { DebtLedger } from "./debt-ledger.js";
export type { RefusalCheckInput, RefusalDecision, RefusalReason } from "./should-refuse-action.js";
export { REFUSAL_REASONS, allowedActions, shouldRefuseAction } from "./should-refuse-action.js";
export type { RefusalEvent } from "./refusal-event.js";
export { REFUSAL_EVENT_SCHEMA_VERSION, RefusalEventSchema } from "./refusal-event.js";
export type { RefusalLogContents, RefusalLogOptions, RefusalLogProblem, RefusalSink } from "./refusal-log.js";
export { RefusalLog, parseRefusalLog, readRefusalLog } from "./refusal-log.js";
export type { AgentBeliefs } from "./agent-beliefs.js";
export { applyDebtEvent, applyRefusal, initialBeliefs } from "./agent-beliefs.js";
export type { RunMetadata } from "./run-metadata.js";
export { RunMetadataSchema } from "./run-metadata.js";
export type {
  Authorization,
  EpistemicControllerConfig,
  EpistemicControllerConfigInput,
  EpistemicControllerOptions,
  WarningLogger,
} from "./epistemic-controller.js";
export { EpistemicController, EpistemicControllerConfigSchema } from "./epistemic-controller.js";
export type { DoseMeasurement } from "./information-gain.js";
export { entropyBits, hillResponse, potencyPosterior, realisedInformationGainBits } from "./information-gain.js";
export type { LabOutcome, LabWorld, LabWorldConfig, LabWorldConfigInput, StochasticLabWorld } from "./lab-world.js";
export { LabWorldConfigSchema, createLabWorld, parseLabWorldConfig } from "./lab-world.js";
export type { ScriptedLabWorldConfig } from "./scripted-lab-world.js";
export { createScriptedLabWorld } from "./scripted-lab-world.js";
export type { AgentPolicy, PolicyFeedback, PolicyObservation, Proposal } from "./agent-policy.js";
export { findTemplate, findTermination } from "./agent-policy.js";
export { recordBeliefs, type BeliefRecording } from "./belief-recording.js";
export type { CalibratedPolicyOptions, LearnerPolicy, LearnerPolicyOptions, PolicyTemplateOptions } from "./builtin-policies.js";
export {
  DEFAULT_MAX_CLAIM_BITS,
  createCalibratedPolicy,
  createLearnerPolicy,
  createOverclaimerPolicy,
  quantile,
} from "./builtin-policies.js";
export type { ScriptedStep } from "./scripted-policy.js";
export { createScriptedPolicy } from "./scripted-policy.js";
export type { CycleRecord, LabLoopOptions, LabRunEndReason, LabRunResult } from "./lab-loop.js";
export { runLabLoop } from "./lab-loop.js";
