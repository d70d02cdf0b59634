// The receptor simulator (E8) and the learned maps: shapes, bounds, gradients against finite
// differences, the straight-through band, on cpu and wasm. Seed 004 L3–34, L99–109, L127, L153.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { createRng, randomUniform, tf } from "@tam/tensor-backend";
import type { Rank, Scalar, Tensor, Tensor2D } from "@tam/tensor-backend";
import {
  HomeostaticMaps,
  MAP_RANGES,
  buildContext,
  contextWidths,
  createModulateParams,
  defaultReceptorLayout,
  disposeLayoutTensors,
  effLocalTotal,
  energyCost,
  layoutTensors,
  scaleGradient,
  simulateTick,
  straightThroughBand,
  validateReceptorLayout,
} from "../src/index.js";
import type { LayoutTensors, TickInputs } from "../src/index.js";
import { TEST_BACKENDS, finiteDifferenceGrad, useBackend } from "./helpers.js";

const A = 4;
const R = 6;
const N = 3;
const E = 3;

function inputs(layout: LayoutTensors, seed: number, density: Tensor2D, modulate: ReturnType<typeof createModulateParams>, load = 1.5): TickInputs {
  const rng = createRng(seed);
  return {
    density,
    sensitivity: randomUniform(rng, [A, R], { low: MAP_RANGES.sensitivity.min, high: MAP_RANGES.sensitivity.max }) as Tensor2D,
    release: randomUniform(rng, [E, N], { low: MAP_RANGES.release.min, high: MAP_RANGES.release.max }) as Tensor2D,
    load: tf.fill<Rank.R2>([A, 1], load),
    carry: randomUniform(rng, [A, N], { low: 0, high: 0.5 }) as Tensor2D,
    noise: tf.zeros<Rank.R2>([A, R]),
    timeOfDay: 0.3,
    modulate,
    muClamp: { min: 0.05, max: 0.95 },
  };
}

describe("layout", () => {
  it("maps every receptor to an NT and rejects a bad layout by field", () => {
    const layout = defaultReceptorLayout();
    expect(layout.receptors.map((r) => layout.neurotransmitters[r.nt])).toEqual(["NE", "NE", "5HT", "5HT", "DA", "DA"]);
    expect(() => validateReceptorLayout({ ...layout, receptors: [{ name: "x", nt: 7 }] })).toThrow(/receptors\[0\].nt must index a neurotransmitter \(0..2\), got 7/);
    expect(() => validateReceptorLayout({ ...layout, emitters: layout.emitters.slice(0, 2) })).toThrow(/emitters release no DA/);
  });
});

