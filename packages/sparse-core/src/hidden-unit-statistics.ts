import type { Activation } from "./activation.js";

/**
 * Per-sample statistics of the hidden units between two consecutive objects on one batch (ADR 0308):
 * what a GradMax-style choice of a new unit's fan-in and fan-out needs (Evci et al. 2022).
 */
export interface HiddenUnitStatistics {
  /** The object above the units (unit `j` is its row `j`). */
  readonly upperId: string;
  /** Samples B in the batch. */
  readonly batchSize: number;
  /** `[B, lowerRows]` row-major: the lower object's input. */
  readonly inputs: Float32Array;
  /** `[B, units]`: each unit's pre-activation (the lower object's output, base included). */
  readonly preActivations: Float32Array;
  /** `[B, upperCols]`: `∂L/∂Y` of the upper object's output per sample (carrying the loss's 1/B). */
  readonly errors: Float32Array;
  /** The activation applied to the units. */
  readonly activation: Activation;
  /** 1 where the upper object's base map passes unit `j` on (its output reaches the loss without Hot cells). */
  readonly baseFanOut: Uint8Array;
}
