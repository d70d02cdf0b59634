/**
 * The frontier: how Cold candidate regions are generated each cycle (SEED-INVENTORY §15.3 item 2;
 * ADR 0301). Seed 002 L1633 (toggle-mask probe), L1651 (SNR shortlist over prospective gradients),
 * L1830 (neighbourhood NMS).
 *
 * Input: the toggle-mask gradient of every cell on each of the m SNR batches (one dense backward per
 * batch). Seeds: the Cold cells with the largest |ḡ| plus a few Cold cells drawn uniformly (exploration).
 * Each seed grows into up to four regions: the cell itself, a row slice (the seed's input fanning out),
 * a column slice (the seed's output's fan-in) and the seed's aligned block; slices and blocks keep only
 * Cold cells whose |ḡ| is at least a fraction of the seed's, so a region is a coherent patch of
 * frontier gradient, not a fixed stencil. Slices and blocks keep at most `sliceMaxCells` / `blockMaxCells`
 * cells (the planner sizes both to the object's budget with `frontier.capFraction`, ADR 0309). Duplicates
 * are dropped.
 */
import type { Rng } from "@tam/tensor-backend";

import {
  BLOCK_SIDE,
  FRONTIER_GRADIENT_SEEDS,
  FRONTIER_RANDOM_SEEDS,
  PRECONDITION_EPSILON,
  SLICE_KEEP_FRACTION,
  SLICE_MAX_CELLS,
} from "./constants.js";
import { REGION_KINDS, regionId, sortedUnique, type Region, type RegionKind } from "./region.js";
import { binarySearch } from "./warm-cells.js";

/** Options of {@link generateFrontier}. */
export interface FrontierOptions {
  /** Region kinds to generate (default all four). */
  readonly kinds?: readonly RegionKind[];
  /** Seeds from the largest |ḡ| (default {@link FRONTIER_GRADIENT_SEEDS}). */
  readonly gradientSeeds?: number;
  /** Seeds drawn uniformly from the Cold set (default {@link FRONTIER_RANDOM_SEEDS}). */
  readonly randomSeeds?: number;
  /** Longest slice (default {@link SLICE_MAX_CELLS}). */
  readonly sliceMaxCells?: number;
  /** Most cells of a block region: the seed and the block's strongest cells by |ḡ| (default the whole block). */
  readonly blockMaxCells?: number;
  /** Keep fraction of a slice or block relative to its seed's |ḡ| (default {@link SLICE_KEEP_FRACTION}). */
  readonly keepFraction?: number;
  /** Block side (default {@link BLOCK_SIDE}). */
  readonly blockSide?: number;
}

/** The per-cell statistics of the m toggle-mask gradients. */
export interface FrontierGradients {
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
  /** m dense row-major gradients, one per SNR batch. */
  readonly perBatch: readonly Float32Array[];
}

/**
 * Generate this cycle's Cold candidate regions of one object.
 *
 * @example
 * ```ts
 * const regions = generateFrontier("layer0", { shape: [8, 4], perBatch: grads }, hotKeys, rng.fork("frontier"));
 * ```
 * @throws Error naming the option when it is out of range, or `generateFrontier` when gradients disagree with the shape.
 */
export function generateFrontier(
  objectId: string,
  gradients: FrontierGradients,
  hotKeys: Int32Array,
  rng: Rng,
  options: FrontierOptions = {},
): Region[] {
  const [rows, cols] = gradients.shape;
  const cells = rows * cols;
  if (gradients.perBatch.length === 0 || gradients.perBatch.some((g) => g.length !== cells)) {
    throw new Error(`Error in generateFrontier: need at least one gradient of ${cells} entries (shape [${rows}, ${cols}]).`);
  }
  const kinds = options.kinds ?? REGION_KINDS;
  const gradientSeeds = checkCount("gradientSeeds", options.gradientSeeds ?? FRONTIER_GRADIENT_SEEDS);
  const randomSeeds = checkCount("randomSeeds", options.randomSeeds ?? FRONTIER_RANDOM_SEEDS);
  const sliceMax = Math.max(1, checkCount("sliceMaxCells", options.sliceMaxCells ?? SLICE_MAX_CELLS));
  const blockSide = Math.max(1, checkCount("blockSide", options.blockSide ?? BLOCK_SIDE));
  const blockMax = Math.max(1, checkCount("blockMaxCells", options.blockMaxCells ?? blockSide * blockSide));
  const keep = options.keepFraction ?? SLICE_KEEP_FRACTION;
  if (!(keep >= 0 && keep <= 1)) throw new Error(`Error in generateFrontier: keepFraction must be in [0, 1], got ${keep}.`);

  const magnitude = meanAbs(gradients.perBatch, cells);
  const isCold = (key: number): boolean => binarySearch(hotKeys, key) < 0;
  const coldCount = cells - hotKeys.length;
  if (coldCount <= 0) return [];

  const seeds = topColdCells(magnitude, isCold, gradientSeeds);
  const chosen = new Set(seeds);
  for (let attempt = 0; chosen.size < seeds.length + randomSeeds && attempt < 8 * (randomSeeds + 1); attempt += 1) {
    const key = rng.int(0, cells);
    if (isCold(key) && !chosen.has(key)) {
      chosen.add(key);
      seeds.push(key);
    }
  }

  const out: Region[] = [];
  const seen = new Set<string>();
  const push = (kind: RegionKind, keys: number[]): void => {
    if (keys.length === 0) return;
    const region: Region = { objectId, kind, keys: sortedUnique(Int32Array.from(keys)) };
    const id = regionId(region);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(region);
    }
  };
  for (const seed of seeds) {
    const row = Math.floor(seed / cols);
    const col = seed % cols;
    const floor = keep * (magnitude[seed] as number);
    const admit = (key: number): boolean => key === seed || (isCold(key) && (magnitude[key] as number) >= floor && (magnitude[key] as number) > 0);
    for (const kind of kinds) {
      if (kind === "cell") push(kind, [seed]);
      else if (kind === "row") push(kind, topOf(Array.from({ length: cols }, (_, c) => row * cols + c).filter(admit), magnitude, sliceMax, seed));
      else if (kind === "column") push(kind, topOf(Array.from({ length: rows }, (_, r) => r * cols + col).filter(admit), magnitude, sliceMax, seed));
      else {
        const r0 = Math.floor(row / blockSide) * blockSide;
        const c0 = Math.floor(col / blockSide) * blockSide;
        const keys: number[] = [];
        for (let r = r0; r < Math.min(rows, r0 + blockSide); r += 1) {
          for (let c = c0; c < Math.min(cols, c0 + blockSide); c += 1) if (admit(r * cols + c)) keys.push(r * cols + c);
        }
        push(kind, topOf(keys, magnitude, blockMax, seed));
      }
    }
  }
  return out;
}

