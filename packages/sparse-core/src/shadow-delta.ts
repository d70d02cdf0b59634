/**
 * The shadow Δ of a Warm probe (seed 002 L1634: `K_eff = (M_idx, W_vals) ⊕ (R_idx, Δ_R)`; L1616-1620
 * Frozen regime). A shadow adds `Δ` on the cells of a region of one object without touching the base:
 * the forward pass computes `X·W_hot + X·Δ_R`, which is the product of the concatenation
 * `(M_idx, W_vals) ⊕ (R_idx, Δ_R)` (a sum of two products equals the product of the summed operator).
 * Backprop through it reaches only `Δ` unless the caller also differentiates the base.
 */
import { tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";

/**
 * A shadow Δ on some cells of one growth object. Owns `indices`; `delta` belongs to whoever made it.
 *
 * @example
 * ```ts
 * const shadow = makeShadow("layer0", Int32Array.from([3, 9]), 8, tf.tensor1d([0.1, -0.2]));
 * const y = stack.forward(x, { shadows: [shadow] });   // base untouched
 * disposeShadow(shadow, { delta: true });
 * ```
 */
export interface ShadowDelta {
  /** The growth object the shadow applies to. */
  readonly objectId: string;
  /** Sorted unique linear cell keys `row * cols + col`. */
  readonly keys: Int32Array;
  /** The same cells as an int32 `[n, 2]` tensor of `(row, col)`. */
  readonly indices: Tensor2D;
  /** float32 `[n]`: the Δ added on each cell. */
  readonly delta: Tensor1D;
}

/**
 * Make a shadow on `keys` (sorted, unique) of an object with `cols` columns.
 *
 * @throws Error naming `makeShadow` when keys are unsorted or repeated, or `delta` is not float32 `[keys.length]`.
 */
export function makeShadow(objectId: string, keys: Int32Array, cols: number, delta: Tensor1D): ShadowDelta {
  for (let i = 1; i < keys.length; i += 1) {
    if ((keys[i] as number) <= (keys[i - 1] as number)) {
      throw new Error(`Error in makeShadow: keys of "${objectId}" must be sorted and unique; key ${i} is ${keys[i]} after ${keys[i - 1]}.`);
    }
  }
  if (delta.dtype !== "float32" || delta.rank !== 1 || delta.shape[0] !== keys.length) {
    throw new Error(`Error in makeShadow: delta must be float32 [${keys.length}], got ${delta.dtype} [${delta.shape.join(",")}].`);
  }
  return { objectId, keys, indices: keysToIndices(keys, cols), delta };
}

/** The same shadow with another Δ (the indices tensor is shared, not copied). */
export function withDelta(shadow: ShadowDelta, delta: Tensor1D): ShadowDelta {
  if (delta.shape[0] !== shadow.keys.length) {
    throw new Error(`Error in withDelta: delta must have ${shadow.keys.length} entries, got ${delta.shape[0]}.`);
  }
  return { ...shadow, delta };
}

/** Dispose a shadow's indices (and its Δ when `delta` is true). */
export function disposeShadow(shadow: ShadowDelta, options: { readonly delta?: boolean } = {}): void {
  shadow.indices.dispose();
  if (options.delta === true) shadow.delta.dispose();
}

/** Linear keys to an int32 `[n, 2]` `(row, col)` tensor. */
export function keysToIndices(keys: Int32Array, cols: number): Tensor2D {
  const flat = new Int32Array(keys.length * 2);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as number;
    flat[2 * i] = Math.floor(key / cols);
    flat[2 * i + 1] = key % cols;
  }
  return tf.tensor2d(flat, [keys.length, 2], "int32");
}
