/**
 * Clone-and-split of a hidden unit and its re-merge (seed 002 L1314-1324, v3 "Clone-and-Split";
 * SEED-INVENTORY §3.9; ADR 0320).
 *
 * Split unit `j` of layer `L` (an output of `L`, an input of `L+1`) of a {@link SparseMaskedStack}:
 * 1. duplicate it: the clone gets the same incoming weights (the same column of `base + W` of layer `L`; the
 *    stack has no bias);
 * 2. share the downstream weights: row `j` of `base + W` of layer `L+1` becomes `share·row` on the original
 *    and `(1 − share)·row` on the clone (share = ½ halves it), so the output is unchanged at t = 0 for any
 *    activation `A`, because `share·A(z) + (1 − share)·A(z) = A(z)`;
 * 3. optional asymmetry: antithetic incoming noise, `+n` on the original and `−n` on the clone, which changes
 *    the output only at second order (`½A(z+n·x) + ½A(z−n·x) = A(z) + O(n²)`), so the twins can diverge;
 * 4. re-merge: sum the downstream rows back and drop the clone (its incoming weights are discarded).
 *
 * The split stack is a new stack one unit wider; the implicit bases keep their kind when it still fits the
 * new shape (identity, zero; a block identity that no longer divides becomes zero) and every difference
 * between old and new base is materialised as Hot cells, so the function is preserved whatever the base.
 * The new cells count in `C_struct` of the two layers (the split is refused when a layer's `structCap` would
 * be exceeded). The split stack starts a fresh optimizer (Adam moments are not carried across widths).
 *
 * Compared with Net2Net's `Net2WiderNet` (Chen et al. 2016): Net2WiderNet replicates randomly chosen units and
 * divides each outgoing weight by the replication count, which is the same function-preserving step; here the
 * unit is chosen by evidence (gradient disagreement), the share and the antithetic noise break the symmetry
 * that otherwise keeps Adam-trained twins identical, and the split is provisional: kept only when a window of
 * training shows a consistent ΔLoss against its own re-merge, else re-merged to reclaim its tokens.
 */
import type { Rng } from "@tam/tensor-backend";

import { baseMatrix, checkBase, type LayerBase } from "./layer-base.js";
import { SparseMaskedStack, type StackLayerSpec } from "./sparse-masked-stack.js";

/** What to split and how. */
export interface CloneSplitSpec {
  /** Id of the layer whose output unit is split (not the last layer). */
  readonly layerId: string;
  /** The output unit of that layer. */
  readonly unit: number;
  /** The original's share of the downstream weights, in (0, 1) (default ½: halving). */
  readonly share?: number;
  /** Antithetic incoming noise `±n`, `n ~ N(0, std²)` per incoming cell (default none: exact preservation). */
  readonly asymmetry?: { readonly incomingNoiseStd: number; readonly rng: Rng };
}

/** What a split did (needed to re-merge). */
export interface CloneSplitRecord {
  /** Index of the split layer in the stack. */
  readonly layerIndex: number;
  /** The unit that was cloned. */
  readonly unit: number;
  /** The clone's index: the old width of the split layer's output. */
  readonly cloneUnit: number;
  /** The original's downstream share. */
  readonly share: number;
  /** Hot cells the split added to the two layers (`C_struct` after − before). */
  readonly addedCells: number;
  /** Cells (old coordinates) of layers `L` and `L+1` made Hot only by the split: dropped at re-merge when they end at 0. */
  readonly materialised: readonly [Int32Array, Int32Array];
  /** The bases of layers `L` and `L+1` before the split (restored by the re-merge). */
  readonly bases: readonly [LayerBase, LayerBase];
}

/** The split stack and its record. */
export interface CloneSplitResult {
  readonly stack: SparseMaskedStack;
  readonly record: CloneSplitRecord;
}

/** Default downstream share of the original (halving, seed L1320). */
export const CLONE_SPLIT_SHARE = 0.5;

/**
 * Split a hidden unit (a new, wider stack; the input stack is left as it was).
 *
 * @example
 * ```ts
 * const { stack: wider, record } = cloneSplit(net, { layerId: "layer0", unit: 3 });
 * wider.forward(x);                       // equals net.forward(x) to float32 rounding
 * const back = remerge(wider, record);    // the original net again
 * ```
 * @throws Error naming the field when the layer is the last or unknown, the unit is out of range, the share is
 *   not in (0, 1), the noise std is negative, or a layer's `structCap` cannot hold the new cells.
 */
