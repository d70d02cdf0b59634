/**
 * Host-side (plain TypeScript) forward passes of the actor's small dense layers, used to act: a rollout
 * needs one forward per step for every episode, and on wasm each tfjs op costs 10–30 µs, so acting on
 * the host with a copy of the weights (read once per update) is far cheaper than T tensor round trips.
 * The training loss recomputes the same layers as tensors; `test/factored-actor.test.ts` checks that the
 * two agree. Weights use the layout of the tensor layers: `[R, in + 1, out]` row-major with the bias as
 * the last input row.
 *
 * Source: performance facts in `shared/TOOLCHAIN.md` (per-op cost on wasm); ADR 0602.
 */

/** Initial weights `[R, in + 1, out]`: N(0, gain²/in) entries, zero bias row. */
export function initDense(rng: { normal(mean?: number, std?: number): number }, replicas: number, inDim: number, outDim: number, gain = 1): Float32Array {
  const w = new Float32Array(replicas * (inDim + 1) * outDim);
  const std = gain / Math.sqrt(Math.max(1, inDim));
  for (let r = 0; r < replicas; r++) {
    for (let i = 0; i < inDim; i++) {
      for (let o = 0; o < outDim; o++) w[(r * (inDim + 1) + i) * outDim + o] = rng.normal(0, std);
    }
  }
  return w;
}

/**
 * `y = x · W[:in] + W[in]` for replica `replica`: x `[n, in]` (row stride `inStride`, offset `inOffset`
 * within the row), W `[R, in + 1, out]`; writes y `[n, out]` into `out` at row stride `outDim`.
 * Set `hasBias` false for a weight without a bias row (`[R, in, out]`).
 */
export function denseForward(
  x: ArrayLike<number>,
  n: number,
  inDim: number,
  w: Float32Array,
  replica: number,
  outDim: number,
  options: { readonly inStride?: number; readonly inOffset?: number; readonly hasBias?: boolean; readonly accumulate?: Float64Array } = {},
): Float64Array {
  const stride = options.inStride ?? inDim;
  const offset = options.inOffset ?? 0;
  const hasBias = options.hasBias ?? true;
  const rows = inDim + (hasBias ? 1 : 0);
  const base = replica * rows * outDim;
  const biasBase = base + inDim * outDim;
  const accumulate = options.accumulate !== undefined;
  const y = options.accumulate ?? new Float64Array(n * outDim);
  if (y.length < n * outDim) throw new Error(`Error in denseForward: accumulate has ${y.length} values, needs ${n * outDim}.`);
  for (let b = 0; b < n; b++) {
    const yo = b * outDim;
    const xo = b * stride + offset;
    if (!accumulate) for (let o = 0; o < outDim; o++) y[yo + o] = 0;
    if (hasBias) for (let o = 0; o < outDim; o++) y[yo + o] = (y[yo + o] as number) + (w[biasBase + o] as number);
    for (let i = 0; i < inDim; i++) {
      const xi = x[xo + i] as number;
      if (xi === 0) continue;
      const wo = base + i * outDim;
      for (let o = 0; o < outDim; o++) y[yo + o] = (y[yo + o] as number) + xi * (w[wo + o] as number);
    }
  }
  return y;
}

/** tanh in place. */
export function tanhInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i] ?? 0);
  return x;
}
