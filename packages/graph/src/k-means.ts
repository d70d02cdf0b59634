/**
 * Seeded k-means (k-means++ seeding, then Lloyd iterations) on the host, for structure discovery (seed 002
 * L700-706; ADR 0409). Deterministic for a given Rng; an emptied cluster is re-seeded at the point farthest
 * from its centroid.
 */
import type { Rng } from "@tam/tensor-backend";

/** The result of {@link kMeans}. */
export interface KMeansResult {
  /** Cluster index of every point. */
  readonly assignments: Int32Array;
  readonly centroids: readonly Float64Array[];
  /** Lloyd iterations run. */
  readonly iterations: number;
}

function distance2(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

/** Index of the nearest centroid (ties: the lowest index). */
function nearest(p: Float64Array, centroids: readonly Float64Array[]): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  centroids.forEach((c, j) => {
    const d = distance2(p, c);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  });
  return best;
}

/**
 * Cluster points into k groups (k is capped at the number of points).
 *
 * @example
 * ```ts
 * kMeans([Float64Array.of(0), Float64Array.of(0.1), Float64Array.of(5)], 2, createRng(1)).assignments;  // e.g. [0, 0, 1]
 * ```
 * @throws Error naming the value when there are no points, k < 1, dimensions differ or a value is not finite.
 */
export function kMeans(points: readonly Float64Array[], k: number, rng: Rng, maxIterations = 100): KMeansResult {
  if (points.length === 0) throw new Error("Error in kMeans: give at least one point.");
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`Error in kMeans: k must be a positive integer, got ${k}.`);
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 1) throw new Error(`Error in kMeans: maxIterations must be a positive integer, got ${maxIterations}.`);
  const dim = (points[0] as Float64Array).length;
  points.forEach((p, i) => {
    if (p.length !== dim) throw new Error(`Error in kMeans: point ${i} has ${p.length} components, expected ${dim}.`);
    if (!p.every(Number.isFinite)) throw new Error(`Error in kMeans: point ${i} has a non-finite component.`);
  });
  const kk = Math.min(k, points.length);
  // k-means++: the first centre uniformly, each next one with probability ∝ squared distance to the chosen.
  const centroids: Float64Array[] = [Float64Array.from(points[rng.int(0, points.length)] as Float64Array)];
  while (centroids.length < kk) {
    const d = points.map((p) => distance2(p, centroids[nearest(p, centroids)] as Float64Array));
    const total = d.reduce((s, x) => s + x, 0);
    let pick = centroids.length;
    if (total > 0) {
      let u = rng.uniform(0, total);
      pick = d.findIndex((x) => (u -= x) < 0);
      if (pick < 0) pick = d.length - 1;
    }
    centroids.push(Float64Array.from(points[pick] as Float64Array));
  }
  const assignments = new Int32Array(points.length);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    let changed = iterations === 0;
    points.forEach((p, i) => {
      const j = nearest(p, centroids);
      if (assignments[i] !== j) changed = true;
      assignments[i] = j;
    });
    if (!changed) break;
    for (let j = 0; j < kk; j += 1) {
      const members = points.filter((_, i) => assignments[i] === j);
      if (members.length === 0) {
        // Re-seed an empty cluster at the point farthest from its own centroid.
        let far = 0;
        let farD = -1;
        points.forEach((p, i) => {
          const d = distance2(p, centroids[assignments[i] as number] as Float64Array);
          if (d > farD) {
            farD = d;
            far = i;
          }
        });
        centroids[j] = Float64Array.from(points[far] as Float64Array);
        continue;
      }
      const c = new Float64Array(dim);
      for (const m of members) for (let t = 0; t < dim; t += 1) c[t] = (c[t] as number) + (m[t] as number) / members.length;
      centroids[j] = c;
    }
  }
  // Stopped by the iteration cap: assign to the final centroids so every point sits with its nearest centre.
  points.forEach((p, i) => {
    assignments[i] = nearest(p, centroids);
  });
  return { assignments, centroids, iterations };
}
