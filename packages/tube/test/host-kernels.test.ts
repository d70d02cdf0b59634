// Host pieces of the fused step (ADR 0206): the small GEMMs equal the naive triple loop on random shapes
// and blocks (fast-check), and HostAdam takes the same steps as AdamWithMoments.
import { AdamWithMoments, initBackend, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { gemmAccumulate, gemmTransAAccumulate, gemmTransBAccumulate, type MatrixBlock } from "../src/host-gemm.js";
import { HostAdam } from "../src/index.js";

/** A random row-major block inside a larger array: values, offset and stride ≥ columns. */
function block(rows: number, cols: number, pad: number, offset: number, seed: number): MatrixBlock {
  const stride = cols + pad;
  const data = new Float64Array(offset + rows * stride + pad);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return { data, offset, stride };
}

const at = (m: MatrixBlock, r: number, c: number): number => m.data[m.offset + r * m.stride + c] ?? Number.NaN;

const shapes = fc.record({
  M: fc.integer({ min: 1, max: 9 }),
  N: fc.integer({ min: 1, max: 9 }),
  K: fc.integer({ min: 1, max: 9 }),
  pad: fc.integer({ min: 0, max: 3 }),
  offset: fc.integer({ min: 0, max: 5 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe("host GEMMs", () => {
  it("accumulate A·B, Aᵀ·B and A·Bᵀ into their blocks like the naive loops, leaving the rest untouched", () => {
    fc.assert(
      fc.property(shapes, ({ M, N, K, pad, offset, seed }) => {
        const cases = [
          { run: gemmAccumulate, a: block(M, K, pad, offset, seed), b: block(K, N, pad, offset + 1, seed + 1), c: block(M, N, pad, offset + 2, seed + 2), rows: M, cols: N, term: (a: MatrixBlock, b: MatrixBlock, i: number, j: number, k: number) => at(a, i, k) * at(b, k, j), inner: K },
          { run: gemmTransAAccumulate, a: block(M, K, pad, offset, seed), b: block(M, N, pad, offset + 1, seed + 1), c: block(K, N, pad, offset + 2, seed + 2), rows: K, cols: N, term: (a: MatrixBlock, b: MatrixBlock, i: number, j: number, k: number) => at(a, k, i) * at(b, k, j), inner: M },
          { run: gemmTransBAccumulate, a: block(M, N, pad, offset, seed), b: block(K, N, pad, offset + 1, seed + 1), c: block(M, K, pad, offset + 2, seed + 2), rows: M, cols: K, term: (a: MatrixBlock, b: MatrixBlock, i: number, j: number, k: number) => at(a, i, k) * at(b, j, k), inner: N },
        ];
        for (const { run, a, b, c, rows, cols, term, inner } of cases) {
          const before = Float64Array.from(c.data);
          run(M, N, K, a, b, c);
          const inBlock = new Set<number>();
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) {
              let expected = before[c.offset + i * c.stride + j] ?? 0;
              for (let k = 0; k < inner; k++) expected += term(a, b, i, j, k);
              expect(at(c, i, j)).toBeCloseTo(expected, 10);
              inBlock.add(c.offset + i * c.stride + j);
            }
          }
          for (let i = 0; i < c.data.length; i++) if (!inBlock.has(i)) expect(c.data[i]).toBe(before[i]);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("HostAdam", () => {
  beforeAll(async () => {
    await initBackend({ backend: "cpu" });
  });

  it("takes the same steps as AdamWithMoments (moments and parameters)", () => {
    const start = [0.5, -1.25, 2, 0];
    const w = tf.variable(tf.tensor1d(start));
    const reference = new AdamWithMoments({ w }, { learningRate: 0.05 });
    const host = new HostAdam(start.length, { learningRate: 0.05 });
    const params = Float64Array.from(start);
    for (let step = 0; step < 12; step++) {
      const grads = Float64Array.from(params, (p, i) => 2 * (p - i) + 0.1 * Math.sin(step + i)); // a moving quadratic
      tf.tidy(() => reference.applyGradients({ w: tf.tensor1d(Float32Array.from(grads)) }));
      host.step(params, grads);
    }
    const expected = w.dataSync();
    for (let i = 0; i < start.length; i++) expect(params[i]).toBeCloseTo(expected[i] ?? Number.NaN, 5);
    const m = reference.firstMoment("w").dataSync();
    for (let i = 0; i < start.length; i++) expect(host.firstMoment[i]).toBeCloseTo(m[i] ?? Number.NaN, 5);
    expect(host.stepCount).toBe(12);
    reference.dispose();
    w.dispose();
  });

  it("rejects bad settings and mismatched arrays by name", () => {
    expect(() => new HostAdam(0)).toThrow(/size must be an integer >= 1, got 0/);
    expect(() => new HostAdam(3, { beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
    expect(() => new HostAdam(3, { epsilon: 0 })).toThrow(/epsilon must be finite and > 0, got 0/);
    expect(() => new HostAdam(3).step(new Float64Array(3), new Float64Array(2))).toThrow(/must have 3 values, got 3 and 2/);
  });
});
