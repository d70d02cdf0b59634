// The rule world (E1, ADR 0201): exact dynamics of rules 0–2, rule 3's noise, balanced batches,
// observation encoding, determinism per seed, bad input.
import { createRng } from "@tam/tensor-backend";
import { describe, expect, it } from "vitest";
import { CONTRACTION_PER_STEP, ROTATION_RAD_PER_STEP, RULE_COUNT, RuleWorld } from "../src/index.js";

describe("RuleWorld", () => {
  const world = new RuleWorld({ horizonSteps: 8, noiseStd: 0.15 });

  it("follows the documented dynamics of rules 0–2 exactly", () => {
    const out = new Float32Array(16);
    const rng = createRng(1);
    world.writeTrajectory(rng, 0, 0.3, -0.4, out, 0);
    expect(Array.from(out.slice(14))).toEqual([Math.fround(0.3), Math.fround(-0.4)]);
    world.writeTrajectory(rng, 1, 0.3, -0.4, out, 0);
    expect(out[14]).toBeCloseTo(0.3 * CONTRACTION_PER_STEP ** 8, 6);
    world.writeTrajectory(rng, 2, 1, 0, out, 0);
    expect(out[0]).toBeCloseTo(Math.cos(ROTATION_RAD_PER_STEP), 6);
    expect(out[15]).toBeCloseTo(Math.sin(8 * ROTATION_RAD_PER_STEP), 6);
  });

  it("gives rule 3 independent noise of the configured standard deviation around s0", () => {
    const batch = world.sampleEpisodes(createRng(2), 4000, { rule: 3 });
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < batch.count; i++) {
      for (let j = 0; j < 16; j++) {
        const e = (batch.traj[i * 16 + j] ?? 0) - (batch.s0[i * 2 + (j % 2)] ?? 0);
        sum += e;
        sumSq += e * e;
      }
    }
    const n = batch.count * 16;
    expect(Math.abs(sum / n)).toBeLessThan(0.005);
    expect(Math.sqrt(sumSq / n)).toBeCloseTo(0.15, 2);
  });

  it("balances rules, encodes s0 and a one-hot rule in the observation, and anchors at s0", () => {
    const batch = world.sampleEpisodes(createRng(3), 8);
    expect(Array.from(batch.rules)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    for (let i = 0; i < 8; i++) {
      const row = Array.from(batch.obs.slice(i * world.obsDim, (i + 1) * world.obsDim));
      expect(row.slice(0, 2)).toEqual(Array.from(batch.s0.slice(i * 2, i * 2 + 2)));
      expect(row.slice(2)).toEqual(Array.from({ length: RULE_COUNT }, (_, r) => (r === batch.rules[i] ? 1 : 0)));
      expect(batch.anchor[i * 16 + 14]).toBe(batch.s0[i * 2]);
    }
  });

  it("is deterministic per seed", () => {
    expect(world.sampleEpisodes(createRng(9), 16)).toEqual(world.sampleEpisodes(createRng(9), 16));
    expect(world.sampleEpisodes(createRng(9), 16).traj).not.toEqual(world.sampleEpisodes(createRng(10), 16).traj);
  });

  it("rejects bad options and input by name", () => {
    expect(() => new RuleWorld({ horizonSteps: 0 })).toThrow(/RuleWorld: option horizonSteps = 0: /);
    expect(() => new RuleWorld({ noiseStd: -1 })).toThrow(/option noiseStd = -1: /);
    expect(() => world.sampleEpisodes(createRng(1), 0)).toThrow(/count must be an integer >= 1, got 0/);
    expect(() => world.sampleEpisodes(createRng(1), 4, { rule: 4 })).toThrow(/rule must be an integer in \[0, 4\), got 4/);
  });
});
