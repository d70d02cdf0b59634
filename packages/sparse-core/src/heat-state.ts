/**
 * Heat states of a cell (seed 002 L1591-1597, decision L1844; SEED-INVENTORY §3.1, C-8: three states).
 *
 * - `cold`: masked, not under evaluation; no gradient, no compute.
 * - `warm`: masked and being probed (a shadow Δ on a candidate region during a planner cycle).
 * - `hot`: unmasked and committed; its value is trainable.
 */

/** The three heat states of C-8. */
export const HEAT_STATES = ["cold", "warm", "hot"] as const;

/** A cell's heat state: `"cold" | "warm" | "hot"`. */
export type HeatState = (typeof HEAT_STATES)[number];

/** How many cells of an object sit in each heat state. */
export interface HeatCounts {
  readonly cold: number;
  readonly warm: number;
  readonly hot: number;
}