export function cloneSplit(stack: SparseMaskedStack, spec: CloneSplitSpec): CloneSplitResult {
  const L = stack.layers.findIndex((l) => l.id === spec.layerId);
  if (L < 0 || L >= stack.layers.length - 1) throw new Error(`Error in cloneSplit: layerId must name a layer that has a next layer, got "${spec.layerId}".`);
  const up = stack.layers[L] as SparseMaskedStack["layers"][number];
  const down = stack.layers[L + 1] as SparseMaskedStack["layers"][number];
  const [inUp, width] = up.shape;
  const outDown = down.shape[1];
  const j = spec.unit;
  if (!Number.isSafeInteger(j) || j < 0 || j >= width) throw new Error(`Error in cloneSplit: unit must be an integer in [0, ${width}), got ${j}.`);
  const share = spec.share ?? CLONE_SPLIT_SHARE;
  if (!(share > 0 && share < 1)) throw new Error(`Error in cloneSplit: share must be in (0, 1), got ${share}.`);
  const noiseStd = spec.asymmetry?.incomingNoiseStd ?? 0;
  if (!(Number.isFinite(noiseStd) && noiseStd >= 0)) throw new Error(`Error in cloneSplit: asymmetry.incomingNoiseStd must be finite and >= 0, got ${noiseStd}.`);

  // Layer L: [inUp, width] -> [inUp, width + 1]; the clone column copies column j of base + W.
  const upOld = denseOf(up.base, inUp, width, up.hotKeys(), up.hotValues());
  const upBase = widenedBase(up.base, inUp, width + 1);
  const upNew = rebase(upOld, up.base, upBase, inUp, width, inUp, width + 1, (r, c) => r * (width + 1) + c);
  for (let r = 0; r < inUp; r += 1) {
    const e = upOld.effective[r * width + j] as number;
    const support = e !== 0 || upOld.hot.has(r * width + j);
    const n = support && noiseStd > 0 ? (spec.asymmetry as { rng: Rng }).rng.normal(0, noiseStd) : 0;
    const bNew = upNew.base[r * (width + 1) + width] as number;
    if (support) upNew.set(r * (width + 1) + width, e - n - bNew);
    if (n !== 0) upNew.set(r * (width + 1) + j, e + n - (upNew.base[r * (width + 1) + j] as number));
  }

  // Layer L+1: [width, outDown] -> [width + 1, outDown]; row j is shared between original and clone.
  const downOld = denseOf(down.base, width, outDown, down.hotKeys(), down.hotValues());
  const downBase = widenedBase(down.base, width + 1, outDown);
  const downNew = rebase(downOld, down.base, downBase, width, outDown, width + 1, outDown, (r, c) => r * outDown + c);
  for (let c = 0; c < outDown; c += 1) {
    const e = downOld.effective[j * outDown + c] as number;
    if (e === 0 && !downOld.hot.has(j * outDown + c)) continue;
    downNew.set(j * outDown + c, share * e - (downNew.base[j * outDown + c] as number));
    downNew.set(width * outDown + c, (1 - share) * e - (downNew.base[width * outDown + c] as number));
  }

  const upSpec = layerSpec(up, inUp, width + 1, upBase, upNew.cells);
  const downSpec = layerSpec(down, width + 1, outDown, downBase, downNew.cells);
  const addedCells = upNew.cells.size - up.nnz + (downNew.cells.size - down.nnz);
  const specs = stack.layers.map((layer, i) => (i === L ? upSpec : i === L + 1 ? downSpec : layerSpec(layer, layer.shape[0], layer.shape[1], layer.base, cellsOf(layer))));
  const materialised: [Int32Array, Int32Array] = [
    newlyHot(upNew.cells, up.hotKeys(), (key) => (key % (width + 1) === width ? undefined : Math.floor(key / (width + 1)) * width + (key % (width + 1)))),
    newlyHot(downNew.cells, down.hotKeys(), (key) => (key >= width * outDown ? undefined : key)),
  ];
  return { stack: rebuild(stack, specs), record: { layerIndex: L, unit: j, cloneUnit: width, share, addedCells, materialised, bases: [up.base, down.base] } };
}

/**
 * Re-merge a split (seed L1323 "sum back, drop clone"): the clone's downstream row is added back to the
 * original's and the clone's incoming weights are dropped. Right after {@link cloneSplit} without noise this
 * gives the original stack: the same Hot sets, and the same values up to float32 rounding (bit for bit when
 * both layers have zero bases and the share is ½).
 *
 * @throws Error naming the record when it does not fit the stack.
 */
