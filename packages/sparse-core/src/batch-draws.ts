/**
 * Drawing fresh batches for a planner step and releasing them, and reading a scalar loss off the
 * backend: shared by the planners (weights, stencils).
 */
import { disposeBatch, type Batch } from "./loss.js";
import type { BatchPurpose, BatchSource } from "./planner-model.js";

/** Draw `n` batches for `purpose`; if a draw throws, the batches drawn so far are disposed. */
export function takeBatches(source: BatchSource, purpose: BatchPurpose, n: number): Batch[] {
  const out: Batch[] = [];
  try {
    for (let i = 0; i < n; i += 1) out.push(source.next(purpose));
  } catch (error) {
    out.forEach(disposeBatch);
    throw error;
  }
  return out;
}

/** Draw `n` batches, hand them to `use`, and dispose them afterwards (also when `use` throws). */
export function withBatches<T>(source: BatchSource, purpose: BatchPurpose, n: number, use: (batches: Batch[]) => T): T {
  const batches = takeBatches(source, purpose, n);
  try {
    return use(batches);
  } finally {
    batches.forEach(disposeBatch);
  }
}

/** The first value of a scalar tensor, which is disposed. */
export function scalarOf(t: { dataSync(): ArrayLike<number>; dispose(): void }): number {
  const value = t.dataSync()[0] as number;
  t.dispose();
  return value;
}
