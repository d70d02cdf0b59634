/**
 * The world model's state function (ADR 0702): `@tam/graph`'s `StateFunction` port, wired here from
 * `@tam/sparse-core`'s public layers so the demo can grow it by evidence.
 *
 * `f(x) = L([x, 1]) + N([x, 1])`:
 * - `L` is a `SparseMaskedLinear` with the identity base and every cell Hot at 0, so at the start the
 *   node keeps its state (identity-first, like `@tam/graph`'s own `SparseStateFunction`);
 * - `N` is a `SparseMaskedStack` `[in+1 → hidden → out]` (tanh, zero bases) whose hidden layer starts
 *   with a random fraction of Hot cells and whose output layer starts EMPTY, so `N ≡ 0` at the start.
 *   `@tam/sparse-core`'s `GrowthPlanner` grows `N` (output cells first: they are the only ones with
 *   a gradient) only when fresh batches show the loss falls, which is the structure growth the
 *   dashboard plots.
 */
import { SparseMaskedLinear, SparseMaskedStack, type Batch } from "@tam/sparse-core";
import { tf, type Rng, type Tensor2D, type Variable } from "@tam/tensor-backend";
import type { StateFunction } from "@tam/graph";

/** Options of {@link GrowingStateFunction}. */
export interface GrowingStateFunctionOptions {
  /** Width of the gathered messages. */
  readonly inputDim: number;
  /** Width of the node state (≤ inputDim). */
  readonly outputDim: number;
  /** Hidden width of the growing branch. */
  readonly hidden: number;
  /** Fraction of the hidden layer's cells Hot at the start (0, 1]. */
  readonly hiddenDensity: number;
}

/** Identity-first sparse linear map plus a sparse tanh branch that starts silent and grows. */
export class GrowingStateFunction implements StateFunction {
  readonly inputDim: number;
  readonly outputDim: number;
  /** The linear path (identity base, every cell Hot). */
  readonly linear: SparseMaskedLinear;
  /** The growing branch (the growth planner's model). */
  readonly branch: SparseMaskedStack;

  /** @throws Error naming the option when a size or density is out of range. */
  constructor(options: GrowingStateFunctionOptions, rng: Rng) {
    const { inputDim, outputDim, hidden, hiddenDensity } = options;
    for (const [name, value] of Object.entries({ inputDim, outputDim, hidden })) {
      if (!(Number.isSafeInteger(value) && value >= 1)) throw new Error(`GrowingStateFunction: ${name} must be an integer >= 1, got ${value}`);
    }
    if (outputDim > inputDim) throw new Error(`GrowingStateFunction: outputDim (${outputDim}) must be <= inputDim (${inputDim})`);
    if (!(hiddenDensity > 0 && hiddenDensity <= 1)) throw new Error(`GrowingStateFunction: hiddenDensity must be in (0, 1], got ${hiddenDensity}`);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    const inF = inputDim + 1;
    const linearCells = inF * outputDim;
    this.linear = new SparseMaskedLinear({
      id: "linear",
      inFeatures: inF,
      outFeatures: outputDim,
      initial: { keys: Int32Array.from({ length: linearCells }, (_, i) => i), values: new Float32Array(linearCells) },
    });
    const hiddenCells = inF * hidden;
    const count = Math.max(1, Math.round(hiddenDensity * hiddenCells));
    const keys = Int32Array.from(rng.choice(hiddenCells, count)).sort();
    const std = 1 / Math.sqrt(inF);
    this.branch = new SparseMaskedStack({
      layers: [
        { inFeatures: inF, outFeatures: hidden, base: { kind: "zero" }, initial: { keys, values: Float32Array.from(keys, () => rng.normal(0, std)) } },
        { inFeatures: hidden, outFeatures: outputDim, base: { kind: "zero" } },
      ],
      activation: "tanh",
    });
  }

  /** `[B, inputDim] → [B, outputDim]`. */
  forward(x: Tensor2D): Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
      throw new Error(`GrowingStateFunction.forward: x must be [B, ${this.inputDim}], got [${x.shape.join(",")}]`);
    }
    return tf.tidy(() => {
      const input = withBias(x);
      return tf.add(this.linear.forward(input), this.branch.forward(input));
    });
  }

  /** Every Hot value of both paths. */
  trainableVariables(): readonly Variable[] {
    return [this.linear.values, ...this.branch.trainableVariables()];
  }

  /**
   * A batch for the growth planner: the branch's input `[x, 1]` and what the branch should add to the
   * linear path to reach `target` (the linear path's residual). Tensors are the caller's to dispose.
   */
  residualBatch(x: Tensor2D, target: Tensor2D): Batch {
    return tf.tidy(() => {
      const input = withBias(x);
      return { x: tf.keep(input), y: tf.keep(tf.sub<Tensor2D>(target, this.linear.forward(input))) };
    });
  }

  /** Hot cells of the branch (the structure that grows). */
  branchCells(): number {
    return this.branch.layers.reduce((sum, layer) => sum + layer.nnz, 0);
  }

  /** Free every tensor. */
  dispose(): void {
    this.linear.dispose();
    this.branch.dispose();
  }
}

function withBias(x: Tensor2D): Tensor2D {
  return tf.concat([x, tf.ones([x.shape[0], 1])], 1);
}
