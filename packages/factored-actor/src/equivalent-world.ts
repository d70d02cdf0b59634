/**
 * Equivalent worlds (SEED-INVENTORY.md §11 E2): `standard`, `mirrored`, `rotated` and `shifted-rules`,
 * four views of one goal-reaching task related by known transforms, so that an episode of one world
 * has an exactly equivalent episode in every other ("matched initial states", "the same underlying rule
 * seed", 001 L136–138).
 *
 * The canonical task (the `standard` world; exact dynamics in ADR 0604 and the README): a point p in the
 * plane starts at p0 uniform in [-1, 1]²; a rule r ∈ {0..3} names a goal g_r (radius 0.7, at angles
 * π/4 + r·π/2) and a per-step process noise std n_r (0, 0.04, 0.08, 0.16: rules differ in how hard they
 * are to commit to); a current c uniform in [-0.15, 0.15]² pushes p every step. A step:
 * `p ← p + clip‖·‖≤0.35(a) + c + n_r·ε`, reward `−‖p − g_r‖` after the move; T = 8 steps.
 *
 * Transforms: `mirrored` maps every vector (p, c, a, ε, goals) by x → −x; `rotated` by a rotation
 * (default π/2); `shifted-rules` keeps the geometry and permutes rule labels: its rule k behaves as the
 * canonical rule (k + 1) mod 4. A world's episode is the transform of a canonical {@link EpisodeSpec}:
 * the same spec gives matched episodes in every world.
 *
 * What each part of the agent sees (ADR 0604): the posterior q(z | s0) sees the whole start
 * `[p0, onehot(rule), c]`; the tube sees p0 only; the policy sees `[p_t, t/T]` only. Rule and current
 * reach the tube and the policy through z alone, which is what makes z an intent (which goal, how hard)
 * and a realisation (how to cancel this world's current).
 *
 * Source: `001_4e7658869d462183.txt` L132–142 (paired episodes), L190 (oracle transform), L228–237 (§J),
 * L264 (`envs/equivalent_envs.py`); SEED-INVENTORY.md §11 E2, §15.9 item 2.
 */
import { parseConfig, type Rng } from "@tam/tensor-backend";
import { z } from "zod";

/** The world kinds (001 L136–138, L234–237). */
export const WORLD_KINDS = ["standard", "mirrored", "rotated", "shifted-rules"] as const;
/** A world kind. */
export type WorldKind = (typeof WORLD_KINDS)[number];

/** Number of rules (goals) of the task (ADR 0604). */
export const WORLD_RULE_COUNT = 4;
/** State dimension: the plane (ADR 0604). */
export const WORLD_STATE_DIM = 2;
/** Default horizon T in steps (ADR 0604). */
export const DEFAULT_WORLD_HORIZON = 8;
/** Distance of every goal from the origin (ADR 0604). */
export const GOAL_RADIUS = 0.7;
/** Default per-step process noise std of each canonical rule, in state units (ADR 0604). */
export const DEFAULT_RULE_NOISE_STD: readonly number[] = [0, 0.04, 0.08, 0.16];
/** Default half-width of the current's uniform box, in state units per step (ADR 0604). */
export const DEFAULT_CURRENT_HALF_WIDTH = 0.15;
/** Default largest step length of an action (actions are clipped to this norm; ADR 0604). */
export const DEFAULT_MAX_STEP = 0.35;
/** p0 is uniform in `[-START_HALF_WIDTH, START_HALF_WIDTH]²` (ADR 0604). */
export const START_HALF_WIDTH = 1;
/** Default rotation of the `rotated` world, in radians (ADR 0604). */
export const DEFAULT_ROTATION_RAD = Math.PI / 2;
/** Default shift of the `shifted-rules` world: its rule k is canonical rule (k + shift) mod 4 (ADR 0604). */
export const DEFAULT_RULE_SHIFT = 1;

/** Options of an {@link EquivalentWorld} (zod; every field defaulted). */
export const equivalentWorldOptionsSchema = z
  .object({
    horizonSteps: z.number().int().min(1).max(64).default(DEFAULT_WORLD_HORIZON),
    ruleNoiseStd: z.array(z.number().finite().min(0)).length(WORLD_RULE_COUNT).default([...DEFAULT_RULE_NOISE_STD]),
    currentHalfWidth: z.number().finite().min(0).default(DEFAULT_CURRENT_HALF_WIDTH),
    maxStep: z.number().finite().positive().default(DEFAULT_MAX_STEP),
    rotationRad: z.number().finite().default(DEFAULT_ROTATION_RAD),
    ruleShift: z.number().int().min(0).max(WORLD_RULE_COUNT - 1).default(DEFAULT_RULE_SHIFT),
  })
  .strict();

