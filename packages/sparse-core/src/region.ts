/**
 * Candidate regions R of a growth object (seed 002 L1633-1634 `R_idx`; SEED-INVENTORY §15.3 item 2,
 * decided in ADR 0301).
 *
 * A growth object owns a 2-D index space of cells `(row, col)` (for a layer stored `[in, out]`: input
 * feature, output unit). A region is a set of cells of one object, of one of four kinds:
 * - `cell`: one cell;
 * - `row`: cells of one row (one input's fan-out slice);
 * - `column`: cells of one column (one output's fan-in slice);
 * - `block`: cells inside one aligned `BLOCK_SIDE x BLOCK_SIDE` tile.
 * Cells are stored as sorted linear keys `row * cols + col`, the order of the COO mask.
 */

/** The kinds of candidate region (ADR 0301). Later growth objects may add kinds of their own. */
export const REGION_KINDS = ["cell", "row", "column", "block"] as const;

/** One of {@link REGION_KINDS}. */
export type RegionKind = (typeof REGION_KINDS)[number];

/** A cell `(row, col)` of an object's index space. */
export type Cell = readonly [row: number, col: number];

/**
 * A candidate region: a non-empty set of cells of one object, as sorted unique linear keys.
 *
 * @example
 * ```ts
 * const r = makeRegion("layer0", "row", [[2, 5], [2, 1]], 8);   // keys [17, 21]
 * regionCells(r, 8);                                          // [[2, 1], [2, 5]]
 * ```
 */
export interface Region {
  /** The growth object the region belongs to. */
  readonly objectId: string;
  /** Which kind of region it is. */
  readonly kind: RegionKind;
  /** Sorted unique linear keys `row * cols + col`. */
  readonly keys: Int32Array;
}

/**
 * Build a region from cells, sorting and de-duplicating them.
 *
 * @throws Error naming `makeRegion` when `cells` is empty or a cell is not a pair of non-negative integers
 *   with `col < cols`.
 */
export function makeRegion(objectId: string, kind: RegionKind, cells: readonly Cell[], cols: number): Region {
  if (!Number.isSafeInteger(cols) || cols < 1) throw new Error(`Error in makeRegion: cols must be a positive integer, got ${cols}.`);
  if (cells.length === 0) throw new Error(`Error in makeRegion: region "${kind}" of "${objectId}" has no cells.`);
  const keys = cells.map(([row, col]) => {
    if (!Number.isSafeInteger(row) || row < 0 || !Number.isSafeInteger(col) || col < 0 || col >= cols) {
      throw new Error(`Error in makeRegion: cell (${row}, ${col}) is not inside an index space with ${cols} columns.`);
    }
    return row * cols + col;
  });
  return { objectId, kind, keys: sortedUnique(Int32Array.from(keys)) };
}

/** The cells of a region, in key order. */
export function regionCells(region: Region, cols: number): Cell[] {
  return Array.from(region.keys, (key) => [Math.floor(key / cols), key % cols] as const);
}

/** A stable string identity of a region (object, kind and keys). */
export function regionId(region: Region): string {
  return `${region.objectId}:${region.kind}:${Array.from(region.keys).join(",")}`;
}

/** Number of keys two sorted key arrays share. */
export function sharedKeys(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (x < y) i += 1;
    else j += 1;
  }
  return shared;
}

/** Intersection over union of two regions' cells (0 for different objects). */
export function regionIou(a: Region, b: Region): number {
  if (a.objectId !== b.objectId) return 0;
  const shared = sharedKeys(a.keys, b.keys);
  return shared / (a.keys.length + b.keys.length - shared);
}

/** Sort an int32 key array ascending and drop repeats (returns a new array). */
export function sortedUnique(keys: Int32Array): Int32Array {
  const sorted = Int32Array.from(keys).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      sorted[n] = sorted[i] as number;
      n += 1;
    }
  }
  return sorted.slice(0, n);
}
