/**
 * `@tam/factored-actor`: an actor whose latent is factored into **z_intent** (what it commits to: the
 * tube's σ and stop read it alone) and **z_real** (how it realises that in this world), trained by
 * advantage actor-critic with a homeostatic commitment price λ from `@tam/tube`; equivalent worlds
 * (standard, mirrored, rotated, shifted-rules) with their known transforms; intent functors that
 * transport z_intent between worlds, trained by evolution strategies to match cone signatures; reuse
 * actors, baselines and the transfer evaluation.
 *
 * @example
 * ```ts
 * import { createRng, initBackend } from "@tam/tensor-backend";
 * import { EquivalentWorld, FactoredActor, actorConfigFor, trainFactoredActor } from "@tam/factored-actor";
 * await initBackend();
 * const worlds = [new EquivalentWorld("standard"), new EquivalentWorld("mirrored")];
 * const actor = new FactoredActor(actorConfigFor(worlds[0], { replicas: 2 }), createRng(1));
 * trainFactoredActor(actor, worlds, { steps: 300, batchEpisodes: 128, rng: createRng(2) });
 * ```
 * @packageDocumentation
 */

export {
  DEFAULT_ACTOR_HIDDEN_UNITS,
  DEFAULT_ACTOR_LEARNING_RATE,
  DEFAULT_BETA_KL_INTENT,
  DEFAULT_BETA_KL_REAL,
  DEFAULT_DISCOUNT,
  DEFAULT_ENTROPY_WEIGHT,
  DEFAULT_INTENT_DIM,
  DEFAULT_POLICY_INIT_LOG_STD,
  DEFAULT_REAL_DIM,
  DEFAULT_TUBE_WEIGHT,
  DEFAULT_VALUE_WEIGHT,
  INTENT_STATS_RATE,
  MAX_INTENT_DIM,
  MIN_INTENT_DIM,
  NORM_EPSILON,
  POLICY_LOG_STD_MIN,
  POSTERIOR_LOG_STD_MAX,
  POSTERIOR_LOG_STD_MIN,
} from "./constants.js";

// Equivalent worlds (E2).
export {
  DEFAULT_CURRENT_HALF_WIDTH,
  DEFAULT_MAX_STEP,
  DEFAULT_ROTATION_RAD,
  DEFAULT_RULE_NOISE_STD,
  DEFAULT_RULE_SHIFT,
  DEFAULT_WORLD_HORIZON,
  EquivalentWorld,
  GOAL_RADIUS,
  START_HALF_WIDTH,
  WORLD_KINDS,
  WORLD_RULE_COUNT,
  WORLD_STATE_DIM,
  type BatchPolicy,
  type EpisodeSpec,
  equivalentWorldOptionsSchema,
  type EquivalentWorldOptions,
  type WorldKind,
  type WorldRollout,
  type WorldStarts,
} from "./equivalent-world.js";

// The actor, its tube and its records.
export { DEFAULT_INTENT_NORM, INTENT_NORMS, RunningIntentStats, normaliseIntent, normaliseIntentHost, type IntentNorm } from "./intent-normalisation.js";
export { checkSample, klTotal, type FactoredZSample } from "./factored-z-sample.js";
export { FactoredSharedTube, type FactoredSharedTubeConfig, type FactoredTubeInputs } from "./factored-shared-tube.js";
export { replicaTubeLoss, type ReplicaTubeLossOptions, type ReplicaTubeLossResult } from "./factored-tube-loss.js";
export {
  FactoredActor,
  cloneSample,
  factoredActorConfigSchema,
  type ActorStepResult,
  type ActorVariableName,
  type ActorTrainingBatch,
  type FactoredActorConfig,
  type PolicyOutput,
  type ResolvedActorConfig,
  type SampleOptions,
} from "./factored-actor.js";
export { actorConfigFor, type WorldDimensions } from "./actor-config-for.js";
export { REFINE_LEARNING_RATES, collectEpisodes, trainFactoredActor, type RefineLearningRate, type TrainActorOptions } from "./actor-training.js";
export { EpisodeMemory, type MemoryRecord } from "./episode-memory.js";
export { ActorHistory, columnMoments, type HistoryEntry } from "./actor-history.js";
export { episodeSignatures, runWithLatents, tileSpec, type EpisodeSignatures, type LatentEpisodes } from "./latent-rollout.js";
export { DEFAULT_SENSITIVITY_STEPS, coneSensitivity, type ConeSlopes, type SlopeSummary } from "./cone-sensitivity.js";

// Reuse and baselines.
export {
  DEFAULT_PROTOTYPE_COUNT,
  KMEANS_ITERATIONS,
  MemoryReuseActor,
  PrototypeReuseActor,
  kMeans,
  nearestRow,
  shuffleIntents,
  shuffleReals,
  type ReuseOptions,
} from "./reuse-actors.js";

// Intent functors and their training.
export { checkInputs, normaliseOutputs, outputStats, type IntentFunctor, type OutputAffine, type OutputStats } from "./intent-functor.js";
export { LinearIntentFunctor } from "./linear-intent-functor.js";
export { DEFAULT_FUNCTOR_HIDDEN_UNITS, MlpIntentFunctor } from "./mlp-intent-functor.js";
export { EvolutionStrategy, centredRanks, type EsStepResult, type EvolutionStrategyOptions } from "./evolution-strategy.js";
export {
  CONE_SCALES,
  DEFAULT_FUNCTOR_ES,
  DEFAULT_JACOBIAN_PENALTY,
  DEFAULT_NORM_PENALTY,
  DEFAULT_TEACHER_WEIGHT,
  ES_STEP_SCHEDULES,
  IntentFunctorTrainer,
  buildPairedDataset,
  pearson,
  signatureCorrelation,
  signatureDistances,
  type ConeScale,
  type EsStepSchedule,
  type FunctorTrainerOptions,
  type FunctorTrainingPoint,
  type PairSide,
  type PairedDataset,
} from "./intent-functor-trainer.js";

// Evaluation.
export { PROBE_RIDGE, fitLinearProbe, probeScore, type LinearProbe, type ProbeData, type ProbeScore } from "./linear-probe.js";
export { latentProbes, type LatentProbeScores } from "./latent-probes.js";
export { TRANSFER_CONDITIONS, evaluateTransfer, type ConditionOutcome, type TransferCondition, type TransferEvaluation } from "./transfer-evaluation.js";
export { DEFAULT_PERMUTATION_RESAMPLES, pairedPermutationTest, type PairedTestResult } from "./paired-permutation-test.js";
