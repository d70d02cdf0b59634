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
