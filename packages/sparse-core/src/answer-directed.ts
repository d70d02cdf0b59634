/**
 * Answer-directed ranking (seed 002 L1646, L1652 "keep both"; TODO-3 L1852): when a node's answer is a
 * state functional `uᵀy`, rank Hot cells by `|(uᵀJ)_c · W_c|`, the first-order change of the answer when
 * the cell is removed. `u` is supplied per node by its owner (graph); here it is an argument.
 */
import type { Batch } from "./loss.js";
import type { SparseMaskedStack } from "./sparse-masked-stack.js";

/** One Hot cell with its answer-directed score. */
export interface AnswerDirectedEntry {
  readonly index: number;
  readonly key: number;
  /** `|(uᵀJ)_c · W_c|`. */
  readonly score: number;
}

/**
 * Answer-directed prune ranking of one layer, ascending (least answer-relevant first).
 *
 * @example
 * ```ts
 * const ranking = answerDirectedRanking(stack, "layer1", batch, Float32Array.of(1, 0));   // answer = output 0
 * ```
 */
export function answerDirectedRanking(model: SparseMaskedStack, objectId: string, batch: Batch, u: Float32Array): AnswerDirectedEntry[] {
  const layer = model.layer(objectId);
  const sensitivity = model.answerGradient(batch, objectId, u);
  const values = layer.hotValues();
  const keys = layer.hotKeys();
  return Array.from(keys, (key, index) => ({ index, key, score: Math.abs((sensitivity[index] as number) * (values[index] as number)) })).sort(
    (a, b) => a.score - b.score || a.key - b.key,
  );
}
