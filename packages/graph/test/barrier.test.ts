// Barrier, complexity proxy and tokens (seed 002 L746-766, L967-968; SEED-INVENTORY §4.4, H002-D, C-4, D-11,
// D-12; ADR 0402, 0403): γ's shape and clip, gradients vs finite differences, the negative-loss rejection,
// the trainer's LC gradient and hard clip, the budget law's invariants, CGPT, and the SuperGraph schedule (D-4).
import { createRng, tf, type Scalar } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BARRIER_EPSILON,
  CgptTracker,
  GraphTrainer,
  SuperGraph,
  barrierDamping,
  barrierGamma,
  barrierGammaTensor,
  coupledOscillators,
  distributeTokens,
  dynamicsGraph,
  effectiveVelocity,
  lcObjective,
  lcObjectiveValue,
  moduleComplexity,
  moduleComplexityValue,
  nonNegativeLoss,
  sampleSystem,
  smoothCount,
  trainerOptimiser,
  trajectory,
} from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

describe("γ(C) on numbers", () => {
  it("is ≈ 1/scale far from the limit, increasing in C, clipped at γ_max = 1/(scale·√ε) at and beyond it", () => {
    expect(barrierGamma(0, 10)).toBe(1);
    expect(barrierGamma(0.1, 10, { scale: 2 })).toBeCloseTo(0.5, 4);
    expect(barrierGamma(10, 10)).toBeCloseTo(1 / Math.sqrt(BARRIER_EPSILON), 6);
    expect(barrierGamma(1e6, 10)).toBe(barrierGamma(10, 10));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0.1, max: 5, noNaN: true }), (a, b, scale) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(barrierGamma(hi, 10, { scale })).toBeGreaterThanOrEqual(barrierGamma(lo, 10, { scale }));
        expect(barrierGamma(hi, 10, { scale })).toBeLessThanOrEqual(1 / (scale * Math.sqrt(BARRIER_EPSILON)) + 1e-9);
      }),
    );
    expect(effectiveVelocity(3, 4)).toBe(0.75);
    expect(barrierDamping(barrierGamma(0, 5))).toBe(1);
    expect(barrierDamping(barrierGamma(5, 5))).toBeCloseTo(Math.sqrt(BARRIER_EPSILON), 9);
  });

  it("rejects bad limits and, for the LC objective, a negative task loss naming the value (D-12)", () => {
    expect(() => barrierGamma(1, 0)).toThrow(/token limit/);
    expect(() => lcObjectiveValue(-0.25, 1, 10)).toThrow(/got -0.25/);
    expect(lcObjectiveValue(2, 6, 10)).toBeCloseTo(2 / 0.8, 9);
  });
});

