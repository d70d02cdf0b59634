/**
 * The moving "black hole" benchmark (seed 002 L850, L981; SEED-INVENTORY E4, §4.9; ADR 0406): a ring of N cells
 * with a calm linear dynamics, `u_i ← ρ u_i + κ ((u_{i−1} + u_{i+1})/2 − u_i) + σ ε`, and a disruptive condition —
 * a pull `u_i ← u_i + η (B − u_i)` on the cells within `radius` of a centre that advances one cell every
 * `moveEvery` steps — active during episodes that recur at different places.
 */
import type { Rng } from "@tam/tensor-backend";

import { trajectory, type Trajectory } from "./trajectory.js";

/** One occurrence of the black hole. */
export interface BlackHoleEpisode {
  readonly start: number;
  readonly length: number;
  /** The centre's cell at the start. */
  readonly position: number;
}

/** Options of {@link blackHoleWorld} (defaults: ADR 0406). */
export interface BlackHoleOptions {
  readonly cells?: number;
  readonly steps?: number;
  readonly decay?: number;
  readonly coupling?: number;
  readonly noise?: number;
  /** η: the fraction of the way to B a covered cell is pulled per step. */
  readonly strength?: number;
  /** B: the level the black hole pulls toward. */
  readonly level?: number;
  readonly radius?: number;
  readonly moveEvery?: number;
  readonly episodes?: readonly BlackHoleEpisode[];
}

/** The generated data. */
export interface BlackHoleData {
  readonly trajectory: Trajectory;
  /** `[steps, cells]`: 1 where the transition from row t to t+1 was disrupted. */
  readonly mask: Uint8Array;
  readonly episodes: readonly BlackHoleEpisode[];
  readonly cells: number;
}

/** The default schedule: two episodes of 60 steps at opposite sides of an 8-cell ring. */
export const BLACK_HOLE_EPISODES: readonly BlackHoleEpisode[] = [
  { start: 150, length: 60, position: 0 },
  { start: 320, length: 60, position: 4 },
];

/** Which cells the hole covers at step t (empty outside episodes). */
export function blackHoleCells(episodes: readonly BlackHoleEpisode[], t: number, cells: number, radius: number, moveEvery: number): number[] {
  const e = episodes.find((ep) => t >= ep.start && t < ep.start + ep.length);
  if (e === undefined) return [];
  const centre = (e.position + Math.floor((t - e.start) / moveEvery)) % cells;
  const out: number[] = [];
  for (let i = 0; i < cells; i += 1) {
    const d = Math.min((i - centre + cells) % cells, (centre - i + cells) % cells);
    if (d <= radius) out.push(i);
  }
  return out;
}

/**
 * Generate the benchmark.
 *
 * @example
 * ```ts
 * const { trajectory, mask } = blackHoleWorld({}, createRng(1));
 * ```
 * @throws Error naming the option when a size or coefficient is invalid or an episode leaves the run.
 */
export function blackHoleWorld(options: BlackHoleOptions, rng: Rng): BlackHoleData {
  const n = options.cells ?? 8;
  const steps = options.steps ?? 400;
  const rho = options.decay ?? 0.9;
  const kappa = options.coupling ?? 0.3;
  const sigma = options.noise ?? 0.05;
  const eta = options.strength ?? 0.3;
  const level = options.level ?? 3;
  const radius = options.radius ?? 1;
  const moveEvery = options.moveEvery ?? 10;
  const episodes = options.episodes ?? BLACK_HOLE_EPISODES;
  if (!Number.isSafeInteger(n) || n < 3) throw new Error(`Error in blackHoleWorld: cells must be an integer >= 3, got ${n}.`);
  if (!Number.isSafeInteger(steps) || steps < 2) throw new Error(`Error in blackHoleWorld: steps must be an integer >= 2, got ${steps}.`);
  for (const [k, v] of Object.entries({ decay: rho, coupling: kappa, noise: sigma, strength: eta })) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`Error in blackHoleWorld: ${k} must be finite and >= 0, got ${v}.`);
  if (!Number.isSafeInteger(moveEvery) || moveEvery < 1) throw new Error(`Error in blackHoleWorld: moveEvery must be a positive integer, got ${moveEvery}.`);
  for (const e of episodes) if (e.start < 0 || e.start + e.length > steps - 1) throw new Error(`Error in blackHoleWorld: episode at ${e.start} (+${e.length}) leaves the run of ${steps} steps.`);
  const values = new Float64Array(steps * n);
  const mask = new Uint8Array(steps * n);
  for (let i = 0; i < n; i += 1) values[i] = rng.normal(0, sigma);
  for (let t = 0; t + 1 < steps; t += 1) {
    const covered = new Set(blackHoleCells(episodes, t, n, radius, moveEvery));
    for (let i = 0; i < n; i += 1) {
      const u = values[t * n + i] as number;
      const l = values[t * n + ((i + n - 1) % n)] as number;
      const r = values[t * n + ((i + 1) % n)] as number;
      let next = rho * u + kappa * ((l + r) / 2 - u) + sigma * rng.normal();
      if (covered.has(i)) {
        next += eta * (level - next);
        mask[t * n + i] = 1;
      }
      values[(t + 1) * n + i] = next;
    }
  }
  return { trajectory: trajectory(values, n, 1), mask, episodes, cells: n };
}
