/**
 * "Finite, unstructured palette" initialisers (SEED-INVENTORY TB-9d; seed 002 L794, decision L970):
 * orthogonal or quasi-random starting weights, so early sorted spectra are comparable across modules.
 *
 * Both are computed in float64 JavaScript and rounded to float32 once, so the same seed gives the same
 * weights on every backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor2D } from "@tensorflow/tfjs";

import type { Rng } from "../rng/rng.js";

/** The golden ratio's fractional part, the step of the 1-D Kronecker (golden) low-discrepancy sequence. */
const GOLDEN_FRACTION = 0.6180339887498949;

/** Options of {@link orthogonalPalette}. */
export interface OrthogonalPaletteOptions {
  /** Scale of the orthonormal vectors (default 1). */
  readonly gain?: number;
}

/** Options of {@link quasiRandomPalette}. */
export interface QuasiRandomPaletteOptions {
  /** Inclusive lower bound (default -1). */
  readonly low?: number;
  /** Exclusive upper bound (default 1). */
  readonly high?: number;
  /** Starting phase in [0, 1) of the sequence (default 0.5); modules meant to be comparable share it. */
  readonly phase?: number;
}

/**
 * A `[rows, cols]` matrix with orthonormal columns (when `rows >= cols`) or orthonormal rows (otherwise),
 * times `gain`: modified Gram-Schmidt on a seeded normal matrix (the Saxe et al. 2014 orthogonal init).
 *
 * @example
 * ```ts
 * const w = orthogonalPalette(createRng(3), 4, 4);   // wᵀw = I
 * ```
 */
export function orthogonalPalette(rng: Rng, rows: number, cols: number, options: OrthogonalPaletteOptions = {}): Tensor2D {
  const gain = options.gain ?? 1;
  checkSize("orthogonalPalette", "rows", rows);
  checkSize("orthogonalPalette", "cols", cols);
  if (!Number.isFinite(gain)) throw new Error(`Error in orthogonalPalette: gain must be finite, got ${gain}.`);
  const n = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  // k orthonormal vectors of length n.
  const vectors: Float64Array[] = [];
  while (vectors.length < k) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i += 1) v[i] = rng.normal();
    for (const u of vectors) {
      let dot = 0;
      for (let i = 0; i < n; i += 1) dot += (v[i] as number) * (u[i] as number);
      for (let i = 0; i < n; i += 1) v[i] = (v[i] as number) - dot * (u[i] as number);
    }
    let norm = 0;
    for (let i = 0; i < n; i += 1) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue; // a degenerate draw (probability ~0): draw again
    for (let i = 0; i < n; i += 1) v[i] = (v[i] as number) / norm;
    vectors.push(v);
  }
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const value = rows >= cols ? (vectors[c] as Float64Array)[r] : (vectors[r] as Float64Array)[c];
      data[r * cols + c] = gain * (value as number);
    }
  }
  return tf.tensor2d(data, [rows, cols], "float32");
}

/**
 * A `[rows, cols]` matrix filled row-major from the golden-ratio Kronecker sequence
 * `frac(phase + i * 0.618...)`, mapped to `[low, high)`. No randomness: every module of a given shape
 * starts from the same well-spread palette.
 *
 * @example
 * ```ts
 * const w = quasiRandomPalette(3, 5, { low: -0.1, high: 0.1 });
 * ```
 */
export function quasiRandomPalette(rows: number, cols: number, options: QuasiRandomPaletteOptions = {}): Tensor2D {
  const low = options.low ?? -1;
  const high = options.high ?? 1;
  const phase = options.phase ?? 0.5;
  checkSize("quasiRandomPalette", "rows", rows);
  checkSize("quasiRandomPalette", "cols", cols);
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new Error(`Error in quasiRandomPalette: need finite low < high, got low=${low}, high=${high}.`);
  }
  if (!(phase >= 0 && phase < 1)) throw new Error(`Error in quasiRandomPalette: phase must be in [0, 1), got ${phase}.`);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows * cols; i += 1) {
    const u = (phase + i * GOLDEN_FRACTION) % 1;
    data[i] = low + (high - low) * u;
  }
  return tf.tensor2d(data, [rows, cols], "float32");
}

function checkSize(op: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`Error in ${op}: ${name} must be a positive integer, got ${value}.`);
  }
}