describe.each(BACKENDS)("barrier tensors on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("γ tensor matches the number form; d(L·γ)/dC matches finite differences below the limit", () => {
    for (const c of [0.5, 3, 7.5, 9.5]) {
      const g = tf.tidy(() => barrierGammaTensor(tf.scalar(c), 10).dataSync()[0] as number);
      expect(g).toBeCloseTo(barrierGamma(c, 10), 4);
      const grad = tf.tidy(() => tf.grad((x) => lcObjective(nonNegativeLoss(tf.scalar(2)), barrierGammaTensor(x as Scalar, 10)))(tf.scalar(c)).dataSync()[0] as number);
      const h = 1e-3;
      const fd = (lcObjectiveValue(2, c + h, 10) - lcObjectiveValue(2, c - h, 10)) / (2 * h);
      expect(grad).toBeCloseTo(fd, 1);
      expect(Math.abs(grad - fd) / Math.abs(fd)).toBeLessThan(2e-2);
    }
  });

  it("nonNegativeLoss rejects a negative loss with its value", () => {
    expect(() => tf.tidy(() => nonNegativeLoss(tf.scalar(-1.5)))).toThrow(/got -1.5/);
  });

  it("the smooth count approaches the active count and its gradient matches finite differences (D-11)", () => {
    const big = tf.tidy(() => smoothCount(tf.tensor1d([5, -3, 0, 0, 2]), 0.02).dataSync()[0] as number);
    expect(big).toBeCloseTo(3, 3);
    const theta = [0.01, -0.03, 0.05];
    const grad = tf.tidy(() => Array.from(tf.grad((x) => smoothCount(x, 0.02))(tf.tensor1d(theta)).dataSync()));
    theta.forEach((t, i) => {
      const f = (v: number): number => (v * v) / (v * v + 0.0004);
      const fd = (f(t + 1e-4) - f(t - 1e-4)) / 2e-4;
      expect(Math.abs((grad[i] as number) - fd) / Math.abs(fd)).toBeLessThan(2e-2);
    });
  });

  it("the trainer's LC gradient step equals Adam on the finite-difference gradient of L_task·mean γ (first step)", () => {
    // With Adam's first step, Δθ = -lr·sign(g) (up to ε): compare the signs of the analytic LC gradient,
    // recovered from the step, with finite differences of the objective.
    const system = coupledOscillators(2);
    const t = sampleSystem(system, { x0: [1, 0, -0.5, 0.3], steps: 60, dt: 0.05 }, createRng(1));
    const { graph, observed } = dynamicsGraph({ groups: [{ node: "o0", columns: [0, 1] }, { node: "o1", columns: [2, 3] }] }, createRng(2));
    // Put the parameters near the barrier so the γ term matters.
    for (const m of graph.allModules()) {
      tf.tidy(() => {
        for (const v of m.node.stateFunction?.trainableVariables() ?? []) v.assign(tf.mul(tf.randomNormal(v.shape, 0, 1, "float32", 5), 0.05));
      });
      m.tokenLimit = tf.tidy(() => (moduleComplexity(m).dataSync()[0] as number) + 0.5);
    }
    const trainer = new GraphTrainer(graph, [t], { observed, batchSize: 8, trainEdges: false, trainUpdateFrequencies: false, learningRate: 1e-4, barrier: { hardClip: false } }, createRng(3));
    const v = graph.allModules()[0]?.node.stateFunction?.trainableVariables()[0];
    if (v === undefined) throw new Error("no variable");
    const before = Array.from(v.dataSync());
    // The objective the trainer will see, by finite differences: a trainer seeded alike draws the same batch.
    const objectiveAt = (values: number[]): number => {
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      const probeRng = new GraphTrainer(graph, [t], { observed, batchSize: 8, trainEdges: false, trainUpdateFrequencies: false, learningRate: 1e-9 }, createRng(3));
      const task = probeRng.step().taskLoss;
      probeRng.dispose();
      const gammas = graph.allModules().map((m) => barrierGamma(tf.tidy(() => moduleComplexity(m).dataSync()[0] as number), m.tokenLimit));
      return task * (gammas.reduce((s, g) => s + g, 0) / gammas.length);
    };
    const fd = before.map((_, i) => {
      const h = 1e-3;
      const up = [...before];
      const down = [...before];
      up[i] = (up[i] as number) + h;
      down[i] = (down[i] as number) - h;
      return (objectiveAt(up) - objectiveAt(down)) / (2 * h);
    });
    tf.tidy(() => v.assign(tf.tensor(before, v.shape)));
    trainer.step();
    const after = Array.from(v.dataSync());
    let agree = 0;
    let counted = 0;
    fd.forEach((g, i) => {
      if (Math.abs(g) < 1e-4) return;
      counted += 1;
      if (Math.sign((after[i] as number) - (before[i] as number)) === -Math.sign(g)) agree += 1;
    });
    expect(counted).toBeGreaterThan(3);
    expect(agree).toBe(counted);
    trainer.dispose();
    graph.dispose();
  });

  it("under the hard clip, complexity never exceeds the limit while it grows toward it", () => {
    const system = coupledOscillators(2);
    const t = sampleSystem(system, { x0: [1, 0, -0.5, 0.3], steps: 100, dt: 0.05 }, createRng(1));
    const { graph, observed } = dynamicsGraph({ groups: [{ node: "o0", columns: [0, 1] }, { node: "o1", columns: [2, 3] }] }, createRng(2));
    for (const m of graph.allModules()) m.tokenLimit = 4;
    const trainer = new GraphTrainer(graph, [t], { observed, learningRate: 0.02, trainUpdateFrequencies: false, barrier: {} }, createRng(3));
    let peak = 0;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 80; i += 1) for (const m of trainer.step().modules) peak = Math.max(peak, m.complexity / m.limit);
    expect(tf.memory().numTensors).toBe(before);
    expect(peak).toBeLessThanOrEqual(1);
    expect(peak).toBeGreaterThan(0.8);
    trainer.dispose();
    graph.dispose();
  });
});