export function remerge(stack: SparseMaskedStack, record: CloneSplitRecord): SparseMaskedStack {
  const L = record.layerIndex;
  const up = stack.layers[L];
  const down = stack.layers[L + 1];
  const width = record.cloneUnit;
  if (up === undefined || down === undefined || up.shape[1] !== width + 1 || down.shape[0] !== width + 1) {
    throw new Error(`Error in remerge: the record (layer ${L}, clone unit ${width}) does not fit this stack.`);
  }
  const j = record.unit;
  const inUp = up.shape[0];
  const outDown = down.shape[1];
  const upOld = denseOf(up.base, inUp, width + 1, up.hotKeys(), up.hotValues());
  const [upBase, downBase] = record.bases;
  const upNew = rebase(upOld, up.base, upBase, inUp, width + 1, inUp, width, (r, c) => (c === width ? -1 : r * width + c));
  const downOld = denseOf(down.base, width + 1, outDown, down.hotKeys(), down.hotValues());
  const downNew = rebase(downOld, down.base, downBase, width + 1, outDown, width, outDown, (r, c) => (r === width ? -1 : r * outDown + c));
  const materialisedDown = new Set(record.materialised[1]);
  for (let c = 0; c < outDown; c += 1) {
    const key = j * outDown + c;
    const original = downOld.effective[key] as number;
    const clone = downOld.effective[width * outDown + c] as number;
    const value = original + clone - (downNew.base[key] as number);
    // A cell the split materialised goes back to Cold when its sum is zero up to the split's float32 rounding;
    // a Cold cell stays Cold when the sum is zero (the clone's row only cancels the new base there).
    const roundoff = 2 ** -22 * (Math.abs(original) + Math.abs(clone));
    if ((!downOld.hot.has(key) && value === 0) || (materialisedDown.has(key) && Math.abs(value) <= roundoff)) {
      downNew.cells.delete(key);
      continue;
    }
    downNew.set(key, value);
  }
  for (const [cells, dropKeys] of [
    [upNew.cells, record.materialised[0]],
    [downNew.cells, record.materialised[1]],
  ] as const) {
    for (const key of dropKeys) if (cells.get(key) === 0) cells.delete(key);
  }
  const specs = stack.layers.map((layer, i) =>
    i === L
      ? layerSpec(up, inUp, width, upBase, upNew.cells, "remerge")
      : i === L + 1
        ? layerSpec(down, width, outDown, downBase, downNew.cells, "remerge")
        : layerSpec(layer, layer.shape[0], layer.shape[1], layer.base, cellsOf(layer), "remerge"),
  );
  return rebuild(stack, specs);
}

/** What a block split did: one record per unit, in split order (re-merged in reverse). */
export interface CloneSplitBlockResult {
  readonly stack: SparseMaskedStack;
  readonly records: readonly CloneSplitRecord[];
}

/**
 * Split a block of hidden units of one layer (seed L1318 "the neuron/block"): each unit is cloned in turn, so
 * the layer grows by `units.length` and the function is preserved as for one unit. Intermediate stacks are
 * disposed; the input stack is left as it was.
 *
 * @example
 * ```ts
 * const { stack: wider, records } = cloneSplitBlock(net, { layerId: "layer0", units: [2, 3] });
 * const back = remergeBlock(wider, records);   // the original width again
 * ```
 * @throws Error naming `units` when it is empty or repeats a unit, or as {@link cloneSplit} does.
 */
export function cloneSplitBlock(stack: SparseMaskedStack, spec: Omit<CloneSplitSpec, "unit"> & { readonly units: readonly number[] }): CloneSplitBlockResult {
  if (spec.units.length === 0 || new Set(spec.units).size !== spec.units.length) {
    throw new Error(`Error in cloneSplitBlock: units must be non-empty and distinct, got [${spec.units.join(", ")}].`);
  }
  const { units, ...rest } = spec;
  let current = stack;
  const records: CloneSplitRecord[] = [];
  try {
    for (const unit of units) {
      const next = cloneSplit(current, { ...rest, unit });
      if (current !== stack) current.dispose();
      current = next.stack;
      records.push(next.record);
    }
  } catch (error) {
    if (current !== stack) current.dispose();
    throw error;
  }
  return { stack: current, records };
}

/** Re-merge a block split: {@link remerge} of each record in reverse order (intermediate stacks disposed). */
export function remergeBlock(stack: SparseMaskedStack, records: readonly CloneSplitRecord[]): SparseMaskedStack {
  let current = stack;
  for (const record of [...records].reverse()) {
    const next = remerge(current, record);
    if (current !== stack) current.dispose();
    current = next;
  }
  return current;
}