/**
 * Most cells of one slice or block sized to its object's budget (ADR 0309): `capFraction` of the struct
 * cap, rounded, at least 1 and at most `maxCells`. With the planner's ≤ 2 commits per object per cycle, a
 * cycle then moves at most `2 × capFraction` of the budget, whatever the budget.
 *
 * @example
 * ```ts
 * budgetRegionCells(64, 200, 0.125); // 25: a 64-cell slice would be a third of a 200-cell budget
 * ```
 * @throws Error naming the argument when `maxCells` is not a positive integer, `structCap` not a
 *   non-negative integer or `capFraction` not in (0, 1].
 */
export function budgetRegionCells(maxCells: number, structCap: number, capFraction: number): number {
  if (!Number.isSafeInteger(maxCells) || maxCells < 1) throw new Error(`Error in budgetRegionCells: maxCells must be a positive integer, got ${maxCells}.`);
  if (!Number.isSafeInteger(structCap) || structCap < 0) throw new Error(`Error in budgetRegionCells: structCap must be a non-negative integer, got ${structCap}.`);
  if (!(capFraction > 0 && capFraction <= 1)) throw new Error(`Error in budgetRegionCells: capFraction must be in (0, 1], got ${capFraction}.`);
  return Math.min(maxCells, Math.max(1, Math.round(capFraction * structCap)));
}

/**
 * Preconditioned per-batch gradient vectors of a region: `g / √(v + ε)` with `v` the cell's mean squared
 * gradient over the m batches (an RMS normaliser; Cold cells have no Adam moment, ADR 0301), or raw `g`.
 */
export function regionGradients(region: Region, gradients: FrontierGradients, precondition: "rms" | "none"): Float32Array[] {
  const m = gradients.perBatch.length;
  return gradients.perBatch.map((g) =>
    Float32Array.from(region.keys, (key) => {
      const value = g[key] as number;
      if (precondition === "none") return value;
      let v = 0;
      for (const other of gradients.perBatch) v += (other[key] as number) ** 2 / m;
      return value / Math.sqrt(v + PRECONDITION_EPSILON);
    }),
  );
}

function meanAbs(perBatch: readonly Float32Array[], cells: number): Float32Array {
  const out = new Float32Array(cells);
  const m = perBatch.length;
  for (const g of perBatch) for (let i = 0; i < cells; i += 1) out[i] = (out[i] as number) + (g[i] as number) / m;
  for (let i = 0; i < cells; i += 1) out[i] = Math.abs(out[i] as number);
  return out;
}

function topColdCells(magnitude: Float32Array, isCold: (key: number) => boolean, k: number): number[] {
  const top: number[] = [];
  for (let key = 0; key < magnitude.length; key += 1) {
    const value = magnitude[key] as number;
    if (!(value > 0) || !isCold(key)) continue;
    if (top.length === k && value <= (magnitude[top[top.length - 1] as number] as number)) continue;
    let at = top.length;
    while (at > 0 && (magnitude[top[at - 1] as number] as number) < value) at -= 1;
    top.splice(at, 0, key);
    if (top.length > k) top.pop();
  }
  return top;
}

function topOf(keys: number[], magnitude: Float32Array, k: number, seed: number): number[] {
  const rest = keys.filter((key) => key !== seed).sort((a, b) => (magnitude[b] as number) - (magnitude[a] as number) || a - b);
  return [seed, ...rest.slice(0, Math.max(0, k - 1))];
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Error in generateFrontier: ${name} must be a non-negative integer, got ${value}.`);
  return value;
}
