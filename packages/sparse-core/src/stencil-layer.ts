/**
 * StencilLayer: perceptron-local sparse stencils, "innate convolution" (seed 002 L1515-1530, v3 L1742-1757,
 * stencil dynamics L1791-1832; SEED-INVENTORY §3.13-§3.14; ADR 0330).
 *
 * A growth object over the stencil index space `[units, S]` (see {@link StencilGeometry}): cell `(u, o)` is
 * the global mask cell `(pixel(u, o), u)` of a `[H·W, units]` linear map, so each unit's stencil is a block
 * of indices inside one global mask. Forward `y = X·W` runs the nnz-scaled static sparse multiplier
 * (`denseSpmm`, TB-5) on that mask, sorted by `(pixel, unit)` once per structure; no dense Hadamard product.
 *
 * Soft-tying (L1819-1829): a tied unit's weights are `w_u = M_u ⊙ (c_k + r_u)`, a shared centre kernel
 * `c_k` (a trainable `[S]` row of `centres`) seen through the unit's own mask plus a per-cell residual
 * `r_u`. `own` holds `w` for untied cells and `r` for tied cells; `effective = own + gather(centres)`.
 * Tying and untying preserve the function (the residual absorbs the difference). Accounting (L1832): a
 * tied group counts one centre (its lit offsets on the members' masks) plus the residuals' lit cells.
 */
