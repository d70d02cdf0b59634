/**
 * Canonical sorted spectra (seed 002 Archive 03 L784-815, decision L970; SEED-INVENTORY §3.16, C-19):
 * a two-level canonical order of a layer, for graph's meta-memory.
 * 1. Within each neuron (output unit), its incoming weights sorted by signed value, largest positive
 *    first, most negative last.
 * 2. Across neurons, by L2 norm of the incoming weight vector, largest first (ties by index).
 * Cheap summaries (quantiles, top-k by magnitude, the global flatten-sort of L800-804) stand in for a full
 * sort every step. Learning-time only; inference uses the raw tensors.
 */

/** The two-level canonical spectrum of a `[neurons, fanIn]` weight matrix. */
export interface CanonicalSpectrum {
  /** Neuron indices by descending L2 norm. */
  readonly neuronOrder: readonly number[];
  /** L2 norm of each neuron (by original index). */
  readonly norms: Float64Array;
  /** Each neuron's weights sorted descending by signed value, in `neuronOrder`. */
  readonly rows: readonly Float32Array[];
}

/**
 * Two-level canonical order of `weights`, row-major `[neurons, fanIn]` (neuron = row).
 *
 * @example
 * ```ts
 * const s = canonicalSpectrum(Float32Array.of(0.1, -2, 3, 0), 2, 2);
 * s.neuronOrder;   // [1, 0]: |(3, 0)| > |(0.1, -2)|
 * s.rows[1];       // [0.1, -2]
 * ```
 * @throws Error naming `canonicalSpectrum` when the length is not `neurons · fanIn`.
 */
export function canonicalSpectrum(weights: Float32Array, neurons: number, fanIn: number): CanonicalSpectrum {
  if (!Number.isSafeInteger(neurons) || !Number.isSafeInteger(fanIn) || neurons < 0 || fanIn < 0 || weights.length !== neurons * fanIn) {
    throw new Error(`Error in canonicalSpectrum: weights has ${weights.length} entries, expected neurons (${neurons}) × fanIn (${fanIn}).`);
  }
  const norms = new Float64Array(neurons);
  for (let n = 0; n < neurons; n += 1) {
    let s = 0;
    for (let i = 0; i < fanIn; i += 1) s += (weights[n * fanIn + i] as number) ** 2;
    norms[n] = Math.sqrt(s);
  }
  const neuronOrder = Array.from({ length: neurons }, (_, n) => n).sort((a, b) => (norms[b] as number) - (norms[a] as number) || a - b);
  const rows = neuronOrder.map((n) => weights.slice(n * fanIn, (n + 1) * fanIn).sort((a, b) => b - a));
  return { neuronOrder, norms, rows };
}

/** `[in, out]` layer weights (row-major) to the `[out, in]` layout of {@link canonicalSpectrum}. */
export function transposeWeights(weights: Float32Array, inFeatures: number, outFeatures: number): Float32Array {
  const out = new Float32Array(weights.length);
  for (let i = 0; i < inFeatures; i += 1) for (let o = 0; o < outFeatures; o += 1) out[o * inFeatures + i] = weights[i * outFeatures + o] as number;
  return out;
}

/** The global flatten-sort of seed L800-804 (`SortedSpectrum.compute`): every value, descending. */
export function globalSortedSpectrum(weights: Float32Array): Float32Array {
  return Float32Array.from(weights).sort((a, b) => b - a);
}

/** Linear-interpolated quantiles (`qs` in [0, 1]) of the values. */
export function spectrumQuantiles(values: Float32Array, qs: readonly number[]): number[] {
  if (values.length === 0) return qs.map(() => Number.NaN);
  const sorted = Float32Array.from(values).sort();
  return qs.map((q) => {
    if (!(q >= 0 && q <= 1)) throw new Error(`Error in spectrumQuantiles: quantile must be in [0, 1], got ${q}.`);
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
  });
}

/** The k entries of largest |value| as `{ index, value }`, largest first (ties by index). */
export function topKByMagnitude(values: Float32Array, k: number): { index: number; value: number }[] {
  if (!Number.isSafeInteger(k) || k < 0) throw new Error(`Error in topKByMagnitude: k must be a non-negative integer, got ${k}.`);
  return Array.from(values, (value, index) => ({ index, value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.index - b.index)
    .slice(0, k);
}

/** A compact summary of a layer's spectrum. */
export interface SpectrumSummary {
  readonly quantiles: readonly number[];
  readonly topK: readonly { readonly index: number; readonly value: number }[];
  readonly neuronNorms: readonly number[];
}

/** Quantiles (0, 0.1, 0.5, 0.9, 1), top-k by magnitude and the neuron norms in canonical order. */
export function summarizeSpectrum(weights: Float32Array, neurons: number, fanIn: number, k = 8): SpectrumSummary {
  const spectrum = canonicalSpectrum(weights, neurons, fanIn);
  return {
    quantiles: spectrumQuantiles(weights, [0, 0.1, 0.5, 0.9, 1]),
    topK: topKByMagnitude(weights, k),
    neuronNorms: spectrum.neuronOrder.map((n) => spectrum.norms[n] as number),
  };
}
