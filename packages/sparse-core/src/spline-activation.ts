/**
 * Spline activation with learnable complexity (seed 002 L1231-1235, L1288-1292; SEED-INVENTORY §3.10, §3.2
 * "activation curvature = number of Hot spline coefficients"; ADR 0321).
 *
 * `a_u(x) = x + Σ_k c_{u,k} · relu(x − t_k)`: the identity plus sparse hinge terms on a fixed knot grid `t`.
 * The cells of this growth object are `(unit u, knot k)`; a Hot cell is a committed coefficient `c_{u,k}`
 * (the same sorted-key / `W_vals` layout as a {@link SparseMaskedLinear}), so the growth planner shortlists,
 * probes (shadow Δ on coefficients), commits and prunes coefficients exactly as it does weights, and the
 * budget counts Hot coefficients. All coefficients start Cold, so the activation is the identity at init;
 * while no coefficient is Hot and no probe touches it, `forward` returns its input with no arithmetic (the
 * identity fast path, bit-identical).
 */
import { tf, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";

import type { GrowthObject, ObjectBudget, ObjectCounters } from "./growth-object.js";
import type { HeatCounts, HeatState } from "./heat-state.js";
import type { ShadowDelta } from "./shadow-delta.js";
import { checkHotSet, WarmCells } from "./warm-cells.js";

/**
 * Default knot grid: 9 knots every 0.5 on [−2, 2], so hinges cover ±2 standard deviations of a unit-variance
 * pre-activation with one knot per half standard deviation (ADR 0321; seed L1347 leaves the grid open).
 */
export const SPLINE_DEFAULT_KNOTS: readonly number[] = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];

/** Options of {@link SplineActivation}. */
export interface SplineActivationOptions {
  readonly id: string;
  readonly depth?: number;
  /** Units the activation applies to (columns of its input). */
  readonly units: number;
  /** Strictly increasing knots (default {@link SPLINE_DEFAULT_KNOTS}). */
  readonly knots?: readonly number[];
  /** Hard caps on Hot coefficients (default: every cell). */
  readonly budget?: Partial<ObjectBudget>;
}

/** Extra inputs of {@link SplineActivation.forward} (probe-time). */
export interface SplineForwardOptions {
  readonly shadows?: readonly ShadowDelta[];
  /** Replacement Hot coefficients (Relaxed probe, gradients). */
  readonly hotValues?: Tensor1D;
  /** A dense `[units, knots]` coefficient term (the all-cells toggle-mask probe uses zeros). */
  readonly denseProbe?: Tensor2D;
}

/**
 * The identity plus sparse hinge curvature, as a growth object.
 *
 * @example
 * ```ts
 * const act = new SplineActivation({ id: "act0", units: 4 });
 * act.forward(h);                                                     // h itself: nothing is Hot
 * act.setStructure(Int32Array.of(5), Float32Array.of(0.8));          // c_{0,5}: + 0.8·relu(h0 − 0.5)
 * ```
 */
export class SplineActivation implements GrowthObject {
  readonly id: string;
  readonly depth: number;
  readonly shape: readonly [number, number];
  readonly budget: ObjectBudget;
  readonly knots: Float32Array;
  private keys = new Int32Array(0);
  private vals: Variable;
  private readonly warm = new WarmCells();
  private fastPathCalls = 0;
  private forwardCalls = 0;

