/**
 * Shared input checks of the bind functions: μ, σ and the realised trajectory τ must have the same
 * shape `[..., T, D]` (rank ≥ 2) and k (and γ) must be finite and > 0.
 *
 * Source: `000_e13b841348682d63.txt` L238–251 (`compute_soft_fail(mu, sigma, traj, k, gamma)`).
 */
import type { Tensor } from "@tam/tensor-backend";

/** Throw an Error naming `fn` when the bind inputs do not line up. */
export function checkBindInputs(fn: string, mu: Tensor, sigma: Tensor, traj: Tensor): void {
  if (mu.rank < 2) throw new Error(`Error in ${fn}: mu must have rank >= 2 ([..., T, D]), got shape [${mu.shape.join(",")}].`);
  for (const [name, tensor] of [
    ["sigma", sigma],
    ["traj", traj],
  ] as const) {
    if (tensor.shape.length !== mu.shape.length || tensor.shape.some((size, i) => size !== mu.shape[i])) {
      throw new Error(`Error in ${fn}: ${name} has shape [${tensor.shape.join(",")}], mu has [${mu.shape.join(",")}]; they must match.`);
    }
  }
}

/** Throw an Error naming `fn` and `field` unless `value` is finite and > 0. */
export function checkPositive(fn: string, field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`Error in ${fn}: ${field} must be finite and > 0, got ${value}.`);
}
