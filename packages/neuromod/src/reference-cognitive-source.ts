/**
 * The reference cognitive source for scenarios (ADR 0504): a small phased tracking task whose
 * coherence, utility, uncertainty, safety and calibration really depend on the modulators. It stands
 * in for the DMN loop the seed assumes (seed `004_b9e7278aec0f8932.txt` L42–54, L111–121, L143;
 * SEED-INVENTORY.md §15.8.2).
 *
 * An agent tracks a latent value with a delta rule `m ← m + k(y − m)` from observations of noise
 * variance σ²; the latent moves with variance q per tick. Modulators set the agent's parameters:
 * learning rate `k = clip(0.05 + 0.9·NE·(1 − 0.7·5HT), 0.02, 0.98)`, choice inverse temperature
 * `τ = 1 + 9·DA`, reported variance `v = k·σ²/(2 − k) + 0.3·NE`. The task is evaluated in expectation
 * (mean field), so it is deterministic given μ: the delta rule's steady-state squared error is
 * `E(k) = k·σ²/(2 − k) + q/(k·(2 − k))`. The phases (CFG nodes) cycle in blocks of `phaseTicks`:
 *
 * | CFG node | σ² | q | what helps |
 * |---|---|---|---|
 * | `3.6 Salience` | 0.09 | 0.6 (frequent jumps) | a fast learning rate: NE up, 5HT down |
 * | `3.11 Mind-wandering` | 1.0 | 0.0004 | a slow learning rate: NE down or 5HT up |
 * | `Exploitation` | 0.09 | 0.0004 | decisive choices on a good estimate: DA up, k low |
 *
 * Instantaneous qualities, each in [0, 1]:
 * `u = (1 − d)·exp(−E/0.5) + d·σ(τ·(1 − E))` (decision weight d = 0.8 in Exploitation, 0.2 elsewhere);
 * `c = exp(−k·√(σ² + E)/0.3)` (expected belief step); `h = clip(ln(v/0.01)/ln 100, 0, 1)`;
 * `g = min(1, |ln((E + 0.01)/(v + 0.01))|/ln 100)` (reported vs real error). The reported levels are
 * running states that move a fraction 0.2 toward the qualities each tick (`C, U, H, CalGap`), so a good
 * modulator state shows up as gains ΔC, ΔU, ΔH, ΔCal over the following ticks.
 * `safety_penalty = clip(2·max(0, NE + DA − 1.2) + 2·max(0, 0.15 − 5HT), 0, 1)` (hyperarousal,
 * serotonin depletion). The error signal of a tick is `min(1, √E)` of the previous one.
 */
import type { CognitivePhase, CognitiveReading, CognitiveSource, CognitiveWeights, ModulatorSnapshot } from "./cognitive-efficiency.js";
import { DEFAULT_COGNITIVE_WEIGHTS, DEFAULT_MU_CLAMP } from "./constants.js";
import type { MuClamp } from "./safety-clamp.js";
import { validateMuClamp } from "./safety-clamp.js";

/** The reference task's CFG nodes (seed L143 names the first two). */
export const REFERENCE_PHASES = ["3.6 Salience", "3.11 Mind-wandering", "Exploitation"] as const;

/** Default block length of a phase, in ticks (ADR 0504). */
export const DEFAULT_PHASE_TICKS = 20;

/** Task constants (ADR 0504). */
export const REFERENCE_TASK = {
  observationVariance: [0.09, 1.0, 0.09],
  latentVariancePerTick: [0.6, 0.0004, 0.0004],
  decisionWeight: [0.2, 0.2, 0.8],
  accuracyScale: 0.5,
  coherenceScale: 0.3,
  neUncertainty: 0.3,
  varianceFloor: 0.01,
  varianceSpan: 100,
  levelRate: 0.2,
  arousalLimit: 1.2,
  serotoninFloor: 0.15,
  penaltyGain: 2,
} as const;

/** Options of the reference source. */
export interface ReferenceSourceOptions {
  /** Ticks per phase block (default {@link DEFAULT_PHASE_TICKS}). */
  readonly phaseTicks?: number;
}

/** A phase's optimal modulator profile (see {@link ReferenceCognitiveSource.optimalProfile}). */
export interface OptimalProfile {
  /** μ by NT: `[NE, 5HT, DA]`. */
  readonly levels: readonly [number, number, number];
  /** {@link ReferenceCognitiveSource.profileObjective} at `levels`. */
  readonly value: number;
}

