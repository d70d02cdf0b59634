// Intent normalisation (D-9): per-sample LayerNorm collapses a 2–4 dimensional latent (dim 2 → a sign
// bit, dim 3 → a circle), running standardisation keeps every degree of freedom and matches scales
// across differently scaled "worlds"; host and tensor implementations agree for every mode.
// Source: 001_4e7658869d462183.txt L6, L214–222; SEED-INVENTORY.md D-9; ADR 0601.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { INTENT_NORMS, RunningIntentStats, normaliseIntent, normaliseIntentHost } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

/** Participation ratio (Σλ)² / Σλ² of the covariance of rows `[n, d]`: the effective dimension. */
function participationRatio(rows: Float64Array, n: number, d: number): number {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] = (mean[k] ?? 0) + (rows[i * d + k] ?? 0) / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] = (cov[a * d + b] ?? 0) + ((rows[i * d + a] ?? 0) - (mean[a] ?? 0)) * ((rows[i * d + b] ?? 0) - (mean[b] ?? 0)) / n;
  }
  let trace = 0;
  let frob = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a] ?? 0;
  for (const c of cov) frob += c * c;
  return (trace * trace) / frob;
}

function gaussianRows(seed: number, n: number, d: number, scale: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n * d }, (_, i) => scale * rng.normal() * (1 + (i % d)));
}

describe("intent normalisation (D-9)", () => {
  it("per-sample LayerNorm collapses dim 2 to ±(1, −1) and dim 3 to a circle", () => {
    const two = gaussianRows(1, 200, 2, 1);
    const raw = two.slice();
    normaliseIntentHost(two, 200, 2, 0, 2, "layer");
    for (let i = 0; i < 200; i++) {
      // rows whose two entries nearly coincide sit in the variance floor (ε), away from ±1
      if (Math.abs((raw[2 * i] ?? 0) - (raw[2 * i + 1] ?? 0)) > 0.1) expect(Math.abs(two[2 * i] ?? 0)).toBeCloseTo(1, 2);
      expect((two[2 * i] ?? 0) + (two[2 * i + 1] ?? 0)).toBeCloseTo(0, 5);
    }
    const three = gaussianRows(2, 200, 3, 1);
    normaliseIntentHost(three, 200, 3, 0, 3, "layer");
    for (let i = 0; i < 200; i++) {
      const row: [number, number, number] = [three[3 * i] ?? 0, three[3 * i + 1] ?? 0, three[3 * i + 2] ?? 0];
      expect(row[0] + row[1] + row[2]).toBeCloseTo(0, 4);
      expect(Math.hypot(...row)).toBeLessThanOrEqual(Math.sqrt(3) + 1e-9);
    }
    expect(participationRatio(two, 200, 2)).toBeLessThan(1.01);
  });

  it("running standardisation keeps the effective dimension and matches scales across worlds", () => {
    for (const d of [2, 3, 4]) {
      const worlds = [1, 7].map((scale, w) => {
        const rows = gaussianRows(10 + w, 500, d, scale);
        const stats = new RunningIntentStats(1, d, 1); // rate 1: the batch statistics
        stats.update(Float32Array.from(rows), 500, d);
        normaliseIntentHost(rows, 500, d, 0, d, "running", stats);
        return rows;
      });
      for (const rows of worlds) {
        // unequal per-dimension scales in the raw data: the ratio stays at the full dimension after standardising
        expect(participationRatio(rows, 500, d)).toBeGreaterThan(d - 0.6);
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let i = 0; i < 500; i++) s += (rows[i * d + k] ?? 0) ** 2 / 500;
          expect(Math.sqrt(s)).toBeCloseTo(1, 1);
        }
      }
      const layer = gaussianRows(20, 500, d, 1);
      normaliseIntentHost(layer, 500, d, 0, d, "layer");
      expect(participationRatio(layer, 500, d)).toBeLessThan(d - 0.9);
    }
  });

  it("rejects a bad rate and shapes", () => {
    expect(() => new RunningIntentStats(1, 2, 0)).toThrow(/rate/);
    expect(() => new RunningIntentStats(0, 2)).toThrow(/replicas/);
  });
});

describe.each(BACKENDS)("normaliseIntent on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("agrees with the host implementation for every mode", () => {
    fc.assert(
      fc.property(fc.constantFrom(...INTENT_NORMS), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 1000 }), (mode, d, seed) => {
        const R = 2;
        const n = 5;
        const rng = createRng(seed);
        const raw = Float32Array.from({ length: R * n * d }, () => rng.normal(0.3, 2));
        const stats = new RunningIntentStats(R, d, 0.5);
        stats.update(raw, n, d);
        const tensor = tf.tidy(() => normaliseIntent(tf.tensor3d(raw, [R, n, d]), mode, stats).dataSync() as Float32Array);
        for (let r = 0; r < R; r++) {
          const host = Float64Array.from(raw.subarray(r * n * d, (r + 1) * n * d));
          normaliseIntentHost(host, n, d, 0, d, mode, stats, r);
          for (let k = 0; k < n * d; k++) expect(tensor[r * n * d + k]).toBeCloseTo(host[k] ?? Number.NaN, 3);
        }
      }),
      { numRuns: 20 },
    );
  });
});
