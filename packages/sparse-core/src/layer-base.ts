/**
 * The implicit base map of a layer: identity-first (seed 002 L1235, L1252, L1273; SEED-INVENTORY §3.3,
 * TODO-1 L1847). A layer computes `Y = base(X) + X·W_hot`; while nothing is Hot or Warm it is
 * `base(X)` alone, with no arithmetic:
 * - `identity` (square): `X` itself (a tfjs clone shares the data, nothing is computed);
 * - `identity` (non-square, the Keras `Identity` convention of `identityInit`): the first `min(in, out)`
 *   features pass through, extra outputs are zero;
 * - `block-identity`: `blocks` copies of the non-square identity on the diagonal (multi-channel state);
 * - `zero`: an empty layer (`Y = 0`), for heads that start with nothing.
 * The base is not trainable and is not counted in `C_struct` ("implicit identity excluded", seed L1221).
 */
import { tf, type Rank, type Tensor2D } from "@tam/tensor-backend";

/** The base map of a {@link SparseMaskedLinear}. */
export type LayerBase =
  | { readonly kind: "identity" }
  | { readonly kind: "zero" }
  | { readonly kind: "block-identity"; readonly blocks: number };

/**
 * Check a base against a layer shape.
 *
 * @throws Error naming the layer when `block-identity` does not divide both sizes.
 */
export function checkBase(layerId: string, base: LayerBase, inFeatures: number, outFeatures: number): void {
  if (base.kind !== "block-identity") return;
  const { blocks } = base;
  if (!Number.isSafeInteger(blocks) || blocks < 1 || inFeatures % blocks !== 0 || outFeatures % blocks !== 0) {
    throw new Error(
      `Error in SparseMaskedLinear "${layerId}": base.blocks must be a positive integer dividing inFeatures (${inFeatures}) and outFeatures (${outFeatures}), got ${blocks}.`,
    );
  }
}

/** `base(x)` for a batch `x [B, in]`, giving `[B, out]`. */
export function applyBase(base: LayerBase, x: Tensor2D, outFeatures: number): Tensor2D {
  const [batch, inFeatures] = x.shape;
  switch (base.kind) {
    case "zero":
      return tf.zeros([batch, outFeatures]);
    case "identity":
      return passThrough(x, inFeatures, outFeatures);
    case "block-identity": {
      const { blocks } = base;
      const blockIn = inFeatures / blocks;
      const blockOut = outFeatures / blocks;
      if (blockIn === blockOut) return tf.clone(x);
      return tf.tidy(() => {
        const grouped = tf.reshape<Rank.R2>(x, [batch * blocks, blockIn]);
        return tf.reshape(passThrough(grouped, blockIn, blockOut), [batch, outFeatures]);
      });
    }
  }
}

/** The base as a dense `[in, out]` matrix (for tests and dense comparisons). */
export function baseMatrix(base: LayerBase, inFeatures: number, outFeatures: number): Float32Array {
  const out = new Float32Array(inFeatures * outFeatures);
  if (base.kind === "zero") return out;
  const blocks = base.kind === "block-identity" ? base.blocks : 1;
  const bi = inFeatures / blocks;
  const bo = outFeatures / blocks;
  for (let b = 0; b < blocks; b += 1) {
    for (let i = 0; i < Math.min(bi, bo); i += 1) out[(b * bi + i) * outFeatures + b * bo + i] = 1;
  }
  return out;
}

function passThrough(x: Tensor2D, inFeatures: number, outFeatures: number): Tensor2D {
  if (inFeatures === outFeatures) return tf.clone(x);
  if (inFeatures > outFeatures) return tf.slice(x, [0, 0], [-1, outFeatures]);
  return tf.pad(x, [
    [0, 0],
    [0, outFeatures - inFeatures],
  ]);
}
