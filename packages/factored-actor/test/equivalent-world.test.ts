// Equivalent worlds (E2): the transforms are orthogonal and invertible, matched episodes are exactly
// equivalent under the known transform (same returns, transformed trajectories), rules are balanced,
// specs are deterministic per seed, and bad input is rejected by name.
// Source: 001_4e7658869d462183.txt L132–142, L228–237; SEED-INVENTORY.md §11 E2; ADR 0604.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EquivalentWorld, WORLD_KINDS, WORLD_RULE_COUNT, type BatchPolicy } from "../src/index.js";

/** A policy written in canonical coordinates: step toward the canonical goal of the episode's canonical rule. */
function canonicalPolicy(world: EquivalentWorld, rules: Int32Array): BatchPolicy {
  return (obs) => {
    const n = rules.length;
    const actions = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const [x, y] = world.toCanonical(obs[3 * i] ?? 0, obs[3 * i + 1] ?? 0);
      const [gx, gy] = EquivalentWorld.canonicalGoal(rules[i] ?? 0);
      [actions[2 * i], actions[2 * i + 1]] = world.toWorld(0.5 * (gx - x), 0.5 * (gy - y));
    }
    return actions;
  };
}

describe("EquivalentWorld", () => {
  it("has orthogonal transforms: toCanonical inverts toWorld and keeps lengths", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORLD_KINDS), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), (kind, x, y) => {
        const world = new EquivalentWorld(kind);
        const [u, v] = world.toWorld(x, y);
        const [x2, y2] = world.toCanonical(u, v);
        expect(x2).toBeCloseTo(x, 9);
        expect(y2).toBeCloseTo(y, 9);
        expect(Math.hypot(u, v)).toBeCloseTo(Math.hypot(x, y), 9);
      }),
    );
  });

  it("gives matched episodes: the same canonical behaviour has the same returns and transformed trajectories in every world", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const spec = EquivalentWorld.sampleSpecs(createRng(seed), 8);
        const standard = new EquivalentWorld("standard");
        const reference = standard.rollout(spec, canonicalPolicy(standard, spec.rules));
        for (const kind of WORLD_KINDS) {
          const world = new EquivalentWorld(kind);
          const out = world.rollout(spec, canonicalPolicy(world, spec.rules));
          for (let i = 0; i < spec.count; i++) expect(out.returns[i]).toBeCloseTo(reference.returns[i] ?? Number.NaN, 5);
          for (let k = 0; k < out.traj.length; k += 2) {
            const [x, y] = world.toCanonical(out.traj[k] ?? 0, out.traj[k + 1] ?? 0);
            expect(x).toBeCloseTo(reference.traj[k] ?? Number.NaN, 5);
            expect(y).toBeCloseTo(reference.traj[k + 1] ?? Number.NaN, 5);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it("relabels rules in shifted-rules and shows matched starts s0_B = T(s0_A)", () => {
    const spec = EquivalentWorld.sampleSpecs(createRng(3), 8);
    const shifted = new EquivalentWorld("shifted-rules");
    const rotated = new EquivalentWorld("rotated");
    const starts = shifted.starts(spec);
    for (let i = 0; i < spec.count; i++) {
      expect(shifted.canonicalRule(starts.rules[i] ?? -1)).toBe(spec.rules[i]);
      expect(starts.start[i * shifted.startDim + 2 + (starts.rules[i] ?? 0)]).toBe(1);
    }
    const r = rotated.starts(spec);
    const [x, y] = rotated.toWorld(spec.p0[0] ?? 0, spec.p0[1] ?? 0);
    expect(r.start[0]).toBeCloseTo(x, 6);
    expect(r.start[1]).toBeCloseTo(y, 6);
    // rotated by π/2: (x, y) → (−y, x)
    expect(r.start[0]).toBeCloseTo(-(spec.p0[1] ?? 0), 6);
    expect(r.start[1]).toBeCloseTo(spec.p0[0] ?? 0, 6);
  });

  it("balances rules, is deterministic per seed, and the noisy rule is noisier", () => {
    const a = EquivalentWorld.sampleSpecs(createRng(5), 16);
    const b = EquivalentWorld.sampleSpecs(createRng(5), 16);
    expect(a).toEqual(b);
    for (let r = 0; r < WORLD_RULE_COUNT; r++) expect(Array.from(a.rules).filter((x) => x === r)).toHaveLength(4);
    const world = new EquivalentWorld("standard");
    expect(world.noiseStd(0)).toBeLessThan(world.noiseStd(3));
  });

  it("rejects bad input by name", () => {
    expect(() => new EquivalentWorld("flipped" as never)).toThrow(/kind/);
    expect(() => new EquivalentWorld("standard", { maxStep: -1 })).toThrow(/maxStep/);
    expect(() => EquivalentWorld.sampleSpecs(createRng(1), 0)).toThrow(/count/);
    const world = new EquivalentWorld("standard");
    const spec = EquivalentWorld.sampleSpecs(createRng(1), 2);
    expect(() => world.rollout(spec, () => new Float32Array(1))).toThrow(/returned 1 values/);
    expect(() => world.rollout(spec, () => new Float32Array([Number.NaN, 0, 0, 0]))).toThrow(/not finite/);
    expect(() => world.goal(4)).toThrow(/rule/);
  });
});
