// Structure discovery (seed 002 L700-706, L742, L842-846; SEED-INVENTORY §4.3; issue 8 item 6; ADR 0409):
// seeded k-means, rarity / energy scores, special clusters with their own token ceilings, the proliferation cap.
import { createRng } from "@tam/tensor-backend";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GraphModule, Node, applySpecialClusters, discoverStructure, kMeans, type ModuleFeatures } from "../src/index.js";

function squared(a: Float64Array, b: Float64Array): number {
  return a.reduce((s, v, i) => s + (v - (b[i] as number)) ** 2, 0);
}

const point = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 2 }).map((xs) => Float64Array.from(xs));

describe("kMeans", () => {
  it("separates well-separated groups and is deterministic per seed", () => {
    const rng = createRng(1);
    const points = [0, 1, 2].flatMap((g) => Array.from({ length: 5 }, () => Float64Array.of(10 * g + rng.normal(0, 0.1), rng.normal(0, 0.1))));
    const a = kMeans(points, 3, createRng(7));
    const b = kMeans(points, 3, createRng(7));
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    for (let g = 0; g < 3; g += 1) expect(new Set(Array.from(a.assignments.slice(5 * g, 5 * g + 5))).size).toBe(1);
    expect(new Set(Array.from(a.assignments)).size).toBe(3);
  });

  it("assigns every point to its nearest centroid (a Lloyd fixed point)", () => {
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (points, k, seed) => {
        const { assignments, centroids } = kMeans(points, k, createRng(seed));
        expect(centroids.length).toBe(Math.min(k, points.length));
        points.forEach((p, i) => {
          const own = squared(p, centroids[assignments[i] as number] as Float64Array);
          for (const c of centroids) expect(own).toBeLessThanOrEqual(squared(p, c) + 1e-9);
        });
      }),
    );
  });

  it("rejects bad input by name", () => {
    expect(() => kMeans([], 2, createRng(1))).toThrow(/at least one point/);
    expect(() => kMeans([Float64Array.of(1)], 0, createRng(1))).toThrow(/k must be a positive integer, got 0/);
    expect(() => kMeans([Float64Array.of(1), Float64Array.of(1, 2)], 1, createRng(1))).toThrow(/point 1 has 2 components/);
  });
});

/** Modules with a feature vector and energy; the tokens are set by the caller. */
function modules(count: number): GraphModule[] {
  return Array.from({ length: count }, (_, i) => {
    const node = new Node({ id: `n${i}`, stateDim: 1, historyLength: 2 });
    return new GraphModule({ id: `m${i}`, node });
  });
}

describe("discoverStructure", () => {
  it("promotes a rare, energetic cluster, scores rarity and energy, and caps its members' tokens at its ceiling", () => {
    const rng = createRng(2);
    // 10 calm modules near 0 with energy 1, 2 rare energetic ones near (8, 8) with energy 10.
    const features: ModuleFeatures[] = Array.from({ length: 12 }, (_, i) => ({
      id: `m${i}`,
      features: i < 10 ? Float64Array.of(rng.normal(0, 0.2), rng.normal(0, 0.2)) : Float64Array.of(8 + rng.normal(0, 0.2), 8),
      energy: i < 10 ? 1 : 10,
    }));
    const found = discoverStructure(features, { clusters: 2, totalTokens: 100 }, createRng(3));
    expect(found.special).toHaveLength(1);
    const special = found.special[0];
    expect([...(special?.members ?? [])].sort()).toEqual(["m10", "m11"]);
    expect(special?.rarity).toBeCloseTo(Math.log(6), 12);
    expect(special?.ceiling).toBe(20);
    expect(found.scores.get("m10")?.energy).toBeCloseTo(10 / (30 / 12), 12);
    const ms = modules(12);
    for (const m of ms) m.tokenLimit = 15;
    applySpecialClusters(ms, found);
    expect(ms[10]?.specialClusterType).toBe(special?.specialType);
    expect(ms[0]?.specialClusterType).toBeUndefined();
    expect((ms[10]?.tokenLimit ?? 0) + (ms[11]?.tokenLimit ?? 0)).toBeCloseTo(20, 12);
    expect(ms[0]?.tokenLimit).toBe(15);
    expect(ms[10]?.energyMetric).toBeCloseTo(Math.log(6) * 4, 12);
  });

  it("never promotes more than the cap, and special members never exceed their ceiling", () => {
    const moduleArb = fc.record({ features: point, energy: fc.double({ min: 0, max: 100, noNaN: true }), limit: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.double({ min: 0, max: 50, noNaN: true })) });
    fc.assert(
      fc.property(
        fc.array(moduleArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (specs, k, cap, share, energyMin, seed) => {
          const found = discoverStructure(
            specs.map((s, i) => ({ id: `m${i}`, features: s.features, energy: s.energy })),
            { clusters: k, totalTokens: 50, maxSpecialClusters: cap, ceilingShare: share, energyMin, rarityMin: 0 },
            createRng(seed),
          );
          expect(found.special.length).toBeLessThanOrEqual(cap);
          expect(found.clusters.flatMap((c) => c.members).sort()).toEqual(specs.map((_, i) => `m${i}`).sort());
          const ms = modules(specs.length);
          ms.forEach((m, i) => (m.tokenLimit = specs[i]?.limit ?? 0));
          applySpecialClusters(ms, found);
          for (const c of found.special) {
            const total = c.members.reduce((s, id) => s + (ms.find((m) => m.id === id)?.tokenLimit ?? 0), 0);
            expect(total).toBeLessThanOrEqual(c.ceiling * (1 + 1e-12));
            expect(c.ceiling).toBeCloseTo(share * 50, 12);
          }
          expect(ms.filter((m) => m.specialClusterType !== undefined).length).toBe(found.special.reduce((s, c) => s + c.members.length, 0));
        },
      ),
    );
  });

  it("is deterministic per seed and rejects bad input by name", () => {
    const features: ModuleFeatures[] = Array.from({ length: 6 }, (_, i) => ({ id: `m${i}`, features: Float64Array.of(i % 3, i), energy: i }));
    const a = discoverStructure(features, { clusters: 3, totalTokens: 10 }, createRng(5));
    const b = discoverStructure(features, { clusters: 3, totalTokens: 10 }, createRng(5));
    expect(a).toEqual(b);
    expect(() => discoverStructure(features, { clusters: 0, totalTokens: 10 }, createRng(1))).toThrow(/option clusters = 0: /);
    expect(() => discoverStructure(features, { clusters: 2, totalTokens: -1 }, createRng(1))).toThrow(/option totalTokens = -1: /);
    expect(() => discoverStructure([{ id: "a", features: Float64Array.of(0), energy: -1 }], { clusters: 1, totalTokens: 1 }, createRng(1))).toThrow(/energy of "a"/);
    expect(() => discoverStructure([...features, features[0] as ModuleFeatures], { clusters: 1, totalTokens: 1 }, createRng(1))).toThrow(/"m0" appears twice/);
  });
});
