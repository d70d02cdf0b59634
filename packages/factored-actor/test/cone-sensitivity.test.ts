// Cone smoothness and locality (001 §C L70, §K L244): the cone's log volume and E[T] respond to z_intent
// with finite slopes that agree across step sizes (smooth, no kinks at this scale), do not respond to
// z_real at all when σ and stop read z_intent only, and do respond to z_real in the unfactored wiring;
// no tensors leak.
// Source: 001_4e7658869d462183.txt §C L67–70, §K L244; ADR 0607.
import { createRng, tf } from "@tam/tensor-backend";
import { beforeAll, describe, expect, it } from "vitest";
import { EquivalentWorld, FactoredActor, actorConfigFor, coneSensitivity, trainFactoredActor } from "../src/index.js";
import { useBackend } from "./backends.js";

const world = new EquivalentWorld("standard");

beforeAll(async () => {
  await useBackend("wasm");
});

describe("coneSensitivity", () => {
  it("is smooth in z_intent and blind to z_real for the factored cone", () => {
    const actor = new FactoredActor(actorConfigFor(world), createRng(1));
    trainFactoredActor(actor, [world], { steps: 20, batchEpisodes: 32, rng: createRng(2) });
    const spec = EquivalentWorld.sampleSpecs(createRng(3), 32);
    const starts = world.starts(spec);
    const z = actor.sample(starts.start, spec.count, createRng(4), { deterministic: true }).z;
    const before = tf.memory().numTensors;
    const [coarse, fine, finer] = coneSensitivity(actor, 0, starts, z, createRng(5), [0.1, 0.01, 0.001]);
    expect(tf.memory().numTensors).toBe(before);
    for (const s of [coarse, fine, finer]) {
      expect(s?.realLogVol.max).toBe(0);
      expect(s?.realHorizon.max).toBe(0);
      expect(s?.intentLogVol.mean).toBeGreaterThan(0);
      expect(s?.intentHorizon.mean).toBeGreaterThan(0);
      expect(Number.isFinite(s?.intentLogVol.max)).toBe(true);
    }
    // Same directions at every δ: for a smooth map the slopes converge (the directional derivative).
    expect((fine?.intentLogVol.mean ?? 0) / (finer?.intentLogVol.mean ?? 1)).toBeGreaterThan(0.9);
    expect((fine?.intentLogVol.mean ?? 0) / (finer?.intentLogVol.mean ?? 1)).toBeLessThan(1.1);
    expect((fine?.intentHorizon.mean ?? 0) / (finer?.intentHorizon.mean ?? 1)).toBeGreaterThan(0.9);
    expect((fine?.intentHorizon.mean ?? 0) / (finer?.intentHorizon.mean ?? 1)).toBeLessThan(1.1);
    actor.dispose();
  });

  it("sees z_real when σ and stop read all of z, and rejects bad input", () => {
    const actor = new FactoredActor(actorConfigFor(world, { intentOnlySigma: false, intentOnlyStop: false }), createRng(6));
    const spec = EquivalentWorld.sampleSpecs(createRng(7), 16);
    const starts = world.starts(spec);
    const z = actor.sample(starts.start, spec.count, createRng(8), { deterministic: true }).z;
    const [s] = coneSensitivity(actor, 0, starts, z, createRng(9), [0.1]);
    expect(s?.realLogVol.mean).toBeGreaterThan(0);
    expect(s?.realHorizon.mean).toBeGreaterThan(0);
    expect(() => coneSensitivity(actor, 0, starts, z.subarray(1), createRng(9))).toThrow(/z must have n·latentDim = 96 values, got 95/);
    expect(() => coneSensitivity(actor, 0, starts, z, createRng(9), [0])).toThrow(/deltas must be positive/);
    actor.dispose();
  });
});
