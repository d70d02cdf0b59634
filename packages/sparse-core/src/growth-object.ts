/**
 * What the planner needs from a growth object (seed 002 L1607: objects are Core and Connector, growth
 * decisions are independent per object; SEED-INVENTORY §3.1, §3.17). A `SparseMaskedLinear` is one;
 * later objects (spline activations, distribution heads, stencils) implement the same interface over
 * their own 2-D index space of cells.
 */
import type { HeatCounts, HeatState } from "./heat-state.js";

/** Hard caps of one object (seed L1604-1605, L1272): `C_struct ≤ structCap`, `C_active ≤ activeCap`. */
export interface ObjectBudget {
  /** Hard cap on `C_struct` (Hot cells). */
  readonly structCap: number;
  /** Cap on `C_active` (Hot cells with |w| > ε); enforced by zeroing, then pruning. */
  readonly activeCap: number;
}

/** The two counters of seed L1604-1605, plus the cells the current representation stores. */
export interface ObjectCounters {
  /** `C_struct = Σ M`: Hot cells. */
  readonly cStruct: number;
  /** `C_active = count(|W_vals| > ε ∧ M = 1)`: lit cells. */
  readonly cActive: number;
  /** Entries the current compute representation holds: `C_struct` on the sparse path, `rows·cols` on the dense path (seed L1781). */
  readonly computeCells: number;
}

/**
 * A growth object: a 2-D index space of cells, a Hot set with values, heat states and a budget.
 * Structural edits go through the model that owns it (so optimizer state follows the cells).
 */
export interface GrowthObject {
  /** Unique id within a model (e.g. `"layer0"`). */
  readonly id: string;
  /** Depth in the model (0 = nearest the input); budgets may be per depth. */
  readonly depth: number;
  /** `[rows, cols]` of the index space. */
  readonly shape: readonly [number, number];
  /** Hard caps of this object. */
  readonly budget: ObjectBudget;
  /** Sorted linear keys of the Hot cells (a copy). */
  hotKeys(): Int32Array;
  /** The Hot values aligned with {@link GrowthObject.hotKeys} (reads the tensor). */
  hotValues(): Float32Array;
  /** `C_struct`, `C_active` (with `|w| > epsilon`) and the stored entries. */
  counters(epsilon: number): ObjectCounters;
  /** The heat state of one cell. */
  heatOf(row: number, col: number): HeatState;
  /** How many cells are in each heat state. */
  heatCounts(): HeatCounts;
  /** Mark cells Warm (under probe) until {@link GrowthObject.clearWarm}. */
  markWarm(keys: Int32Array): void;
  /** Return every Warm cell to Cold. */
  clearWarm(): void;
}
