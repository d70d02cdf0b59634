// Transients (seed 002 L831-873, L966, L975; SEED-INVENTORY §4.7; issue 8 item 5; ADR 0408): spawned on novelty,
// materialised when they keep helping, consolidated to the exact identity (never deleted) when they stop, with
// their prototype cached so that a recurring condition warm-starts from it; the proliferation cap; determinism
// and no leaked tensors; on cpu and wasm.
import { createRng, tf } from "@tam/tensor-backend";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { TransientFactory, TransientTerm, dynamicsGraph, type Graph, type ObservedBinding, type TransientStepReport } from "../src/index.js";
import { BACKENDS, useBackend } from "./backends.js";

const H = 2;

/** A 1-variable stream: a random walk (what an untrained identity-first graph predicts), drifting by +0.2 per step while `on(t)`. */
function stream(steps: number, on: (t: number) => boolean, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(steps);
  for (let t = 0; t + 1 < steps; t += 1) {
    const u = x[t] as number;
    x[t + 1] = u + (on(t) ? 0.2 : 0) + rng.normal(0, 0.05);
  }
  return x;
}

function walkGraph(cells = 1): { graph: Graph; observed: readonly ObservedBinding[] } {
  return dynamicsGraph({ groups: Array.from({ length: cells }, (_, i) => ({ node: `c${i}`, columns: [i] })), historyLength: H, neighbours: () => false }, createRng(3));
}

/** Feed rows `[steps, dim]` to the factory; reports per transition t (predicting row t + 1). */
function run(factory: TransientFactory, values: Float64Array, dim: number): TransientStepReport[] {
  const out: TransientStepReport[] = [];
  for (let t = H - 1; t + 1 < values.length / dim; t += 1) out.push(factory.step(values.subarray((t - H + 1) * dim, (t + 2) * dim)));
  return out;
}

function predictNext(graph: Graph, history: readonly number[]): number {
  return tf.tidy(() => {
    const node = graph.node("c0");
    const preds = graph.predict(new Map([[node, tf.tensor3d(Float32Array.from(history), [H, 1, 1])]]), { mode: "expected" });
    return (preds.get(node)?.next.dataSync()[0] as number) ?? Number.NaN;
  });
}

