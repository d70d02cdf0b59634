/**
 * SparseStateFunction: the default {@link StateFunction}, an adapter over `@tam/sparse-core`'s public
 * `SparseMaskedLinear` and `SparseMaskedStack` (seed 002 L26-43 `SparseLayer` with identity init, fixed
 * per D-1: a dense input times a sparse kernel; L656, L777; ADR 0401).
 *
 * `f(x) = L(x̃) + N(x̃)` with `x̃ = [x, 1]` when `bias` is on:
 * - `L`: a sparse linear layer with the identity base, so at init `f` passes the first `outputDim`
 *   features through (a node whose first edge is its self-edge starts as "keep my state": identity-first);
 * - `N`: an optional nonlinear branch `[in → hidden → out]` (zero bases; hidden Hot cells at a scaled
 *   normal init, output Hot cells at 0), so `N ≡ 0` at init.
 * Hot cells of every layer start as a random subset of the given density (all cells by default).
 */
import type { Rng } from "@tam/tensor-backend";
import { tf, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { SparseMaskedLinear, SparseMaskedStack, type Activation } from "@tam/sparse-core";

import type { StateFunction, StateFunctionLayer } from "./state-function.js";

/** Options of {@link SparseStateFunction}. */
export interface SparseStateFunctionOptions {
  /** Width of the gathered messages. */
  readonly inputDim: number;
  /** Width of the node state (must be ≤ inputDim + bias, so the identity base can pass the state through). */
  readonly outputDim: number;
  /** Hidden width of the nonlinear branch; 0 = linear only (default 0). */
  readonly hidden?: number;
  /** Activation of the hidden layer (default `tanh`). */
  readonly activation?: Exclude<Activation, "linear">;
  /** Append a constant-1 input feature (a bias), default true. */
  readonly bias?: boolean;
  /** Fraction of the cells of each layer that start Hot (default 1). */
  readonly density?: number;
  /** Std of the hidden layer's init is `initGain / sqrt(fanIn)` (default 1). */
  readonly initGain?: number;
}

/**
 * The default state function: identity-first sparse linear map plus an optional sparse MLP branch.
 *
 * @example
 * ```ts
 * const f = new SparseStateFunction({ inputDim: 4, outputDim: 2, hidden: 8 }, createRng(1));
 * f.forward(tf.tensor2d([[1, 2, 3, 4]])).print();   // [[1, 2]]: identity-first
 * ```
 */
export class SparseStateFunction implements StateFunction {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly hidden: number;
  readonly bias: boolean;
  /** The sparse linear path (identity base). */
  readonly linear: SparseMaskedLinear;
  /** The nonlinear branch, when `hidden > 0`. */
  readonly branch: SparseMaskedStack | undefined;

  /** @throws Error naming the field when a size, density or gain is invalid. */
  constructor(options: SparseStateFunctionOptions, rng: Rng) {
    const { inputDim, outputDim } = options;
    const hidden = options.hidden ?? 0;
    const bias = options.bias ?? true;
    const density = options.density ?? 1;
    const gain = options.initGain ?? 1;
    const check = (name: string, value: number, ok: boolean): void => {
      if (!ok) throw new Error(`Error in SparseStateFunction: ${name} is invalid, got ${value}.`);
    };
    check("inputDim", inputDim, Number.isSafeInteger(inputDim) && inputDim >= 1);
    check("outputDim", outputDim, Number.isSafeInteger(outputDim) && outputDim >= 1);
    check("hidden", hidden, Number.isSafeInteger(hidden) && hidden >= 0);
    check("density", density, density > 0 && density <= 1);
    check("initGain", gain, Number.isFinite(gain) && gain >= 0);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.hidden = hidden;
    this.bias = bias;
    const inF = inputDim + (bias ? 1 : 0);
    this.linear = new SparseMaskedLinear({ id: "linear", inFeatures: inF, outFeatures: outputDim, initial: cells(rng.fork("linear"), inF, outputDim, density, 0) });
    if (hidden > 0) {
      this.branch = new SparseMaskedStack({
        layers: [
          { inFeatures: inF, outFeatures: hidden, base: { kind: "zero" }, initial: cells(rng.fork("hidden"), inF, hidden, density, gain / Math.sqrt(inF)) },
          { inFeatures: hidden, outFeatures: outputDim, base: { kind: "zero" }, initial: cells(rng.fork("out"), hidden, outputDim, density, 0) },
        ],
        activation: options.activation ?? "tanh",
      });
    } else {
      this.branch = undefined;
    }
  }

  forward(x: Tensor2D): Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
      throw new Error(`Error in SparseStateFunction.forward: x must be [B, ${this.inputDim}], got [${x.shape.join(",")}].`);
    }
    return tf.tidy(() => {
      const input: Tensor2D = this.bias ? tf.concat([x, tf.ones([x.shape[0], 1])], 1) : x;
      const y = this.linear.forward(input);
      return this.branch === undefined ? y : tf.add(y, this.branch.forward(input));
    });
  }

  trainableVariables(): readonly Variable[] {
    const vars: Variable[] = [];
    if (this.linear.nnz > 0) vars.push(this.linear.values);
    if (this.branch !== undefined) vars.push(...this.branch.trainableVariables());
    return vars;
  }

  layers(): readonly StateFunctionLayer[] {
    const all = [this.linear, ...(this.branch?.layers ?? [])];
    return all.map((l, i) => ({ id: i === 0 ? "linear" : `branch.${l.id}`, inFeatures: l.shape[0], outFeatures: l.shape[1], weights: l.denseWeights() }));
  }

  /** Integer counters over every layer (`C_struct` = Hot cells, `C_active` = |w| > ε). */
  counters(epsilon: number): { readonly cStruct: number; readonly cActive: number } {
    const all = [this.linear, ...(this.branch?.layers ?? [])];
    return all.reduce((acc, l) => {
      const c = l.counters(epsilon);
      return { cStruct: acc.cStruct + c.cStruct, cActive: acc.cActive + c.cActive };
    }, { cStruct: 0, cActive: 0 });
  }

  dispose(): void {
    this.linear.dispose();
    this.branch?.dispose();
  }
}

/** A random Hot subset of `density` of the cells of an `[inF, outF]` layer, values N(0, std) (0 when std = 0). */
function cells(rng: Rng, inF: number, outF: number, density: number, std: number): { keys: Int32Array; values: Float32Array } {
  const total = inF * outF;
  const count = Math.max(1, Math.round(density * total));
  const keys = count === total ? Int32Array.from({ length: total }, (_, i) => i) : Int32Array.from(rng.choice(total, count)).sort();
  const values = Float32Array.from(keys, () => (std === 0 ? 0 : rng.normal(0, std)));
  return { keys, values };
}