/** The task's quantities at the last step, for tests and charts. */
export interface ReferenceTaskState {
  readonly learningRate: number;
  readonly expectedSquaredError: number;
  readonly reportedVariance: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clip(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

/** The delta rule's learning rate under modulators (NE speeds it up, 5HT damps NE's effect). */
export function referenceLearningRate(ne: number, serotonin: number): number {
  return clip(0.05 + 0.9 * ne * (1 - 0.7 * serotonin), 0.02, 0.98);
}

/** Steady-state expected squared error of a delta rule with rate k: `k·σ²/(2 − k) + q/(k·(2 − k))`. */
export function deltaRuleError(k: number, observationVariance: number, latentVariance: number): number {
  if (!(k > 0 && k < 2)) throw new Error(`Error in deltaRuleError: k must be in (0, 2), got ${k}.`);
  return (k * observationVariance) / (2 - k) + latentVariance / (k * (2 - k));
}

/**
 * The reference cognitive source.
 *
 * @example
 * ```ts
 * const source = new ReferenceCognitiveSource();
 * source.phase(0).cfgNode; // "3.6 Salience"
 * const reading = source.step({ tick: 0, names: ["NE", "5HT", "DA"], levels: [0.9, 0.2, 0.3] });
 * ```
 */
export class ReferenceCognitiveSource implements CognitiveSource {
  readonly phases: readonly string[] = REFERENCE_PHASES;
  readonly phaseTicks: number;
  private levels = { coherence: 0.5, utility: 0.5, uncertainty: 0.5, calibrationGap: 0.5 };
  private errorSignal = 0;
  private last: ReferenceTaskState = { learningRate: 0.5, expectedSquaredError: 0, reportedVariance: 0 };
  private currentTick = -1;

  constructor(options: ReferenceSourceOptions = {}) {
    const phaseTicks = options.phaseTicks ?? DEFAULT_PHASE_TICKS;
    if (!(Number.isInteger(phaseTicks) && phaseTicks > 0)) throw new Error(`Error in ReferenceCognitiveSource: phaseTicks must be a positive integer, got ${phaseTicks}.`);
    this.phaseTicks = phaseTicks;
  }

  /** Index of the phase at `tick`. */
  phaseIndex(tick: number): number {
    return Math.floor(tick / this.phaseTicks) % REFERENCE_PHASES.length;
  }

  phase(tick: number): CognitivePhase {
    if (!(Number.isInteger(tick) && tick >= 0)) throw new Error(`Error in ReferenceCognitiveSource.phase: tick must be an integer >= 0, got ${tick}.`);
    return { cfgNode: REFERENCE_PHASES[this.phaseIndex(tick)] as string, errorSignal: this.errorSignal };
  }

  /** An independent copy in the same state (for variants that branch from a shared warm-up). */
  clone(): ReferenceCognitiveSource {
    const copy = new ReferenceCognitiveSource({ phaseTicks: this.phaseTicks });
    copy.levels = { ...this.levels };
    copy.errorSignal = this.errorSignal;
    copy.last = this.last;
    copy.currentTick = this.currentTick;
    return copy;
  }

  /** The task's quantities at the last step. */
  state(): ReferenceTaskState {
    return this.last;
  }

  /**
   * The instantaneous qualities (u, c, h, g) and safety penalty of a modulator state in a phase.
   * Pure: does not advance the source.
   */
  qualities(phaseIndex: number, ne: number, serotonin: number, da: number): { utility: number; coherence: number; uncertainty: number; calibrationGap: number; safetyPenalty: number; state: ReferenceTaskState } {
    const t = REFERENCE_TASK;
    const sigma2 = t.observationVariance[phaseIndex];
    const q = t.latentVariancePerTick[phaseIndex];
    const d = t.decisionWeight[phaseIndex];
    if (!Number.isInteger(phaseIndex) || sigma2 === undefined || q === undefined || d === undefined) {
      throw new Error(`Error in ReferenceCognitiveSource.qualities: phaseIndex must be an integer in [0, ${REFERENCE_PHASES.length - 1}], got ${phaseIndex}.`);
    }
    const k = referenceLearningRate(ne, serotonin);
    const error = deltaRuleError(k, sigma2, q);
    const variance = (k * sigma2) / (2 - k) + t.neUncertainty * ne;
    const logSpan = Math.log(t.varianceSpan);
    return {
      utility: (1 - d) * Math.exp(-error / t.accuracyScale) + d * sigmoid((1 + 9 * da) * (1 - error)),
      coherence: Math.exp(-(k * Math.sqrt(sigma2 + error)) / t.coherenceScale),
      uncertainty: clip(Math.log(variance / t.varianceFloor) / logSpan, 0, 1),
      calibrationGap: Math.min(1, Math.abs(Math.log((error + t.varianceFloor) / (variance + t.varianceFloor))) / logSpan),
      safetyPenalty: clip(t.penaltyGain * Math.max(0, ne + da - t.arousalLimit) + t.penaltyGain * Math.max(0, t.serotoninFloor - serotonin), 0, 1),
      state: { learningRate: k, expectedSquaredError: error, reportedVariance: variance },
    };
  }

  /**
   * The part of the expected Eff_cog of one tick that the modulators μ applied in that tick control:
   * the levels move `levelRate` toward the qualities, so
   * `Eff_cog(t) = levelRate·(v1·c + v2·u − v3·h − v5·g)(μ_t) − v4·safety_penalty(μ_t) + terms fixed by earlier ticks`.
   * Its maximiser is the profile a phase should get (ADR 0508).
   *
   * @param levels - μ `[NE, 5HT, DA]`, each in [0, 1].
   */
  profileObjective(phaseIndex: number, levels: readonly number[], weights: CognitiveWeights = DEFAULT_COGNITIVE_WEIGHTS): number {
    const [ne, serotonin, da] = levels;
    if (levels.length !== 3 || ne === undefined || serotonin === undefined || da === undefined || !levels.every((x) => x >= 0 && x <= 1)) {
      throw new Error(`Error in ReferenceCognitiveSource.profileObjective: levels must be [NE, 5HT, DA] in [0, 1], got [${levels.join(", ")}].`);
    }
    const q = this.qualities(phaseIndex, ne, serotonin, da);
    const quality = weights.coherence * q.coherence + weights.utility * q.utility - weights.uncertainty * q.uncertainty - weights.calibration * q.calibrationGap;
    return REFERENCE_TASK.levelRate * quality - weights.safety * q.safetyPenalty;
  }

  /**
   * The phase's optimal modulator profile: the maximiser of {@link profileObjective} over the μ clamp,
   * by exhaustive search on a grid of spacing `step` (ADR 0508). Ties keep the first grid point
   * (NE, then 5HT, then DA ascending).
   *
   * @example
   * ```ts
   * new ReferenceCognitiveSource().optimalProfile(0).levels; // ≈ [0.68, 0.15, 0.52]: Salience wants NE, little 5HT
   * ```
   */
  optimalProfile(phaseIndex: number, options: { readonly weights?: CognitiveWeights; readonly clamp?: MuClamp; readonly step?: number } = {}): OptimalProfile {
    const clamp = options.clamp ?? DEFAULT_MU_CLAMP;
    validateMuClamp(clamp);
    const step = options.step ?? 0.01;
    if (!(step > 0 && step <= clamp.max - clamp.min)) throw new Error(`Error in ReferenceCognitiveSource.optimalProfile: step must be in (0, ${clamp.max - clamp.min}], got ${step}.`);
    const count = Math.floor((clamp.max - clamp.min) / step + 1e-9) + 1;
    const grid = Array.from({ length: count }, (_, i) => clamp.min + i * step);
    let best: OptimalProfile = { levels: [clamp.min, clamp.min, clamp.min], value: Number.NEGATIVE_INFINITY };
    for (const ne of grid) {
      for (const serotonin of grid) {
        for (const da of grid) {
          const value = this.profileObjective(phaseIndex, [ne, serotonin, da], options.weights);
          if (value > best.value) best = { levels: [ne, serotonin, da], value };
        }
      }
    }
    return best;
  }

  step(modulators: ModulatorSnapshot): CognitiveReading {
    const level = (name: string): number => {
      const index = modulators.names.indexOf(name);
      const value = modulators.levels[index];
      if (index < 0 || value === undefined) throw new Error(`Error in ReferenceCognitiveSource.step: modulator ${name} is missing (names ${modulators.names.join(",")}).`);
      if (!(value >= 0 && value <= 1)) throw new Error(`Error in ReferenceCognitiveSource.step: modulator ${name} must be in [0, 1], got ${value}.`);
      return value;
    };
    const [ne, serotonin, da] = [level("NE"), level("5HT"), level("DA")];
    if (!(Number.isInteger(modulators.tick) && modulators.tick > this.currentTick)) {
      throw new Error(`Error in ReferenceCognitiveSource.step: ticks must increase, got ${modulators.tick} after ${this.currentTick}.`);
    }
    this.currentTick = modulators.tick;
    const phase = this.phaseIndex(modulators.tick);
    const q = this.qualities(phase, ne, serotonin, da);
    const rate = REFERENCE_TASK.levelRate;
    const move = (from: number, to: number): number => from + rate * (to - from);
    this.levels = {
      coherence: move(this.levels.coherence, q.coherence),
      utility: move(this.levels.utility, q.utility),
      uncertainty: move(this.levels.uncertainty, q.uncertainty),
      calibrationGap: move(this.levels.calibrationGap, q.calibrationGap),
    };
    this.last = q.state;
    this.errorSignal = Math.min(1, Math.sqrt(q.state.expectedSquaredError));
    return { cfgNode: REFERENCE_PHASES[phase] as string, ...this.levels, safetyPenalty: q.safetyPenalty };
  }
}
