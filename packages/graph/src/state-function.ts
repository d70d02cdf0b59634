/**
 * The state-function port of a graph node (seed 002 L55 `state_fn`, L656 `sparse_nn: pluggable`; DESIGN.md
 * "a package declares the interface it needs"). A node maps its gathered messages `[B, inputDim]` to its
 * next state `[B, outputDim]`; the graph trains the variables it exposes end to end (ADR 0401).
 * {@link SparseStateFunction} is the default implementation on `@tam/sparse-core`.
 */
import type { Tensor2D, Variable } from "@tam/tensor-backend";

/** One weight matrix of a state function, for meta-memory spectra (`[in, out]`, row-major). */
export interface StateFunctionLayer {
  readonly id: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Dense `[in, out]` weights (zeros where nothing is Hot). */
  readonly weights: Float32Array;
}

/**
 * What a node needs from its state function.
 *
 * @example
 * ```ts
 * const f: StateFunction = new SparseStateFunction({ inputDim: 8, outputDim: 4 }, createRng(1));
 * const next = f.forward(messages);          // [B, 8] -> [B, 4]
 * ```
 */
export interface StateFunction {
  /** Width of the gathered message vector. */
  readonly inputDim: number;
  /** Width of the node state. */
  readonly outputDim: number;
  /** `[B, inputDim] → [B, outputDim]`; differentiable with respect to {@link trainableVariables}. */
  forward(x: Tensor2D): Tensor2D;
  /** The variables the graph trainer may update (float32). May change after a structural edit. */
  trainableVariables(): readonly Variable[];
  /** Weight matrices for spectra and structure discovery (optional). */
  layers?(): readonly StateFunctionLayer[];
  /** Free the function's tensors. */
  dispose(): void;
}
