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
 * `y = x · W[:in] + W[in]` for replica `replica`: x `[n, in]`, W `[R, in + 1, out]`; returns y `[n, out]`.
 */
export function denseForward(x: ArrayLike<number>, n: number, inDim: number, w: Float32Array, replica: number, outDim: number): Float64Array {
  const base = replica * (inDim + 1) * outDim;
  const biasBase = base + inDim * outDim;
  const y = new Float64Array(n * outDim);
  for (let b = 0; b < n; b++) {
    const yo = b * outDim;
    const xo = b * inDim;
    for (let o = 0; o < outDim; o++) y[yo + o] = w[biasBase + o] as number;
    for (let i = 0; i < inDim; i++) {
      const xi = x[xo + i] as number;
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

/** The policy's host weights for one replica: views into the `[R, in (+ 1), out]` blocks and their offsets. */
export interface PolicyHostWeights {
  /** Observation layer `[P + 1, H]` (bias last) starting at `woOffset`. */
  readonly wo: Float32Array;
  readonly woOffset: number;
  /** Latent layer `[Z, H]` (no bias) starting at `wzOffset`; only the first `readDim` rows are read. */
  readonly wz: Float32Array;
  readonly wzOffset: number;
  /** Output layer `[H + 1, outDim]` (bias last) starting at `w2Offset`. */
  readonly w2: Float32Array;
  readonly w2Offset: number;
  readonly obsDim: number;
  /** Row stride of z (the latent dimension). */
  readonly latentDim: number;
  /** Leading latent columns the policy reads. */
  readonly readDim: number;
  readonly hiddenUnits: number;
  readonly outDim: number;
}

/**
 * The policy network on the host, specialised (one fused loop per episode, no intermediate arrays):
 * `y_i = W2ᵀ·[tanh(Woᵀ·[obs_i, 1] + Wzᵀ·z_i[:readDim]), 1]` for obs `[n, P]`, z `[n, latentDim]`;
 * returns y `[n, outDim]`. Same numbers as {@link denseForward} chained (up to summation order).
 */
export function policyForward(w: PolicyHostWeights, obs: ArrayLike<number>, z: ArrayLike<number>, n: number): Float64Array {
  const { wo, wz, w2, woOffset, wzOffset, w2Offset, obsDim: P, latentDim: Z, readDim, hiddenUnits: H, outDim: O } = w;
  const hidden = new Float64Array(H);
  const y = new Float64Array(n * O);
  const woBias = woOffset + P * H;
  const w2Bias = w2Offset + H * O;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < H; o++) hidden[o] = wo[woBias + o] as number;
    for (let p = 0; p < P; p++) {
      const x = obs[i * P + p] as number;
      const row = woOffset + p * H;
      for (let o = 0; o < H; o++) hidden[o] = (hidden[o] as number) + x * (wo[row + o] as number);
    }
    for (let k = 0; k < readDim; k++) {
      const x = z[i * Z + k] as number;
      const row = wzOffset + k * H;
      for (let o = 0; o < H; o++) hidden[o] = (hidden[o] as number) + x * (wz[row + o] as number);
    }
    for (let o = 0; o < H; o++) hidden[o] = Math.tanh(hidden[o] as number);
    for (let a = 0; a < O; a++) {
      let s = w2[w2Bias + a] as number;
      for (let o = 0; o < H; o++) s += (hidden[o] as number) * (w2[w2Offset + o * O + a] as number);
      y[i * O + a] = s;
    }
  }
  return y;
}