describe.each(BACKENDS)("transients on %s", (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it("consolidates a transient that stops helping to the exact identity, keeps it, and caches its prototype", () => {
    const before = tf.memory().numTensors;
    const { graph, observed } = walkGraph();
    const probe = [0.4, 0.5];
    const original = predictNext(graph, probe);
    const factory = new TransientFactory(graph, { observed });
    const reports = run(factory, stream(160, (t) => t >= 80 && t < 110, 1), 1);
    const [first] = factory.records;
    expect(first?.spawnedAt).toBeGreaterThanOrEqual(80 - H + 1);
    expect(first?.spawnedAt).toBeLessThanOrEqual(82);
    expect(first?.recalled).toBe(false);
    expect(first?.status).toBe("consolidated");
    expect(first?.helpingSteps).toBeGreaterThanOrEqual(8);
    // The transient helped while the condition lasted ...
    const during = reports.slice(95, 108);
    expect(during.reduce((s, r) => s + r.error, 0)).toBeLessThan(0.5 * during.reduce((s, r) => s + r.baseError, 0));
    // ... and consolidation restored the original function exactly; the term is still attached (never deleted).
    expect(predictNext(graph, probe)).toBe(original);
    const term = graph.module("c0").candidateTerms.find((t) => t instanceof TransientTerm) as TransientTerm;
    expect(Array.from(term.values()).every((v) => v === 0)).toBe(true);
    expect(factory.cache.size).toBe(1);
    // The prototype is the drift itself: Δ = 0·base + 0.2.
    const [w, b] = Array.from(factory.cache.lookup(first?.signature as { code: Int8Array; key: string })?.params[0] ?? []);
    expect(Math.abs(w as number)).toBeLessThan(0.02);
    expect(Math.abs((b as number) - 0.2)).toBeLessThan(0.05);
    factory.dispose();
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("materialises a transient that keeps helping; it stays in the function", () => {
    const { graph, observed } = walkGraph();
    const factory = new TransientFactory(graph, { observed, materialiseAfter: 30 });
    run(factory, stream(200, (t) => t >= 80, 2), 1);
    const materialised = factory.records.filter((r) => r.status === "materialised");
    expect(materialised).toHaveLength(1);
    expect(factory.activeCount).toBe(0);
    const term = materialised[0]?.term as TransientTerm;
    expect(Math.max(...Array.from(term.values(), Math.abs))).toBeGreaterThan(0.1);
    // A materialised transient is part of the function: the next prediction includes the drift.
    expect(predictNext(graph, [1.9, 2])).toBeGreaterThan(2.1);
    expect(predictNext(graph, [0, 0])).toBeGreaterThan(0.1);
    factory.dispose();
    graph.dispose();
  });

  it("on recurrence recalls the cached prototype and recovers faster than starting from zero", () => {
    const data = stream(260, (t) => (t >= 80 && t < 110) || (t >= 190 && t < 220), 4);
    const errorsAfterOnset = (reuse: boolean): { errors: number[]; recalled: boolean } => {
      const { graph, observed } = walkGraph();
      const factory = new TransientFactory(graph, { observed, reuse });
      const reports = run(factory, data, 1);
      const second = factory.records.find((r) => r.spawnedAt >= 190 - H);
      factory.dispose();
      graph.dispose();
      return { errors: reports.slice(191, 196).map((r) => r.error), recalled: second?.recalled ?? false };
    };
    const withCache = errorsAfterOnset(true);
    const control = errorsAfterOnset(false);
    expect(withCache.recalled).toBe(true);
    expect(control.recalled).toBe(false);
    const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
    expect(sum(withCache.errors)).toBeLessThan(0.5 * sum(control.errors));
    // Recalled, the error is at the noise floor (σ² = 0.0025) at once.
    expect(sum(withCache.errors) / withCache.errors.length).toBeLessThan(2 * 0.05 ** 2);
  });

  it("is deterministic per stream", () => {
    const data = stream(140, (t) => t >= 70 && t < 100, 5);
    const once = (): number[] => {
      const { graph, observed } = walkGraph();
      const factory = new TransientFactory(graph, { observed });
      const errors = run(factory, data, 1).map((r) => r.error);
      factory.dispose();
      graph.dispose();
      return errors;
    };
    expect(once()).toEqual(once());
  });
});

describe("the proliferation cap and options", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("never has more active transients than maxActive", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }), (cap, seed) => {
        const cells = 4;
        const columns = Array.from({ length: cells }, (_, i) => stream(110, (t) => t >= 70 + 3 * i, seed + i));
        const values = new Float64Array(110 * cells);
        columns.forEach((c, i) => c.forEach((v, t) => (values[t * cells + i] = v)));
        const { graph, observed } = walkGraph(cells);
        const factory = new TransientFactory(graph, { observed, maxActive: cap });
        let peak = 0;
        for (let t = H - 1; t + 1 < 110; t += 1) {
          factory.step(values.subarray((t - H + 1) * cells, (t + 2) * cells));
          peak = Math.max(peak, factory.activeCount);
        }
        factory.dispose();
        graph.dispose();
        expect(peak).toBeLessThanOrEqual(cap);
        expect(peak).toBe(Math.min(cap, cells));
      }),
      { numRuns: 4 },
    );
  });

  it("rejects bad options and rows by name", () => {
    const { graph, observed } = walkGraph();
    expect(() => new TransientFactory(graph, { observed, patience: 0 })).toThrow(/option patience = 0: /);
    expect(() => new TransientFactory(graph, { observed, minGain: 2 })).toThrow(/option minGain = 2: /);
    expect(() => new TransientFactory(graph, { observed: [] })).toThrow(/observed/);
    const factory = new TransientFactory(graph, { observed });
    expect(() => factory.step([1, 2])).toThrow(/H \+ 1 = 3 rows/);
    expect(() => factory.tracker("nope")).toThrow(/"nope"/);
    graph.dispose();
  });
});
