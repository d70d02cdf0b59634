/**
 * Eligibility traces (seed `004_b9e7278aec0f8932.txt` L95: "link recent homeostatic states (ρ̂, ŝ, r̂
 * at t−k..t) to DMN outcomes at t..t+K"; SEED-INVENTORY.md §8.5, H004-B). ADR 0506.
 *
 * Each tick pushes the score gradient `g_t = ∇θ log π(r̂_t)` of the release policy (Gaussian
 * exploration on the release logits: `g_t = ∇θ Σ ξ_t/σ² · logits_t(θ)`). The trace is the finite,
 * decayed window `z_t = Σ_{j=0..k} λ^j g_{t−j}`: the outcome observed at tick t is credited to the
 * states of ticks t−k..t and to no earlier one. Summed over time, state s receives credit from the
 * outcomes at s..s+k: exactly the seed's pairing.
 */
import { tf } from "@tam/tensor-backend";
import type { NamedTensorMap, Tensor } from "@tam/tensor-backend";

/** Window and decay of a trace. */
export interface EligibilityTraceOptions {
  /** k: the trace spans ticks t−k..t (k ≥ 0). */
  readonly window: number;
  /** λ in (0, 1]: weight λ^j for the state j ticks back. */
  readonly decay: number;
}

/**
 * A finite-window eligibility trace over named gradients.
 *
 * @example
 * ```ts
 * const trace = new EligibilityTrace({ window: 2, decay: 0.5 });
 * trace.push({ w: tf.scalar(1) }); trace.push({ w: tf.scalar(1) });
 * trace.value().w.dataSync(); // [1.5]
 * ```
 */
export class EligibilityTrace {
  readonly window: number;
  readonly decay: number;
  private readonly entries: NamedTensorMap[] = [];

  constructor(options: EligibilityTraceOptions) {
    if (!(Number.isInteger(options.window) && options.window >= 0)) throw new Error(`Error in EligibilityTrace: window must be an integer >= 0, got ${options.window}.`);
    if (!(options.decay > 0 && options.decay <= 1)) throw new Error(`Error in EligibilityTrace: decay must be in (0, 1], got ${options.decay}.`);
    this.window = options.window;
    this.decay = options.decay;
  }

  /** Number of ticks held (≤ window + 1). */
  get length(): number {
    return this.entries.length;
  }

  /** Add this tick's gradients (the trace takes ownership); the tick k+1 back drops out. */
  push(gradients: NamedTensorMap): void {
    this.entries.unshift(gradients);
    while (this.entries.length > this.window + 1) tf.dispose(Object.values(this.entries.pop() as NamedTensorMap));
  }

  /** `z = Σ_j λ^j g_{t−j}` by name (new tensors the caller disposes); empty before the first push. */
  value(): NamedTensorMap {
    const out: NamedTensorMap = {};
    const first = this.entries[0];
    if (first === undefined) return out;
    for (const name of Object.keys(first)) {
      out[name] = tf.tidy(() =>
        tf.addN(
          this.entries.map((entry, j) => {
            const g = entry[name];
            if (g === undefined) throw new Error(`Error in EligibilityTrace.value: tick ${j} back has no gradient "${name}".`);
            return tf.mul<Tensor>(g, this.decay ** j);
          }),
        ),
      );
    }
    return out;
  }

  /** Drop every held gradient. */
  dispose(): void {
    for (const entry of this.entries) tf.dispose(Object.values(entry));
    this.entries.length = 0;
  }
}
