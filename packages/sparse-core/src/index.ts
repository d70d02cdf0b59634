/**
 * `@tam/sparse-core`: SparseMaskedNN layers that start at identity (or empty) and grow and prune by
 * evidence under hard per-object budgets (seed `002_fd5a3473383d7267.txt` Archive 04).
 *
 * @example
 * ```ts
 * import { GrowthPlanner, SparseMaskedStack } from "@tam/sparse-core";
 * const net = new SparseMaskedStack({ layers: [{ inFeatures: 16, outFeatures: 4, base: { kind: "zero" }, budget: { structCap: 24 } }] });
 * const planner = new GrowthPlanner();
 * planner.runCycle(net, source, createRng(1));   // shortlist → probe → commit/prune, typed events
 * const policy = new CrossoverPolicy(deviceCostModel());
 * policy.step(net.layers, 32);                    // sparse/dense crossover by device-measured costs
 * ```
 * @packageDocumentation
 */

export * from "./constants.js";
export { HEAT_STATES, type HeatCounts, type HeatState } from "./heat-state.js";
export { REGION_KINDS, makeRegion, regionCells, regionId, regionIou, sharedKeys, sortedUnique, type Cell, type Region, type RegionKind } from "./region.js";
export type { GrowthObject, ObjectBudget, ObjectCounters } from "./growth-object.js";
export { applyBase, baseMatrix, type LayerBase } from "./layer-base.js";
export { binarySearch } from "./warm-cells.js";
export { disposeShadow, keysToIndices, makeShadow, withDelta, type ShadowDelta } from "./shadow-delta.js";
export {
  LayerBlock,
  SparseMaskedLinear,
  unionKeys,
  type ComputePath,
  type LayerPath,
  type LayerForwardOptions,
  type SparseMaskedLinearOptions,
} from "./sparse-masked-linear.js";
export { LOSS_KINDS, computeLoss, disposeBatch, type Batch, type LossKind } from "./loss.js";
export { ACTIVATIONS, type Activation } from "./activation.js";
export {
  STACK_LEARNING_RATE,
  SparseMaskedStack,
  type SparseMaskedStackOptions,
  type StackForwardOptions,
  type StackLayerSpec,
} from "./sparse-masked-stack.js";
export type { BatchPurpose, BatchSource, PlannerModel, ProbeForwardOptions } from "./planner-model.js";
export type { HiddenUnitStatistics } from "./hidden-unit-statistics.js";
export { regionSnr, type SnrResult } from "./snr.js";
export { budgetRegionCells, generateFrontier, regionGradients, type FrontierGradients, type FrontierOptions } from "./frontier.js";
export { gainStatistics, microRollout, microRolloutShadows, type MicroRolloutOptions, type MultiRolloutResult, type RolloutResult, type ShadowPart } from "./micro-rollout.js";
export { deadUnits, generateUnitRegions, unitRegionCells, type UnitRegion, type UnitRegionObjects, type UnitRegionOptions } from "./unit-region.js";
export { compareEvidence, rankByEvidence, scoreR, type GainEvidence, type ScoreRWeights } from "./decision.js";
export { nonMaximumSuppression } from "./diversity.js";
export { magnitudeRanking, pruneRanking, type TaylorEntry } from "./taylor-prune.js";
export { calibrateTaylor, looDeltaLoss, spearman, type TaylorCalibration } from "./loo-calibration.js";
export { answerDirectedRanking, type AnswerDirectedEntry } from "./answer-directed.js";
export { helpRatio, isStalled, rms } from "./help-signals.js";
export type {
  CalibrationEvent,
  CommitEvent,
  HelpEvent,
  PlannerEvent,
  ProbeEvent,
  PruneEvent,
  ObjectRegionRecord,
  RegionRecord,
  RelaxedSwitchEvent,
  ShortlistEvent,
  SkipEvent,
  SwitchEvent,
  DensityBand,
  UnitRegionRecord,
} from "./planner-events.js";
export { GrowthPlanner, plannerConfigSchema, type CycleReport, type PlannerConfig, type PlannerConfigInput } from "./growth-planner.js";
export {
  canonicalSpectrum,
  globalSortedSpectrum,
  spectrumQuantiles,
  summarizeSpectrum,
  topKByMagnitude,
  transposeWeights,
  type CanonicalSpectrum,
  type SpectrumSummary,
} from "./sorted-spectrum.js";
export {
  CALIBRATION_DENSITIES,
  CALIBRATION_POINT_SECONDS,
  CALIBRATION_REPEATS,
  CALIBRATION_SHAPES,
  CALIBRATION_WARMUP,
  COST_WORKLOADS,
  LinearCostModel,
  calibrationOptionsSchema,
  clearDeviceCostCache,
  deviceCostModel,
  fitNonNegative,
  measureDeviceCosts,
  type CalibrationOptions,
  type CalibrationSample,
  type CostModel,
  type CostQuery,
  type CostWorkload,
  type LinearCostModelSpec,
  type PathCoefficients,
  type TileCalibrationSample,
} from "./device-cost-model.js";
export { denseTileCells, denseTileGroup, disposeDenseTileGroup, packDenseTile, type DenseTile, type DenseTileGroup, type GroupedTile } from "./dense-tile.js";
export { tiledMatMul } from "./tiled-matmul.js";
export {
  CROSSOVER_CHECK_EVERY_STEPS,
  CROSSOVER_CONFIRM_CHECKS,
  CROSSOVER_COOLDOWN_CHECKS,
  CROSSOVER_TIE_MARGIN,
  CrossoverPolicy,
  SEED_DENSE_ABOVE_DENSITY,
  SEED_SPARSE_BELOW_DENSITY,
  crossoverConfigSchema,
  type CrossoverCheck,
  type CrossoverConfig,
  type CrossoverConfigInput,
  type CrossoverPreference,
  type CrossoverState,
  type CrossoverTarget,
} from "./crossover-policy.js";
export {
  DELTA_LOG_COALESCE_STEPS,
  DELTA_LOG_EPSILON,
  DELTA_LOG_HORIZON_STEPS,
  DELTA_LOG_NNZ_CAP_PER_HORIZON,
  DeltaStateLog,
  deltaStateLogConfigSchema,
  type DeltaEntry,
  type DeltaRecordStamp,
  type DeltaStateLogConfig,
  type DeltaStateLogConfigInput,
  type Keyframe,
} from "./delta-state-log.js";
export { deltaFeatures, type DeltaFeatures, type DeltaTrajectory } from "./delta-features.js";
export {
  CLONE_SPLIT_SHARE,
  cloneSplit,
  cloneSplitBlock,
  remerge,
  remergeBlock,
  type CloneSplitBlockResult,
  type CloneSplitRecord,
  type CloneSplitResult,
  type CloneSplitSpec,
} from "./clone-split.js";
export {
  CLONE_SPLIT_MIN_RELATIVE_GAIN,
  CLONE_SPLIT_MIN_WIN_RATE,
  CLONE_SPLIT_NOISE_STD,
  CLONE_SPLIT_WINDOW_STEPS,
  CloneSplitPlanner,
  cloneSplitConfigSchema,
  cloneSplitTrialShape,
  type CloneSplitConfig,
  type CloneSplitConfigInput,
  type CloneSplitDecision,
  type CloneSplitEvent,
  type CloneSplitTrial,
  type SplitNomination,
} from "./clone-split-planner.js";
export { SPLINE_DEFAULT_KNOTS, SplineActivation, type SplineActivationOptions, type SplineForwardOptions } from "./spline-activation.js";
export { SplineActivatedStack, type SplineActivatedStackOptions } from "./spline-activated-stack.js";
export { categoricalNll, gaussianMixtureCdf, gaussianMixtureMean, gaussianMixtureNll, normalCdf } from "./mixture-density.js";
export { kolmogorovTail, ksUniform, type KsResult } from "./ks-test.js";
export { chiSquareTail, frequencyCheck, type FrequencyCheckResult } from "./frequency-check.js";
export {
  DISTRIBUTION_HEAD_INITIAL_CONFIDENCE,
  DISTRIBUTION_HEAD_INITIAL_SIGMA,
  DISTRIBUTION_HEAD_KINDS,
  DISTRIBUTION_HEAD_LEARNING_RATE,
  DistributionHead,
  distributionCellParams,
  type DistributionBatch,
  type DistributionCandidate,
  type DistributionForwardOptions,
  type DistributionHeadKind,
  type DistributionHeadOptions,
  type DistributionInputs,
  type HostDistribution,
} from "./distribution-head.js";
export {
  AMBIGUITY_ANCHORS,
  AMBIGUITY_BUFFER_SIZE,
  AMBIGUITY_MIN_GAP_NATS,
  AMBIGUITY_MIN_MODE_WEIGHT,
  AMBIGUITY_MIN_SEPARATION,
  AMBIGUITY_NEIGHBOURS,
  AmbiguityDetector,
  twoModeFit,
  type AmbiguityFinding,
  type AmbiguityThresholds,
  type ResidualMode,
} from "./ambiguity-detector.js";
export { CALIBRATION_ALPHA, checkCalibration, type CalibrationReport } from "./calibration-monitor.js";
export {
  DH_BUFFER_BATCHES,
  DH_MAX_ADDS_PER_DEPTH,
  DH_MIN_GAIN_NATS,
  DH_MIN_WIN_RATE,
  DH_PROBE_LEARNING_RATE,
  DistributionHeadPlanner,
  disposeDistributionBatch,
  distributionHeadPlannerConfigSchema,
  looGain,
  type DistributionBatchSource,
  type DistributionCycleReport,
  type DistributionHeadEntry,
  type DistributionHeadEvent,
  type DistributionHeadEventBase,
  type DistributionHeadPlannerConfig,
  type DistributionHeadPlannerConfigInput,
  type DistributionPruneReason,
  type SharedDepthBudget,
} from "./distribution-head-planner.js";
export { ARM_DIRECTIONS, StencilGeometry, type ArmDirection, type StencilGeometryOptions } from "./stencil-geometry.js";
export { STENCIL_LAPLACIAN_SCALE, STENCIL_MAX_CENTRES, StencilLayer, type StencilForwardOptions, type StencilLayerOptions, type StencilSeed, type StencilState } from "./stencil-layer.js";
export { STENCIL_LEARNING_RATE, STENCIL_RESIDUAL_LAMBDA, StencilNet, type StencilNetOptions, type StencilNetOrigin, type StencilNetParameters } from "./stencil-net.js";
export { STENCIL_CLONE_SHARE, cloneStencilUnit, remergeStencilUnit, type StencilCloneRecord, type StencilCloneResult, type StencilCloneSpec } from "./stencil-clone-split.js";
export {
  STENCIL_CLONE_MIN_RELATIVE_GAIN,
  STENCIL_CLONE_RETRY_AFTER,
  StencilCloneSplitPlanner,
  stencilCloneSplitConfigSchema,
  type StencilCloneDecision,
  type StencilCloneSplitConfig,
  type StencilCloneSplitConfigInput,
  type StencilCloneTrial,
  type StencilSplitNomination,
} from "./stencil-clone-split-planner.js";
export type {
  StencilCloneDecisionEvent,
  StencilCloneSkipEvent,
  StencilCloneSplitEvent,
  StencilCommitEvent,
  StencilCoolEvent,
  StencilCoolReason,
  StencilEscapeEvent,
  StencilEvent,
  StencilGrowthShape,
  StencilShortlistEvent,
  StencilSkipEvent,
  StencilTieEvent,
} from "./stencil-events.js";
export {
  STENCIL_ARM_LENGTH,
  STENCIL_COMMITS_PER_CYCLE,
  STENCIL_COOL_TOLERANCE,
  STENCIL_NMS_RADIUS,
  STENCIL_QUIET_FRACTION,
  STENCIL_SHORTLIST_SIZE,
  StencilPlanner,
  stencilFrontier,
  stencilPlannerConfigSchema,
  type StencilCandidate,
  type StencilCycleReport,
  type StencilPlannerConfig,
  type StencilPlannerConfigInput,
} from "./stencil-planner.js";
export {
  STENCIL_ATTACH_THRESHOLD,
  STENCIL_ESCAPE_THRESHOLD,
  STENCIL_FLAT_RADIUS,
  STENCIL_GRAVITY_STRENGTH,
  STENCIL_MAX_NORM,
  STENCIL_MERGE_THRESHOLD,
  STENCIL_MERGE_TOLERANCE,
  STENCIL_MIN_DISTANCE,
  STENCIL_MIN_HOT_CELLS,
  STENCIL_MOMENTUM,
  STENCIL_REPULSION,
  StencilDynamics,
  cosineSimilarity,
  perRingSimilarity,
  stencilDynamicsConfigSchema,
  type StencilDynamicsConfig,
  type StencilDynamicsConfigInput,
  type StencilDynamicsReport,
} from "./stencil-dynamics.js";
