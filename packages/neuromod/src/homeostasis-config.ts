/**
 * The configuration of {@link ReceptorHomeostasis}, validated once with zod (every field defaulted).
 * Seed `004_b9e7278aec0f8932.txt` leaves every value open (SEED-INVENTORY.md §15.8.4–6); the ADR of
 * each default is cited beside it.
 */
import { parseConfig } from "@tam/tensor-backend";
import { z } from "zod";

import {
  DEFAULT_COGNITIVE_WEIGHTS,
  DEFAULT_LOCAL_WEIGHTS,
  DEFAULT_MU_CLAMP,
  DEFAULT_OPERATING_BAND,
  DEFAULT_WINDOW_TICKS,
} from "./constants.js";
import { DEFAULT_MAP_HIDDEN_UNITS } from "./homeostatic-maps.js";

const weight = z.number().min(0).finite();

/** Schema of the homeostasis configuration. */
export const HomeostasisConfigSchema = z.strictObject({
  /** Hidden units of each map (ADR 0501). */
  hiddenUnits: z.number().int().min(1).max(256).default(DEFAULT_MAP_HIDDEN_UNITS),
  /** Adam step size of the maps (ADR 0505). */
  learningRate: z.number().positive().max(1).default(0.01),
  /** Whether the maps learn at all (false: fixed maps). */
  train: z.boolean().default(true),
  /** Whether the modulate function's slope and phase learn (seed L73, optional). */
  learnModulate: z.boolean().default(false),
  /** w1..w5 (seed L37; ADR 0503). */
  localWeights: z
    .strictObject({ activity: weight, rangeUtil: weight, saturation: weight, noiseLeak: weight, energy: weight })
    .default({ ...DEFAULT_LOCAL_WEIGHTS }),
  /** v1..v5 (seed L54; ADR 0504). */
  cognitiveWeights: z
    .strictObject({ coherence: weight, utility: weight, uncertainty: weight, safety: weight, calibration: weight })
    .default({ ...DEFAULT_COGNITIVE_WEIGHTS }),
  /** α on Eff_local_total; null: 1/(areas·receptors), so the local term is a per-site mean (ADR 0505). */
  alpha: weight.nullable().default(null),
  /** β on Eff_cog, annealed linearly from start to end over `ticks` (seed L151; ADR 0505). */
  beta: z
    .strictObject({ start: weight, end: weight, ticks: z.number().int().min(0) })
    .default({ start: 0.05, end: 1, ticks: 300 }),
  /** λ1..λ3 of Form A (seed L61; ADR 0505). */
  lambdas: z.strictObject({ smooth: weight, drift: weight, homeostasis: weight }).default({ smooth: 5, drift: 0.5, homeostasis: 1 }),
  /** Form B's optional parameter terms (seed L158; off by default, DESIGN.md C-17). */
  formB: z.strictObject({ anchor: weight, temporal: weight }).default({ anchor: 0, temporal: 0 }),
  /** Operating band [θlow, θhigh] of S̄ (ADR 0503). */
  band: z
    .strictObject({ low: z.number().min(0).max(1), high: z.number().min(0).max(1) })
    .refine((b) => b.low < b.high, { message: "band.low must be < band.high" })
    .default({ ...DEFAULT_OPERATING_BAND }),
  /** Window of RangeUtil and NoiseLeak, in ticks (ADR 0503). */
  windowTicks: z.number().int().min(2).max(1024).default(DEFAULT_WINDOW_TICKS),
  /** Safety clamp on μ (seed L155; ADR 0501). */
  muClamp: z
    .strictObject({ min: z.number().min(0).max(1), max: z.number().min(0).max(1) })
    .refine((c) => c.min < c.max, { message: "muClamp.min must be < muClamp.max" })
    .default({ ...DEFAULT_MU_CLAMP }),
  /** How the cognitive term reaches the maps: eligibility traces, a learned critic, or not at all (ADR 0506). */
  credit: z.enum(["trace", "critic", "none"]).default("trace"),
  /** Eligibility trace window k and decay λ (ADR 0506). */
  trace: z.strictObject({ window: z.number().int().min(0).max(64), decay: z.number().gt(0).max(1) }).default({ window: 2, decay: 0.5 }),
  /** Critic: return horizon K, hidden units, step size, replay and batch (ADR 0506). */
  critic: z
    .strictObject({
      horizon: z.number().int().min(1).max(64),
      hiddenUnits: z.number().int().min(1).max(256),
      learningRate: z.number().positive().max(1),
      replaySize: z.number().int().min(1),
      batchSize: z.number().int().min(1),
      /** Std of Gaussian exploration on the release logits under the critic (0: none; ADR 0507). */
      explorationStd: z.number().min(0).max(5),
    })
    .default({ horizon: 2, hiddenUnits: 32, learningRate: 0.02, replaySize: 512, batchSize: 32, explorationStd: 0 }),
  /** Std of the Gaussian exploration on release logits under `credit: "trace"`: the policy whose score the trace holds (ADR 0506). */
  explorationStd: z.number().min(0).max(5).default(0.5),
  /** Decay of the trace update's per-phase reward baseline (ADR 0506). */
  baselineDecay: z.number().min(0).lt(1).default(0.95),
  /** Ticks per day for the time-of-day feature (ADR 0501). */
  dayTicks: z.number().int().min(1).default(200),
});

/** Configuration input (every field optional). */
export type HomeostasisConfigInput = z.input<typeof HomeostasisConfigSchema>;
/** Parsed configuration. */
export type HomeostasisConfig = z.output<typeof HomeostasisConfigSchema>;

/** Parse a configuration; throws an Error naming the bad field. */
export function parseHomeostasisConfig(input: HomeostasisConfigInput = {}): HomeostasisConfig {
  return parseConfig(HomeostasisConfigSchema, input, "parseHomeostasisConfig");
}
