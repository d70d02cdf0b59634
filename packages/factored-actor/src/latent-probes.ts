/**
 * Which part of a trained actor's latent carries what (001 §E L96; ADR 0607): linear probes, fitted on
 * one batch of episodes and scored on a fresh one, of the world's rule (the plan: which goal, how hard)
 * and of the current (the realisation this world asks for), each from the posterior mean of z_intent
 * and from that of z_real. A factoring that works puts the rule in z_intent; the current belongs in
 * z_real.
 *
 * Source: `001_4e7658869d462183.txt` §E L94–96; SEED-INVENTORY.md §6.12; ADR 0607.
 */
import { createRng } from "@tam/tensor-backend";
import { WORLD_RULE_COUNT, WORLD_STATE_DIM, type EpisodeSpec, type EquivalentWorld } from "./equivalent-world.js";
import type { FactoredActor } from "./factored-actor.js";
import { probeScore, type ProbeData } from "./linear-probe.js";

/** Probe scores of one replica. */
export interface LatentProbeScores {
  /** Rule classification accuracy from z_intent (chance = 1/4). */
  readonly ruleFromIntent: number;
  /** Rule classification accuracy from z_real (NaN without z_real). */
  readonly ruleFromReal: number;
  /** R² of the current from z_intent. */
  readonly currentFromIntent: number;
  /** R² of the current from z_real (NaN without z_real). */
  readonly currentFromReal: number;
}

interface Targets {
  readonly intent: Float32Array;
  readonly real: Float32Array;
  readonly rules: Float64Array;
  readonly current: Float64Array;
}

function targets(actor: FactoredActor, replica: number, world: EquivalentWorld, spec: EpisodeSpec): Targets {
  const n = spec.count;
  const starts = world.starts(spec);
  const sample = actor.sample(starts.start, n, createRng(0), { replica, deterministic: true });
  const rules = new Float64Array(n * WORLD_RULE_COUNT);
  const current = new Float64Array(n * WORLD_STATE_DIM);
  const S = world.startDim;
  for (let i = 0; i < n; i++) {
    rules[i * WORLD_RULE_COUNT + (starts.rules[i] ?? 0)] = 1;
    for (let d = 0; d < WORLD_STATE_DIM; d++) current[i * WORLD_STATE_DIM + d] = starts.start[i * S + WORLD_STATE_DIM + WORLD_RULE_COUNT + d] ?? 0;
  }
  return { intent: sample.zIntent, real: sample.zReal, rules, current };
}

/**
 * Probe replica `replica` acting in `world`: fit on the episodes of `train`, score on those of `test`.
 *
 * @example
 * ```ts
 * const scores = latentProbes(actor, 0, standard, EquivalentWorld.sampleSpecs(createRng(1), 512), EquivalentWorld.sampleSpecs(createRng(2), 512));
 * scores.ruleFromIntent;   // 1 when z_intent names the goal
 * ```
 */
export function latentProbes(actor: FactoredActor, replica: number, world: EquivalentWorld, train: EpisodeSpec, test: EpisodeSpec): LatentProbeScores {
  const a = targets(actor, replica, world, train);
  const b = targets(actor, replica, world, test);
  const I = actor.intentDim;
  const Rl = actor.realDim;
  const data = (t: Targets, x: "intent" | "real", y: "rules" | "current", count: number): ProbeData => ({ count, x: t[x], y: t[y] });
  const score = (x: "intent" | "real", y: "rules" | "current", width: number) =>
    probeScore(data(a, x, y, train.count), data(b, x, y, test.count), x === "intent" ? I : Rl, width);
  return {
    ruleFromIntent: score("intent", "rules", WORLD_RULE_COUNT).accuracy,
    ruleFromReal: Rl > 0 ? score("real", "rules", WORLD_RULE_COUNT).accuracy : Number.NaN,
    currentFromIntent: score("intent", "current", WORLD_STATE_DIM).r2,
    currentFromReal: Rl > 0 ? score("real", "current", WORLD_STATE_DIM).r2 : Number.NaN,
  };
}
