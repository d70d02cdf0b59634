/**
 * Three agent policies for the behavioural claims of the seed: an overclaimer, a calibrated claimer,
 * and a learner that learns to claim conservatively from its refusals.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L363–379 ("Agent learns to claim conservatively", "Over-optimistic
 * agents pay cost in blocked cycles", "Well-calibrated agents operate freely"), SEED-INVENTORY.md §7.10,
 * H003-12. The policies are ours: docs/decisions/0108-epistemic-policies-and-cycles.md.
 *
 * Shared action rule (none of them reads the debt):
 * 1. after a budget refusal (reserve, cost or budget), or when the budget is below the calibration's
 *    cost, terminate;
 * 2. while `beliefs.epistemicInsolvent`, calibrate;
 * 3. otherwise run the biology template with the policy's claim (the calibrated claimer also calibrates
 *    on a fixed schedule).
 */
import type { AgentPolicy, PolicyFeedback, PolicyObservation, Proposal } from "./agent-policy.js";
import { findTemplate, findTermination } from "./agent-policy.js";

/** Options shared by the built-in policies. */
export interface PolicyTemplateOptions {
  /** Biology template to run; default `dose_response`. */
  readonly biologyTemplate?: string;
  /** Calibration template to run; default `baseline_replicates`. */
  readonly calibrationTemplate?: string;
}

/** Prior entropy of the default lab world's potency question: log2(8) = 3 bits. */
export const DEFAULT_MAX_CLAIM_BITS = 3;

/** The shared rules 1–2; returns `null` when the policy should do its own thing. */
function sharedRule(observation: PolicyObservation, options: PolicyTemplateOptions, where: string): Proposal | null {
  const calibration = findTemplate(observation.templates, options.calibrationTemplate ?? "baseline_replicates", where);
  const reason = observation.beliefs.lastRefusal?.reason;
  const budgetRefused =
    reason === "insufficient_budget_for_epistemic_recovery" || reason === "epistemic_debt_budget_exceeded" || reason === "insufficient_budget";
  if (budgetRefused || observation.budgetRemainingWells < calibration.costWells) {
    return { action: findTermination(observation.templates, where), claimedBits: 0 };
  }
  if (observation.beliefs.epistemicInsolvent) return { action: calibration, claimedBits: 0 };
  return null;
}

