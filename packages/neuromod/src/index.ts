/**
 * `@tam/neuromod`: receptor homeostasis trained on signalling efficiency.
 *
 * A receptor simulator (areas × receptors × NTs × emitters, binding with capacity, a receptor network
 * with allosteric scaling, noise), the three learned maps fρ, fσ, fr, the seed's local metrics (B̄, S̄,
 * SatNT, RangeUtil, NoiseLeak, EnergyCost) and Eff_local, a typed cognitive-efficiency port with
 * Eff_cog and a reference source, the Form A objective with β annealing and a μ safety clamp, and
 * credit assignment by eligibility traces or a learned critic. Source: `004_b9e7278aec0f8932.txt`.
 *
 * @packageDocumentation
 */
export * from "./constants.js";
export type { Emitter, LayoutSizes, LayoutTensors, ReceptorLayout, ReceptorType } from "./receptor-layout.js";
export { defaultReceptorLayout, disposeLayoutTensors, layoutSizes, layoutTensors, validateReceptorLayout } from "./receptor-layout.js";
export { scaleGradient, stopGradient, straightThroughBand } from "./gradient-helpers.js";
export type { LocalTerms, LocalWeights } from "./local-metrics.js";
export { bindingFraction, effLocal, effLocalTotal, energyCost, ntSaturation, rangeUtilization, validateLocalWeights } from "./local-metrics.js";
export { noiseLeak } from "./noise-leak.js";
export type { ModulateParams } from "./modulate-function.js";
export { MODULATE_INITIAL_PHASE, MODULATE_INITIAL_SLOPE, allostericFactor, createModulateParams } from "./modulate-function.js";
export type { MuClamp } from "./safety-clamp.js";
export { clampModulators, validateMuClamp } from "./safety-clamp.js";
export type { TickInputs, TickOutputs } from "./receptor-simulator.js";
export { simulateTick } from "./receptor-simulator.js";
export type { ContextState, ContextTensors, HomeostasisContext } from "./context-features.js";
export { buildContext, contextFromValues, contextWidths } from "./context-features.js";
export type { MapOutputs, MapParams, MapSizes } from "./homeostatic-maps.js";
export { DEFAULT_MAP_HIDDEN_UNITS, HomeostaticMaps, OUTPUT_INIT_SCALE } from "./homeostatic-maps.js";
export type {
  CognitiveDeltas,
  CognitivePhase,
  CognitiveReading,
  CognitiveSource,
  CognitiveWeights,
  ModulatorSnapshot,
} from "./cognitive-efficiency.js";
export { cognitiveDeltas, effCog, validateReading } from "./cognitive-efficiency.js";
export type { OptimalProfile, ReferenceSourceOptions, ReferenceTaskState } from "./reference-cognitive-source.js";
export {
  DEFAULT_PHASE_TICKS,
  REFERENCE_PHASES,
  REFERENCE_TASK,
  ReferenceCognitiveSource,
  deltaRuleError,
  referenceLearningRate,
} from "./reference-cognitive-source.js";
export { driftPenalty, homeostasisDeviation, parameterPenalty, rangeDeviation, slowAverage, smoothness } from "./stabilisers.js";
export type { BetaSchedule } from "./beta-schedule.js";
export { annealedBeta } from "./beta-schedule.js";
export type { LoadSchedule } from "./input-load.js";
export { LoadScheduleSchema, loadAt, parseLoadSchedule } from "./input-load.js";
export type { EligibilityTraceOptions } from "./eligibility-trace.js";
export { EligibilityTrace } from "./eligibility-trace.js";
export type { CriticOptions } from "./cognitive-critic.js";
export { CognitiveCritic } from "./cognitive-critic.js";
export type { HomeostasisConfig, HomeostasisConfigInput } from "./homeostasis-config.js";
export { HomeostasisConfigSchema, parseHomeostasisConfig } from "./homeostasis-config.js";
export type { ModulatorLevels, ReceptorHomeostasisOptions, TickRecord } from "./receptor-homeostasis.js";
export { ReceptorHomeostasis } from "./receptor-homeostasis.js";
