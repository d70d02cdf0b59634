/**
 * TransientTerm: the short-lived capacity a {@link TransientFactory} grafts on a module (seed 002 L831-873,
 * L966, L975; SEED-INVENTORY §4.7; ADR 0408). An affine correction of the node's base candidate,
 * `Δ = [base, 1] · W` with W a sparse `[d + 1, d]` layer (zero base, every cell Hot), so a condition that pulls
 * the state toward a level (`Δ = η (B − base)`) is exactly representable. Zero values are exactly the identity:
 * that is how a transient is grafted and how it is consolidated (it is never removed from its module).
 */
import { SparseMaskedLinear } from "@tam/sparse-core";
import { tf, type Tensor2D, type Variable } from "@tam/tensor-backend";

import type { CandidateTerm, StepContext } from "./graph-module.js";
import type { Node } from "./node.js";

/**
 * An affine transient term.
 *
 * @example
 * ```ts
 * const term = new TransientTerm("x~t0", 1);   // Δ = 0: the identity
 * module.addTerm(term);
 * term.setValues(Float32Array.of(-0.3, 0.9));  // Δ = −0.3·base + 0.9
 * ```
 */
export class TransientTerm implements CandidateTerm {
  readonly id: string;
  readonly dim: number;
  readonly layer: SparseMaskedLinear;

  /** @throws Error naming the value when the dimension is not a positive integer. */
  constructor(id: string, dim: number) {
    if (!Number.isSafeInteger(dim) || dim < 1) throw new Error(`Error in TransientTerm "${id}": dim must be a positive integer, got ${dim}.`);
    this.id = id;
    this.dim = dim;
    const cells = (dim + 1) * dim;
    this.layer = new SparseMaskedLinear({ id, inFeatures: dim + 1, outFeatures: dim, base: { kind: "zero" }, initial: { keys: Int32Array.from({ length: cells }, (_, i) => i), values: new Float32Array(cells) } });
  }

  /** Number of parameters (`(d + 1) · d`). */
  get size(): number {
    return this.layer.nnz;
  }

  /** `Δ = [base, 1] · W`. */
  contribution(_ctx: StepContext, _target: Node, base: Tensor2D): Tensor2D {
    return this.layer.forward(tf.concat([base, tf.ones([base.shape[0], 1])], 1));
  }

  /** The values (one variable). */
  trainableVariables(): readonly Variable[] {
    return [this.layer.values];
  }

  /** A host copy of the values. */
  values(): Float32Array {
    return this.layer.hotValues();
  }

  /** Replace the values. @throws Error naming the length when it does not match. */
  setValues(values: Float32Array): void {
    if (values.length !== this.size) throw new Error(`Error in TransientTerm "${this.id}".setValues: need ${this.size} values, got ${values.length}.`);
    tf.tidy(() => this.layer.values.assign(tf.tensor1d(values)));
  }

  /** Free the layer. */
  dispose(): void {
    this.layer.dispose();
  }
}
