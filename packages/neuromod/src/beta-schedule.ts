/**
 * β annealing (seed `004_b9e7278aec0f8932.txt` L151: "start with β small (favor stability), then
 * anneal upward"): linear from `start` to `end` over `ticks`, then constant. ADR 0505.
 */

/** A β schedule. */
export interface BetaSchedule {
  readonly start: number;
  readonly end: number;
  /** Ticks to go from `start` to `end` (0: `end` at once). */
  readonly ticks: number;
}

/**
 * β at a tick.
 *
 * @example
 * ```ts
 * annealedBeta(50, { start: 0.1, end: 1, ticks: 100 }); // 0.55
 * ```
 */
export function annealedBeta(tick: number, schedule: BetaSchedule): number {
  if (!(Number.isFinite(tick) && tick >= 0)) throw new Error(`Error in annealedBeta: tick must be finite and >= 0, got ${tick}.`);
  const { start, end, ticks } = schedule;
  if (!(start >= 0 && end >= 0 && Number.isFinite(start) && Number.isFinite(end))) throw new Error(`Error in annealedBeta: start and end must be finite and >= 0, got ${start}, ${end}.`);
  if (!(Number.isInteger(ticks) && ticks >= 0)) throw new Error(`Error in annealedBeta: ticks must be an integer >= 0, got ${ticks}.`);
  if (ticks === 0 || tick >= ticks) return end;
  return start + ((end - start) * tick) / ticks;
}
