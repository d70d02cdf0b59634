/**
 * Dense tiles with gather lists (issue 7 item 6, ADR 0331): the compact dense form of one crossover block
 * of a {@link SparseMaskedLinear}, for the "tile" compute path (dense compute, sparse semantics).
 *
 * A block of input rows `[r0, r1)` packs into a tile `T [R, C]`: `rowIdx` (R entries) are the block's input
 * rows holding a Hot cell, `colIdx` (C entries) the output columns holding one, both sorted and unique.
 * Every Hot cell of the block sits at exactly one tile position (`cellIdx`); the other `R·C − nnz`
 * positions are structural zeros, filled from nothing, so they stay zero and get no gradient. The packing
 * is host-side and cached per structure; {@link denseTileGroup} uploads the gather lists of a layer's tiles once.
 */
import { tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";

/** One packed tile: a block's Hot cells `[start, start + count)` of the layer's sorted Hot set. */
export interface DenseTile {
  /** Position of the block's first Hot cell in the layer's sorted Hot set (and `W_vals`). */
  readonly start: number;
  /** Hot cells in the block (`nnz` of the tile). */
  readonly count: number;
  /** Input rows of the tile (absolute, sorted unique): the gather list of `x`'s columns. */
  readonly rowIdx: Int32Array;
  /** Output columns of the tile (sorted unique): where the tile's outputs scatter to. */
  readonly colIdx: Int32Array;
  /** `[count, 2]` row-major: the tile position `(r, c)` of each Hot cell, in Hot-set order. */
  readonly cellIdx: Int32Array;
}

/** One tile of a {@link DenseTileGroup}: its Hot-set range, size and value scatter. */
export interface GroupedTile {
  /** Hot-set positions `[start, start + count)`. */
  readonly start: number;
  readonly count: number;
  /** `[R, C]`. */
  readonly shape: readonly [number, number];
  /** int32 `[count, 2]`: the scatter of the Hot values into the tile. */
  readonly cellIdx: Tensor2D;
}

/**
 * The tiles of one layer's tile-path blocks on the backend, with their gather lists concatenated so a
 * forward pass gathers `x` once and scatters the outputs once (owned by the caller; free with
 * {@link disposeDenseTileGroup}).
 */
export interface DenseTileGroup {
  readonly tiles: readonly GroupedTile[];
  /** int32 `[ΣR]`: every tile's `rowIdx`, in tile order (unique: the blocks' rows are disjoint). */
  readonly rowIdx: Tensor1D;
  /** int32 `[ΣR, 1]`: `rowIdx` as scatter indices (the input gradient). */
  readonly rowScatter: Tensor2D;
  /** int32 `[ΣC]`: every tile's `colIdx`, in tile order (repeats across tiles are summed). */
  readonly colIdx: Tensor1D;
  /** int32 `[ΣC, 1]`: `colIdx` as scatter indices (the output). */
  readonly colScatter: Tensor2D;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** Cells computed by a tile: `R·C`. */
export function denseTileCells(tile: DenseTile): number {
  return tile.rowIdx.length * tile.colIdx.length;
}

/**
 * Pack the Hot cells at positions `[start, end)` of sorted linear keys (`row * outFeatures + col`) into a
 * tile. The rows of those keys are the tile's input rows, their columns its output columns.
 *
 * @throws Error naming the field when `outFeatures`, `start` or `end` is invalid or the keys are not sorted unique.
 */
export function packDenseTile(keys: Int32Array, outFeatures: number, start: number, end: number): DenseTile {
  if (!Number.isSafeInteger(outFeatures) || outFeatures < 1) throw new Error(`Error in packDenseTile: outFeatures must be a positive integer, got ${outFeatures}.`);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > keys.length) {
    throw new Error(`Error in packDenseTile: [start, end) must be a range within [0, ${keys.length}], got [${start}, ${end}).`);
  }
  const rowList: number[] = [];
  const colSeen = new Set<number>();
  for (let i = start; i < end; i += 1) {
    const key = keys[i] as number;
    if (i > start && key <= (keys[i - 1] as number)) throw new Error(`Error in packDenseTile: keys must be sorted and unique; key ${i} is ${key} after ${keys[i - 1]}.`);
    const row = Math.floor(key / outFeatures);
    if (rowList.length === 0 || rowList[rowList.length - 1] !== row) rowList.push(row);
    colSeen.add(key % outFeatures);
  }
  const rowIdx = Int32Array.from(rowList);
  const colIdx = Int32Array.from(colSeen).sort();
  const colPos = new Map<number, number>();
  colIdx.forEach((c, i) => colPos.set(c, i));
  const cellIdx = new Int32Array(2 * (end - start));
  let r = -1;
  let lastRow = -1;
  for (let i = start; i < end; i += 1) {
    const key = keys[i] as number;
    const row = Math.floor(key / outFeatures);
    if (row !== lastRow) {
      r += 1;
      lastRow = row;
    }
    cellIdx[2 * (i - start)] = r;
    cellIdx[2 * (i - start) + 1] = colPos.get(key % outFeatures) as number;
  }
  return { start, count: end - start, rowIdx, colIdx, cellIdx };
}

/**
 * Upload tiles' gather lists as one group (tensors kept out of any enclosing `tf.tidy`).
 *
 * @throws Error naming the field when a tile's rows or columns fall outside the layer or two tiles share a row.
 */
export function denseTileGroup(tiles: readonly DenseTile[], inFeatures: number, outFeatures: number): DenseTileGroup {
  const rows = tiles.flatMap((t) => Array.from(t.rowIdx));
  const cols = tiles.flatMap((t) => Array.from(t.colIdx));
  if (rows.some((r) => r < 0 || r >= inFeatures) || new Set(rows).size !== rows.length) {
    throw new Error(`Error in denseTileGroup: rowIdx must be unique rows in [0, ${inFeatures}), got [${rows.join(", ")}].`);
  }
  if (cols.some((c) => c < 0 || c >= outFeatures)) throw new Error(`Error in denseTileGroup: colIdx must be in [0, ${outFeatures}), got [${cols.join(", ")}].`);
  return {
    tiles: tiles.map((t) => ({ start: t.start, count: t.count, shape: [t.rowIdx.length, t.colIdx.length] as const, cellIdx: tf.keep(tf.tensor2d(t.cellIdx, [t.count, 2], "int32")) })),
    rowIdx: tf.keep(tf.tensor1d(rows, "int32")),
    rowScatter: tf.keep(tf.tensor2d(rows, [rows.length, 1], "int32")),
    colIdx: tf.keep(tf.tensor1d(cols, "int32")),
    colScatter: tf.keep(tf.tensor2d(cols, [cols.length, 1], "int32")),
    inFeatures,
    outFeatures,
  };
}

/** Free the tensors of {@link denseTileGroup}. */
export function disposeDenseTileGroup(group: DenseTileGroup): void {
  tf.dispose([group.rowIdx, group.rowScatter, group.colIdx, group.colScatter, ...group.tiles.map((t) => t.cellIdx)]);
}
