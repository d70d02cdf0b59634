/**
 * Diversity by non-maximum suppression (seed 002 L1654, L1830): keep the best-SNR candidate of a
 * neighbourhood and cool near-duplicates. Two candidates are neighbours when their cell IoU exceeds
 * `maxIou` (0 by default: any shared cell, ADR 0301).
 */
import { NMS_MAX_IOU } from "./constants.js";
import { regionIou, type Region } from "./region.js";

/**
 * Greedy NMS: walk candidates by descending `score`, keep one unless it overlaps a kept one by more than
 * `maxIou`; stop after `limit` kept. Returns the kept candidates, best first.
 *
 * @example
 * ```ts
 * nonMaximumSuppression([{ region: a, score: 3 }, { region: aPrime, score: 2 }], { limit: 6 });   // [a]
 * ```
 */
export function nonMaximumSuppression<T extends { readonly region: Region; readonly score: number }>(
  candidates: readonly T[],
  options: { readonly limit: number; readonly maxIou?: number },
): T[] {
  const maxIou = options.maxIou ?? NMS_MAX_IOU;
  if (!(maxIou >= 0 && maxIou <= 1)) throw new Error(`Error in nonMaximumSuppression: maxIou must be in [0, 1], got ${maxIou}.`);
  if (!Number.isSafeInteger(options.limit) || options.limit < 0) throw new Error(`Error in nonMaximumSuppression: limit must be a non-negative integer, got ${options.limit}.`);
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= options.limit) break;
    if (kept.every((k) => regionIou(k.region, candidate.region) <= maxIou)) kept.push(candidate);
  }
  return kept;
}
