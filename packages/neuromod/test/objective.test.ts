// The objective's optional parts do what they claim: Form B's parameter penalties (seed 004 L157–160,
// DESIGN.md C-17) hold the parameters back, the learnable modulate parameters (L73) get gradients that
// match finite differences and move against them; empty windows are rejected by name (issue 10);
// the reference task's optimal profile per phase (ADR 0508).
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createRng, randomUniform, tf } from "@tam/tensor-backend";
import type { Rank, Scalar, Tensor, Tensor1D, Tensor2D } from "@tam/tensor-backend";
import {
  MAP_RANGES,
  ReceptorHomeostasis,
  ReferenceCognitiveSource,
  allostericFactor,
  buildContext,
  createModulateParams,
  defaultReceptorLayout,
  disposeLayoutTensors,
  driftPenalty,
  effLocalTotal,
  homeostasisDeviation,
  layoutTensors,
  noiseLeak,
  parameterPenalty,
  rangeDeviation,
  rangeUtilization,
  simulateTick,
  smoothness,
} from "../src/index.js";
import type { HomeostasisConfigInput } from "../src/index.js";
import { TEST_BACKENDS, useBackend } from "./helpers.js";

const A = 4;
const R = 6;
const N = 3;
const E = 3;

/** Train `ticks` ticks under a load step; return the trainable variables' values before and after every tick. */
function trainedParameters(config: HomeostasisConfigInput, ticks: number): Float32Array[] {
  const source = new ReferenceCognitiveSource();
  const h = new ReceptorHomeostasis(config, { seed: 7, phases: source.phases });
  const snapshot = (): Float32Array => {
    const parts = Object.values(h.trainableVariables()).map((v) => v.dataSync() as Float32Array);
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
  const out = [snapshot()];
  try {
    for (let t = 0; t < ticks; t += 1) {
      h.tick(t < 10 ? 1 : 2, source);
      out.push(snapshot());
    }
  } finally {
    h.dispose();
  }
  return out;
}

function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s);
}

describe("Form B parameter penalties (wasm)", () => {
  it("parameterPenalty is anchor·‖θ − θ0‖² + temporal·‖θ − θprev‖² with gradient 2·(anchor·(θ − θ0) + temporal·(θ − θprev))", async () => {
    await useBackend("cpu");
    const theta = tf.variable(tf.tensor1d([1, -2, 0.5]), true, "formB-theta");
    const anchor = { theta: tf.tensor1d([0, 0, 0]) };
    const previous = { theta: tf.tensor1d([1, -1, 1]) };
    const weights = { anchor: 0.5, temporal: 2 };
    // 0.5·(1 + 4 + 0.25) + 2·(0 + 1 + 0.25) = 2.625 + 2.5
    const value = tf.tidy(() => parameterPenalty({ theta }, anchor, previous, weights).dataSync()[0] as number);
    expect(value).toBeCloseTo(5.125, 5);
    const { value: v, grads } = tf.variableGrads(() => parameterPenalty({ theta }, anchor, previous, weights) as Scalar, [theta]);
    expect(Array.from((grads[theta.name] as Tensor).dataSync())).toEqual([1, -6, -1.5]);
    expect(() => parameterPenalty({ theta }, {}, previous, weights)).toThrow(/no anchor or previous value for "theta"/);
    tf.dispose([v, ...Object.values(grads), theta, anchor.theta, previous.theta]);
  });

  it("the anchor term keeps the parameters nearer their start, and the temporal term shrinks the per-tick steps, compared with Form A alone", async () => {
    await useBackend("wasm");
    const ticks = 40;
    const formA = trainedParameters({ credit: "none" }, ticks);
    const anchored = trainedParameters({ credit: "none", formB: { anchor: 5, temporal: 0 } }, ticks);
    const temporal = trainedParameters({ credit: "none", formB: { anchor: 0, temporal: 50 } }, ticks);
    expect(distance(anchored[0] as Float32Array, formA[0] as Float32Array)).toBe(0); // same start
    const fromStart = (run: Float32Array[]): number => distance(run[ticks] as Float32Array, run[0] as Float32Array);
    expect(fromStart(anchored)).toBeLessThan(0.8 * fromStart(formA));
    const meanStep = (run: Float32Array[]): number => run.slice(1).reduce((s, p, i) => s + distance(p, run[i] as Float32Array), 0) / ticks;
    expect(meanStep(temporal)).toBeLessThan(0.8 * meanStep(formA));
  }, 300_000);
});

