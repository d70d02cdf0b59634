/**
 * Evolution strategies as in OpenAI ES (Salimans et al. 2017, "Evolution Strategies as a Scalable
 * Alternative to Reinforcement Learning", Algorithm 1 with antithetic ("mirrored") sampling and
 * centred-rank fitness shaping): for a population of 2·P, draw ε_1..ε_P ~ N(0, I), evaluate
 * F(θ + σ·ε_i) and F(θ − σ·ε_i), replace the 2P fitnesses by their centred ranks
 * (rank / (2P − 1) − 0.5, in [−0.5, 0.5]), and step `θ ← θ + α/(2P·σ) · Σ_i (u_i⁺ − u_i⁻)·ε_i`
 * (fitness is maximised). Optional L2 weight decay on θ, as in the paper's implementation.
 * Deterministic given its seeded Rng. Used to train intent functors, whose objective (cone signatures
 * of rollouts) is not differentiable (001 L157–159, C-15).
 *
 * Source: `001_4e7658869d462183.txt` L157–159; SEED-INVENTORY.md §6.9, §15.6 item 6, C-15; ADR 0606.
 */
import type { Rng } from "@tam/tensor-backend";

/** Options of {@link EvolutionStrategy}. */
export interface EvolutionStrategyOptions {
  /** Antithetic pairs per generation P (population 2P). */
  readonly pairs: number;
  /** Perturbation standard deviation σ. */
  readonly noiseStd: number;
  /** Step size α. */
  readonly learningRate: number;
  /** L2 weight decay coefficient (default 0). */
  readonly weightDecay?: number;
}

/** What one generation did. */
export interface EsStepResult {
  /** Fitness of every candidate, `[+ε_1, −ε_1, +ε_2, −ε_2, …]`. */
  readonly fitness: readonly number[];
  readonly meanFitness: number;
  readonly bestFitness: number;
  /** Norm of the applied update. */
  readonly stepNorm: number;
}

/**
 * Centred ranks of `values` in [−0.5, 0.5]: rank / (n − 1) − 0.5, tied values sharing their mean rank
 * (so a generation of equal fitnesses makes no update).
 */
export function centredRanks(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) throw new Error("Error in centredRanks: values is empty.");
  for (const v of values) if (Number.isNaN(v)) throw new Error("Error in centredRanks: values contain NaN.");
  if (n === 1) return [0];
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ranks = new Array<number>(n).fill(0);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && order[end + 1]?.[0] === order[start]?.[0]) end += 1;
    const mean = (start + end) / 2;
    for (let k = start; k <= end; k++) ranks[order[k]?.[1] ?? 0] = mean / (n - 1) - 0.5;
    start = end + 1;
  }
  return ranks;
}

/**
 * OpenAI-style ES over a flat parameter vector.
 *
 * @example
 * ```ts
 * const es = new EvolutionStrategy(new Float64Array(2), createRng(1), { pairs: 8, noiseStd: 0.1, learningRate: 0.05 });
 * for (let g = 0; g < 200; g++) es.step((thetas) => thetas.map((t) => -((t[0] - 3) ** 2) - (t[1] + 1) ** 2));
 * es.theta;   // ≈ [3, −1]
 * ```
 */
export class EvolutionStrategy {
  private current: Float64Array;
  private generations = 0;

  constructor(
    theta: ArrayLike<number>,
    private readonly rng: Rng,
    readonly options: EvolutionStrategyOptions,
  ) {
    const { pairs, noiseStd, learningRate } = options;
    if (!(Number.isInteger(pairs) && pairs >= 1)) throw new Error(`Error in EvolutionStrategy: pairs must be an integer >= 1, got ${pairs}.`);
    if (!(Number.isFinite(noiseStd) && noiseStd > 0)) throw new Error(`Error in EvolutionStrategy: noiseStd must be finite and > 0, got ${noiseStd}.`);
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new Error(`Error in EvolutionStrategy: learningRate must be finite and > 0, got ${learningRate}.`);
    const decay = options.weightDecay ?? 0;
    if (!(Number.isFinite(decay) && decay >= 0)) throw new Error(`Error in EvolutionStrategy: weightDecay must be finite and >= 0, got ${decay}.`);
    if (theta.length === 0) throw new Error("Error in EvolutionStrategy: theta is empty.");
    this.current = Float64Array.from(theta);
  }

  /** The current parameters (a copy). */
  get theta(): Float64Array {
    return this.current.slice();
  }

  /** Generations run. */
  get generationCount(): number {
    return this.generations;
  }

  /** The 2P candidates of the next generation and their noise, without stepping. */
  private candidates(): { thetas: Float64Array[]; noise: Float64Array[] } {
    const { pairs, noiseStd } = this.options;
    const thetas: Float64Array[] = [];
    const noise: Float64Array[] = [];
    for (let p = 0; p < pairs; p++) {
      const eps = new Float64Array(this.current.length);
      for (let k = 0; k < eps.length; k++) eps[k] = this.rng.normal();
      noise.push(eps);
      thetas.push(this.current.map((v, k) => v + noiseStd * (eps[k] ?? 0)));
      thetas.push(this.current.map((v, k) => v - noiseStd * (eps[k] ?? 0)));
    }
    return { thetas, noise };
  }

  /**
   * One generation: `fitness` gets the 2P candidates and returns one fitness each (higher is better).
   * `stepScale` multiplies this generation's step size α (a schedule, e.g. a linear decay; ADR 0609).
   */
  step(fitness: (thetas: readonly Float64Array[]) => readonly number[], stepScale = 1): EsStepResult {
    if (!(Number.isFinite(stepScale) && stepScale >= 0)) throw new Error(`Error in EvolutionStrategy.step: stepScale must be finite and >= 0, got ${stepScale}.`);
    const { pairs, noiseStd } = this.options;
    const learningRate = this.options.learningRate * stepScale;
    const decay = this.options.weightDecay ?? 0;
    const { thetas, noise } = this.candidates();
    const values = fitness(thetas);
    if (values.length !== 2 * pairs) throw new Error(`Error in EvolutionStrategy.step: fitness returned ${values.length} values for ${2 * pairs} candidates.`);
    for (const v of values) if (!Number.isFinite(v)) throw new Error(`Error in EvolutionStrategy.step: fitness returned a non-finite value (${v}).`);
    const ranks = centredRanks(values);
    const grad = new Float64Array(this.current.length);
    for (let p = 0; p < pairs; p++) {
      const weight = (ranks[2 * p] ?? 0) - (ranks[2 * p + 1] ?? 0);
      const eps = noise[p] as Float64Array;
      for (let k = 0; k < grad.length; k++) grad[k] = (grad[k] ?? 0) + weight * (eps[k] ?? 0);
    }
    let stepNorm = 0;
    for (let k = 0; k < grad.length; k++) {
      const delta = (learningRate / (2 * pairs * noiseStd)) * (grad[k] ?? 0) - learningRate * decay * (this.current[k] ?? 0);
      this.current[k] = (this.current[k] ?? 0) + delta;
      stepNorm += delta * delta;
    }
    this.generations += 1;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { fitness: [...values], meanFitness: mean, bestFitness: Math.max(...values), stepNorm: Math.sqrt(stepNorm) };
  }
}
