/**
 * The cognitive-efficiency port (seed `004_b9e7278aec0f8932.txt` L42–54, L111–121, L129;
 * SEED-INVENTORY.md §8.3, §8.8, §15.8.2). Any source (the reference task here, another agent in the
 * demo) implements {@link CognitiveSource}: before a tick it names the phase (CFG node) and an error
 * signal; after the receptor forward pass it takes the μ snapshot, runs its step and reports its
 * levels C, U, H, safety_penalty and CalGap. The deltas and Eff_cog are computed here, exactly as the
 * seed defines them:
 *
 * `ΔC = C(t) − C(t−1)`, `ΔU = U(t) − U(t−1)`, `ΔH = H(t−1) − H(t)`, `S = 1 − safety_penalty(t)`,
 * `ΔCal = CalGap(t−1) − CalGap(t)`; `Eff_cog = v1·ΔC + v2·ΔU + v3·ΔH + v4·S + v5·ΔCal`.
 */
import { DEFAULT_COGNITIVE_WEIGHTS } from "./constants.js";

/** What a source knows before the tick: the phase it is in and an error signal. */
export interface CognitivePhase {
  /** The CFG node id of this tick (one of `CognitiveSource.phases`), e.g. `"3.6 Salience"`. */
  readonly cfgNode: string;
  /** An error signal in [0, 1] the maps may condition on. */
  readonly errorSignal: number;
}

/** Levels a source reports after its step; every level is in [0, 1]. */
export interface CognitiveReading {
  /** The CFG node the step ran in. */
  readonly cfgNode: string;
  /** Coherence C(t) between successive thought states. */
  readonly coherence: number;
  /** Task-aligned utility U(t). */
  readonly utility: number;
  /** Epistemic uncertainty H(t). */
  readonly uncertainty: number;
  /** safety_penalty(t). */
  readonly safetyPenalty: number;
  /** Calibration gap CalGap(t). */
  readonly calibrationGap: number;
}

/** The μ snapshot a source receives, by NT name and in layout order. */
export interface ModulatorSnapshot {
  readonly tick: number;
  /** NT names, in layout order (e.g. `["NE", "5HT", "DA"]`). */
  readonly names: readonly string[];
  /** μ after the safety clamp, same order, in [0, 1]. */
  readonly levels: readonly number[];
}

/**
 * The typed port any cognitive (DMN) source implements.
 *
 * @example
 * ```ts
 * const source: CognitiveSource = {
 *   phases: ["rest"],
 *   phase: () => ({ cfgNode: "rest", errorSignal: 0 }),
 *   step: (mu) => ({ cfgNode: "rest", coherence: 1, utility: mu.levels[0] ?? 0, uncertainty: 0, safetyPenalty: 0, calibrationGap: 0 }),
 * };
 * ```
 */
export interface CognitiveSource {
  /** Every CFG node the source can be in (the maps one-hot encode the index). */
  readonly phases: readonly string[];
  /** The phase and error signal of the coming tick. */
  phase(tick: number): CognitivePhase;
  /** Run the source's step under the given modulators and report its levels. */
  step(modulators: ModulatorSnapshot): CognitiveReading;
}

/** The seed's five cognitive terms (L113–121). */
export interface CognitiveDeltas {
  readonly deltaCoherence: number;
  readonly deltaUtility: number;
  readonly deltaUncertainty: number;
  readonly safety: number;
  readonly deltaCalibration: number;
}

/** Weights v1..v5 of Eff_cog (seed L54). */
export interface CognitiveWeights {
  readonly coherence: number;
  readonly utility: number;
  readonly uncertainty: number;
  readonly safety: number;
  readonly calibration: number;
}

/** Check a reading: levels finite and in [0, 1]; throws naming the field. */
export function validateReading(reading: CognitiveReading): void {
  for (const key of ["coherence", "utility", "uncertainty", "safetyPenalty", "calibrationGap"] as const) {
    const value = reading[key];
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new Error(`Error in validateReading: ${key} must be in [0, 1], got ${value} (cfgNode ${reading.cfgNode}).`);
    }
  }
}

/**
 * The seed's deltas between two successive readings (L113–121).
 *
 * @example
 * ```ts
 * const a = { cfgNode: "x", coherence: 0.2, utility: 0.5, uncertainty: 0.6, safetyPenalty: 0, calibrationGap: 0.4 };
 * const b = { cfgNode: "x", coherence: 0.5, utility: 0.4, uncertainty: 0.5, safetyPenalty: 0.1, calibrationGap: 0.1 };
 * cognitiveDeltas(a, b); // ΔC 0.3, ΔU −0.1, ΔH 0.1, S 0.9, ΔCal 0.3
 * ```
 */
export function cognitiveDeltas(previous: CognitiveReading, current: CognitiveReading): CognitiveDeltas {
  validateReading(previous);
  validateReading(current);
  return {
    deltaCoherence: current.coherence - previous.coherence,
    deltaUtility: current.utility - previous.utility,
    deltaUncertainty: previous.uncertainty - current.uncertainty,
    safety: 1 - current.safetyPenalty,
    deltaCalibration: previous.calibrationGap - current.calibrationGap,
  };
}

/**
 * `Eff_cog = v1·ΔC + v2·ΔU + v3·ΔH + v4·S + v5·ΔCal` (seed L54).
 *
 * @example
 * ```ts
 * effCog({ deltaCoherence: 0.3, deltaUtility: -0.1, deltaUncertainty: 0.1, safety: 0.9, deltaCalibration: 0.3 }); // 1.5
 * ```
 */
export function effCog(deltas: CognitiveDeltas, weights: CognitiveWeights = DEFAULT_COGNITIVE_WEIGHTS): number {
  for (const [name, value] of Object.entries(weights)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`Error in effCog: weight ${name} must be finite and >= 0, got ${String(value)}.`);
  }
  return (
    weights.coherence * deltas.deltaCoherence +
    weights.utility * deltas.deltaUtility +
    weights.uncertainty * deltas.deltaUncertainty +
    weights.safety * deltas.safety +
    weights.calibration * deltas.deltaCalibration
  );
}