describe("tokens", () => {
  it("distributeTokens: limits sum to the total and never fall below complexity (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.double({ min: 0, max: 5, noNaN: true }), g: fc.double({ min: 0, max: 3, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (rows, extra) => {
          const total = rows.reduce((s, r) => s + r.c, 0) + extra + 1e-6;
          const first = distributeTokens(rows.map((r, i) => ({ id: `m${i}`, complexity: r.c, limit: Infinity, gain: r.g })), total);
          const second = distributeTokens(rows.map((r, i) => ({ id: `m${i}`, complexity: r.c, limit: first.get(`m${i}`) as number, gain: r.g })), total);
          for (const limits of [first, second]) {
            expect([...limits.values()].reduce((s, v) => s + v, 0)).toBeCloseTo(total, 6);
            rows.forEach((r, i) => expect(limits.get(`m${i}`) as number).toBeGreaterThanOrEqual(r.c - 1e-9));
          }
        },
      ),
    );
    expect(() => distributeTokens([{ id: "a", complexity: 5, limit: 5, gain: 0 }], 4)).toThrow(/above the total/);
  });

  it("gives more free tokens to the module with the larger marginal gain", () => {
    const limits = distributeTokens(
      [
        { id: "a", complexity: 2, limit: Infinity, gain: 3 },
        { id: "b", complexity: 1, limit: Infinity, gain: 1 },
      ],
      10,
    );
    expect(limits.get("a")).toBeCloseTo(2 + 7 * (0.05 + 0.9 * 0.75), 9);
    expect(limits.get("b")).toBeCloseTo(1 + 7 * (0.05 + 0.9 * 0.25), 9);
  });

  it("CGPT is −ΔL/ΔC over the window", () => {
    const cgpt = new CgptTracker(2);
    expect(Number.isNaN(cgpt.value())).toBe(true);
    cgpt.push(1, 0);
    cgpt.push(0.8, 1);
    cgpt.push(0.5, 2);
    expect(cgpt.value()).toBeCloseTo(0.25, 9);
  });
});

describe("SuperGraph schedule (D-4)", () => {
  beforeAll(() => useBackend("wasm"));

  it("runs rounds after warm-up every k steps and sets optimized when the schedule ends", () => {
    const { graph } = dynamicsGraph({ groups: [{ node: "a", columns: [0] }] }, createRng(1));
    const rounds: number[] = [];
    const sg = new SuperGraph(graph, { schedule: { warmupSteps: 2, every: 3, maxRounds: 2 }, optimiser: (_g, round) => (rounds.push(round), 1 / (round + 1)) });
    const ran = Array.from({ length: 12 }, () => sg.step());
    expect(ran.map((r) => (r ? 1 : 0))).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(rounds).toEqual([0, 1]);
    expect(sg.optimized).toBe(true);
    expect(sg.status).toBe("optimised");
    const stale = new SuperGraph(graph, { schedule: { patience: 2 }, optimiser: () => 1 });
    for (let i = 0; i < 5; i += 1) stale.step();
    expect(stale.roundCount).toBe(3);
    expect(stale.optimized).toBe(true);
    expect(() => trainerOptimiser({} as never, 0)).toThrow(/steps/);
    graph.dispose();
  });
});

describe("routing damping by the barrier (ADR 0403)", () => {
  beforeAll(() => useBackend("wasm"));

  it("multiplies the messages into a limited module by 1/γ when barrier.routing is on, in evaluation and rollout", () => {
    const before = tf.memory().numTensors;
    const { graph, observed } = dynamicsGraph({ groups: [{ node: "a", columns: [0] }, { node: "b", columns: [1] }] }, createRng(1));
    const a = graph.module("a");
    // v_eff = 0.8 → γ = 1/0.6 → gate 0.6; b has no limit and is not damped.
    a.tokenLimit = moduleComplexityValue(a) / 0.8;
    const data = trajectory(Float64Array.from({ length: 16 }, (_, i) => i + 1), 2, 1);
    const damped = new GraphTrainer(graph, [data], { observed, barrier: { routing: true } }, createRng(2));
    const plain = new GraphTrainer(graph, [data], { observed, barrier: {} }, createRng(2));
    const [d] = damped.rollout(data, [0], 1);
    const [p] = plain.rollout(data, [0], 1);
    // Untrained identity-first state functions: a's next state is its (gated) self message, 11 (row 5, column 0).
    expect(p?.[0]).toBeCloseTo(11, 5);
    expect(d?.[0]).toBeCloseTo(0.6 * 11, 4);
    expect(d?.[1]).toBeCloseTo(p?.[1] as number, 6);
    expect(damped.oneStepError([data]).nmse).toBeGreaterThan(plain.oneStepError([data]).nmse);
    damped.dispose();
    plain.dispose();
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