import { denseSpmm, tf, type Rank, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";

import type { GrowthObject, ObjectBudget, ObjectCounters } from "./growth-object.js";
import type { HeatCounts, HeatState } from "./heat-state.js";
import type { ShadowDelta } from "./shadow-delta.js";
import { checkHotSet, WarmCells } from "./warm-cells.js";
import { StencilGeometry, type StencilGeometryOptions } from "./stencil-geometry.js";

/** How a stencil starts (seed L1527): identity-like (centre 1), a tiny Laplacian, or empty. */
export type StencilSeed = { readonly kind: "identity" } | { readonly kind: "laplacian"; readonly scale?: number } | { readonly kind: "empty" };

/** Default scale of the Laplacian seed: centre `-4s`, 4-neighbours `+s` (ADR 0330: "tiny", L1527). */
export const STENCIL_LAPLACIAN_SCALE = 0.05;
/** Default capacity of shared centre kernels per layer (ADR 0330: "a small set of shared kernels", L1529). */
export const STENCIL_MAX_CENTRES = 8;

/** Options of {@link StencilLayer}. */
export interface StencilLayerOptions {
  /** Unique id within a model (default `"stencil"`). */
  readonly id?: string;
  /** Depth in the model (default 0). */
  readonly depth?: number;
  /** The grid, radius, stride and maps (or a geometry built already). */
  readonly geometry: StencilGeometry | StencilGeometryOptions;
  /** Initial stencils (default identity). */
  readonly seed?: StencilSeed;
  /** Hard caps on `C_struct` and `C_active` (default: every in-grid cell). */
  readonly budget?: Partial<ObjectBudget>;
  /** Capacity of shared centres (default {@link STENCIL_MAX_CENTRES}). */
  readonly maxCentres?: number;
}

/** Probe-time inputs of {@link StencilLayer.forward}. */
export interface StencilForwardOptions {
  /** Shadow Δs over stencil cells `u·S + o` (those of other objects are ignored). */
  readonly shadows?: readonly ShadowDelta[];
  /** Replace the effective Hot values (aligned with the Hot keys). */
  readonly hotValues?: Tensor1D;
  /** A dense `[units, S]` term added to the weights (the toggle-mask probe uses zeros). */
  readonly denseProbe?: Tensor2D;
}

/** Host copy of a layer's state: what structural edits and tying read and write. */
export interface StencilState {
  /** Sorted Hot keys `u·S + o`. */
  readonly keys: Int32Array;
  /** `own` aligned with the keys: the weight of an untied cell, the residual of a tied one. */
  readonly own: Float32Array;
  /** Centre index of each unit, or -1 when untied. */
  readonly tieOf: Int32Array;
  /** `[maxCentres, S]` centre kernels, row-major. */
  readonly centres: Float32Array;
}

/**
 * A layer of perceptron-local stencils.
 *
 * @example
 * ```ts
 * const layer = new StencilLayer({ geometry: { height: 8, width: 8, radius: 2 } });  // identity seeds
 * layer.forward(x);           // [B, 64]: exactly x (every stencil is its centre pixel at 1)
 * ```
 */
export class StencilLayer implements GrowthObject {
  readonly id: string;
  readonly depth: number;
  readonly geometry: StencilGeometry;
  readonly shape: readonly [number, number];
  readonly budget: ObjectBudget;
  readonly maxCentres: number;
  private keys: Int32Array = new Int32Array(0);
  private tieMap: Int32Array;
  private ownVar: Variable;
  private centreVar: Variable;
  private readonly warm = new WarmCells();
  private cache: StencilPlan | undefined;
  private version = 0;

  /** @throws Error naming the layer and the field when the geometry, seed, budget or capacity is invalid. */
  constructor(options: StencilLayerOptions) {
    this.id = options.id ?? "stencil";
    this.depth = options.depth ?? 0;
    if (!Number.isSafeInteger(this.depth) || this.depth < 0) throw new Error(`Error in StencilLayer "${this.id}": depth must be a non-negative integer, got ${this.depth}.`);
    this.geometry = options.geometry instanceof StencilGeometry ? options.geometry : new StencilGeometry(options.geometry);
    const g = this.geometry;
    this.shape = [g.units, g.offsets];
    let inGrid = 0;
    for (let key = 0; key < g.units * g.offsets; key += 1) if (g.inGrid(key)) inGrid += 1;
    const structCap = options.budget?.structCap ?? inGrid;
    const activeCap = options.budget?.activeCap ?? structCap;
    for (const [name, value] of [
      ["budget.structCap", structCap],
      ["budget.activeCap", activeCap],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Error in StencilLayer "${this.id}": ${name} must be a non-negative integer, got ${value}.`);
    }
    this.budget = { structCap, activeCap };
    this.maxCentres = options.maxCentres ?? STENCIL_MAX_CENTRES;
    if (!Number.isSafeInteger(this.maxCentres) || this.maxCentres < 1) throw new Error(`Error in StencilLayer "${this.id}": maxCentres must be a positive integer, got ${this.maxCentres}.`);
    this.tieMap = new Int32Array(g.units).fill(-1);
    this.ownVar = tf.tidy(() => tf.variable(tf.zeros([0]), true));
    this.centreVar = tf.tidy(() => tf.variable(tf.zeros([this.maxCentres * g.offsets]), true));
    const seeded = seedCells(g, options.seed ?? { kind: "identity" }, this.id);
    if (seeded.keys.length > structCap) throw new Error(`Error in StencilLayer "${this.id}": the seed needs ${seeded.keys.length} Hot cells, over budget.structCap ${structCap}.`);
    this.setState({ keys: seeded.keys, own: seeded.values, tieOf: this.tieMap, centres: new Float32Array(this.maxCentres * g.offsets) });
  }

  /** `own`: untied weights and tied residuals, aligned with the Hot keys (replaced on structural edits). */
  get own(): Variable {
    return this.ownVar;
  }

  /** The `[maxCentres · S]` shared centre kernels (trainable; rows of unused centres stay unused). */
  get centres(): Variable {
    return this.centreVar;
  }

  /** Hot cells. */
  get nnz(): number {
    return this.keys.length;
  }

  /** Increases on every structural or tying edit. */
  get structureVersion(): number {
    return this.version;
  }

  /** Centre index of unit `u`, or -1 when it is untied. */
  tieOf(u: number): number {
    return this.tieMap[u] ?? -1;
  }

  /** Units tied to centre `k`. */
  members(k: number): number[] {
    const out: number[] = [];
    this.tieMap.forEach((c, u) => {
      if (c === k) out.push(u);
    });
    return out;
  }

  /** Centres with at least one member. */
  liveCentres(): number[] {
    return [...new Set(Array.from(this.tieMap).filter((k) => k >= 0))].sort((a, b) => a - b);
  }

  /** A host copy of keys, `own`, ties and centres. */
  state(): StencilState {
    return { keys: Int32Array.from(this.keys), own: Float32Array.from(this.ownVar.dataSync()), tieOf: Int32Array.from(this.tieMap), centres: Float32Array.from(this.centreVar.dataSync()) };
  }

  /**
   * Replace the whole state (structural edits and tying go through here). Disposes the old variables;
   * the model that owns the optimizer remaps its moments.
   *
   * @throws Error naming the layer and the field when keys are unsorted, repeated, outside the grid, lengths differ or a tie is out of range.
   */
  setState(state: StencilState): void {
    const { keys, own, tieOf, centres } = state;
    const [units, offsets] = this.shape;
    const where = `Error in StencilLayer "${this.id}".setState`;
    if (tieOf.length !== units) throw new Error(`${where}: tieOf must have ${units} entries, got ${tieOf.length}.`);
    if (centres.length !== this.maxCentres * offsets) throw new Error(`${where}: centres must have ${this.maxCentres * offsets} entries, got ${centres.length}.`);
    checkHotSet({ where, keys, values: own, isCell: (key) => key < units * offsets && this.geometry.inGrid(key), notCell: "not an in-grid stencil cell", valueName: "own value" });
    for (const k of tieOf) if (!Number.isSafeInteger(k) || k < -1 || k >= this.maxCentres) throw new Error(`${where}: a tie must be -1 or a centre in [0, ${this.maxCentres}), got ${k}.`);
    this.dropCache();
    this.ownVar.dispose();
    this.centreVar.dispose();
    this.keys = Int32Array.from(keys);
    this.tieMap = Int32Array.from(tieOf);
    this.ownVar = tf.tidy(() => tf.variable(tf.tensor1d(own, "float32"), true));
    this.centreVar = tf.tidy(() => tf.variable(tf.tensor1d(centres, "float32"), true));
    this.warm.forget(this.keys);
    this.version += 1;
  }

  /**
   * Effective Hot weights `own + c_{tie(u)}[o]` aligned with the Hot keys (a tensor for the caller's tidy).
   * Untied layers return `own` plus nothing: exactly `own`.
   */
  effectiveValues(): Tensor1D {
    const own = this.ownVar as Tensor1D;
    const plan = this.plan();
    if (plan.gather === undefined) return own;
    const size = this.centreVar.size;
    const gather = plan.gather;
    // centres[gather] (index `size` reads a padding zero); the gradient sums dy back into the centres with one
    // scatter instead of tfjs's gather gradient (an unsortedSegmentSum costing O(nnz · centre entries)).
    const seen = tf.customGrad((...inputs) => ({
      value: tf.gather(tf.concat([inputs[0] as Tensor1D, tf.zeros<Rank.R1>([1])]), gather),
      gradFunc: (dy: tf.Tensor) => tf.slice(tf.scatterND(tf.reshape(gather, [-1, 1]), dy, [size + 1]), [0], [size]),
    }));
    return tf.add<Tensor1D>(own, seen(this.centreVar));
  }

  /**
   * `y = X·W_eff (+ X·Δ per shadow, + the dense probe term)`, `x [B, H·W] → [B, units]`.
   *
   * @throws Error naming the layer when `x` is not float32 `[B, H·W]` or `hotValues` has the wrong length.
   */
  forward(x: Tensor2D, options: StencilForwardOptions = {}): Tensor2D {
    const inFeatures = this.geometry.inFeatures;
    if (x.rank !== 2 || x.dtype !== "float32" || x.shape[1] !== inFeatures) {
      throw new Error(`Error in StencilLayer "${this.id}".forward: x must be float32 [B, ${inFeatures}], got ${x.dtype} [${x.shape.join(",")}].`);
    }
    const shape: [number, number] = [inFeatures, this.shape[0]];
    return tf.tidy(() => {
      let y = tf.zeros<Rank.R2>([x.shape[0], this.shape[0]]);
      if (this.keys.length > 0) {
        if (options.hotValues !== undefined && options.hotValues.shape[0] !== this.keys.length) {
          throw new Error(`Error in StencilLayer "${this.id}".forward: hotValues must have ${this.keys.length} entries, got ${options.hotValues.shape[0]}.`);
        }
        const plan = this.plan();
        const values = options.hotValues ?? this.effectiveValues();
        y = denseSpmm(x, plan.rows, plan.cols, permute(values, plan.perm, plan.inverse), shape);
      }
      for (const shadow of options.shadows ?? []) {
        if (shadow.objectId !== this.id || shadow.keys.length === 0) continue;
        const coo = globalCoo(this.geometry, shadow.keys, this.id);
        y = tf.add(y, denseSpmm(x, coo.rows, coo.cols, tf.gather(shadow.delta, coo.perm), shape));
      }
      if (options.denseProbe !== undefined) y = tf.add(y, this.denseProduct(x, options.denseProbe));
      return y;
    });
  }

  /**
   * `y[:, u] = Σ_o x[:, pixel(u, o)] · P[u, o]` for a dense `[units, S]` matrix `P` (out-of-grid offsets
   * read zero padding): the all-cells toggle-mask probe and the reference the sparse path is tested against.
   */
  denseProduct(x: Tensor2D, matrix: Tensor2D): Tensor2D {
    const [units, offsets] = this.shape;
    if (matrix.rank !== 2 || matrix.shape[0] !== units || matrix.shape[1] !== offsets) {
      throw new Error(`Error in StencilLayer "${this.id}".denseProduct: matrix must be [${units}, ${offsets}], got [${matrix.shape.join(",")}].`);
    }
    return tf.tidy(() => {
      const padded = tf.concat([x, tf.zeros<Rank.R2>([x.shape[0], 1])], 1);
      const table = this.geometry.pixelTable().map((p) => (p < 0 ? this.geometry.inFeatures : p));
      const patches = tf.reshape(tf.gather(padded, tf.tensor1d(table, "int32"), 1), [x.shape[0], units, offsets]);
      return tf.sum(tf.mul(patches, matrix), 2);
    });
  }

  /** Effective weights as a dense row-major `[units, S]` array (zeros off the mask). */
  stencilMatrix(): Float32Array {
    const out = new Float32Array(this.shape[0] * this.shape[1]);
    const eff = this.hotValues();
    this.keys.forEach((key, i) => {
      out[key] = eff[i] as number;
    });
    return out;
  }

  hotKeys(): Int32Array {
    return Int32Array.from(this.keys);
  }

  /** The effective Hot values (centre + residual for tied cells). */
  hotValues(): Float32Array {
    if (this.keys.length === 0) return new Float32Array(0);
    const eff = tf.tidy(() => tf.add(this.effectiveValues(), 0));
    const out = Float32Array.from(eff.dataSync());
    eff.dispose();
    return out;
  }

  /**
   * `C_struct` = Hot cells; `C_active` counts a tied group once (seed L1832): lit untied weights, lit
   * residuals, and each live centre's lit offsets on the union of its members' masks.
   */
  counters(epsilon: number): ObjectCounters {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new Error(`Error in StencilLayer "${this.id}".counters: epsilon must be finite and >= 0, got ${epsilon}.`);
    const offsets = this.shape[1];
    const own = this.keys.length > 0 ? this.ownVar.dataSync() : new Float32Array(0);
    let cActive = 0;
    for (const v of own) if (Math.abs(v) > epsilon) cActive += 1;
    const centres = this.centreVar.dataSync();
    const support = new Map<number, Set<number>>();
    this.keys.forEach((key) => {
      const k = this.tieMap[Math.floor(key / offsets)] as number;
      if (k < 0) return;
      const set = support.get(k) ?? new Set<number>();
      set.add(key % offsets);
      support.set(k, set);
    });
    for (const [k, set] of support) for (const o of set) if (Math.abs(centres[k * offsets + o] as number) > epsilon) cActive += 1;
    return { cStruct: this.keys.length, cActive, computeCells: this.keys.length };
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

  /** Free the layer's tensors. */
  dispose(): void {
    this.dropCache();
    this.ownVar.dispose();
    this.centreVar.dispose();
  }

  private plan(): StencilPlan {
    if (this.cache !== undefined) return this.cache;
    const coo = globalCoo(this.geometry, this.keys, this.id);
    const offsets = this.shape[1];
    const anyTied = this.tieMap.some((k) => k >= 0);
    const gather = anyTied
      ? tf.keep(
          tf.tensor1d(
            Int32Array.from(this.keys, (key) => {
              const k = this.tieMap[Math.floor(key / offsets)] as number;
              return k < 0 ? this.maxCentres * offsets : k * offsets + (key % offsets);
            }),
            "int32",
          ),
        )
      : undefined;
    // Kept: the plan outlives the tidy scope of the forward pass that builds it.
    this.cache = { rows: tf.keep(coo.rows), cols: tf.keep(coo.cols), perm: tf.keep(coo.perm), inverse: tf.keep(coo.inverse), gather };
    return this.cache;
  }

  private dropCache(): void {
    if (this.cache === undefined) return;
    tf.dispose([this.cache.rows, this.cache.cols, this.cache.perm, this.cache.inverse]);
    this.cache.gather?.dispose();
    this.cache = undefined;
  }
}

/** The cached forward plan of a structure: the sorted global COO, its permutation from key order and back, the centre gather. */
interface StencilPlan {
  readonly rows: Tensor1D;
  readonly cols: Tensor1D;
  readonly perm: Tensor1D;
  readonly inverse: Tensor1D;
  readonly gather: Tensor1D | undefined;
}

/**
 * `values[perm]` whose gradient is `dy[inverse]`: the gradient of a permutation is the inverse permutation.
 * tfjs's own gather gradient is an `unsortedSegmentSum` whose kernel costs `O(n · segments)`, i.e. `O(nnz²)`
 * here (322 ms per backward at 1568 Hot cells on wasm, against 1 ms for the sparse product itself).
 * `perm` and `inverse` must outlive the backward pass (the cached plan's tensors do).
 */
function permute(values: Tensor1D, perm: Tensor1D, inverse: Tensor1D): Tensor1D {
  const op = tf.customGrad((...inputs) => ({
    value: tf.gather(inputs[0] as Tensor1D, perm),
    gradFunc: (dy: tf.Tensor) => tf.gather(dy, inverse),
  }));
  return op(values) as Tensor1D;
}

/** The global COO `(pixel, unit)` of stencil keys, sorted by (pixel, unit), with `perm[i]` = the key position of entry i and `inverse` its inverse. */
function globalCoo(geometry: StencilGeometry, keys: Int32Array, id: string): { rows: Tensor1D; cols: Tensor1D; perm: Tensor1D; inverse: Tensor1D } {
  const offsets = geometry.offsets;
  const order = Array.from(keys, (key, i) => {
    const pixel = geometry.pixelOf(Math.floor(key / offsets), key % offsets);
    if (pixel < 0) throw new Error(`Error in StencilLayer "${id}": cell ${key} falls outside the grid.`);
    return { pixel, unit: Math.floor(key / offsets), i };
  }).sort((a, b) => a.pixel - b.pixel || a.unit - b.unit);
  return {
    rows: tf.tensor1d(Int32Array.from(order, (e) => e.pixel), "int32"),
    cols: tf.tensor1d(Int32Array.from(order, (e) => e.unit), "int32"),
    perm: tf.tensor1d(Int32Array.from(order, (e) => e.i), "int32"),
    inverse: tf.tensor1d(inversePermutation(order), "int32"),
  };
}

function inversePermutation(order: readonly { readonly i: number }[]): Int32Array {
  const inverse = new Int32Array(order.length);
  order.forEach((e, j) => {
    inverse[e.i] = j;
  });
  return inverse;
}

function seedCells(g: StencilGeometry, seed: StencilSeed, id: string): { keys: Int32Array; values: Float32Array } {
  const cells: [number, number][] = [];
  const S = g.offsets;
  if (seed.kind === "identity") {
    for (let u = 0; u < g.units; u += 1) cells.push([u * S, 1]);
  } else if (seed.kind === "laplacian") {
    const s = seed.scale ?? STENCIL_LAPLACIAN_SCALE;
    if (!(Number.isFinite(s) && s > 0)) throw new Error(`Error in StencilLayer "${id}": seed.scale must be finite and > 0, got ${s}.`);
    if (g.radius < 1) throw new Error(`Error in StencilLayer "${id}": a Laplacian seed needs radius >= 1, got ${g.radius}.`);
    const neighbours = [g.offsetIndex(-1, 0), g.offsetIndex(0, -1), g.offsetIndex(0, 1), g.offsetIndex(1, 0)];
    for (let u = 0; u < g.units; u += 1) {
      cells.push([u * S, -4 * s]);
      for (const o of neighbours) if (g.pixelOf(u, o) >= 0) cells.push([u * S + o, s]);
    }
  } else if (seed.kind !== "empty") {
    throw new Error(`Error in StencilLayer "${id}": seed.kind must be "identity", "laplacian" or "empty", got ${String((seed as { kind: unknown }).kind)}.`);
  }
  cells.sort((a, b) => a[0] - b[0]);
  return { keys: Int32Array.from(cells, (c) => c[0]), values: Float32Array.from(cells, (c) => c[1]) };
}
