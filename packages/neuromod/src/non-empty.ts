/**
 * Guard against reductions over empty axes. On the wasm backend `tf.sum`/`tf.mean` over a zero-length
 * axis (and a matMul over a zero-length inner dimension) return uninitialised memory instead of 0 or
 * NaN, so every public function of this package that reduces over a window, an area axis or a list
 * checks its input first and throws an error naming the field (issue 10, ADR 0510).
 */
import type { Tensor } from "@tam/tensor-backend";

/**
 * Throw unless `x` has at least one entry (or, with `axis`, a non-zero length on that axis).
 *
 * @param where - the function, for the message (`"noiseLeak"`).
 * @param field - the argument or field being checked (`"observed"`).
 *
 * @example
 * ```ts
 * assertNonEmpty("rangeUtilization", "window", tf.zeros([0, 3]), 0); // throws: window must have ≥ 1 entry on axis 0, got shape [0,3]
 * ```
 */
export function assertNonEmpty(where: string, field: string, x: Tensor, axis?: number): void {
  if (axis === undefined) {
    if (x.size === 0) throw new Error(`Error in ${where}: ${field} must not be empty, got shape [${x.shape.join(",")}].`);
    return;
  }
  if (x.rank <= axis || x.shape[axis] === 0 || x.size === 0) {
    throw new Error(`Error in ${where}: ${field} must have ≥ 1 entry on axis ${axis} (and no empty axis), got shape [${x.shape.join(",")}].`);
  }
}