/** Options of {@link EquivalentWorld}; every field has a default. */
export type EquivalentWorldOptions = z.input<typeof equivalentWorldOptionsSchema>;

/**
 * A batch of canonical episodes (the "rule seed" shared by matched episodes): start, rule, current and
 * every step's unit noise, in the coordinates of the `standard` world. Row-major flat arrays.
 */
export interface EpisodeSpec {
  readonly count: number;
  readonly horizonSteps: number;
  /** `[count, 2]` */
  readonly p0: Float32Array;
  /** Canonical rule per episode. */
  readonly rules: Int32Array;
  /** `[count, 2]` */
  readonly current: Float32Array;
  /** Unit Gaussian noise `[count, T, 2]` (scaled by the rule's noise std in the dynamics). */
  readonly noise: Float32Array;
}

/** What a world shows of a batch of episodes at the start, in its own coordinates. */
export interface WorldStarts {
  readonly count: number;
  /** Posterior input s0 `[count, startDim]` = `[p0, onehot(rule), c]`. */
  readonly start: Float32Array;
  /** Tube observation `[count, tubeObsDim]` = p0. */
  readonly tubeObs: Float32Array;
  /** p0 repeated over T, `[count, T·2]` (the tube's anchor). */
  readonly anchor: Float32Array;
  /** The world's rule index per episode. */
  readonly rules: Int32Array;
}

/** The outcome of a batch of episodes in one world. */
export interface WorldRollout {
  readonly count: number;
  /** Policy observations `[count, T, policyObsDim]`: `[p_t, t/T]` before each action. */
  readonly obs: Float32Array;
  /** Actions as taken (before clipping) `[count, T, 2]`. */
  readonly actions: Float32Array;
  /** Rewards `[count, T]`: −‖p_{t+1} − goal‖. */
  readonly rewards: Float32Array;
  /** Realised trajectory p_1..p_T `[count, T, 2]`. */
  readonly traj: Float32Array;
  /** Mean reward per episode (the return used throughout). */
  readonly returns: Float32Array;
}

/** A policy acting on a batch: observations `[count, policyObsDim]` at step t → actions `[count, 2]`. */
export type BatchPolicy = (obs: Float32Array, step: number) => Float32Array;

/**
 * One of the equivalent worlds.
 *
 * @example
 * ```ts
 * const a = new EquivalentWorld("standard"), b = new EquivalentWorld("mirrored");
 * const spec = EquivalentWorld.sampleSpecs(createRng(1), 64);      // shared "rule seed"
 * const startsA = a.starts(spec), startsB = b.starts(spec);         // matched: s0_B = T(s0_A)
 * const out = b.rollout(spec, (obs) => new Float32Array(obs.length / 3 * 2));   // stand still
 * ```
 */
export class EquivalentWorld {
  /** Horizon T in steps. */
  readonly horizonSteps: number;
  /** Width of the posterior's start observation: p0 (2) + one-hot rule (4) + current (2). */
  readonly startDim = WORLD_STATE_DIM + WORLD_RULE_COUNT + WORLD_STATE_DIM;
  /** Width of the policy's observation: p_t (2) + t/T (1). */
  readonly policyObsDim = WORLD_STATE_DIM + 1;
  /** Width of the tube's observation: p0 (2). */
  readonly tubeObsDim = WORLD_STATE_DIM;
  /** Action dimension. */
  readonly actionDim = WORLD_STATE_DIM;
  /** State dimension D. */
  readonly stateDim = WORLD_STATE_DIM;
  /** Validated options. */
  readonly options: Readonly<z.output<typeof equivalentWorldOptionsSchema>>;
  /** The state transform from canonical coordinates, row-major 2×2 (orthogonal). */
  readonly transform: readonly [number, number, number, number];

  constructor(
    readonly kind: WorldKind,
    options: EquivalentWorldOptions = {},
  ) {
    if (!(WORLD_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`Error in EquivalentWorld: kind must be one of ${WORLD_KINDS.join(", ")}, got ${String(kind)}.`);
    }
    const parsed = parseConfig(equivalentWorldOptionsSchema, options, "EquivalentWorld", "option");
    this.options = parsed;
    this.horizonSteps = parsed.horizonSteps;
    if (kind === "mirrored") this.transform = [-1, 0, 0, 1];
    else if (kind === "rotated") {
      const [c, s] = [Math.cos(parsed.rotationRad), Math.sin(parsed.rotationRad)];
      this.transform = [c, -s, s, c];
    } else this.transform = [1, 0, 0, 1];
  }

