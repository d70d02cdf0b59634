/**
 * The rule world (SEED-INVENTORY.md §11 E1, "identity-Infer toy"): an episode is a start state s0 in
 * the plane, a rule (part of the observation) and a trajectory of T states that the rule produces.
 * Rules 0–2 are deterministic (easy); rule 3 adds fresh Gaussian noise at every step (genuinely
 * stochastic, hard). Exact dynamics: ADR 0201 and the README.
 *
 * Source: `000_e13b841348682d63.txt` L31, L165–178 (rule in the observation, rule 3 aleatoric), L305–307.
 */
import { parseConfig, type Rng } from "@tam/tensor-backend";
import { z } from "zod";

/** Number of rules (000 L305–307 reports rules 0 and 3 of "rules 0..3"). */
export const RULE_COUNT = 4;
/** State dimension D: the plane (ADR 0201). */
export const STATE_DIM = 2;
/** Default horizon T in steps (ADR 0201). */
export const DEFAULT_HORIZON_STEPS = 8;
/** Default standard deviation of rule 3's per-step noise, in state units (ADR 0201). */
export const DEFAULT_NOISE_STD = 0.15;
/** Rule 1 contracts the state toward the origin by this factor per step (ADR 0201). */
export const CONTRACTION_PER_STEP = 0.9;
/** Rule 2 rotates the state by this angle per step, in radians (π/16; ADR 0201). */
export const ROTATION_RAD_PER_STEP = Math.PI / 16;
/** s0 is uniform in `[-S0_HALF_WIDTH, S0_HALF_WIDTH]^D` (ADR 0201). */
export const S0_HALF_WIDTH = 1;

/** Names of the rules, by index. */
export const RULE_NAMES = ["hold", "contract", "rotate", "jitter"] as const;
/** A rule's name. */
export type RuleName = (typeof RULE_NAMES)[number];

/** Validates {@link RuleWorldOptions} (ADR 0201). */
export const ruleWorldOptionsSchema = z
  .object({
    horizonSteps: z.number().int().min(1).max(256).default(DEFAULT_HORIZON_STEPS),
    noiseStd: z.number().finite().min(0).default(DEFAULT_NOISE_STD),
  })
  .strict();

/** Options of {@link RuleWorld}; every field has a default. */
export type RuleWorldOptions = z.input<typeof ruleWorldOptionsSchema>;

/**
 * A batch of episodes in flat row-major arrays (ready for `tf.tensor`).
 * `obs` row = `[s0 (D), one-hot rule (RULE_COUNT)]`; `traj` is `[count, T, D]`; `anchor` is s0 repeated
 * over T (`[count, T·D]`), the "identity" prediction a tube may add its μ to.
 */
export interface EpisodeBatch {
  readonly count: number;
  readonly horizonSteps: number;
  readonly stateDim: number;
  readonly rules: Int32Array;
  readonly s0: Float32Array;
  readonly obs: Float32Array;
  readonly traj: Float32Array;
  readonly anchor: Float32Array;
}

/** How {@link RuleWorld.sampleEpisodes} picks rules. */
export interface SampleEpisodesOptions {
  /** Rule of every episode; by default rules cycle 0,1,2,3,… (balanced batches). */
  readonly rule?: number;
}

/**
 * The rule world. Deterministic given the `Rng` it is handed.
 *
 * @example
 * ```ts
 * const world = new RuleWorld({ noiseStd: 0.1 });
 * const batch = world.sampleEpisodes(createRng(1), 64);   // 16 episodes of each rule
 * batch.traj.length === 64 * world.horizonSteps * 2;
 * ```
 */
export class RuleWorld {
  /** Horizon T in steps. */
  readonly horizonSteps: number;
  /** Standard deviation of rule 3's noise. */
  readonly noiseStd: number;
  /** State dimension D. */
  readonly stateDim = STATE_DIM;
  /** Width of an observation row: D + RULE_COUNT. */
  readonly obsDim = STATE_DIM + RULE_COUNT;

  constructor(options: RuleWorldOptions = {}) {
    const parsed = parseConfig(ruleWorldOptionsSchema, options, "RuleWorld", "option");
    this.horizonSteps = parsed.horizonSteps;
    this.noiseStd = parsed.noiseStd;
  }

  /**
   * Write the trajectory of `rule` from `(x0, y0)` into `out` at `offset` (T·D values).
   * Step t = 1..T: hold `s_t = s0`; contract `s_t = 0.9^t·s0`; rotate `s_t = R(t·π/16)·s0`;
   * jitter `s_t = s0 + ε_t`, `ε_t ~ N(0, noiseStd²·I)` independent over t and d.
   */
  writeTrajectory(rng: Rng, rule: number, x0: number, y0: number, out: Float32Array, offset: number): void {
    for (let t = 1; t <= this.horizonSteps; t++) {
      const at = offset + (t - 1) * STATE_DIM;
      switch (rule) {
        case 0:
          out[at] = x0;
          out[at + 1] = y0;
          break;
        case 1: {
          const factor = CONTRACTION_PER_STEP ** t;
          out[at] = factor * x0;
          out[at + 1] = factor * y0;
          break;
        }
        case 2: {
          const angle = t * ROTATION_RAD_PER_STEP;
          const [c, s] = [Math.cos(angle), Math.sin(angle)];
          out[at] = c * x0 - s * y0;
          out[at + 1] = s * x0 + c * y0;
          break;
        }
        case 3:
          out[at] = x0 + rng.normal(0, this.noiseStd);
          out[at + 1] = y0 + rng.normal(0, this.noiseStd);
          break;
        default:
          throw new Error(`Error in RuleWorld.writeTrajectory: rule must be an integer in [0, ${RULE_COUNT}), got ${rule}.`);
      }
    }
  }

  /** Sample `count` episodes: s0 uniform in [-1, 1]², rules balanced (or all `options.rule`). */
  sampleEpisodes(rng: Rng, count: number, options: SampleEpisodesOptions = {}): EpisodeBatch {
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`Error in RuleWorld.sampleEpisodes: count must be an integer >= 1, got ${count}.`);
    }
    const fixed = options.rule;
    if (fixed !== undefined && !(Number.isInteger(fixed) && fixed >= 0 && fixed < RULE_COUNT)) {
      throw new Error(`Error in RuleWorld.sampleEpisodes: rule must be an integer in [0, ${RULE_COUNT}), got ${fixed}.`);
    }
    const [T, D] = [this.horizonSteps, STATE_DIM];
    const rules = new Int32Array(count);
    const s0 = new Float32Array(count * D);
    const obs = new Float32Array(count * this.obsDim);
    const traj = new Float32Array(count * T * D);
    const anchor = new Float32Array(count * T * D);
    for (let i = 0; i < count; i++) {
      const rule = fixed ?? i % RULE_COUNT;
      const x0 = rng.uniform(-S0_HALF_WIDTH, S0_HALF_WIDTH);
      const y0 = rng.uniform(-S0_HALF_WIDTH, S0_HALF_WIDTH);
      rules[i] = rule;
      s0[i * D] = x0;
      s0[i * D + 1] = y0;
      obs[i * this.obsDim] = x0;
      obs[i * this.obsDim + 1] = y0;
      obs[i * this.obsDim + D + rule] = 1;
      for (let t = 0; t < T; t++) {
        anchor[(i * T + t) * D] = x0;
        anchor[(i * T + t) * D + 1] = y0;
      }
      this.writeTrajectory(rng, rule, x0, y0, traj, i * T * D);
    }
    return { count, horizonSteps: T, stateDim: D, rules, s0, obs, traj, anchor };
  }
}
