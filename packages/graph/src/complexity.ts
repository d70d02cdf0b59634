/**
 * The differentiable complexity proxy (D-11; seed 002 L655, L662, L762, L778; ADR 0403).
 *
 * The seed's counters (`C_struct`, `C_active`) are integers, so `∂C/∂θ` does not exist. The proxy counts a
 * parameter smoothly: `c(θ) = θ² / (θ² + δ²)`, 0 at θ = 0, → 1 for |θ| ≫ δ, so `Σ c(θ)` approaches the number
 * of parameters with |θ| ≫ δ (C_active) and is differentiable. A module's complexity, in tokens (one token per
 * active parameter), is the smooth count over its state function and candidate terms plus the constant cost
 * of its edges' active temporal slots (one token per slot: the messages it must compute).
 */
import { tf, type Scalar, type Tensor, type Variable } from "@tam/tensor-backend";

import { COMPLEXITY_DELTA } from "./constants.js";
import type { GraphModule } from "./graph-module.js";

/** `Σ θ² / (θ² + δ²)` over a tensor. */
export function smoothCount(values: Tensor, delta: number = COMPLEXITY_DELTA): Scalar {
  if (!(Number.isFinite(delta) && delta > 0)) throw new Error(`Error in smoothCount: delta must be finite and > 0, got ${delta}.`);
  return tf.tidy(() => {
    const sq = tf.square(values);
    return tf.sum(tf.div(sq, tf.add(sq, delta * delta)));
  });
}

/** The variables a module's complexity counts: its state function and its candidate terms (not edges, not p). */
export function complexityVariables(module: GraphModule): Variable[] {
  return [...(module.node.stateFunction?.trainableVariables() ?? []), ...module.candidateTerms.flatMap((t) => [...t.trainableVariables()])];
}

/** The constant token cost of a module's edges: one per active temporal slot. */
export function edgeTokenCost(module: GraphModule): number {
  return module.edges.reduce((s, e) => s + e.slots.length, 0);
}

/**
 * A module's complexity proxy in tokens, as a scalar tensor differentiable in its parameters.
 *
 * @example
 * ```ts
 * const c = moduleComplexity(graph.module("m0"));   // edge slots + Σ θ²/(θ²+δ²)
 * ```
 */
export function moduleComplexity(module: GraphModule, delta: number = COMPLEXITY_DELTA): Scalar {
  const vars = complexityVariables(module);
  const constant = edgeTokenCost(module);
  return tf.tidy(() => vars.reduce<Scalar>((acc, v) => tf.add(acc, smoothCount(v, delta)), tf.scalar(constant)));
}

/** The integer counterpart: edge slots + parameters with |θ| > ε (the seed's `C_active`). */
export function moduleActiveCount(module: GraphModule, epsilon: number): number {
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in moduleActiveCount: epsilon must be finite and >= 0, got ${epsilon}.`);
  let count = edgeTokenCost(module);
  for (const v of complexityVariables(module)) for (const x of v.dataSync()) if (Math.abs(x) > epsilon) count += 1;
  return count;
}

/** {@link moduleComplexity} computed on the host from the variables' values (no tensors kept). */
export function moduleComplexityValue(module: GraphModule, delta: number = COMPLEXITY_DELTA): number {
  if (!(Number.isFinite(delta) && delta > 0)) throw new Error(`Error in moduleComplexityValue: delta must be finite and > 0, got ${delta}.`);
  let c = edgeTokenCost(module);
  const d2 = delta * delta;
  for (const v of complexityVariables(module)) for (const x of v.dataSync()) c += (x * x) / (x * x + d2);
  return c;
}
