/**
 * The learned critic alternative (seed `004_b9e7278aec0f8932.txt` L97: "a learned critic that
 * predicts Effcog from μ, receptor states, and CFG node, and backprop prediction error";
 * SEED-INVENTORY.md §8.5). ADR 0506.
 *
 * Input: `[μ (N) | mean_a S̄ (R) | CFG node one-hot (P) | previous C, U, H, CalGap (4)]`. Target: the
 * K-tick mean return `G_t = (1/K)·Σ_{j=0..K−1} Eff_cog(t + j)` (outcomes at t..t+K−1 credited to the state at t),
 * known K−1 ticks later. The critic trains on its squared prediction error over minibatches drawn from
 * a replay of completed samples; the maps then ascend `β·critic(μ(θ), S̄(θ), …)`, differentiable in μ
 * and S̄.
 */
import { AdamWithMoments, createRng, randomNormal, tf } from "@tam/tensor-backend";
import type { Rng, Tensor, Tensor2D, Variable } from "@tam/tensor-backend";

/** Options of the critic. */
export interface CriticOptions {
  readonly inputSize: number;
  readonly hiddenUnits: number;
  /** K: the return spans this many ticks. */
  readonly horizon: number;
  readonly learningRate: number;
  /** Completed samples kept for replay. */
  readonly replaySize: number;
  /** Minibatch size per training step. */
  readonly batchSize: number;
  readonly seed: number;
}

interface Pending {
  readonly features: Float32Array;
  readonly outcomes: number[];
}

/**
 * A small MLP critic of Eff_cog.
 *
 * @example
 * ```ts
 * const critic = new CognitiveCritic({ inputSize: 4, hiddenUnits: 8, horizon: 2, learningRate: 0.01, replaySize: 64, batchSize: 8, seed: 1 });
 * critic.record(new Float32Array([0.5, 0.2, 1, 0]), 0.9); // outcome at t
 * critic.record(new Float32Array([0.6, 0.2, 1, 0]), 1.1); // completes G for the first sample: (0.9 + 1.1)/2 = 1.0
 * critic.train();
 * ```
 */
export class CognitiveCritic {
  readonly options: CriticOptions;
  private readonly params: { w1: Variable; b1: Variable; w2: Variable; b2: Variable };
  private readonly adam: AdamWithMoments;
  private readonly rng: Rng;
  private readonly pending: Pending[] = [];
  private readonly replayX: Float32Array[] = [];
  private readonly replayY: number[] = [];
  private replayNext = 0;

  constructor(options: CriticOptions) {
    for (const key of ["inputSize", "hiddenUnits", "horizon", "replaySize", "batchSize"] as const) {
      if (!(Number.isInteger(options[key]) && options[key] > 0)) throw new Error(`Error in CognitiveCritic: ${key} must be a positive integer, got ${options[key]}.`);
    }
    if (!(options.learningRate > 0 && Number.isFinite(options.learningRate))) throw new Error(`Error in CognitiveCritic: learningRate must be finite and > 0, got ${options.learningRate}.`);
    this.options = options;
    const rng = createRng(options.seed);
    this.rng = rng.fork("replay");
    this.params = tf.tidy(() => ({
      w1: tf.variable(randomNormal(rng.fork("w1"), [options.inputSize, options.hiddenUnits], { std: 1 / Math.sqrt(options.inputSize) }), true),
      b1: tf.variable(tf.zeros([options.hiddenUnits]), true),
      w2: tf.variable(randomNormal(rng.fork("w2"), [options.hiddenUnits, 1], { std: 0.1 / Math.sqrt(options.hiddenUnits) }), true),
      b2: tf.variable(tf.zeros([1]), true),
    }));
    this.adam = new AdamWithMoments(this.params, { learningRate: options.learningRate });
  }

  /** Number of completed samples in the replay. */
  get replayCount(): number {
    return this.replayX.length;
  }

  /** Predicted return for features `[B, D]` → `[B]` (not tidied; differentiable in the features). */
  predict(features: Tensor2D): Tensor {
    if (features.shape[1] !== this.options.inputSize) throw new Error(`Error in CognitiveCritic.predict: features must have ${this.options.inputSize} columns, got ${features.shape[1]}.`);
    const { w1, b1, w2, b2 } = this.params;
    return tf.reshape(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(features, w1), b1)), w2), b2), [-1]);
  }

  /**
   * Record the state features of tick t and the outcome Eff_cog(t). The outcome also completes the
   * returns of the earlier pending states; a state leaves for the replay once it has K outcomes.
   */
  record(features: Float32Array, outcome: number): void {
    if (features.length !== this.options.inputSize) throw new Error(`Error in CognitiveCritic.record: features must have ${this.options.inputSize} entries, got ${features.length}.`);
    if (!Number.isFinite(outcome)) throw new Error(`Error in CognitiveCritic.record: outcome must be finite, got ${outcome}.`);
    this.pending.push({ features: Float32Array.from(features), outcomes: [] });
    for (const p of this.pending) p.outcomes.push(outcome);
    while (this.pending.length > 0 && (this.pending[0] as Pending).outcomes.length >= this.options.horizon) {
      const done = this.pending.shift() as Pending;
      const target = done.outcomes.reduce((a, b) => a + b, 0) / this.options.horizon;
      if (this.replayX.length < this.options.replaySize) {
        this.replayX.push(done.features);
        this.replayY.push(target);
      } else {
        this.replayX[this.replayNext] = done.features;
        this.replayY[this.replayNext] = target;
        this.replayNext = (this.replayNext + 1) % this.options.replaySize;
      }
    }
  }

  /** One Adam step on the squared prediction error of a replay minibatch; returns the loss (NaN if the replay is empty). */
  train(): number {
    const n = this.replayX.length;
    if (n === 0) return Number.NaN;
    const size = Math.min(this.options.batchSize, n);
    const x = new Float32Array(size * this.options.inputSize);
    const y = new Float32Array(size);
    for (let i = 0; i < size; i += 1) {
      const pick = this.rng.int(0, n);
      x.set(this.replayX[pick] as Float32Array, i * this.options.inputSize);
      y[i] = this.replayY[pick] as number;
    }
    const xs = tf.tensor2d(x, [size, this.options.inputSize]);
    const ys = tf.tensor1d(y);
    const loss = this.adam.minimize(() => tf.mean(tf.square(tf.sub(this.predict(xs), ys))));
    const value = loss.dataSync()[0] as number;
    tf.dispose([xs, ys, loss]);
    return value;
  }

  /** Dispose the critic's variables and optimizer state. */
  dispose(): void {
    this.adam.dispose();
    tf.dispose(Object.values(this.params));
  }
}
