/**
 * Token budgets (seed 002 L653-654, L698-701, L707, L734, L750, L764-766, L778, L879; SEED-INVENTORY §4.4,
 * C-3, §15.4 item 3; ADR 0402).
 *
 * Budget law of {@link distributeTokens} (proportional control, not an auction): a module's limit never
 * drops below its current complexity; the free tokens `T − Σ C_m` go out in proportion to each module's
 * moving-average marginal gain (`EMA ‖∂L_task/∂θ_m‖`: the first-order loss decrease one unit of parameter
 * motion, ≈ one token, would buy, seed L766), with a floor share so no module starves; each limit moves only
 * part of the way to its target per call (continuous deltas, L845). Σ limits stays equal to T.
 * CGPT (complexity gain per token, L742, L778) is kept as a rolling diagnostic only (C-3).
 */
import { CGPT_WINDOW, TOKEN_FLOOR_SHARE, TOKEN_GAIN_EMA, TOKEN_RELAXATION } from "./constants.js";

/** One module's account for {@link distributeTokens}. */
export interface TokenAccount {
  readonly id: string;
  /** Current complexity (tokens in use). */
  readonly complexity: number;
  /** Current limit (Infinity before the first distribution). */
  readonly limit: number;
  /** Moving-average marginal gain (≥ 0). */
  readonly gain: number;
}

/** Options of {@link distributeTokens}. */
export interface DistributeOptions {
  /** Share of the free tokens split evenly (default 0.1, ADR 0402). */
  readonly floorShare?: number;
  /** Fraction of the way each limit moves to its target (default 0.5, ADR 0402). */
  readonly relaxation?: number;
}

/**
 * New limits for the accounts under a total budget.
 *
 * @example
 * ```ts
 * distributeTokens([{ id: "a", complexity: 2, limit: 5, gain: 3 }, { id: "b", complexity: 1, limit: 5, gain: 1 }], 10);
 * // free = 7; targets a = 2 + 7·(0.05 + 0.9·0.75) = 7.075, b = 2.925; limits move half-way: a 6.04, b 3.96
 * ```
 * @throws Error naming the account when a complexity or gain is negative or not finite, or when the
 *   complexities exceed the total (the budget is over-committed).
 */
export function distributeTokens(accounts: readonly TokenAccount[], total: number, options: DistributeOptions = {}): Map<string, number> {
  const floor = options.floorShare ?? TOKEN_FLOOR_SHARE;
  const relax = options.relaxation ?? TOKEN_RELAXATION;
  if (!(Number.isFinite(total) && total > 0)) throw new Error(`Error in distributeTokens: total must be finite and > 0, got ${total}.`);
  if (!(floor >= 0 && floor <= 1)) throw new Error(`Error in distributeTokens: floorShare must be in [0, 1], got ${floor}.`);
  if (!(relax > 0 && relax <= 1)) throw new Error(`Error in distributeTokens: relaxation must be in (0, 1], got ${relax}.`);
  for (const a of accounts) {
    if (!(Number.isFinite(a.complexity) && a.complexity >= 0)) throw new Error(`Error in distributeTokens: account "${a.id}" has complexity ${a.complexity}.`);
    if (!(Number.isFinite(a.gain) && a.gain >= 0)) throw new Error(`Error in distributeTokens: account "${a.id}" has gain ${a.gain}.`);
  }
  const used = accounts.reduce((s, a) => s + a.complexity, 0);
  if (used > total) throw new Error(`Error in distributeTokens: the complexities sum to ${used}, above the total ${total}.`);
  const free = total - used;
  const gainSum = accounts.reduce((s, a) => s + a.gain, 0);
  const m = accounts.length;
  const oldSum = accounts.reduce((s, a) => s + a.limit, 0);
  const continuous = Number.isFinite(oldSum) && Math.abs(oldSum - total) <= 1e-9 * total && accounts.every((a) => a.limit >= a.complexity);
  const out = new Map<string, number>();
  for (const a of accounts) {
    // Ratio first: (1 - floor) * gain would lose precision for subnormal gains before the division.
    const share = gainSum > 0 ? floor / m + (1 - floor) * (a.gain / gainSum) : 1 / m;
    const target = a.complexity + free * share;
    out.set(a.id, continuous ? a.limit + relax * (target - a.limit) : target);
  }
  return out;
}

/** Exponential moving averages of per-module marginal gains (ADR 0402). */
export class MarginalGainTracker {
  private readonly rate: number;
  private readonly values = new Map<string, number>();

  /** @throws Error when the rate is not in (0, 1]. */
  constructor(rate: number = TOKEN_GAIN_EMA) {
    if (!(rate > 0 && rate <= 1)) throw new Error(`Error in MarginalGainTracker: rate must be in (0, 1], got ${rate}.`);
    this.rate = rate;
  }

  /** Fold in one observation (e.g. `‖∂L_task/∂θ_m‖` of a step). */
  update(id: string, gain: number): void {
    if (!(Number.isFinite(gain) && gain >= 0)) throw new Error(`Error in MarginalGainTracker.update: gain of "${id}" must be finite and >= 0, got ${gain}.`);
    const old = this.values.get(id);
    this.values.set(id, old === undefined ? gain : old + this.rate * (gain - old));
  }

  /** The current average (0 before any observation). */
  gain(id: string): number {
    return this.values.get(id) ?? 0;
  }
}

/**
 * Rolling CGPT, complexity gain per token (seed L742, L778): the task-loss decrease per token of complexity
 * added over the last `window` records, `−ΔL / ΔC`. A diagnostic (C-3): nothing is decided on it.
 */
export class CgptTracker {
  private readonly window: number;
  private readonly records: { loss: number; complexity: number }[] = [];

  /** @throws Error when the window is not an integer ≥ 1. */
  constructor(window: number = CGPT_WINDOW) {
    if (!Number.isSafeInteger(window) || window < 1) throw new Error(`Error in CgptTracker: window must be a positive integer, got ${window}.`);
    this.window = window;
  }

  /** Record the task loss and complexity now. */
  push(loss: number, complexity: number): void {
    this.records.push({ loss, complexity });
    if (this.records.length > this.window + 1) this.records.shift();
  }

  /** `−ΔL / ΔC` over the window; NaN until two records, or when complexity did not change. */
  value(): number {
    const first = this.records[0];
    const last = this.records[this.records.length - 1];
    if (first === undefined || last === undefined || this.records.length < 2) return Number.NaN;
    const dc = last.complexity - first.complexity;
    if (Math.abs(dc) < 1e-12) return Number.NaN;
    return -(last.loss - first.loss) / dc;
  }
}
