/**
 * SparseMaskedLinear: one sparse layer of a SparseMaskedNN (seed 002 v3 L1609-1626; SEED-INVENTORY
 * §3.1-§3.3, TB-3, D-5).
 *
 * - The Hot set is a sorted COO mask `M_idx [nnz, 2]` of `(row, col)` = (input, output), and the
 *   trainable `W_vals [nnz]` is aligned with it one to one (L1611-1612). The mask is truly sparse (L1846).
 * - Forward: `Y = base(X) + X·W`, `W` stored `[in, out]`, through the nnz-scaled `denseSpmm` kernel on row and
 *   column vectors cached per structure (the same arithmetic as `denseSparseMatMul`; the seed's `[in,out]·Xᵀ`
 *   form has a shape bug, D-5). No dense Hadamard product with a mask.
 * - Identity-first: with no Hot or Warm delta the layer is `base(X)` with no arithmetic (L1235, L1252).
 * - Gradients reach only `W_vals` (the base is a fixed map; indices are int32 and not differentiable).
 * - The compute path may be switched to dense, or to packed dense tiles (ADR 0331), by the crossover policy
 *   (L1760-1783); the semantics (mask, counters, planner) stay sparse.
 */
import { denseSparseMatMul, denseSpmm, sparseToDense, tf, type Rank, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";

import { denseTileCells, denseTileGroup, disposeDenseTileGroup, packDenseTile, type DenseTile, type DenseTileGroup } from "./dense-tile.js";
import type { GrowthObject, ObjectBudget, ObjectCounters } from "./growth-object.js";
import type { HeatCounts, HeatState } from "./heat-state.js";
import { applyBase, checkBase, type LayerBase } from "./layer-base.js";
import { sortedUnique } from "./region.js";
import { keysToIndices, type ShadowDelta } from "./shadow-delta.js";
import { tiledMatMul } from "./tiled-matmul.js";
import { checkHotSet, WarmCells } from "./warm-cells.js";

/** The compute path of a layer or of one of its crossover blocks (seed L1760-1783; `"tile"`: packed dense tiles, ADR 0331). */
export type ComputePath = "sparse" | "dense" | "tile";

/** A layer's path: the path of every block, or `"mixed"` when its crossover blocks differ (ADR 0304). */
export type LayerPath = ComputePath | "mixed";

/** Options of {@link SparseMaskedLinear}. */
export interface SparseMaskedLinearOptions {
  /** Unique id within a model (default `"layer"`). */
  readonly id?: string;
  /** Depth in the model (default 0). */
  readonly depth?: number;
  /** Input features (rows of `W`). */
  readonly inFeatures: number;
  /** Output features (columns of `W`). */
  readonly outFeatures: number;
  /** The implicit base map (default identity). */
  readonly base?: LayerBase;
  /** Hard caps (default: no cap below the full matrix). */
  readonly budget?: Partial<ObjectBudget>;
  /** Initial Hot cells (linear keys `row * outFeatures + col`) and their values (default: none). */
  readonly initial?: { readonly keys: Int32Array; readonly values: Float32Array };
  /**
   * Input rows per crossover block (default `inFeatures`: one block). Each block of rows `[r0, r0 + h)`
   * has its own compute path, so one layer can mix sparse and dense blocks (seed L1552, ADR 0304).
   */
  readonly crossoverBlockRows?: number;
}

/** Extra inputs of {@link SparseMaskedLinear.forward}. */
export interface LayerForwardOptions {
  /** Shadow Δs; those of other objects are ignored. */
  readonly shadows?: readonly ShadowDelta[];
  /** Replace the Hot values (same length as the Hot set), e.g. `W_vals + Δ_H` of a Relaxed probe. */
  readonly hotValues?: Tensor1D;
  /** A dense `[in, out]` term added to the product (the all-cells toggle-mask probe uses zeros). */
  readonly denseProbe?: Tensor2D;
}

/**
 * A sparse `[in, out]` layer with an implicit identity (or zero) base and a growable Hot set.
 *
 * @example
 * ```ts
 * const layer = new SparseMaskedLinear({ inFeatures: 4, outFeatures: 4 });   // identity
 * const y = layer.forward(x);                  // exactly x: nothing is Hot
 * layer.setStructure(Int32Array.from([1]), Float32Array.from([0.5]));        // W[0,1] = 0.5
 * layer.forward(x);                            // x + 0.5 · x[:,0] in column 1
 * ```
 */
export class SparseMaskedLinear implements GrowthObject {
  readonly id: string;
  readonly depth: number;
  readonly shape: readonly [number, number];
  readonly base: LayerBase;
  readonly budget: ObjectBudget;
  private keys: Int32Array;
  private indices: Tensor2D;
  /** Row and column vectors of the Hot set, cached per structure (splitting `indices` per call costs ~0.5 µs per cell on wasm, ADR 0303). */
  private rows: Tensor1D;
  private cols: Tensor1D;
  private vals: Variable;
  private readonly warm = new WarmCells();
  private blockPathList: ComputePath[];
  private readonly blockViews: readonly LayerBlock[];
  private plan: BlockPlan | undefined;
  private pathSwitchCount = 0;
  private fastPathCalls = 0;
  private forwardCalls = 0;
  private version = 0;

  /** @throws Error naming the layer and the field when a size, base, budget or initial set is invalid. */
  constructor(options: SparseMaskedLinearOptions) {
    const id = options.id ?? "layer";
    const { inFeatures, outFeatures } = options;
    for (const [name, value] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Error in SparseMaskedLinear "${id}": ${name} must be a positive integer, got ${value}.`);
    }
    const depth = options.depth ?? 0;
    if (!Number.isSafeInteger(depth) || depth < 0) throw new Error(`Error in SparseMaskedLinear "${id}": depth must be a non-negative integer, got ${depth}.`);
    const base = options.base ?? { kind: "identity" };
    checkBase(id, base, inFeatures, outFeatures);
    const cells = inFeatures * outFeatures;
    const structCap = options.budget?.structCap ?? cells;
    const activeCap = options.budget?.activeCap ?? structCap;
    for (const [name, value] of [
      ["budget.structCap", structCap],
      ["budget.activeCap", activeCap],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Error in SparseMaskedLinear "${id}": ${name} must be a non-negative integer, got ${value}.`);
    }
    this.id = id;
    this.depth = depth;
    this.shape = [inFeatures, outFeatures];
    this.base = base;
    this.budget = { structCap, activeCap };
    const blockRows = options.crossoverBlockRows ?? inFeatures;
    if (!Number.isSafeInteger(blockRows) || blockRows < 1 || blockRows > inFeatures) {
      throw new Error(`Error in SparseMaskedLinear "${id}": crossoverBlockRows must be an integer in [1, ${inFeatures}], got ${blockRows}.`);
    }
    const blockCount = Math.ceil(inFeatures / blockRows);
    this.blockPathList = new Array<ComputePath>(blockCount).fill("sparse");
    this.blockViews = Array.from({ length: blockCount }, (_, b) => new LayerBlock(this, b, b * blockRows, Math.min(inFeatures, (b + 1) * blockRows)));
    this.keys = new Int32Array(0);
    this.indices = keysToIndices(this.keys, outFeatures);
    [this.rows, this.cols] = splitKeys(this.keys, outFeatures);
    this.vals = tf.tidy(() => tf.variable(tf.zeros([0]), true));
    if (options.initial !== undefined) this.setStructure(options.initial.keys, options.initial.values);
  }

  /** `W_vals`: the trainable values aligned with the Hot keys (replaced on each structural edit). */
  get values(): Variable {
    return this.vals;
  }

  /** `M_idx` as an int32 `[nnz, 2]` tensor (owned by the layer). */
  get maskIndices(): Tensor2D {
    return this.indices;
  }

  /** Number of Hot cells. */
  get nnz(): number {
    return this.keys.length;
  }

  /** The compute path in use: every block's, or `"mixed"` when the crossover blocks differ. */
  get path(): LayerPath {
    const first = this.blockPathList[0] ?? "sparse";
    return this.blockPathList.every((p) => p === first) ? first : "mixed";
  }

  /** The crossover blocks (row blocks of `crossoverBlockRows` inputs), each a {@link CrossoverTarget}-shaped view. */
  get blocks(): readonly LayerBlock[] {
    return this.blockViews;
  }

  /** Increases on every structural edit (consumers cache per version). */
  get structureVersion(): number {
    return this.version;
  }

  /** Forward calls so far, and how many took the identity fast path (no arithmetic). */
  get callCounts(): { readonly forward: number; readonly fastPath: number } {
    return { forward: this.forwardCalls, fastPath: this.fastPathCalls };
  }

  /** How many calls of {@link SparseMaskedLinear.setPath} or {@link SparseMaskedLinear.setBlockPath} changed a path. */
  get pathSwitches(): number {
    return this.pathSwitchCount;
  }

  /**
   * Switch the compute path of every block (the crossover policy does this; the semantics do not change).
   * The output is the same up to float summation order; `counters().computeCells` follows the path (seed
   * L1553). Returns true when any block's path changed.
   *
   * @throws Error naming the layer when `path` is not `"sparse"`, `"dense"` or `"tile"`.
   */
  setPath(path: ComputePath): boolean {
    checkPath(`SparseMaskedLinear "${this.id}".setPath`, path);
    if (this.blockPathList.every((p) => p === path)) return false;
    this.blockPathList = this.blockPathList.map(() => path);
    this.pathSwitchCount += 1;
    return true;
  }

  /** The compute path of block `block`. */
  blockPath(block: number): ComputePath {
    return this.blockPathList[this.checkBlock("blockPath", block)] as ComputePath;
  }

  /**
   * Switch one crossover block's compute path (seed L1552: "per layer or block"); true when it changed.
   *
   * @throws Error naming the layer and the field when `block` or `path` is invalid.
   */
  setBlockPath(block: number, path: ComputePath): boolean {
    const b = this.checkBlock("setBlockPath", block);
    checkPath(`SparseMaskedLinear "${this.id}".setBlockPath`, path);
    if (this.blockPathList[b] === path) return false;
    this.blockPathList[b] = path;
    this.pathSwitchCount += 1;
    return true;
  }

  /**
   * Cells of block `block`'s packed dense tile (ADR 0331): distinct input rows times distinct output
   * columns holding a Hot cell (0 for an empty block). What the tile path computes per batch row.
   */
  blockTileCells(block: number): number {
    const b = this.checkBlock("blockTileCells", block);
    const [r0, r1] = (this.blockViews[b] as LayerBlock).rows;
    const { start, end } = this.rowRange(r0, r1);
    return denseTileCells(packDenseTile(this.keys, this.shape[1], start, end));
  }

  /** Tile cells summed over the blocks: the `tileCells` of the whole layer's cost query. */
  get tileCells(): number {
    return this.blockViews.reduce((sum, block) => sum + this.blockTileCells(block.index), 0);
  }

  /** Cells block `block` computes on its path (seed L1553): `h·out` dense, its tile's cells on the tile path, else its Hot cells. */
  blockComputeCells(block: number): number {
    const view = this.blockViews[this.checkBlock("blockComputeCells", block)] as LayerBlock;
    const path = this.blockPathList[view.index] as ComputePath;
    if (path === "dense") return view.shape[0] * view.shape[1];
    if (path === "tile") return this.blockTileCells(view.index);
    return view.nnz;
  }

  /** Hot cells stored in input rows `[r0, r1)`: positions `[start, end)` of the sorted Hot set. */
  rowRange(r0: number, r1: number): { readonly start: number; readonly end: number } {
    const cols = this.shape[1];
    return { start: lowerBound(this.keys, r0 * cols), end: lowerBound(this.keys, r1 * cols) };
  }

  /**
   * `Y = base(X) + X·W_hot (+ X·Δ for each shadow of this layer)`, `x [B, in] → [B, out]`.
   * With no Hot cell, no shadow and no dense probe, returns `base(X)` without arithmetic.
   *
   * @throws Error naming the layer when `x` is not float32 `[B, in]`.
   */
  forward(x: Tensor2D, options: LayerForwardOptions = {}): Tensor2D {
    if (x.rank !== 2 || x.dtype !== "float32" || x.shape[1] !== this.shape[0]) {
      throw new Error(`Error in SparseMaskedLinear "${this.id}".forward: x must be float32 [B, ${this.shape[0]}], got ${x.dtype} [${x.shape.join(",")}].`);
    }
    this.forwardCalls += 1;
    const shadows = (options.shadows ?? []).filter((s) => s.objectId === this.id && s.keys.length > 0);
    if (this.keys.length === 0 && shadows.length === 0 && options.denseProbe === undefined) {
      this.fastPathCalls += 1;
      return applyBase(this.base, x, this.shape[1]);
    }
    return tf.tidy(() => {
      let y = applyBase(this.base, x, this.shape[1]);
      if (this.keys.length > 0) {
        const values = options.hotValues ?? this.vals;
        if (values.shape[0] !== this.keys.length) {
          throw new Error(`Error in SparseMaskedLinear "${this.id}".forward: hotValues must have ${this.keys.length} entries, got ${values.shape[0]}.`);
        }
        y = tf.add(y, this.product(x, values as Tensor1D));
      }
      for (const shadow of shadows) {
        y = tf.add(y, denseSparseMatMul(x, { indices: shadow.indices, values: shadow.delta, shape: [this.shape[0], this.shape[1]] }));
      }
      if (options.denseProbe !== undefined) y = tf.add(y, tf.matMul(x, options.denseProbe));
      return y;
    });
  }

  /**
   * Replace the Hot set: `keys` (sorted unique linear keys) with `values`. Disposes the old `W_vals`
   * variable and makes a new one; callers holding optimizer state remap it (the stack does).
   *
   * @throws Error naming the layer when keys are unsorted, repeated or out of range, or lengths differ.
   */
  setStructure(keys: Int32Array, values: Float32Array): void {
    const cells = this.shape[0] * this.shape[1];
    checkHotSet({ where: `Error in SparseMaskedLinear "${this.id}".setStructure`, keys, values, isCell: (key) => key < cells, notCell: `outside [0, ${cells})` });
    this.indices.dispose();
    this.rows.dispose();
    this.cols.dispose();
    this.vals.dispose();
    if (this.plan !== undefined) disposePlan(this.plan);
    this.plan = undefined;
    this.keys = Int32Array.from(keys);
    this.indices = keysToIndices(this.keys, this.shape[1]);
    [this.rows, this.cols] = splitKeys(this.keys, this.shape[1]);
    this.vals = tf.tidy(() => tf.variable(tf.tensor1d(values, "float32"), true));
    this.warm.forget(this.keys);
    this.version += 1;
  }

  hotKeys(): Int32Array {
    return Int32Array.from(this.keys);
  }

  hotValues(): Float32Array {
    return Float32Array.from(this.vals.dataSync());
  }

  counters(epsilon: number): ObjectCounters {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in SparseMaskedLinear "${this.id}".counters: epsilon must be finite and >= 0, got ${epsilon}.`);
    const values = this.keys.length > 0 ? this.vals.dataSync() : new Float32Array(0);
    let cActive = 0;
    for (const v of values) if (Math.abs(v) > epsilon) cActive += 1;
    const cStruct = this.keys.length;
    let computeCells = 0;
    for (const block of this.blockViews) computeCells += this.blockComputeCells(block.index);
    return { cStruct, cActive, computeCells };
  }

  heatOf(row: number, col: number): HeatState {
    return this.warm.heatOf(this.keys, row * this.shape[1] + col);
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

  /** The dense `[in, out]` Hot weights (without the base), for inspection and spectra. */
  denseWeights(): Float32Array {
    const out = new Float32Array(this.shape[0] * this.shape[1]);
    const values = this.keys.length > 0 ? this.vals.dataSync() : new Float32Array(0);
    this.keys.forEach((key, i) => {
      out[key] = values[i] as number;
    });
    return out;
  }

  /** `X·W` on the blocks' paths: one kernel for a uniform sparse or dense layer, else one call per run of same-path blocks, plus one tiled product for every tile-path block. */
  private product(x: Tensor2D, values: Tensor1D): Tensor2D {
    const shape: [number, number] = [this.shape[0], this.shape[1]];
    const path = this.path;
    if (path === "dense") return tf.matMul(x, sparseToDense({ indices: this.indices, values, shape }));
    if (path === "sparse") return denseSpmm(x, this.rows, this.cols, values, shape);
    const plan = this.blockPlan();
    let y: Tensor2D | undefined = plan.tiles === undefined ? undefined : tiledMatMul(x, values, plan.tiles);
    for (const segment of plan.segments) {
      const vals = tf.slice(values, [segment.start], [segment.count]);
      const part: Tensor2D =
        segment.path === "sparse"
          ? denseSpmm(x, segment.rows, segment.cols, vals, shape)
          : tf.matMul<Tensor2D>(tf.slice(x, [0, segment.r0], [x.shape[0], segment.height]), sparseToDense({ indices: segment.local, values: vals, shape: [segment.height, shape[1]] }));
      y = y === undefined ? part : tf.add<Tensor2D>(y, part);
    }
    return y ?? tf.zeros<Rank.R2>([x.shape[0], shape[1]]);
  }

  /**
   * Runs of consecutive same-path blocks with Hot cells (contiguous in the sorted Hot set), cached per
   * structure and paths, and the packed tiles of the tile-path blocks (one tile per block, ADR 0331).
   */
  private blockPlan(): BlockPlan {
    const key = `${this.version}|${this.blockPathList.join(",")}`;
    if (this.plan?.key === key) return this.plan;
    if (this.plan !== undefined) disposePlan(this.plan);
    const out: Segment[] = [];
    const tiles: DenseTile[] = [];
    const cols = this.shape[1];
    let b = 0;
    while (b < this.blockViews.length) {
      const path = this.blockPathList[b] as ComputePath;
      let e = b + 1;
      while (path !== "tile" && e < this.blockViews.length && this.blockPathList[e] === path) e += 1;
      const r0 = (this.blockViews[b] as LayerBlock).rows[0];
      const r1 = (this.blockViews[e - 1] as LayerBlock).rows[1];
      const { start, end } = this.rowRange(r0, r1);
      if (path === "tile") {
        if (end > start) tiles.push(packDenseTile(this.keys, cols, start, end));
      } else if (end > start) {
        const keys = this.keys.subarray(start, end);
        const rows = Int32Array.from(keys, (k) => Math.floor(k / cols));
        const columns = Int32Array.from(keys, (k) => k % cols);
        out.push({
          path,
          start,
          count: end - start,
          r0,
          height: r1 - r0,
          // Kept: the plan outlives the tidy scope of the forward pass that builds it.
          rows: tf.keep(tf.tensor1d(rows, "int32")),
          cols: tf.keep(tf.tensor1d(columns, "int32")),
          local: tf.keep(tf.tensor2d(Int32Array.from({ length: 2 * keys.length }, (_, i) => (i % 2 === 0 ? (rows[i >> 1] as number) - r0 : (columns[i >> 1] as number))), [keys.length, 2], "int32")),
        });
      }
      b = e;
    }
    this.plan = { key, segments: out, tiles: tiles.length === 0 ? undefined : denseTileGroup(tiles, this.shape[0], cols) };
    return this.plan;
  }

  private checkBlock(where: string, block: number): number {
    if (!Number.isSafeInteger(block) || block < 0 || block >= this.blockViews.length) {
      throw new Error(`Error in SparseMaskedLinear "${this.id}".${where}: block must be an integer in [0, ${this.blockViews.length}), got ${block}.`);
    }
    return block;
  }

  /** Free the layer's tensors. */
  dispose(): void {
    if (this.plan !== undefined) disposePlan(this.plan);
    this.plan = undefined;
    this.indices.dispose();
    this.rows.dispose();
    this.cols.dispose();
    this.vals.dispose();
  }
}

/**
 * One crossover block of a {@link SparseMaskedLinear}: input rows `[r0, r1)` with their own compute path.
 * Satisfies `CrossoverTarget`, so a `CrossoverPolicy` keeps hysteresis, cooldown and events per block
 * (`policy.step(layer.blocks, batch)`); its counters are the block's (ADR 0304).
 */
export class LayerBlock {
  /** `"<layer id>/rows<r0>-<r1>"`: the policy keeps its state and events under it. */
  readonly id: string;
  /** The layer's depth. */
  readonly depth: number;
  /** `[r1 - r0, out]`. */
  readonly shape: readonly [number, number];
  /** Input rows `[r0, r1)` of the layer. */
  readonly rows: readonly [number, number];
  /** Position of the block in `layer.blocks`. */
  readonly index: number;
  private readonly layer: SparseMaskedLinear;

  /** Made by the layer (see `SparseMaskedLinear.blocks`). */
  constructor(layer: SparseMaskedLinear, index: number, r0: number, r1: number) {
    this.layer = layer;
    this.index = index;
    this.id = `${layer.id}/rows${r0}-${r1}`;
    this.depth = layer.depth;
    this.shape = [r1 - r0, layer.shape[1]];
    this.rows = [r0, r1];
  }

  /** Hot cells in the block. */
  get nnz(): number {
    const { start, end } = this.layer.rowRange(this.rows[0], this.rows[1]);
    return end - start;
  }

  /** Cells of the block's packed dense tile (ADR 0331). */
  get tileCells(): number {
    return this.layer.blockTileCells(this.index);
  }

  /** The block's compute path. */
  get path(): ComputePath {
    return this.layer.blockPath(this.index);
  }

  /** Switch the block's path; true when it changed. */
  setPath(path: ComputePath): boolean {
    return this.layer.setBlockPath(this.index, path);
  }

  /** The block's counters: its Hot and lit cells, and `computeCells` = `h·out` on the dense path, the tile's cells on the tile path. */
  counters(epsilon: number): ObjectCounters {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in LayerBlock "${this.id}".counters: epsilon must be finite and >= 0, got ${epsilon}.`);
    const { start, end } = this.layer.rowRange(this.rows[0], this.rows[1]);
    const values = end > start ? this.layer.values.dataSync().subarray(start, end) : new Float32Array(0);
    let cActive = 0;
    for (const v of values) if (Math.abs(v) > epsilon) cActive += 1;
    return { cStruct: end - start, cActive, computeCells: this.layer.blockComputeCells(this.index) };
  }
}

