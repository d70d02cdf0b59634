import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { DenseStackTrainer } from "../../src/fast/dense-stack.js";
import { seeded, useBackend } from "./helpers.js";

interface Problem {
  sizes: number[];
  batch: number;
  kernels: Float32Array[];
  biases: Float32Array[];
  x: Float32Array;
  t: Float32Array;
}

function problem(sizes: number[], batch: number, seed: number): Problem {
  const rnd = seeded(seed);
  const u = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);
  const layers = sizes.slice(1).map((nOut, l) => ({ nIn: sizes[l] as number, nOut }));
  return {
    sizes,
    batch,
    kernels: layers.map(({ nIn, nOut }) => u(nIn * nOut, Math.sqrt(6 / nIn))),
    biases: layers.map(({ nOut }) => u(nOut, 0.1)),
    x: u(batch * (sizes[0] as number), 1),
    t: u(batch * (sizes[sizes.length - 1] as number), 1),
  };
}

/** The same training with plain tfjs autodiff and tf.train.adam: losses and final parameters. */
function vanilla(p: Problem, steps: number, relu: boolean, lr: number) {
  return tf.tidy(() => {
    const ws = p.kernels.map((k, l) => tf.variable(tf.tensor2d(k, [p.sizes[l] as number, p.sizes[l + 1] as number])));
    const bs = p.biases.map((b) => tf.variable(tf.tensor1d(b)));
    const x = tf.tensor2d(p.x, [p.batch, p.sizes[0] as number]);
    const t = tf.tensor2d(p.t, [p.batch, p.sizes[p.sizes.length - 1] as number]);
    const opt = tf.train.adam(lr);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const loss = opt.minimize(() => {
        let h: tf.Tensor2D = x;
        ws.forEach((w, l) => {
          h = tf.add(tf.matMul(h, w), bs[l] as tf.Variable);
          if (relu && l < ws.length - 1) h = tf.relu(h);
        });
        return tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(t, h);
      }, true);
      losses.push(loss?.dataSync()[0] ?? NaN);
    }
    const out = { losses, kernels: ws.map((w) => w.dataSync().slice()), biases: bs.map((b) => b.dataSync().slice()) };
    opt.dispose();
    tf.dispose([...ws, ...bs]);
    return out;
  });
}

/**
 * Largest |a - b| in units of the tolerance `relative·|b| + absolute`. The absolute part matters for
 * weights near zero, where Adam's ±lr steps on near-zero gradients make a relative difference meaningless.
 */
function maxScaledDiff(a: Float32Array, b: Float32Array, relative: number, absolute: number): number {
  let worst = 0;
  a.forEach((v, i) => {
    const w = b[i] ?? NaN;
    worst = Math.max(worst, Math.abs(v - w) / (relative * Math.abs(w) + absolute));
  });
  return worst;
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`DenseStackTrainer matches tfjs autodiff + tf.train.adam (${backend})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    const cases = [
      { name: "the benchmark MLP 16-128-128-8, batch 256", sizes: [16, 128, 128, 8], batch: 256, relu: true, steps: 8 },
      { name: "odd sizes 5-7-3 at batch 6 (kernel tails)", sizes: [5, 7, 3], batch: 6, relu: true, steps: 12 },
      { name: "a linear stack 3-9-10-2 at batch 5", sizes: [3, 9, 10, 2], batch: 5, relu: false, steps: 12 },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const p = problem(c.sizes, c.batch, 17);
        const lr = 0.01;
        const ref = vanilla(p, c.steps, c.relu, lr);
        const net = new DenseStackTrainer({
          sizes: c.sizes,
          kernels: p.kernels,
          biases: p.biases,
          hiddenActivation: c.relu ? "relu" : "linear",
          adam: { learningRate: lr },
        });
        const losses = Array.from({ length: c.steps }, () => net.trainStep(p.x, p.t, p.batch));
        expect(net.step).toBe(c.steps);
        losses.forEach((l, i) => expect(Math.abs(l - (ref.losses[i] ?? NaN))).toBeLessThan(1e-4 * (1 + Math.abs(l))));
        // Training must actually move the loss.
        expect(losses[losses.length - 1]).toBeLessThan((losses[0] ?? 0) * 0.99);
        const params = net.getParams();
        // Within 0.2% of each weight, or a tenth of one Adam step (lr) for weights near zero.
        params.kernels.forEach((k, l) => expect(maxScaledDiff(k, ref.kernels[l] as Float32Array, 2e-3, 0.1 * lr)).toBeLessThan(1));
        params.biases.forEach((b, l) => expect(maxScaledDiff(b, ref.biases[l] as Float32Array, 2e-3, 0.1 * lr)).toBeLessThan(1));
      });
    }
  });
}

describe("DenseStackTrainer", () => {
  it("predict equals the tfjs forward pass", () => {
    const p = problem([4, 12, 3], 9, 3);
    const net = new DenseStackTrainer({ sizes: p.sizes, kernels: p.kernels, biases: p.biases });
    const y = net.predict(p.x, p.batch);
    const ref = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(tf.tensor2d(p.x, [9, 4]), tf.tensor2d(p.kernels[0] as Float32Array, [4, 12])), p.biases[0] as Float32Array));
      return tf.add(tf.matMul(h, tf.tensor2d(p.kernels[1] as Float32Array, [12, 3])), p.biases[1] as Float32Array).dataSync() as Float32Array;
    });
    expect(maxScaledDiff(y, ref, 1e-5, 1e-7)).toBeLessThan(1);
    // A larger batch after a smaller one re-lays the buffers out.
    const big = problem([4, 12, 3], 40, 3);
    expect(net.predict(big.x, 40).length).toBe(120);
  });

  it("rejects bad configs and inputs with errors naming the problem", () => {
    const p = problem([4, 6, 2], 3, 1);
    expect(() => new DenseStackTrainer({ sizes: [4], kernels: [] })).toThrow(/sizes must be at least two positive integers/);
    expect(() => new DenseStackTrainer({ sizes: [4, 6, 2], kernels: [p.kernels[0] as Float32Array] })).toThrow(/expected 2 kernels/);
    expect(() => new DenseStackTrainer({ sizes: [4, 6, 2], kernels: [p.kernels[1] as Float32Array, p.kernels[1] as Float32Array] })).toThrow(
      /kernels\[0\] must have 4x6 = 24 values, got 12/,
    );
    expect(() => new DenseStackTrainer({ sizes: [4, 6, 2], kernels: p.kernels, adam: { beta1: 1 } })).toThrow(/adam.beta1 is out of range/);
    const net = new DenseStackTrainer({ sizes: [4, 6, 2], kernels: p.kernels });
    expect(() => net.trainStep(p.x, p.t, 4)).toThrow(/x must have batch x 4 = 16 values, got 12/);
    expect(() => net.trainStep(p.x, new Float32Array(5), 3)).toThrow(/target must have batch x 2 = 6 values, got 5/);
    expect(() => net.predict(p.x, 0)).toThrow(/batch must be a positive integer/);
  });
});