for (const backend of TEST_BACKENDS) {
  describe(`simulateTick (${backend})`, () => {
    it("keeps B̄, SatNT, S̄ and μ in range for random maps and loads (fast-check), and binds no more than is available or fits", async () => {
      await useBackend(backend);
      const layout = layoutTensors(defaultReceptorLayout());
      const modulate = createModulateParams(false);
      const before = tf.memory().numTensors;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1e6 }), fc.float({ min: 0, max: 5, noNaN: true }), (seed, load) => {
          tf.tidy(() => {
            const density = randomUniform(createRng(seed + 1), [A, R], { low: MAP_RANGES.density.min, high: MAP_RANGES.density.max }) as Tensor2D;
            const out = simulateTick(layout, inputs(layout, seed, density, modulate, load));
            const within = (t: Tensor, lo: number, hi: number): void => {
              for (const v of t.dataSync()) {
                expect(v).toBeGreaterThanOrEqual(lo);
                expect(v).toBeLessThanOrEqual(hi);
              }
            };
            within(out.bindingFraction, 0, 1);
            within(out.saturation, 0, 1);
            within(out.activity, 0, 1);
            within(out.modulators, 0.05, 0.95);
            within(out.allosteric, 0.6, 1.4);
            // bound ≤ min(available, capacity), and the carry is what stays unbound after clearance
            const slack = tf.sub(tf.minimum(out.available, out.capacity), out.bound).dataSync();
            for (const v of slack) expect(v).toBeGreaterThanOrEqual(-1e-6);
          });
        }),
        { numRuns: 25 },
      );
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([modulate.slope, modulate.phase]);
      disposeLayoutTensors(layout);
    });

    it("more load means more saturation and binding; more density means less saturation", async () => {
      await useBackend(backend);
      const layout = layoutTensors(defaultReceptorLayout());
      const modulate = createModulateParams(false);
      const [low, high, dense] = tf.tidy(() => {
        const d = tf.fill<Rank.R2>([A, R], 0.3);
        const run = (density: Tensor2D, load: number) => {
          const o = simulateTick(layout, inputs(layout, 5, density, modulate, load));
          return [tf.mean(o.saturation).dataSync()[0] as number, tf.mean(o.bindingFraction).dataSync()[0] as number];
        };
        return [run(d, 1), run(d, 3), run(tf.fill<Rank.R2>([A, R], 1), 3)];
      });
      expect(high[0]).toBeGreaterThan(low[0] as number);
      expect(high[1]).toBeGreaterThan(low[1] as number);
      expect(dense[0]).toBeLessThan(high[0] as number);
      tf.dispose([modulate.slope, modulate.phase]);
      disposeLayoutTensors(layout);
    });

    it("the gradient of Eff_local_total with respect to density matches finite differences", async () => {
      await useBackend(backend);
      const layout = layoutTensors(defaultReceptorLayout());
      const modulate = createModulateParams(false);
      const density0 = Float32Array.from({ length: A * R }, (_, i) => 0.3 + 0.5 * ((i * 7) % 11) / 11);
      // A smooth objective: the windowed terms are replaced by constants, SatNT kept away from its kink.
      const f = (density: Tensor): Tensor => {
        const o = simulateTick(layout, inputs(layout, 9, density as Tensor2D, modulate, 0.8));
        return effLocalTotal({
          activity: o.activity,
          rangeUtil: tf.zerosLike(o.activity),
          saturation: o.saturationByReceptor,
          noiseLeak: tf.zerosLike(o.activity),
          energy: energyCost(density, o.releaseFraction),
        });
      };
      const analytic = tf.tidy(() => tf.grad(f)(tf.tensor2d(density0, [A, R])).dataSync());
      const numeric = finiteDifferenceGrad(f, density0, [A, R], 1e-2);
      for (let i = 0; i < numeric.length; i += 1) expect(Math.abs((analytic[i] as number) - (numeric[i] as number))).toBeLessThan(2e-2 + 0.05 * Math.abs(numeric[i] as number));
      tf.dispose([modulate.slope, modulate.phase]);
      disposeLayoutTensors(layout);
    });

    it("straightThroughBand is the exact indicator with a pull-into-band gradient; scaleGradient scales only the gradient", async () => {
      await useBackend(backend);
      const s = [0.1, 0.3, 0.5, 0.7, 0.9];
      const value = tf.tidy(() => Array.from(straightThroughBand(tf.tensor1d(s), 0.3, 0.7, 0.05).dataSync()));
      expect(value).toEqual([0, 1, 1, 1, 0]);
      const grad = tf.tidy(() => Array.from(tf.grad((x: Tensor) => tf.sum(straightThroughBand(x, 0.3, 0.7, 0.05)))(tf.tensor1d(s)).dataSync()));
      expect(grad[0]).toBeCloseTo(2.5, 5); // below: +1/(high − low)
      expect(grad[4]).toBeCloseTo(-2.5, 5); // above
      expect(Math.abs(grad[2] as number)).toBeLessThan(1e-3); // centre of the band: flat
      const scaled = tf.tidy(() => {
        const x = tf.tensor1d([1, 2]);
        return [Array.from(scaleGradient(x, 3).dataSync()), Array.from(tf.grad((y: Tensor) => tf.sum(scaleGradient(y, 3)))(x).dataSync())];
      });
      expect(scaled).toEqual([[1, 2], [3, 3]]);
    });

    it("maps stay inside their sigmoid ranges and their gradient reaches every variable", async () => {
      await useBackend(backend);
      const widths = contextWidths(A, R, N, 3);
      const maps = new HomeostaticMaps({ perAreaFeatures: widths.perArea, globalFeatures: widths.global, receptors: R, emitters: E, neurotransmitters: N, hiddenUnits: 8 }, 4);
      const before = tf.memory().numTensors;
      const ctx = tf.tidy(() =>
        buildContext(
          { ntLevels: tf.fill<Rank.R2>([A, N], 0.4), binding: tf.fill<Rank.R2>([A, R], 0.5), activity: tf.fill<Rank.R2>([A, R], 0.6) },
          [0.3, 0.5, 0.7],
          0.2,
          1,
          3,
          0.25,
        ),
      );
      const ranges = tf.tidy(() => {
        const out = maps.forward(ctx.perArea, ctx.global, tf.fill<Rank.R2>([E, N], 50));
        return [out.density, out.sensitivity, out.release].map((t) => [tf.min(t).dataSync()[0] as number, tf.max(t).dataSync()[0] as number]);
      });
      expect(ranges[0]?.[0]).toBeGreaterThanOrEqual(MAP_RANGES.density.min);
      expect(ranges[1]?.[1]).toBeLessThanOrEqual(MAP_RANGES.sensitivity.max);
      expect(ranges[2]?.[1]).toBeLessThanOrEqual(MAP_RANGES.release.max);
      const { value, grads } = tf.variableGrads(() => {
        const out = maps.forward(ctx.perArea, ctx.global);
        return tf.add<Scalar>(tf.sum(tf.mul(out.density, out.sensitivity)), tf.sum(out.release));
      }, Object.values(maps.variables()));
      for (const v of Object.values(maps.variables())) expect(grads[v.name], v.name).toBeDefined();
      tf.dispose([value, ...Object.values(grads), ctx.perArea, ctx.global]);
      expect(tf.memory().numTensors).toBe(before);
      maps.dispose();
    });
  });
}