interface DenseLayer {
  /** `base + W`, row-major, float32 as the forward pass sees them (each term separately). */
  readonly effective: Float64Array;
  readonly weights: Float64Array;
  readonly hot: Set<number>;
}

function denseOf(base: LayerBase, rows: number, cols: number, keys: Int32Array, values: Float32Array): DenseLayer {
  const b = baseMatrix(base, rows, cols);
  const weights = new Float64Array(rows * cols);
  keys.forEach((key, i) => {
    weights[key] = values[i] as number;
  });
  const effective = Float64Array.from(b, (v, i) => v + (weights[i] as number));
  return { effective, weights, hot: new Set(keys) };
}

/** The base of the new shape: the same kind when it fits, else zero. */
function widenedBase(base: LayerBase, rows: number, cols: number): LayerBase {
  try {
    checkBase("clone-split", base, rows, cols);
    return base;
  } catch {
    return { kind: "zero" };
  }
}

/**
 * Carry every old cell over to the new shape (`map` gives the new key, -1 to drop): a Hot cell keeps its value
 * when the base entry is unchanged, otherwise `old base + W − new base` is stored; a base entry that changed
 * under a Cold cell is materialised the same way.
 */
function rebase(
  old: DenseLayer,
  oldBase: LayerBase,
  newBase: LayerBase,
  oldRows: number,
  oldCols: number,
  newRows: number,
  newCols: number,
  map: (row: number, col: number) => number,
): { cells: Map<number, number>; base: Float32Array; set: (key: number, value: number) => void } {
  const bOld = baseMatrix(oldBase, oldRows, oldCols);
  const bNew = baseMatrix(newBase, newRows, newCols);
  const cells = new Map<number, number>();
  for (let r = 0; r < oldRows; r += 1) {
    for (let c = 0; c < oldCols; c += 1) {
      const key = map(r, c);
      if (key < 0) continue;
      const oldKey = r * oldCols + c;
      const sameBase = bOld[oldKey] === bNew[key];
      if (old.hot.has(oldKey)) cells.set(key, sameBase ? (old.weights[oldKey] as number) : (old.effective[oldKey] as number) - (bNew[key] as number));
      else if (!sameBase) cells.set(key, (old.effective[oldKey] as number) - (bNew[key] as number));
    }
  }
  // New-shape base entries outside the mapped cells (new rows or columns) are cancelled so they add nothing.
  const mapped = new Set<number>();
  for (let r = 0; r < oldRows; r += 1) for (let c = 0; c < oldCols; c += 1) mapped.add(map(r, c));
  bNew.forEach((v, key) => {
    if (v !== 0 && !mapped.has(key)) cells.set(key, -v);
  });
  return { cells, base: bNew, set: (key, value) => cells.set(key, value) };
}

function newlyHot(cells: ReadonlyMap<number, number>, oldHot: Int32Array, toOld: (key: number) => number | undefined): Int32Array {
  const before = new Set(oldHot);
  const out: number[] = [];
  for (const key of cells.keys()) {
    const oldKey = toOld(key);
    if (oldKey !== undefined && !before.has(oldKey)) out.push(oldKey);
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

function cellsOf(layer: SparseMaskedStack["layers"][number]): Map<number, number> {
  const values = layer.hotValues();
  return new Map(Array.from(layer.hotKeys(), (key, i) => [key, values[i] as number]));
}

function layerSpec(layer: SparseMaskedStack["layers"][number], rows: number, cols: number, base: LayerBase, cells: ReadonlyMap<number, number>, op = "cloneSplit"): StackLayerSpec {
  const full = layer.shape[0] * layer.shape[1];
  const scale = (cap: number): number => (cap === full ? rows * cols : cap);
  const structCap = scale(layer.budget.structCap);
  const activeCap = scale(layer.budget.activeCap);
  if (cells.size > structCap) {
    throw new Error(`Error in ${op}: layer "${layer.id}" would hold ${cells.size} Hot cells, over its budget.structCap ${structCap}.`);
  }
  const keys = Int32Array.from([...cells.keys()].sort((a, b) => a - b));
  return { inFeatures: rows, outFeatures: cols, base, budget: { structCap, activeCap }, initial: { keys, values: Float32Array.from(keys, (k) => cells.get(k) as number) } };
}

function rebuild(stack: SparseMaskedStack, layers: readonly StackLayerSpec[]): SparseMaskedStack {
  const proxL1 = stack.proxL1;
  return new SparseMaskedStack({ layers, activation: stack.activation, loss: stack.lossKind, learningRate: stack.stepSize, ...(proxL1 === undefined ? {} : { proxL1Lambda: proxL1 }) });
}