for (const backend of TEST_BACKENDS) {
  describe(`learnable modulate parameters (${backend})`, () => {
    it("the gradient of S̄ through the modulate function with respect to slope and phase matches finite differences", async () => {
      await useBackend(backend);
      const layout = layoutTensors(defaultReceptorLayout());
      const modulate = createModulateParams(true);
      const rng = createRng(11);
      const fixed = tf.tidy(() => ({
        density: tf.keep(randomUniform(rng, [A, R], { low: 0.3, high: 0.9 }) as Tensor2D),
        sensitivity: tf.keep(randomUniform(rng, [A, R], { low: MAP_RANGES.sensitivity.min, high: MAP_RANGES.sensitivity.max }) as Tensor2D),
        release: tf.keep(randomUniform(rng, [E, N], { low: 0.1, high: 1.4 }) as Tensor2D),
        carry: tf.keep(randomUniform(rng, [A, N], { low: 0, high: 0.5 }) as Tensor2D),
        weights: tf.keep(randomUniform(rng, [A, R], { low: -1, high: 1 })),
      }));
      // A smooth scalar of S̄ with mixed signs, so both parameters' gradients are far from zero.
      const objective = (slope: Tensor, phase: Tensor): Scalar =>
        tf.sum<Scalar>(
          tf.mul(
            fixed.weights,
            simulateTick(layout, {
              density: fixed.density,
              sensitivity: fixed.sensitivity,
              release: fixed.release,
              load: tf.fill<Rank.R2>([A, 1], 1.3),
              carry: fixed.carry,
              noise: tf.zeros<Rank.R2>([A, R]),
              timeOfDay: 0.3,
              modulate: { slope: slope as Scalar, phase: phase as Scalar },
              muClamp: { min: 0.05, max: 0.95 },
            }).activity,
          ),
        );
      const { value, grads } = tf.variableGrads(() => objective(modulate.slope, modulate.phase), [modulate.slope, modulate.phase]);
      const analytic = [modulate.slope, modulate.phase].map((v) => (grads[v.name] as Tensor).dataSync()[0] as number);
      const eps = 1e-2;
      const at = (slope: number, phase: number): number => tf.tidy(() => objective(tf.scalar(slope), tf.scalar(phase)).dataSync()[0] as number);
      const numeric = [(at(2 + eps, 0) - at(2 - eps, 0)) / (2 * eps), (at(2, eps) - at(2, -eps)) / (2 * eps)];
      numeric.forEach((n, i) => {
        expect(Math.abs(n)).toBeGreaterThan(1e-3);
        expect(Math.abs((analytic[i] as number) - n)).toBeLessThan(1e-3 + 0.03 * Math.abs(n));
      });
      tf.dispose([value, ...Object.values(grads), ...Object.values(fixed), modulate.slope, modulate.phase]);
      disposeLayoutTensors(layout);
    });
  });
}

describe("learnable modulate parameters in training (wasm)", () => {
  it("one training tick moves slope and phase against the finite-difference slope of the tick's loss (Adam's first step: −lr·sign)", async () => {
    await useBackend("wasm");
    const source = new ReferenceCognitiveSource();
    // Only S̄ and the stabilisers count, so the tick's loss is smooth in slope and phase.
    const config: HomeostasisConfigInput = {
      credit: "none",
      learnModulate: true,
      learningRate: 0.01,
      localWeights: { activity: 1, rangeUtil: 0, saturation: 0, noiseLeak: 0, energy: 0 },
      lambdas: { smooth: 5, drift: 0.5, homeostasis: 0 },
    };
    const h = new ReceptorHomeostasis(config, { seed: 3, phases: source.phases });
    const start = h.modulateParameters();
    const eps = 0.05;
    const lossAt = (params: { slope: number; phase: number }): number => {
      const probe = h.clone({ train: false });
      probe.setModulateParameters(params);
      const loss = probe.tick(1.4, source.clone()).loss;
      probe.dispose();
      return loss;
    };
    const dSlope = (lossAt({ ...start, slope: start.slope + eps }) - lossAt({ ...start, slope: start.slope - eps })) / (2 * eps);
    const dPhase = (lossAt({ ...start, phase: start.phase + eps }) - lossAt({ ...start, phase: start.phase - eps })) / (2 * eps);
    expect(Math.abs(dSlope)).toBeGreaterThan(1e-4);
    expect(Math.abs(dPhase)).toBeGreaterThan(1e-4);
    h.tick(1.4, source);
    const after = h.modulateParameters();
    expect(after.slope - start.slope).toBeCloseTo(-0.01 * Math.sign(dSlope), 4);
    expect(after.phase - start.phase).toBeCloseTo(-0.01 * Math.sign(dPhase), 4);
    expect(() => h.setModulateParameters({ slope: Number.NaN, phase: 0 })).toThrow(/setModulateParameters: slope must be finite, got NaN/);
    h.dispose();
  });
});

