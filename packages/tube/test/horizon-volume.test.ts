// Stop head E[T] (ADR 0202) and the volume terms (000 L121–153: log-vol, options A, B, C).
import { tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { expectedHorizon, horizonNll, logVolume, relativeLogVolume, volumeBarrier, volumeChangePenalty } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe.each(BACKENDS)("horizon and volume on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("E[T] = Σ_t Π_{u≤t} (1 − h_u), within [0, T], decreasing in every stop logit", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 1, maxLength: 10 }), fc.nat({ max: 9 }), (logits, at) => {
        let survival = 1;
        let expected = 0;
        for (const x of logits) {
          survival *= 1 - sigmoid(x);
          expected += survival;
        }
        const got = tf.tidy(() => expectedHorizon(tf.tensor2d([logits])).dataSync()[0] ?? Number.NaN);
        expect(got).toBeCloseTo(expected, 4);
        expect(got).toBeGreaterThanOrEqual(0);
        expect(got).toBeLessThanOrEqual(logits.length + 1e-6);
        const bumped = logits.map((x, i) => (i === at % logits.length ? x + 1 : x));
        expect(tf.tidy(() => expectedHorizon(tf.tensor2d([bumped])).dataSync()[0] ?? Number.NaN)).toBeLessThanOrEqual(got + 1e-6);
      }),
      { numRuns: 40 },
    );
    expect(tf.tidy(() => Array.from(expectedHorizon(tf.tensor2d([[-100, -100, -100, -100], [0, 0, 0, 0]])).dataSync()))).toEqual([4, 0.9375]);
  });

  it("the survival likelihood counts steps held and the first exit only", () => {
    const logits = [0.3, -0.2, 0.5, 1];
    const inside = [1, 1, 0, 1]; // exit at step 3; step 4 is after the exit and does not count
    const expected = -(Math.log(1 - sigmoid(0.3)) + Math.log(1 - sigmoid(-0.2)) + Math.log(sigmoid(0.5)));
    expect(tf.tidy(() => horizonNll(tf.tensor2d([logits]), tf.tensor2d([inside])).dataSync()[0])).toBeCloseTo(expected, 5);
    const censored = -[0.3, -0.2, 0.5, 1].reduce((s, x) => s + Math.log(1 - sigmoid(x)), 0);
    expect(tf.tidy(() => horizonNll(tf.tensor2d([logits]), tf.ones([1, 4])).dataSync()[0])).toBeCloseTo(censored, 5);
    expect(() => horizonNll(tf.zeros([1, 4]), tf.zeros([1, 3]))).toThrow(/horizonNll: inside has shape \[1,3\]/);
  });

  it("its gradient in the logits matches finite differences, and no gradient flows into `inside`", () => {
    const inside = tf.tensor2d([[1, 1, 0, 1]]);
    const x0 = [0.3, -0.2, 0.5, 1];
    const f = (x: number[]): number => tf.tidy(() => horizonNll(tf.tensor2d([x]), inside).dataSync()[0] ?? Number.NaN);
    const [gx, gi] = tf.tidy(() => tf.grads((x: tf.Tensor, i: tf.Tensor) => tf.sum(horizonNll(x, i)))([tf.tensor2d([x0]), inside]).map((g) => Array.from(g.dataSync())));
    for (let i = 0; i < 4; i++) {
      const up = x0.map((v, j) => (j === i ? v + 1e-3 : v));
      const down = x0.map((v, j) => (j === i ? v - 1e-3 : v));
      expect(gx?.[i]).toBeCloseTo((f(up) - f(down)) / 2e-3, 2);
    }
    expect(gi).toEqual([0, 0, 0, 0]);
    inside.dispose();
  });

  it("log-vol is mean log σ; option A is softplus(log σ_min − log σ); B shifts by log σ_ref; C is η·Δ²", () => {
    tf.tidy(() => {
      const logSigma = tf.log(tf.tensor3d([[[0.1, 0.2], [0.4, 0.8]]]));
      expect(logVolume(logSigma).dataSync()[0]).toBeCloseTo((Math.log(0.1) + Math.log(0.2) + Math.log(0.4) + Math.log(0.8)) / 4, 5);
      const barrier = volumeBarrier(tf.fill([1, 1, 1], Math.log(0.01)), 0.01).dataSync()[0];
      expect(barrier).toBeCloseTo(Math.log(2), 5);
      expect(relativeLogVolume(logSigma, tf.scalar(Math.log(0.2))).dataSync()[0]).toBeCloseTo((logVolume(logSigma).dataSync()[0] ?? 0) - Math.log(0.2), 5);
      expect(volumeChangePenalty(tf.scalar(-2), tf.scalar(-2.5), 0.4).dataSync()[0]).toBeCloseTo(0.1, 6);
      expect(() => volumeBarrier(logSigma, 0)).toThrow(/volumeBarrier: sigmaFloor/);
      expect(() => volumeChangePenalty(tf.scalar(0), tf.scalar(0), -1)).toThrow(/volumeChangePenalty: eta/);
    });
  });
});
