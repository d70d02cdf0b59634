/**
 * Two-layer unit regions (ADR 0308): a region across two consecutive growth objects that revives a dead
 * hidden unit, its fan-in cells (a column of the lower object) and fan-out cells (a row of the upper one)
 * chosen together.
 *
 * A unit is dead when nothing it outputs reaches the loss and nothing reaches it: it has no Hot fan-out and
 * no base fan-out, and its activation is exactly 0 on every SNR sample. Both of its toggle-mask gradients are
 * then exactly 0 (the fan-out's because the unit outputs 0, the fan-in's because it has no fan-out), so no
 * single-object region can ever win a probe for it.
 *
 * The choice is GradMax-style (Evci et al. 2022, "GradMax: Growing Neural Networks using Gradient
 * Information"): with one side at zero, choose the other side to maximise the gradient norm of the zero
 * side. GradMax zeroes the fan-in and picks the fan-out; under ReLU a unit at pre-activation 0 passes no
 * gradient, so here the fan-out starts at 0 (the model's function is unchanged, bit for bit) and the fan-in
 * is chosen: to first order the fan-out gradient is `wᵀ M` with `M = Σ_b x_b δ_bᵀ` (the lower object's input
 * against the error at the upper object's output, over the m SNR batches), maximal for `w` = the top left
 * singular vector of `M`. Each of the top `directions` singular vectors, with both signs, is restricted to
 * the `fanIn` largest Cold cells, scaled so the unit's activations have the RMS of the live units', and
 * scored by the true gradient norm through the activation `‖Σ_b act(a_b) δ_b‖` over the fan-out's `fanOut`
 * largest cells. Direction t goes to the dead unit `t mod n` of a shuffled order (the rng); the best-scored
 * regions on distinct units are kept.
 */
import type { Rng } from "@tam/tensor-backend";

import type { HiddenUnitStatistics } from "./hidden-unit-statistics.js";
import { binarySearch } from "./warm-cells.js";
import { regionSnr } from "./snr.js";
import { symmetricEigen } from "./symmetric-eigen.js";
import type { Activation } from "./activation.js";

/** A two-layer region: a hidden unit's fan-in in the lower object and fan-out in the upper one. */
export interface UnitRegion {
  /** The object whose column `unit` holds the fan-in. */
  readonly lowerId: string;
  /** The object whose row `unit` holds the fan-out. */
  readonly upperId: string;
  /** The hidden unit. */
  readonly unit: number;
  /** Sorted keys of the fan-in cells in the lower object. */
  readonly fanIn: Int32Array;
  /** The fan-in's starting Δ, aligned with `fanIn` (the fan-out starts at 0: the function is unchanged). */
  readonly fanInInit: Float32Array;
  /** Sorted keys of the fan-out cells in the upper object. */
  readonly fanOut: Int32Array;
  /** `‖ḡ‖` of the fan-out's gradient at the start, mean over the SNR batches (the GradMax criterion). */
  readonly gradientNorm: number;
  /** SNR of the fan-out's gradient over the SNR batches (the shortlist statistic). */
  readonly snr: number;
}

/** Options of {@link generateUnitRegions}. */
export interface UnitRegionOptions {
  /** Regions returned at most (each for a different dead unit). */
  readonly candidates: number;
  /** Top singular directions of `M` tried, each with both signs. */
  readonly directions: number;
  /** Fan-in cells per region. */
  readonly fanIn: number;
  /** Fan-out cells per region. */
  readonly fanOut: number;
}

/**
 * Cells of one side of a unit region sized to its object's budget (ADR 0308): `capShare` times the mean
 * per-unit share of the object's struct cap (`structCap / units`), rounded, at least 1 and at most
 * `maxCells`; `maxCells` itself when `capShare` is undefined. A fixed-size region churns a small budget.
 *
 * @example
 * ```ts
 * unitRegionCells(64, 750, 112, 2.4); // 16 fan-in cells for a 750-cell hidden layer of 112 units
 * ```
 * @throws Error naming the argument when `maxCells` or `units` is not a positive integer, `structCap` not a
 *   non-negative integer or `capShare` not a positive finite number.
 */
export function unitRegionCells(maxCells: number, structCap: number, units: number, capShare: number | undefined): number {
  if (!Number.isSafeInteger(maxCells) || maxCells < 1) throw new Error(`Error in unitRegionCells: maxCells must be a positive integer, got ${maxCells}.`);
  if (!Number.isSafeInteger(structCap) || structCap < 0) throw new Error(`Error in unitRegionCells: structCap must be a non-negative integer, got ${structCap}.`);
  if (!Number.isSafeInteger(units) || units < 1) throw new Error(`Error in unitRegionCells: units must be a positive integer, got ${units}.`);
  if (capShare === undefined) return maxCells;
  if (!(Number.isFinite(capShare) && capShare > 0)) throw new Error(`Error in unitRegionCells: capShare must be a positive finite number, got ${capShare}.`);
  return Math.min(maxCells, Math.max(1, Math.round((capShare * structCap) / units)));
}