/** A run of same-path blocks: positions `[start, start + count)` of the Hot set, rows `[r0, r0 + height)`. */
interface Segment {
  readonly path: ComputePath;
  readonly start: number;
  readonly count: number;
  readonly r0: number;
  readonly height: number;
  readonly rows: Tensor1D;
  readonly cols: Tensor1D;
  /** `[count, 2]` indices relative to row `r0` (the dense path's scatter). */
  readonly local: Tensor2D;
}

/** The cached compute plan of a layer: sparse and dense segments, and the tiles of its tile-path blocks. */
interface BlockPlan {
  readonly key: string;
  readonly segments: readonly Segment[];
  readonly tiles: DenseTileGroup | undefined;
}

function disposePlan(plan: BlockPlan): void {
  for (const s of plan.segments) tf.dispose([s.rows, s.cols, s.local]);
  if (plan.tiles !== undefined) disposeDenseTileGroup(plan.tiles);
}

function checkPath(where: string, path: unknown): asserts path is ComputePath {
  if (path !== "sparse" && path !== "dense" && path !== "tile") throw new Error(`Error in ${where}: path must be "sparse", "dense" or "tile", got ${String(path)}.`);
}

/** First position in sorted `keys` whose key is ≥ `key`. */
function lowerBound(keys: Int32Array, key: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] as number) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Row (`key / cols`) and column (`key % cols`) int32 vectors of sorted linear keys. */
function splitKeys(keys: Int32Array, cols: number): [Tensor1D, Tensor1D] {
  const rows = Int32Array.from(keys, (key) => Math.floor(key / cols));
  const columns = Int32Array.from(keys, (key) => key % cols);
  return [tf.tensor1d(rows, "int32"), tf.tensor1d(columns, "int32")];
}

/** Merge sorted unique key arrays (union). */
export function unionKeys(a: Int32Array, b: Int32Array): Int32Array {
  const merged = new Int32Array(a.length + b.length);
  merged.set(a);
  merged.set(b, a.length);
  return sortedUnique(merged);
}