describe("empty windows are rejected by name (wasm reductions over empty axes are uninitialised)", () => {
  it("every reducing public function throws naming the empty field", async () => {
    await useBackend("wasm");
    const empty = tf.zeros([0, 3]);
    const ok = tf.ones([2, 3]);
    const mu = tf.ones([3]);
    const noMu = tf.zeros([0]);
    expect(() => rangeUtilization(empty, 0.3, 0.7)).toThrow(/rangeUtilization: window must have ≥ 1 entry on axis 0/);
    expect(() => noiseLeak(empty, empty)).toThrow(/noiseLeak: observed must have ≥ 1 entry on axis 0/);
    expect(() => smoothness([ok, empty], [ok, empty])).toThrow(/smoothness: current\[1\] must not be empty/);
    expect(() => driftPenalty([empty], 0.5)).toThrow(/driftPenalty: averages\[0\] must not be empty/);
    expect(() => rangeDeviation(empty, 0, 1)).toThrow(/rangeDeviation: x must not be empty/);
    expect(() => homeostasisDeviation(empty, mu)).toThrow(/homeostasisDeviation: activity must have ≥ 1 entry on axis 0/);
    expect(() => homeostasisDeviation(ok, noMu)).toThrow(/homeostasisDeviation: modulators must not be empty/);
    expect(() => effLocalTotal({ activity: empty, rangeUtil: empty, saturation: empty, noiseLeak: empty, energy: empty })).toThrow(/effLocalTotal: terms.activity must not be empty/);
    const modulate = createModulateParams(false);
    expect(() => allostericFactor(noMu as Tensor1D, empty as Tensor2D, 0, modulate)).toThrow(/allostericFactor: mu must have ≥ 1 entry on axis 0/);
    const noAreas = { ntLevels: tf.zeros<Rank.R2>([0, N]), binding: tf.zeros<Rank.R2>([0, R]), activity: tf.zeros<Rank.R2>([0, R]) };
    expect(() => buildContext(noAreas, [0.5, 0.5, 0.5], 0, 0, 1, 0)).toThrow(/buildContext: state.ntLevels must have ≥ 1 entry on axis 0/);
    const theta = tf.variable(tf.zeros([0]), true, "empty-theta");
    expect(() => parameterPenalty({ theta }, { theta }, { theta }, { anchor: 1, temporal: 0 })).toThrow(/parameterPenalty: params.theta must not be empty/);
    const layout = layoutTensors(defaultReceptorLayout());
    const tick = {
      density: tf.zeros<Rank.R2>([0, R]),
      sensitivity: tf.zeros<Rank.R2>([0, R]),
      release: tf.zeros<Rank.R2>([E, N]),
      load: tf.zeros<Rank.R2>([0, 1]),
      carry: tf.zeros<Rank.R2>([0, N]),
      noise: tf.zeros<Rank.R2>([0, R]),
      timeOfDay: 0,
      modulate,
      muClamp: { min: 0.05, max: 0.95 },
    };
    expect(() => simulateTick(layout, tick)).toThrow(/simulateTick: density must have ≥ 1 entry on axis 0/);
    disposeLayoutTensors(layout);
    tf.dispose([empty, ok, mu, noMu, theta, modulate.slope, modulate.phase, ...Object.values(noAreas), tick.density, tick.sensitivity, tick.release, tick.load, tick.carry, tick.noise]);
    expect(() => new ReceptorHomeostasis({ windowTicks: 1 }, { seed: 1, phases: ["p"] })).toThrow(/parseHomeostasisConfig: config windowTicks = 1: /);
  });
});

describe("the reference task's optimal profile per phase (ADR 0508)", () => {
  const source = new ReferenceCognitiveSource();
  const optima = [0, 1, 2].map((p) => source.optimalProfile(p));

  it("profileObjective is levelRate·(c + u − h − g) − penalty, checked by hand at one point", () => {
    const q = source.qualities(1, 0.4, 0.6, 0.3);
    expect(source.profileObjective(1, [0.4, 0.6, 0.3])).toBeCloseTo(0.2 * (q.coherence + q.utility - q.uncertainty - q.calibrationGap) - q.safetyPenalty, 12);
    expect(() => source.profileObjective(3, [0.5, 0.5, 0.5])).toThrow(/qualities: phaseIndex must be an integer in \[0, 2\], got 3/);
    expect(() => source.profileObjective(0, [0.5, 1.5, 0.5])).toThrow(/levels must be \[NE, 5HT, DA\] in \[0, 1\]/);
  });

  it("no grid point of the clamp beats the optimum (fast-check), and the optimum follows the seed's direction", () => {
    const grid = fc.integer({ min: 5, max: 95 }).map((i) => i / 100);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), grid, grid, grid, (p, ne, ht, da) => {
        expect(source.profileObjective(p, [ne, ht, da])).toBeLessThanOrEqual((optima[p]?.value ?? Number.NaN) + 1e-12);
      }),
    );
    const [salience, mindWandering, exploitation] = optima.map((o) => o.levels);
    // Seed L143: more NE during Salience, more 5HT during Mind-wandering; DA helps Exploitation's decisions.
    expect(salience?.[0]).toBeGreaterThan((mindWandering?.[0] ?? 1) + 0.3);
    expect(mindWandering?.[1]).toBeGreaterThan((salience?.[1] ?? 1) + 0.3);
    expect(exploitation?.[2]).toBeGreaterThanOrEqual(0.9);
    expect(() => source.optimalProfile(0, { step: 0 })).toThrow(/optimalProfile: step must be in/);
  });
});