/** The shapes and Hot sets of the two objects a unit region spans. */
export interface UnitRegionObjects {
  readonly lowerId: string;
  /** `[lowerRows, units]`. */
  readonly lowerShape: readonly [number, number];
  readonly lowerHotKeys: Int32Array;
  /** `[units, upperCols]`. */
  readonly upperShape: readonly [number, number];
  readonly upperHotKeys: Int32Array;
}

/** The activation as a host function. */
export function activationOf(kind: Activation): (a: number) => number {
  if (kind === "relu") return (a) => (a > 0 ? a : 0);
  if (kind === "tanh") return Math.tanh;
  return (a) => a;
}

/**
 * The dead units: no Hot fan-out in the upper object, no base fan-out, activation exactly 0 on every sample.
 *
 * @throws Error naming `deadUnits` when the statistics disagree with the shapes.
 */
export function deadUnits(stats: readonly HiddenUnitStatistics[], objects: UnitRegionObjects): number[] {
  const [, units] = objects.lowerShape;
  const [upperRows, upperCols] = objects.upperShape;
  if (upperRows !== units) throw new Error(`Error in deadUnits: the lower object has ${units} units (columns) but the upper object ${upperRows} rows.`);
  checkStatistics(stats, objects);
  const hasFanOut = new Uint8Array(units);
  for (const key of objects.upperHotKeys) hasFanOut[Math.floor(key / upperCols)] = 1;
  const dead: number[] = [];
  for (let j = 0; j < units; j += 1) {
    if (hasFanOut[j] === 1) continue;
    const silent = stats.every((s) => {
      if (s.baseFanOut[j] !== 0) return false;
      const act = activationOf(s.activation);
      for (let b = 0; b < s.batchSize; b += 1) if (act(s.preActivations[b * units + j] as number) !== 0) return false;
      return true;
    });
    if (silent) dead.push(j);
  }
  return dead;
}

/**
 * Generate this cycle's unit regions for the dead units between two objects (GradMax-style, see the file
 * comment), best `gradientNorm` first.
 *
 * @example
 * ```ts
 * const stats = batches.map((b) => stack.hiddenUnitStatistics(b, "layer0")!);
 * const regions = generateUnitRegions(stats, objects, rng.fork("units"), { candidates: 2, directions: 3, fanIn: 64, fanOut: 10 });
 * ```
 * @throws Error naming the option when it is not a positive integer, or the function when statistics disagree with the shapes.
 */
