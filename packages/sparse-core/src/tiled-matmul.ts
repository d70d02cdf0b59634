/**
 * The tile path's product (issue 7 item 6, ADR 0331): `X·W` restricted to a layer's packed
 * {@link DenseTile}s, one small dense matMul per tile. `x [B, in]` → gather every tile's input rows at once
 * `xᵀ[rowIdx] [ΣR, B]` → per tile, `Tᵀ` times its `[R, B]` slice (`T [R, C]`: the Hot values scattered
 * in, zeros elsewhere) → concatenated `[ΣC, B]` → one scatter (summing) to the output columns → `[B, out]`.
 *
 * Gradients reach the Hot values (each tile is built from them by `sparseToDense`, whose gradient reads
 * `∂L/∂T` at the Hot cells only) and `x`; the tiles' structural zeros are constants, so cells outside the
 * mask stay exactly zero and get no gradient (sparse semantics). The column gather and the output scatter
 * have custom gradients (a scatter and a gather, `O(B·(in + ΣC))`): tfjs's own gather gradient is an
 * `unsortedSegmentSum` costing `O(B·in·ΣR)` in its JavaScript kernel (ADR 0331).
 */
import { sparseToDense, tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";

import type { DenseTileGroup } from "./dense-tile.js";

/**
 * `x · W_tiles` as a `[B, out]` tensor, where `values` are the whole layer's Hot values (each tile reads
 * its positions `[start, start + count)`).
 *
 * @throws Error naming the field when `x` or `values` does not fit the tiles.
 */
export function tiledMatMul(x: Tensor2D, values: Tensor1D, group: DenseTileGroup): Tensor2D {
  const needed = Math.max(0, ...group.tiles.map((t) => t.start + t.count));
  if (values.rank !== 1 || values.shape[0] < needed) throw new Error(`Error in tiledMatMul: values must be 1-D with at least ${needed} entries, got [${values.shape.join(",")}].`);
  if (x.rank !== 2 || x.shape[1] !== group.inFeatures) throw new Error(`Error in tiledMatMul: x must be [B, ${group.inFeatures}], got [${x.shape.join(",")}].`);
  const [batch, inFeatures] = x.shape;
  if (group.tiles.length === 0) return tf.zeros([batch, group.outFeatures]);
  return tf.tidy(() => {
    // Work transposed (`[features, B]`): gathers, slices, concatenations and the scatter then move whole
    // contiguous rows, and only `x` and the output are transposed (wasm's strided copies cost ~20 ns per entry).
    // xᵀ[rowIdx]; gradient: scatter dy's rows back to rowIdx (unique rows).
    const gatherRows = tf.customGrad((...inputs) => ({
      value: tf.gather(inputs[0] as Tensor2D, group.rowIdx, 0),
      gradFunc: (dy: tf.Tensor) => tf.scatterND(group.rowScatter, dy, [inFeatures, batch]),
    }));
    // [ΣC, B] → [out, B], summing rows that repeat across tiles; gradient: gather dy at colIdx.
    const scatterCols = tf.customGrad((...inputs) => ({
      value: tf.scatterND(group.colScatter, inputs[0] as Tensor2D, [group.outFeatures, batch]),
      gradFunc: (dy: tf.Tensor) => tf.gather(dy, group.colIdx, 0),
    }));
    const gathered = gatherRows(tf.transpose(x)) as Tensor2D;
    let offset = 0;
    const products = group.tiles.map((tile) => {
      const [rows, cols] = tile.shape;
      const vals = tile.count === values.shape[0] ? values : tf.slice(values, [tile.start], [tile.count]);
      const dense = sparseToDense({ indices: tile.cellIdx, values: vals, shape: [rows, cols] });
      const input = group.tiles.length === 1 ? gathered : tf.slice(gathered, [offset, 0], [rows, batch]);
      offset += rows;
      return tf.matMul<Tensor2D>(dense, input, true, false);
    });
    const joined = products.length === 1 ? (products[0] as Tensor2D) : tf.concat<Tensor2D>(products, 0);
    return tf.transpose(scatterCols(joined) as Tensor2D);
  });
}