  /**
   * Sample `count` canonical episodes (balanced rules: episode i has rule i mod 4). The spec is
   * world-independent: hand the same spec to several worlds for matched episodes.
   */
  static sampleSpecs(rng: Rng, count: number, horizonSteps: number = DEFAULT_WORLD_HORIZON, currentHalfWidth: number = DEFAULT_CURRENT_HALF_WIDTH): EpisodeSpec {
    if (!Number.isInteger(count) || count < 1) throw new Error(`Error in EquivalentWorld.sampleSpecs: count must be an integer >= 1, got ${count}.`);
    if (!Number.isInteger(horizonSteps) || horizonSteps < 1) throw new Error(`Error in EquivalentWorld.sampleSpecs: horizonSteps must be an integer >= 1, got ${horizonSteps}.`);
    const p0 = new Float32Array(count * 2);
    const current = new Float32Array(count * 2);
    const rules = new Int32Array(count);
    const noise = new Float32Array(count * horizonSteps * 2);
    for (let i = 0; i < count; i++) {
      rules[i] = i % WORLD_RULE_COUNT;
      p0[2 * i] = rng.uniform(-START_HALF_WIDTH, START_HALF_WIDTH);
      p0[2 * i + 1] = rng.uniform(-START_HALF_WIDTH, START_HALF_WIDTH);
      current[2 * i] = rng.uniform(-currentHalfWidth, currentHalfWidth);
      current[2 * i + 1] = rng.uniform(-currentHalfWidth, currentHalfWidth);
      for (let k = 0; k < horizonSteps * 2; k++) noise[i * horizonSteps * 2 + k] = rng.normal();
    }
    return { count, horizonSteps, p0, rules, current, noise };
  }

  /** Canonical goal of canonical rule r. */
  static canonicalGoal(rule: number): [number, number] {
    const angle = Math.PI / 4 + (rule * Math.PI) / 2;
    return [GOAL_RADIUS * Math.cos(angle), GOAL_RADIUS * Math.sin(angle)];
  }

  /** The world's rule index that behaves as canonical rule `canonical`. */
  worldRule(canonical: number): number {
    this.checkRule("worldRule", canonical);
    const shift = this.kind === "shifted-rules" ? this.options.ruleShift : 0;
    return (canonical - shift + WORLD_RULE_COUNT) % WORLD_RULE_COUNT;
  }

  /** The canonical rule that the world's rule `rule` behaves as. */
  canonicalRule(rule: number): number {
    this.checkRule("canonicalRule", rule);
    const shift = this.kind === "shifted-rules" ? this.options.ruleShift : 0;
    return (rule + shift) % WORLD_RULE_COUNT;
  }

  /** Map a canonical vector into this world's coordinates. */
  toWorld(x: number, y: number): [number, number] {
    const [a, b, c, d] = this.transform;
    return [a * x + b * y, c * x + d * y];
  }

  /** Map a vector of this world back to canonical coordinates (the transform is orthogonal). */
  toCanonical(x: number, y: number): [number, number] {
    const [a, b, c, d] = this.transform;
    return [a * x + c * y, b * x + d * y];
  }

  /** Goal of the world's rule `rule`, in world coordinates. */
  goal(rule: number): [number, number] {
    const [gx, gy] = EquivalentWorld.canonicalGoal(this.canonicalRule(rule));
    return this.toWorld(gx, gy);
  }

  /** Process noise std of the world's rule `rule`. */
  noiseStd(rule: number): number {
    return this.options.ruleNoiseStd[this.canonicalRule(rule)] ?? 0;
  }