export function generateUnitRegions(stats: readonly HiddenUnitStatistics[], objects: UnitRegionObjects, rng: Rng, options: UnitRegionOptions): UnitRegion[] {
  for (const name of ["candidates", "directions", "fanIn", "fanOut"] as const) {
    const value = options[name];
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Error in generateUnitRegions: ${name} must be a positive integer, got ${value}.`);
  }
  const dead = deadUnits(stats, objects);
  const first = stats[0];
  if (dead.length === 0 || first === undefined) return [];
  const [rows, units] = objects.lowerShape;
  const cols = objects.upperShape[1];
  const act = activationOf(first.activation);

  // M = Σ_b x_b δ_bᵀ over every SNR sample, and the live units' activation RMS (the new unit's scale).
  const m = new Float64Array(rows * cols);
  const isDead = new Uint8Array(units);
  for (const j of dead) isDead[j] = 1;
  let liveSquares = 0;
  let liveCount = 0;
  for (const s of stats) {
    for (let b = 0; b < s.batchSize; b += 1) {
      for (let i = 0; i < rows; i += 1) {
        const x = s.inputs[b * rows + i] as number;
        if (x === 0) continue;
        for (let o = 0; o < cols; o += 1) m[i * cols + o] = (m[i * cols + o] as number) + x * (s.errors[b * cols + o] as number);
      }
      for (let j = 0; j < units; j += 1) {
        if (isDead[j] === 1) continue;
        liveSquares += act(s.preActivations[b * units + j] as number) ** 2;
        liveCount += 1;
      }
    }
  }
  const liveRms = liveCount > 0 && liveSquares > 0 ? Math.sqrt(liveSquares / liveCount) : 1;

  // Top singular directions of M through the eigenvectors of MᵀM: u_k ∝ M v_k (normalised after restriction).
  const gram = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i += 1) {
    for (let p = 0; p < cols; p += 1) {
      const mp = m[i * cols + p] as number;
      if (mp === 0) continue;
      for (let q = 0; q < cols; q += 1) gram[p * cols + q] = (gram[p * cols + q] as number) + mp * (m[i * cols + q] as number);
    }
  }
  const eigen = symmetricEigen(gram, cols);
  const directions: Float64Array[] = [];
  for (let k = 0; k < Math.min(options.directions, cols); k += 1) {
    const lambda = eigen.values[k] as number;
    const v = eigen.vectors[k] as Float64Array;
    // Directions with a negligible singular value carry no gradient (relative to the top one).
    if (!(lambda > 1e-12 * (eigen.values[0] as number))) break;
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i += 1) {
      let sum = 0;
      for (let o = 0; o < cols; o += 1) sum += (m[i * cols + o] as number) * (v[o] as number);
      u[i] = sum;
    }
    directions.push(u, u.map((x) => -x));
  }

  // Direction t goes to dead unit order[t mod n]; the best regions with distinct units are kept.
  const order = rng.shuffle(dead);
  const regions = directions
    .flatMap((direction, t) => unitRegionFor(stats, objects, order[t % order.length] as number, direction, liveRms, options) ?? [])
    .sort((a, b) => b.gradientNorm - a.gradientNorm || a.unit - b.unit);
  const kept: UnitRegion[] = [];
  for (const region of regions) {
    if (kept.length < options.candidates && !kept.some((k) => k.unit === region.unit)) kept.push(region);
  }
  return kept;
}

/** The region of one dead unit along one direction, or undefined when it would never activate. */
function unitRegionFor(stats: readonly HiddenUnitStatistics[], objects: UnitRegionObjects, unit: number, direction: Float64Array, liveRms: number, options: UnitRegionOptions): UnitRegion | undefined {
  const [rows, units] = objects.lowerShape;
  const cols = objects.upperShape[1];
  const act = activationOf((stats[0] as HiddenUnitStatistics).activation);
  // The fanIn largest |direction| entries among the unit's Cold fan-in cells, as a unit vector.
  const chosen = Array.from({ length: rows }, (_, i) => i)
    .filter((i) => direction[i] !== 0 && binarySearch(objects.lowerHotKeys, i * units + unit) < 0)
    .sort((a, b) => Math.abs(direction[b] as number) - Math.abs(direction[a] as number) || a - b)
    .slice(0, options.fanIn)
    .sort((a, b) => a - b);
  if (chosen.length === 0) return undefined;
  const norm = Math.sqrt(chosen.reduce((s, i) => s + (direction[i] as number) ** 2, 0));
  const w = chosen.map((i) => (direction[i] as number) / norm);
  const drive = stats.map((s) =>
    Float64Array.from({ length: s.batchSize }, (_, b) => chosen.reduce((sum, i, c) => sum + (s.inputs[b * rows + i] as number) * (w[c] as number), 0)),
  );
  let squares = 0;
  let count = 0;
  for (const d of drive) {
    for (const z of d) squares += act(z) ** 2;
    count += d.length;
  }
  if (!(squares > 0)) return undefined;
  const scale = liveRms / Math.sqrt(squares / count);
  // Fan-out gradient at the start (fan-out 0): g_o = Σ_b act(pre_b + scale·x_b·w) δ_bo, per SNR batch.
  const perBatch = stats.map((s, t) => {
    const g = new Float32Array(cols);
    const d = drive[t] as Float64Array;
    for (let b = 0; b < s.batchSize; b += 1) {
      const h = act((s.preActivations[b * units + unit] as number) + scale * (d[b] as number));
      if (h === 0) continue;
      for (let o = 0; o < cols; o += 1) g[o] = (g[o] as number) + h * (s.errors[b * cols + o] as number);
    }
    return g;
  });
  const mean = Array.from({ length: cols }, (_, o) => perBatch.reduce((s, g) => s + (g[o] as number), 0) / perBatch.length);
  const outs = Array.from({ length: cols }, (_, o) => o)
    .filter((o) => mean[o] !== 0)
    .sort((a, b) => Math.abs(mean[b] as number) - Math.abs(mean[a] as number) || a - b)
    .slice(0, options.fanOut)
    .sort((a, b) => a - b);
  if (outs.length === 0) return undefined;
  const restricted = perBatch.map((g) => Float32Array.from(outs, (o) => g[o] as number));
  return {
    lowerId: objects.lowerId,
    upperId: (stats[0] as HiddenUnitStatistics).upperId,
    unit,
    fanIn: Int32Array.from(chosen, (i) => i * units + unit),
    fanInInit: Float32Array.from(w, (x) => scale * x),
    fanOut: Int32Array.from(outs, (o) => unit * cols + o),
    gradientNorm: Math.sqrt(outs.reduce((s, o) => s + (mean[o] as number) ** 2, 0)),
    snr: restricted.length >= 2 ? regionSnr(restricted).snr : 0,
  };
}

function checkStatistics(stats: readonly HiddenUnitStatistics[], objects: UnitRegionObjects): void {
  const [rows, units] = objects.lowerShape;
  const cols = objects.upperShape[1];
  for (const s of stats) {
    const b = s.batchSize;
    if (s.inputs.length !== b * rows || s.preActivations.length !== b * units || s.errors.length !== b * cols || s.baseFanOut.length !== units) {
      throw new Error(`Error in deadUnits: statistics of a ${b}-sample batch must hold ${b}x${rows} inputs, ${b}x${units} pre-activations, ${b}x${cols} errors and ${units} base flags.`);
    }
  }
}
