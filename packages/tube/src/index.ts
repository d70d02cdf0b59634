/**
 * `@tam/tube`: commitment tubes. A tube model conditioned on s0 and a latent z predicts a mean
 * trajectory μ, a width σ (with a floor) and a stop head (expected horizon E[T]); soft bind makes
 * failure differentiable; the commitment price λ (`CommitmentPrice`) sets how much failure costs
 * against volume, homeostatically; cone signatures and calibration curves describe trained tubes;
 * split-conformal, adaptive conformal and CQR calibrate them; the rule world is where they are tested.
 *
 * @example
 * ```ts
 * import { initBackend, createRng } from "@tam/tensor-backend";
 * import { CommitmentPrice, RuleWorld, TubeModel, TubeTrainer } from "@tam/tube";
 * await initBackend();
 * const rng = createRng(1), world = new RuleWorld();
 * const model = new TubeModel({ obsDim: world.obsDim, horizonSteps: world.horizonSteps, stateDim: 2 }, rng.fork("model"));
 * const trainer = new TubeTrainer(model, [new CommitmentPrice({ ruleCount: 4 })]);
 * for (let step = 0; step < 2000; step++) trainer.step(world.sampleEpisodes(rng, 32));
 * ```
 * @packageDocumentation
 */

export {
  ALPHA_VOL,
  BASELINE_RATE,
  BIND_WIDTH_K,
  ETA_DUAL,
  ETA_LAMBDA,
  HARDNESS_EPSILON,
  LAMBDA_INIT,
  LAMBDA_MAX,
  SEED_EASY_RESULT,
  SEED_HARD_RESULT,
  SEED_LAMBDA,
  SEED_TRAINING_STEPS,
  SIGMA_FLOOR,
  SOFT_BIND_GAMMA,
  SUCCESS_WEIGHT,
  type SeedRuleResult,
} from "./constants.js";

// The rule world (E1).
export {
  CONTRACTION_PER_STEP,
  DEFAULT_HORIZON_STEPS,
  DEFAULT_NOISE_STD,
  ROTATION_RAD_PER_STEP,
  RULE_COUNT,
  RULE_NAMES,
  RuleWorld,
  S0_HALF_WIDTH,
  ruleWorldOptionsSchema,
  STATE_DIM,
  type EpisodeBatch,
  type RuleName,
  type RuleWorldOptions,
  type SampleEpisodesOptions,
} from "./rule-world.js";

// Bind, fail, volume, horizon.
export { softBind, softInsideSteps, type SoftBindOptions, type SoftBindResult } from "./soft-bind.js";
export { hardBind, hardInside } from "./hard-bind.js";
export { logVolume, relativeLogVolume, volumeBarrier, volumeChangePenalty } from "./volume.js";
export { expectedHorizon, horizonNll } from "./horizon.js";
export { logSigmoid } from "./log-sigmoid.js";
export { withoutGradient } from "./stop-gradient.js";

// The model, its loss and its training step.
export {
  DEFAULT_HIDDEN_UNITS,
  DEFAULT_INIT_SIGMA,
  DEFAULT_INIT_STOP_LOGIT,
  TubeModel,
  tubeModelConfigSchema,
  type LatentSlice,
  type TubeInputs,
  type TubeModelConfig,
  type TubeOutput,
} from "./tube-model.js";
export { EPISODE_STATS, EPISODE_STAT_INDEX, episodeStats, type EpisodeStat, type EpisodeStatsParts } from "./episode-stats.js";
export {
  DEFAULT_HORIZON_WEIGHT,
  resolveTubeLossOptions,
  tubeLoss,
  type ResolvedTubeLossOptions,
  type TubeLossInputs,
  type TubeLossOptions,
  type TubeLossResult,
} from "./tube-loss.js";
export { DEFAULT_TUBE_LEARNING_RATE, TubeTrainer, replicaColumns, type TubeStepResult, type TubeTrainerOptions } from "./tube-trainer.js";

// The fused training step (closed-form gradients on the host; ADR 0206).
export { tubeMasks, type TubeMaskShape, type TubeMasks } from "./tube-masks.js";
export { FusedTubeKernel, type FusedTubeRun, type FusedTubeShape } from "./fused-tube-kernel.js";
export { HostAdam, type HostAdamOptions } from "./host-adam.js";
export { FusedTubeTrainer } from "./fused-tube-trainer.js";

// The commitment price λ and hardness.
export {
  COMMITMENT_PRICE_VARIANTS,
  CommitmentPrice,
  DEFAULT_COMMITMENT_PRICE_VARIANT,
  DEFAULT_ETA,
  DEFAULT_HARDNESS,
  commitmentPriceOptionsSchema,
  type CommitmentPriceOptions,
  type CommitmentPriceVariant,
  type PriceObservation,
  type PriceUpdate,
} from "./commitment-price.js";
export { HARDNESS_ESTIMATORS, RuleBaselines, normalisedHardness, residualHardness, type HardnessEstimator } from "./hardness.js";

// Signatures and calibration.
export { erf, nominalCoverage } from "./erf.js";
export {
  DEFAULT_K_GRID,
  calibrationCurve,
  coneSignature,
  coverageAt,
  normalisedDeviations,
  type CalibrationCurve,
  type CalibrationPoint,
  type ConeSignature,
} from "./cone-signature.js";

// Conformal calibration.
export { conformalQuantile, episodeScores, splitConformal, type SplitConformal } from "./split-conformal.js";
export { AdaptiveConformal, DEFAULT_ACI_STEP } from "./adaptive-conformal.js";
export { DEFAULT_QUANTILE_LEVEL, QuantileTube, pinballLoss, type QuantileTubeConfig } from "./quantile-tube.js";