  /** @throws Error naming the field when units, knots or the budget are invalid. */
  constructor(options: SplineActivationOptions) {
    const { id, units } = options;
    if (!Number.isSafeInteger(units) || units < 1) throw new Error(`Error in SplineActivation "${id}": units must be a positive integer, got ${units}.`);
    const knots = options.knots ?? SPLINE_DEFAULT_KNOTS;
    if (knots.length < 1) throw new Error(`Error in SplineActivation "${id}": knots must not be empty.`);
    knots.forEach((t, i) => {
      if (!Number.isFinite(t) || (i > 0 && t <= (knots[i - 1] as number))) throw new Error(`Error in SplineActivation "${id}": knots must be finite and strictly increasing; knot ${i} is ${t}.`);
    });
    const depth = options.depth ?? 0;
    if (!Number.isSafeInteger(depth) || depth < 0) throw new Error(`Error in SplineActivation "${id}": depth must be a non-negative integer, got ${depth}.`);
    const cells = units * knots.length;
    const structCap = options.budget?.structCap ?? cells;
    const activeCap = options.budget?.activeCap ?? structCap;
    for (const [name, value] of [
      ["budget.structCap", structCap],
      ["budget.activeCap", activeCap],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Error in SplineActivation "${id}": ${name} must be a non-negative integer, got ${value}.`);
    }
    this.id = id;
    this.depth = depth;
    this.shape = [units, knots.length];
    this.knots = Float32Array.from(knots);
    this.budget = { structCap, activeCap };
    this.vals = tf.tidy(() => tf.variable(tf.zeros([0]), true));
  }

  /** The Hot coefficients (replaced on each structural edit). */
  get values(): Variable {
    return this.vals;
  }

  /** Hot coefficients. */
  get nnz(): number {
    return this.keys.length;
  }

  /** Forward calls so far, and how many took the identity fast path (no arithmetic). */
  get callCounts(): { readonly forward: number; readonly fastPath: number } {
    return { forward: this.forwardCalls, fastPath: this.fastPathCalls };
  }

  /**
   * `a(x) = x + Σ c·relu(x − t)` over the Hot coefficients (and probe terms), `x [B, units]`.
   * Returns `x` itself when nothing is Hot and no probe applies (the identity fast path).
   *
   * @throws Error naming the activation when `x` is not float32 `[B, units]` or `hotValues` has the wrong length.
   */
  forward(x: Tensor2D, options: SplineForwardOptions = {}): Tensor2D {
    if (x.rank !== 2 || x.dtype !== "float32" || x.shape[1] !== this.shape[0]) {
      throw new Error(`Error in SplineActivation "${this.id}".forward: x must be float32 [B, ${this.shape[0]}], got ${x.dtype} [${x.shape.join(",")}].`);
    }
    this.forwardCalls += 1;
    const shadows = (options.shadows ?? []).filter((s) => s.objectId === this.id && s.keys.length > 0);
    if (this.keys.length === 0 && shadows.length === 0 && options.denseProbe === undefined) {
      this.fastPathCalls += 1;
      return x;
    }
    return tf.tidy(() => {
      let y: Tensor2D = x;
      if (this.keys.length > 0) {
        const values = options.hotValues ?? this.vals;
        if (values.shape[0] !== this.keys.length) throw new Error(`Error in SplineActivation "${this.id}".forward: hotValues must have ${this.keys.length} entries, got ${values.shape[0]}.`);
        y = tf.add(y, this.hingeSum(x, this.keys, values as Tensor1D));
      }
      for (const shadow of shadows) y = tf.add(y, this.hingeSum(x, shadow.keys, shadow.delta));
      if (options.denseProbe !== undefined) {
        const [units, k] = this.shape;
        const hinges = tf.relu(tf.sub(tf.expandDims(x, 2), tf.reshape(tf.tensor1d(this.knots), [1, 1, k])));
        y = tf.add(y, tf.sum(tf.mul(hinges, tf.reshape(options.denseProbe, [1, units, k])), 2));
      }
      return y;
    });
  }

  /**
   * Replace the Hot set with sorted unique keys `unit * knots + k` and their coefficients. Disposes the old
   * variable; the owner remaps optimizer state.
   *
   * @throws Error naming the activation when keys are unsorted, repeated or out of range, or a value is not finite.
   */
  setStructure(keys: Int32Array, values: Float32Array): void {
    const cells = this.shape[0] * this.shape[1];
    checkHotSet({ where: `Error in SplineActivation "${this.id}".setStructure`, keys, values, isCell: (key) => key < cells, notCell: `outside [0, ${cells})` });
    this.vals.dispose();
    this.keys = Int32Array.from(keys);
    this.vals = tf.tidy(() => tf.variable(tf.tensor1d(values, "float32"), true));
    this.warm.forget(this.keys);
  }

  hotKeys(): Int32Array {
    return Int32Array.from(this.keys);
  }

  hotValues(): Float32Array {
    return Float32Array.from(this.vals.dataSync());
  }

  counters(epsilon: number): ObjectCounters {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in SplineActivation "${this.id}".counters: epsilon must be finite and >= 0, got ${epsilon}.`);
    let cActive = 0;
    if (this.keys.length > 0) for (const v of this.vals.dataSync()) if (Math.abs(v) > epsilon) cActive += 1;
    return { cStruct: this.keys.length, cActive, computeCells: this.keys.length };
  }

  heatOf(unit: number, knot: number): HeatState {
    return this.warm.heatOf(this.keys, unit * this.shape[1] + knot);
  }

  heatCounts(): HeatCounts {
    return this.warm.counts(this.keys, this.shape[0] * this.shape[1]);
  }

  markWarm(keys: Int32Array): void {
    this.warm.mark(this.keys, keys);
  }

  clearWarm(): void {
    this.warm.clear();
  }

  /** Free the coefficient variable. */
  dispose(): void {
    this.vals.dispose();
  }

  /** `Σ_cells c · relu(x[:, unit] − t_knot)` scattered back to units: `[B, units]`, by one-hot matMuls (gradients on every backend). */
  private hingeSum(x: Tensor2D, keys: Int32Array, coefficients: Tensor1D): Tensor2D {
    const [units, k] = this.shape;
    const n = keys.length;
    const pick = new Float32Array(units * n);
    const knotOf = new Float32Array(n);
    keys.forEach((key, i) => {
      pick[Math.floor(key / k) * n + i] = 1;
      knotOf[i] = this.knots[key % k] as number;
    });
    const select = tf.tensor2d(pick, [units, n]);
    const hinges = tf.relu(tf.sub(tf.matMul(x, select), tf.tensor1d(knotOf)));
    return tf.matMul(tf.mul(hinges, coefficients), tf.transpose(select));
  }
}
