/**
 * A dense recurrent baseline for `graph-dynamics` (issue 8 item 9; ADR 0401): the whole observed state's last
 * L rows, flattened with a constant 1, map to the next state by `s_t + x·W_lin + tanh(x·W_1)·W_2` (the same
 * identity-first residual form and the same nonlinearity as the graph's default state function, but dense
 * and without graph structure), with the hidden width chosen so the parameter count matches the graph's.
 * Trained with the same Adam, windows and loss; rolled out the same way.
 */
import { AdamWithMoments, tf, type Rng, type Scalar, type Tensor2D, type Variable } from "@tam/tensor-backend";

import { GRAPH_LEARNING_RATE } from "./constants.js";
import { columnStats, type Trajectory } from "./trajectory.js";

/** Options of {@link DenseBaseline}. */
export interface DenseBaselineOptions {
  /** Observed width D. */
  readonly dim: number;
  /** Rows of history the input holds (default 2). */
  readonly lags?: number;
  /** Target parameter count; the hidden width is the largest that does not exceed it (at least 1). */
  readonly parameters: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
}

/**
 * The baseline.
 *
 * @example
 * ```ts
 * const base = new DenseBaseline({ dim: 2, parameters: 144 }, [train], rng);
 * for (let i = 0; i < 500; i += 1) base.step();
 * base.oneStepError([test]);
 * ```
 */
export class DenseBaseline {
  readonly dim: number;
  readonly lags: number;
  readonly hidden: number;
  private readonly wLin: Variable;
  private readonly w1: Variable;
  private readonly w2: Variable;
  private readonly adam: AdamWithMoments;
  private readonly trajectories: readonly Trajectory[];
  private readonly windows: { t: number; s: number }[] = [];
  private readonly rng: Rng;
  private readonly batchSize: number;
  private readonly weight: Tensor2D;

  /** @throws Error naming the field when a size is invalid or no trajectory is long enough. */
  constructor(options: DenseBaselineOptions, trajectories: readonly Trajectory[], rng: Rng) {
    const d = options.dim;
    const lags = options.lags ?? 2;
    if (!Number.isSafeInteger(d) || d < 1) throw new Error(`Error in DenseBaseline: dim must be a positive integer, got ${d}.`);
    if (!Number.isSafeInteger(lags) || lags < 1) throw new Error(`Error in DenseBaseline: lags must be a positive integer, got ${lags}.`);
    const inF = d * lags + 1;
    const linear = inF * d;
    const hidden = Math.max(1, Math.floor((options.parameters - linear) / (inF + d)));
    this.dim = d;
    this.lags = lags;
    this.hidden = hidden;
    this.rng = rng;
    this.batchSize = options.batchSize ?? 64;
    this.trajectories = trajectories;
    trajectories.forEach((t, i) => {
      if (t.dim !== d) throw new Error(`Error in DenseBaseline: trajectory ${i} has dim ${t.dim}, expected ${d}.`);
      for (let s = 0; s + lags + 1 <= t.steps; s += 1) this.windows.push({ t: i, s });
    });
    if (this.windows.length === 0) throw new Error(`Error in DenseBaseline: no trajectory has more than ${lags} rows.`);
    const init = rng.fork("init");
    this.wLin = tf.variable(tf.zeros([inF, d]));
    this.w1 = tf.variable(tf.tensor2d(Float32Array.from({ length: inF * hidden }, () => init.normal(0, 1 / Math.sqrt(inF))), [inF, hidden]));
    this.w2 = tf.variable(tf.zeros([hidden, d]));
    this.adam = new AdamWithMoments({ wLin: this.wLin, w1: this.w1, w2: this.w2 }, { learningRate: options.learningRate ?? GRAPH_LEARNING_RATE });
    const { std } = columnStats(trajectories);
    this.weight = tf.tensor2d(Array.from(std, (s) => 1 / s ** 2), [1, d]);
  }

  /** Trainable parameters. */
  get parameterCount(): number {
    return this.wLin.size + this.w1.size + this.w2.size;
  }

  /** One Adam step on a batch of windows; returns the loss. */
  step(): number {
    const batch = Array.from({ length: this.batchSize }, () => this.windows[this.rng.int(0, this.windows.length)] as { t: number; s: number });
    const { x, last, y } = this.tensors(batch, this.trajectories);
    const loss = this.adam.minimize(() => this.loss(x, last, y));
    const value = loss.dataSync()[0] as number;
    tf.dispose([loss, x, last, y]);
    return value;
  }

  /** Standardised one-step MSE over every window. */
  oneStepError(trajectories: readonly Trajectory[]): number {
    const windows: { t: number; s: number }[] = [];
    trajectories.forEach((t, i) => {
      for (let s = 0; s + this.lags + 1 <= t.steps; s += 1) windows.push({ t: i, s });
    });
    const { x, last, y } = this.tensors(windows, trajectories);
    const value = tf.tidy(() => tf.div(this.loss(x, last, y), 1).dataSync()[0] as number);
    tf.dispose([x, last, y]);
    return value;
  }

  /** Free-running prediction from `lags` observed rows at `start`: `[steps·dim]`. */
  rollout(t: Trajectory, start: number, steps: number): Float64Array {
    const rows: number[][] = [];
    for (let r = 0; r < this.lags; r += 1) rows.push(Array.from(t.values.subarray((start + r) * t.dim, (start + r + 1) * t.dim)));
    const out = new Float64Array(steps * t.dim);
    for (let k = 0; k < steps; k += 1) {
      const input = [...rows.slice(-this.lags).flat(), 1];
      const next = tf.tidy(() => this.predict(tf.tensor2d([input]), tf.tensor2d([rows[rows.length - 1] as number[]])).dataSync());
      const row = Array.from(next);
      out.set(row, k * t.dim);
      rows.push(row);
    }
    return out;
  }

  /** Free the baseline's tensors. */
  dispose(): void {
    this.adam.dispose();
    tf.dispose([this.wLin, this.w1, this.w2, this.weight]);
  }

  private predict(x: Tensor2D, last: Tensor2D): Tensor2D {
    return tf.add(tf.add(last, tf.matMul(x, this.wLin)), tf.matMul(tf.tanh(tf.matMul(x, this.w1)), this.w2));
  }

  private loss(x: Tensor2D, last: Tensor2D, y: Tensor2D): Scalar {
    return tf.mean(tf.mul(tf.squaredDifference(this.predict(x, last), y), this.weight));
  }

  private tensors(batch: readonly { t: number; s: number }[], trajectories: readonly Trajectory[]): { x: Tensor2D; last: Tensor2D; y: Tensor2D } {
    const d = this.dim;
    const inF = d * this.lags + 1;
    const x = new Float32Array(batch.length * inF);
    const last = new Float32Array(batch.length * d);
    const y = new Float32Array(batch.length * d);
    batch.forEach((w, i) => {
      const t = trajectories[w.t] as Trajectory;
      for (let r = 0; r < this.lags; r += 1) for (let c = 0; c < d; c += 1) x[i * inF + r * d + c] = t.values[(w.s + r) * d + c] as number;
      x[i * inF + inF - 1] = 1;
      for (let c = 0; c < d; c += 1) {
        last[i * d + c] = t.values[(w.s + this.lags - 1) * d + c] as number;
        y[i * d + c] = t.values[(w.s + this.lags) * d + c] as number;
      }
    });
    return { x: tf.tensor2d(x, [batch.length, inF]), last: tf.tensor2d(last, [batch.length, d]), y: tf.tensor2d(y, [batch.length, d]) };
  }
}
