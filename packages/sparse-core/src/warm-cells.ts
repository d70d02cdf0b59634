/**
 * Lookups on an object's sorted Hot keys and the bookkeeping of its Warm cells (C-8), shared by the
 * growth objects (sparse masked layers, spline activations, stencil layers).
 */
import type { HeatCounts, HeatState } from "./heat-state.js";

/** Index of `key` in a sorted array, or -1. */
export function binarySearch(sorted: Int32Array, key: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid] as number;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The Warm cells of one growth object; its Hot cells are the sorted keys passed to each call. */
export class WarmCells {
  private readonly cells = new Set<number>();

  /** Heat of cell `key`: Hot if among `hot`, else Warm if marked, else Cold. */
  heatOf(hot: Int32Array, key: number): HeatState {
    if (binarySearch(hot, key) >= 0) return "hot";
    return this.cells.has(key) ? "warm" : "cold";
  }

  /** How many of the object's `totalCells` cells sit in each state. */
  counts(hot: Int32Array, totalCells: number): HeatCounts {
    const warm = this.cells.size;
    return { hot: hot.length, warm, cold: totalCells - hot.length - warm };
  }

  /** Mark `keys` Warm (under probe), except those already Hot. */
  mark(hot: Int32Array, keys: Int32Array): void {
    for (const key of keys) if (binarySearch(hot, key) < 0) this.cells.add(key);
  }

  /** Forget `keys` (they just became Hot). */
  forget(keys: Iterable<number>): void {
    for (const key of keys) this.cells.delete(key);
  }

  /** No cell is Warm any more. */
  clear(): void {
    this.cells.clear();
  }
}

/** What {@link checkHotSet} checks: a Hot set about to replace an object's. */
export interface HotSetCheck {
  /** Prefix of the error, e.g. `Error in SparseMaskedLinear "L1".setStructure`. */
  readonly where: string;
  readonly keys: Int32Array;
  readonly values: ArrayLike<number>;
  /** Whether a (safe, non-negative) integer key names a cell of the object. */
  readonly isCell: (key: number) => boolean;
  /** How an invalid key is described, e.g. `outside [0, 12)`. */
  readonly notCell: string;
  /** What a value is called in errors (default `value`). */
  readonly valueName?: string;
}

/**
 * Check a Hot set before it replaces an object's: as many values as keys, every key a cell, keys sorted
 * and unique, every value finite.
 *
 * @throws Error `<where>: ...` naming the first offending key or value and its index.
 */
export function checkHotSet({ where, keys, values, isCell, notCell, valueName = "value" }: HotSetCheck): void {
  if (keys.length !== values.length) throw new Error(`${where}: ${keys.length} keys but ${values.length} ${valueName}s.`);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as number;
    if (!Number.isSafeInteger(key) || key < 0 || !isCell(key)) throw new Error(`${where}: key ${key} is ${notCell}.`);
    if (i > 0 && key <= (keys[i - 1] as number)) throw new Error(`${where}: keys must be sorted and unique; key ${i} is ${key} after ${keys[i - 1]}.`);
    if (!Number.isFinite(values[i])) throw new Error(`${where}: ${valueName} ${i} is ${values[i]}.`);
  }
}

/**
 * Per-cell state carried across a change of Hot set: the rows of `width` floats that `oldValues` holds for
 * `oldKeys` follow their key into the order of `newKeys` (both sorted); cells new to the set start at 0.
 * Adam's moments survive a grow or prune this way.
 */
export function carryByKey(oldKeys: Int32Array, oldValues: Float32Array, newKeys: Int32Array, width = 1): Float32Array {
  const out = new Float32Array(newKeys.length * width);
  newKeys.forEach((key, i) => {
    const at = binarySearch(oldKeys, key);
    if (at >= 0) out.set(oldValues.subarray(at * width, (at + 1) * width), i * width);
  });
  return out;
}