function requirePositive(where: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${field} must be a finite number > 0, got ${String(value)}`);
  }
}

/**
 * The overclaimer: always claims the full prior entropy (it expects every experiment to settle the
 * question) and calibrates only when forced to.
 *
 * @example
 * ```ts
 * const policy = createOverclaimerPolicy({ claimBits: 3 });
 * ```
 */
export function createOverclaimerPolicy(options: PolicyTemplateOptions & { readonly claimBits?: number } = {}): AgentPolicy {
  const where = "createOverclaimerPolicy";
  const claimBits = options.claimBits ?? DEFAULT_MAX_CLAIM_BITS;
  requirePositive(where, "claimBits", claimBits);
  return {
    name: "overclaimer",
    propose(observation) {
      const forced = sharedRule(observation, options, where);
      if (forced !== null) return forced;
      return { action: findTemplate(observation.templates, options.biologyTemplate ?? "dose_response", where), claimedBits: claimBits };
    },
    observe() {
      // The overclaimer learns nothing.
    },
  };
}

/** Options of {@link createCalibratedPolicy}. */
export interface CalibratedPolicyOptions extends PolicyTemplateOptions {
  /** Claim this quantile of recent realised gains (default 0.25: a conservative claim). */
  readonly claimQuantile?: number;
  /** Number of recent experiments the claim is based on (default 8). */
  readonly window?: number;
  /** Calibrate after this many biology experiments (default 5). */
  readonly calibrationPeriod?: number;
}

/** Value at quantile `q` of `values` (linear interpolation between order statistics). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error("quantile: values must not be empty");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${String(q)}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lowValue = sorted[lower] ?? 0;
  const highValue = sorted[upper] ?? lowValue;
  return lowValue + (highValue - lowValue) * (position - lower);
}

/**
 * The calibrated claimer: claims only what it has seen (a low quantile of its recent realised gains;
 * nothing before its first result) and calibrates on a schedule, before noise drift erodes its results.
 *
 * @example
 * ```ts
 * const policy = createCalibratedPolicy({ claimQuantile: 0.25, calibrationPeriod: 5 });
 * ```
 */
export function createCalibratedPolicy(options: CalibratedPolicyOptions = {}): AgentPolicy {
  const where = "createCalibratedPolicy";
  const claimQuantile = options.claimQuantile ?? 0.25;
  const window = options.window ?? 8;
  const calibrationPeriod = options.calibrationPeriod ?? 5;
  if (!(claimQuantile >= 0 && claimQuantile <= 1)) {
    throw new Error(`${where}: claimQuantile must be in [0, 1], got ${String(claimQuantile)}`);
  }
  if (!Number.isInteger(window) || window < 1) throw new Error(`${where}: window must be an integer >= 1, got ${String(window)}`);
  if (!Number.isInteger(calibrationPeriod) || calibrationPeriod < 1) {
    throw new Error(`${where}: calibrationPeriod must be an integer >= 1, got ${String(calibrationPeriod)}`);
  }
  const recent: number[] = [];
  let sinceCalibration = 0;
  return {
    name: "calibrated",
    propose(observation) {
      const forced = sharedRule(observation, options, where);
      if (forced !== null) return forced;
      if (sinceCalibration >= calibrationPeriod) {
        return { action: findTemplate(observation.templates, options.calibrationTemplate ?? "baseline_replicates", where), claimedBits: 0 };
      }
      const claimedBits = recent.length === 0 ? 0 : quantile(recent, claimQuantile);
      return { action: findTemplate(observation.templates, options.biologyTemplate ?? "dose_response", where), claimedBits };
    },
    observe(feedback: PolicyFeedback) {
      if (feedback.type !== "executed") return;
      if (feedback.outcome.kind === "biology") {
        recent.push(feedback.outcome.realisedBits);
        if (recent.length > window) recent.shift();
        sinceCalibration += 1;
      } else if (feedback.outcome.kind === "calibration") {
        sinceCalibration = 0;
      }
    },
  };
}

/** Options of {@link createLearnerPolicy}. */
export interface LearnerPolicyOptions extends PolicyTemplateOptions {
  /** Initial optimism: claim = scale × mean recent realised gain (default 1.5). */
  readonly initialScale?: number;
  /** Factor applied to the scale after each threshold refusal (default 0.7). */
  readonly learningRate?: number;
  /** The scale never falls below this (default 0.3). */
  readonly minScale?: number;
  /** Number of recent experiments averaged (default 8). */
  readonly window?: number;
  /** Largest claim, and the expectation before any result (default 3 bits). */
  readonly maxClaimBits?: number;
}

/** A learner policy whose current optimism can be inspected. */
export interface LearnerPolicy extends AgentPolicy {
  /** Current claim scale. */
  readonly scale: number;
}

/**
 * The learner: starts as optimistic as the overclaimer (claims `scale` times its recent mean gain,
 * expecting the full prior entropy before any result) and, on every threshold refusal, multiplies its
 * scale by `learningRate`. It calibrates only when forced to.
 *
 * @example
 * ```ts
 * const policy = createLearnerPolicy({ initialScale: 1.5, learningRate: 0.7 });
 * ```
 */
export function createLearnerPolicy(options: LearnerPolicyOptions = {}): LearnerPolicy {
  const where = "createLearnerPolicy";
  const initialScale = options.initialScale ?? 1.5;
  const learningRate = options.learningRate ?? 0.7;
  const minScale = options.minScale ?? 0.3;
  const window = options.window ?? 8;
  const maxClaimBits = options.maxClaimBits ?? DEFAULT_MAX_CLAIM_BITS;
  requirePositive(where, "initialScale", initialScale);
  requirePositive(where, "minScale", minScale);
  requirePositive(where, "maxClaimBits", maxClaimBits);
  if (!(learningRate > 0 && learningRate < 1)) {
    throw new Error(`${where}: learningRate must be in (0, 1), got ${String(learningRate)}`);
  }
  if (!Number.isInteger(window) || window < 1) throw new Error(`${where}: window must be an integer >= 1, got ${String(window)}`);
  const recent: number[] = [];
  let scale = initialScale;
  return {
    name: "learner",
    get scale() {
      return scale;
    },
    propose(observation) {
      const forced = sharedRule(observation, options, where);
      if (forced !== null) return forced;
      const expected = recent.length === 0 ? maxClaimBits : recent.reduce((a, b) => a + b, 0) / recent.length;
      const claimedBits = Math.min(maxClaimBits, scale * expected);
      return { action: findTemplate(observation.templates, options.biologyTemplate ?? "dose_response", where), claimedBits };
    },
    observe(feedback: PolicyFeedback) {
      if (feedback.type === "refused") {
        if (feedback.refusal.reason === "epistemic_debt_action_blocked") scale = Math.max(minScale, scale * learningRate);
        return;
      }
      if (feedback.outcome.kind === "biology") {
        recent.push(feedback.outcome.realisedBits);
        if (recent.length > window) recent.shift();
      }
    },
  };
}
