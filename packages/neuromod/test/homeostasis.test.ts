// ReceptorHomeostasis: the per-tick training loop (seed 004 L123–135), credit assignment over time
// (L93–97, H004-B), the predict API, determinism, no leaked tensors, config validation.
import { describe, expect, it } from "vitest";

import { tf } from "@tam/tensor-backend";
import {
  CognitiveCritic,
  EligibilityTrace,
  REFERENCE_PHASES,
  ReceptorHomeostasis,
  ReferenceCognitiveSource,
  deltaRuleError,
  parseHomeostasisConfig,
} from "../src/index.js";
import type { HomeostasisConfigInput, TickRecord } from "../src/index.js";
import { TEST_BACKENDS, useBackend } from "./helpers.js";

function run(config: HomeostasisConfigInput, ticks: number, load: (t: number) => number = () => 1, seed = 1): TickRecord[] {
  const source = new ReferenceCognitiveSource();
  const h = new ReceptorHomeostasis(config, { seed, phases: source.phases });
  const out: TickRecord[] = [];
  try {
    for (let t = 0; t < ticks; t += 1) out.push(h.tick(load(t), source));
  } finally {
    h.dispose();
  }
  return out;
}

for (const backend of TEST_BACKENDS) {
  describe(`ReceptorHomeostasis (${backend})`, () => {
    it("is deterministic per seed and leaks no tensors, for every credit mode", async () => {
      await useBackend(backend);
      for (const credit of ["none", "trace", "critic"] as const) {
        const before = tf.memory().numTensors;
        const a = run({ credit, learnModulate: true, formB: { anchor: 0.01, temporal: 0.01 } }, 12, (t) => 1 + t / 10, 3);
        expect(tf.memory().numTensors, credit).toBe(before);
        const b = run({ credit, learnModulate: true, formB: { anchor: 0.01, temporal: 0.01 } }, 12, (t) => 1 + t / 10, 3);
        expect(b, credit).toEqual(a);
        const other = run({ credit }, 12, (t) => 1 + t / 10, 4);
        expect(other.map((r) => r.activity), credit).not.toEqual(a.map((r) => r.activity));
      }
    });

    it("logs the seed's signals each tick: terms in [0, 1], μ clamped, CFG node, β annealed upward", async () => {
      await useBackend(backend);
      const records = run({ credit: "trace", beta: { start: 0.05, end: 1, ticks: 10 } }, 25, () => 3);
      records.forEach((r, t) => {
        for (const v of [r.activity, r.bindingFraction, r.saturation, r.rangeUtil, r.inBand, r.noiseLeak, r.energy]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        for (const m of r.modulators) {
          expect(m).toBeGreaterThanOrEqual(0.05);
          expect(m).toBeLessThanOrEqual(0.95);
        }
        expect(REFERENCE_PHASES).toContain(r.cfgNode);
        expect(r.beta).toBeCloseTo(Math.min(1, 0.05 + (0.95 * t) / 10), 10);
      });
      const flooded = run({ credit: "none", train: false }, 3, () => 50);
      expect(flooded.every((r) => r.clampActive && r.modulators.every((m) => Math.abs(m - 0.95) < 1e-6))).toBe(true); // load 50 drives μ into the clamp
    });
  });
}

describe("training (wasm)", () => {
  it("under a load step, trained maps keep S̄ in band and saturate less than fixed maps", async () => {
    await useBackend("wasm");
    const load = (t: number): number => (t < 60 ? 1 : 2);
    const mean = (rs: TickRecord[], k: "rangeUtil" | "saturation"): number => rs.slice(100).reduce((s, r) => s + r[k], 0) / (rs.length - 100);
    const trained = run({ credit: "none" }, 220, load);
    const fixed = run({ credit: "none", train: false }, 220, load);
    expect(mean(trained, "rangeUtil")).toBeGreaterThan(mean(fixed, "rangeUtil"));
    expect(mean(trained, "saturation")).toBeLessThan(mean(fixed, "saturation"));
  });

  it("learnable modulate parameters move only when learnModulate is on", async () => {
    await useBackend("wasm");
    const source = new ReferenceCognitiveSource();
    const on = new ReceptorHomeostasis({ learnModulate: true, credit: "none" }, { seed: 2, phases: source.phases });
    const off = new ReceptorHomeostasis({ learnModulate: false, credit: "none" }, { seed: 2, phases: source.phases });
    const source2 = source.clone();
    for (let t = 0; t < 5; t += 1) {
      on.tick(1, source);
      off.tick(1, source2);
    }
    expect(on.modulateParameters().slope).not.toBe(2);
    expect(off.modulateParameters()).toEqual({ slope: 2, phase: 0 });
    on.dispose();
    off.dispose();
  });

  it("predict gives bounded levels for a context without changing state; clone continues identically", async () => {
    await useBackend("wasm");
    const source = new ReferenceCognitiveSource();
    const h = new ReceptorHomeostasis({ credit: "none" }, { seed: 5, phases: source.phases });
    for (let t = 0; t < 10; t += 1) h.tick(1, source);
    const before = tf.memory().numTensors;
    const ctx = { ...h.currentContext(), phaseIndex: 1 };
    const levels = h.predict(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(levels.density).toHaveLength(4);
    expect(levels.density[0]).toHaveLength(6);
    expect(levels.release).toHaveLength(3);
    expect(levels.modulators).toHaveLength(3);
    for (const m of levels.modulators) expect(m).toBeGreaterThanOrEqual(0.05);
    for (const row of levels.activity) for (const s of row) expect(s).toBeLessThanOrEqual(1);
    expect(h.predict(ctx)).toEqual(levels);
    expect(() => h.predict({ ...ctx, errorSignal: 2 })).toThrow(/buildContext: errorSignal must be in \[0, 1\], got 2/);
    const copy = h.clone({ train: false });
    const copySource = source.clone();
    const frozen = h.clone({ train: false });
    const frozenSource = source.clone();
    expect(copy.tick(1.2, copySource)).toEqual(frozen.tick(1.2, frozenSource));
    for (const x of [h, copy, frozen]) x.dispose();
    expect(() => h.tick(1, source)).toThrow(/ReceptorHomeostasis.tick: this instance was disposed/);
  });

  it("rejects bad config and input by name", () => {
    expect(() => parseHomeostasisConfig({ band: { low: 0.8, high: 0.2 } })).toThrow(/config band\S* = \{"low":0.8,"high":0.2\}: band.low must be < band.high/);
    expect(() => parseHomeostasisConfig({ credit: "oracle" as "trace" })).toThrow(/parseHomeostasisConfig: config credit = "oracle": /);
    expect(() => new ReceptorHomeostasis({}, { seed: 1, phases: [] })).toThrow(/phases is empty/);
    const h = new ReceptorHomeostasis({}, { seed: 1, phases: ["only"] });
    expect(() => h.tick(1, new ReferenceCognitiveSource())).toThrow(/CFG node "3.6 Salience" is not one of phases \[only\]/);
    expect(() => h.tick(-1, new ReferenceCognitiveSource())).toThrow(/load must be finite and >= 0, got -1/);
    h.dispose();
    const liar = {
      phases: ["a", "b"],
      phase: () => ({ cfgNode: "a", errorSignal: 0 }),
      step: () => ({ cfgNode: "b", coherence: 0.5, utility: 0.5, uncertainty: 0.5, safetyPenalty: 0, calibrationGap: 0.5 }),
    };
    const g = new ReceptorHomeostasis({ credit: "none" }, { seed: 1, phases: liar.phases });
    expect(() => g.tick(1, liar)).toThrow(/reading.cfgNode "b" differs from its phase\(0\).cfgNode "a"/);
    g.dispose();
    expect(parseHomeostasisConfig({}).critic.explorationStd).toBe(0);
  });
});

describe("credit assignment over time (H004-B)", () => {
  it("an eligibility trace credits the outcome at t to the states at t−k..t and to no earlier one", async () => {
    await useBackend("cpu");
    const trace = new EligibilityTrace({ window: 2, decay: 0.5 });
    // State s pushes the unit vector e_s; the trace after tick t weighs each earlier state.
    const weights: number[][] = [];
    for (let t = 0; t < 5; t += 1) {
      trace.push({ g: tf.oneHot(tf.tensor1d([t], "int32"), 5).reshape([5]).cast("float32") });
      const z = trace.value();
      weights.push(Array.from((z["g"] as ReturnType<typeof tf.scalar>).dataSync()));
      tf.dispose(Object.values(z));
    }
    expect(weights[4]).toEqual([0, 0, 0.25, 0.5, 1]); // outcome at t = 4: states 2..4, decayed; state 1 gets nothing
    expect(weights[1]).toEqual([0.5, 1, 0, 0, 0]);
    trace.dispose();
    expect(() => new EligibilityTrace({ window: 1, decay: 0 })).toThrow(/decay must be in \(0, 1\]/);
  });

  it("the critic pairs a state with the mean of its next K outcomes and learns it", async () => {
    await useBackend("cpu");
    const before = tf.memory().numTensors;
    const critic = new CognitiveCritic({ inputSize: 2, hiddenUnits: 16, horizon: 2, learningRate: 0.03, replaySize: 64, batchSize: 16, seed: 3 });
    // Outcome at t is 2·x_{t−1}: the state at t−1 earns (x_{t−1}·0 … ) — the target of state s is (o_s + o_{s+1})/2 = x_{s−1} + x_s.
    const xs = Array.from({ length: 400 }, (_, t) => (t % 2 === 0 ? 1 : 0) * ((t % 7) / 7));
    for (let t = 0; t < xs.length; t += 1) {
      critic.record(new Float32Array([xs[t] as number, t > 0 ? (xs[t - 1] as number) : 0]), t > 0 ? 2 * (xs[t - 1] as number) : 0);
      critic.train();
    }
    expect(critic.replayCount).toBe(64);
    const predicted = tf.tidy(() => Array.from(critic.predict(tf.tensor2d([[0.5, 0], [0, 0.5], [0, 0]])).dataSync()));
    // state (x_s, x_{s−1}) → (2x_{s−1} + 2x_s)/2 = x_s + x_{s−1}
    expect(predicted[0]).toBeCloseTo(0.5, 1);
    expect(predicted[1]).toBeCloseTo(0.5, 1);
    expect(Math.abs(predicted[2] as number)).toBeLessThan(0.1);
    critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("reference cognitive source", () => {
  it("rewards NE in Salience, low NE in Mind-wandering and DA in Exploitation; penalises hyperarousal", () => {
    const s = new ReferenceCognitiveSource();
    const u = (phase: number, ne: number, ht: number, da: number): number => s.qualities(phase, ne, ht, da).utility;
    expect(u(0, 0.9, 0.2, 0.2)).toBeGreaterThan(u(0, 0.2, 0.8, 0.2));
    expect(u(1, 0.1, 0.8, 0.3)).toBeGreaterThan(u(1, 0.9, 0.2, 0.3));
    expect(u(2, 0.2, 0.5, 0.9)).toBeGreaterThan(u(2, 0.2, 0.5, 0.1));
    expect(s.qualities(0, 0.9, 0.5, 0.9).safetyPenalty).toBe(1); // 2·(1.8 − 1.2) = 1.2, clipped to 1
    expect(s.qualities(0, 0.3, 0.1, 0.3).safetyPenalty).toBeCloseTo(0.1, 10);
    expect(deltaRuleError(0.5, 1, 0)).toBeCloseTo(1 / 3, 12);
  });

  it("levels move toward the qualities, so a better state shows up as positive deltas", () => {
    const s = new ReferenceCognitiveSource({ phaseTicks: 100 });
    const names = ["NE", "5HT", "DA"];
    const first = s.step({ tick: 0, names, levels: [0.9, 0.2, 0.2] });
    const q = s.qualities(0, 0.9, 0.2, 0.2);
    expect(first.utility).toBeCloseTo(0.5 + 0.2 * (q.utility - 0.5), 12);
    expect(() => s.step({ tick: 0, names, levels: [0.5, 0.5, 0.5] })).toThrow(/ticks must increase, got 0 after 0/);
    expect(() => s.step({ tick: 1, names: ["NE", "DA"], levels: [0.5, 0.5] })).toThrow(/modulator 5HT is missing/);
  });
});