  /** What this world shows at the start of the episodes of `spec`. */
  starts(spec: EpisodeSpec): WorldStarts {
    this.checkSpec("starts", spec);
    const n = spec.count;
    const T = spec.horizonSteps;
    const S = this.startDim;
    const start = new Float32Array(n * S);
    const tubeObs = new Float32Array(n * 2);
    const anchor = new Float32Array(n * T * 2);
    const rules = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const [x, y] = this.toWorld(spec.p0[2 * i] ?? 0, spec.p0[2 * i + 1] ?? 0);
      const [cx, cy] = this.toWorld(spec.current[2 * i] ?? 0, spec.current[2 * i + 1] ?? 0);
      const rule = this.worldRule(spec.rules[i] ?? 0);
      rules[i] = rule;
      start[i * S] = x;
      start[i * S + 1] = y;
      start[i * S + 2 + rule] = 1;
      start[i * S + 2 + WORLD_RULE_COUNT] = cx;
      start[i * S + 3 + WORLD_RULE_COUNT] = cy;
      tubeObs[2 * i] = x;
      tubeObs[2 * i + 1] = y;
      for (let t = 0; t < T; t++) {
        anchor[(i * T + t) * 2] = x;
        anchor[(i * T + t) * 2 + 1] = y;
      }
    }
    return { count: n, start, tubeObs, anchor, rules };
  }

  /**
   * Run the episodes of `spec` under `policy` (called once per step with every episode's observation).
   * Deterministic given the spec and the policy.
   */
  rollout(spec: EpisodeSpec, policy: BatchPolicy): WorldRollout {
    this.checkSpec("rollout", spec);
    const n = spec.count;
    const T = spec.horizonSteps;
    const P = this.policyObsDim;
    const obs = new Float32Array(n * T * P);
    const actions = new Float32Array(n * T * 2);
    const rewards = new Float32Array(n * T);
    const traj = new Float32Array(n * T * 2);
    const returns = new Float32Array(n);
    const px = new Float64Array(n);
    const py = new Float64Array(n);
    const goals = new Float64Array(n * 2);
    const currents = new Float64Array(n * 2);
    const noiseStd = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      [px[i], py[i]] = this.toWorld(spec.p0[2 * i] ?? 0, spec.p0[2 * i + 1] ?? 0);
      const rule = this.worldRule(spec.rules[i] ?? 0);
      [goals[2 * i], goals[2 * i + 1]] = this.goal(rule);
      [currents[2 * i], currents[2 * i + 1]] = this.toWorld(spec.current[2 * i] ?? 0, spec.current[2 * i + 1] ?? 0);
      noiseStd[i] = this.noiseStd(rule);
    }
    const stepObs = new Float32Array(n * P);
    const maxStep = this.options.maxStep;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) {
        stepObs[i * P] = px[i] ?? 0;
        stepObs[i * P + 1] = py[i] ?? 0;
        stepObs[i * P + 2] = t / T;
      }
      for (let i = 0; i < n; i++) obs.set(stepObs.subarray(i * P, (i + 1) * P), (i * T + t) * P);
      const action = policy(stepObs, t);
      if (action.length !== n * 2) throw new Error(`Error in EquivalentWorld.rollout: the policy returned ${action.length} values at step ${t}, expected ${n * 2}.`);
      for (let i = 0; i < n; i++) {
        let ax = action[2 * i] ?? 0;
        let ay = action[2 * i + 1] ?? 0;
        if (!(Number.isFinite(ax) && Number.isFinite(ay))) throw new Error(`Error in EquivalentWorld.rollout: action of episode ${i} at step ${t} is not finite (${ax}, ${ay}).`);
        actions[(i * T + t) * 2] = ax;
        actions[(i * T + t) * 2 + 1] = ay;
        const norm = Math.hypot(ax, ay);
        if (norm > maxStep) {
          ax *= maxStep / norm;
          ay *= maxStep / norm;
        }
        const [ex, ey] = this.toWorld(spec.noise[(i * T + t) * 2] ?? 0, spec.noise[(i * T + t) * 2 + 1] ?? 0);
        const s = noiseStd[i] ?? 0;
        const x = (px[i] ?? 0) + ax + (currents[2 * i] ?? 0) + s * ex;
        const y = (py[i] ?? 0) + ay + (currents[2 * i + 1] ?? 0) + s * ey;
        px[i] = x;
        py[i] = y;
        traj[(i * T + t) * 2] = x;
        traj[(i * T + t) * 2 + 1] = y;
        const reward = -Math.hypot(x - (goals[2 * i] ?? 0), y - (goals[2 * i + 1] ?? 0));
        rewards[i * T + t] = reward;
        returns[i] = (returns[i] ?? 0) + reward / T;
      }
    }
    return { count: n, obs, actions, rewards, traj, returns };
  }

  private checkRule(fn: string, rule: number): void {
    if (!(Number.isInteger(rule) && rule >= 0 && rule < WORLD_RULE_COUNT)) {
      throw new Error(`Error in EquivalentWorld.${fn}: rule must be an integer in [0, ${WORLD_RULE_COUNT}), got ${rule}.`);
    }
  }

  private checkSpec(fn: string, spec: EpisodeSpec): void {
    if (spec.horizonSteps !== this.horizonSteps) {
      throw new Error(`Error in EquivalentWorld.${fn}: spec.horizonSteps is ${spec.horizonSteps}, the world's horizon is ${this.horizonSteps}.`);
    }
    const n = spec.count;
    if (spec.p0.length !== 2 * n || spec.current.length !== 2 * n || spec.rules.length !== n || spec.noise.length !== n * spec.horizonSteps * 2) {
      throw new Error(`Error in EquivalentWorld.${fn}: spec arrays do not match count = ${n} and T = ${spec.horizonSteps}.`);
    }
  }
}
