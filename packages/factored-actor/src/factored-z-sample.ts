/**
 * `FactoredZSample`: what sampling the factored actor returns (001 §B: `sample_z(s0)` →
 * `(z, z_mu, z_logstd, z_intent, z_real)`, as the dataclass `FactoredZSample`), for R replicas × n
 * episodes, in flat row-major host arrays. z = [z_intent, z_real], intent first (001 L9–10).
 *
 * Source: `001_4e7658869d462183.txt` §B L20–44; SEED-INVENTORY.md §6.2–6.3.
 */

/** A batch of factored latents. Shapes are `[replicas, count, ·]` row-major. */
export interface FactoredZSample {
  readonly replicas: number;
  /** Episodes per replica. */
  readonly count: number;
  readonly intentDim: number;
  readonly realDim: number;
  /** z = [z_intent, z_real], `[R, n, intentDim + realDim]`. */
  readonly z: Float32Array;
  /** Posterior mean (the intent part normalised), `[R, n, intentDim + realDim]`. */
  readonly zMu: Float32Array;
  /** Posterior log-std, `[R, n, intentDim + realDim]`. */
  readonly zLogStd: Float32Array;
  /** `[R, n, intentDim]` */
  readonly zIntent: Float32Array;
  /** `[R, n, realDim]` (empty for an unfactored actor). */
  readonly zReal: Float32Array;
  /** The unit noise of the reparameterised draw, `[R, n, intentDim + realDim]` (0 where deterministic or set). */
  readonly eps: Float32Array;
  /** The intent part of the posterior mean before normalisation, `[R, n, intentDim]`. */
  readonly rawIntentMean: Float32Array;
  /** KL(q(z_intent | s0) ‖ N(0, I)) per episode, `[R, n]`, in nats. */
  readonly klIntent: Float32Array;
  /** KL(q(z_real | s0) ‖ N(0, I)) per episode, `[R, n]` (0 for an unfactored actor). */
  readonly klReal: Float32Array;
}

/** KL_total = KL_intent + KL_real per episode (001 L31). */
export function klTotal(sample: FactoredZSample): Float32Array {
  return Float32Array.from(sample.klIntent, (v, i) => v + (sample.klReal[i] ?? 0));
}

/** Check the shapes of a sample (001 L39: "assert shapes everywhere"); throws naming the field. */
export function checkSample(fn: string, sample: FactoredZSample): void {
  const { replicas: R, count: n, intentDim: I, realDim: Rl } = sample;
  const expect: [string, ArrayLike<number>, number][] = [
    ["z", sample.z, R * n * (I + Rl)],
    ["zMu", sample.zMu, R * n * (I + Rl)],
    ["zLogStd", sample.zLogStd, R * n * (I + Rl)],
    ["zIntent", sample.zIntent, R * n * I],
    ["zReal", sample.zReal, R * n * Rl],
    ["eps", sample.eps, R * n * (I + Rl)],
    ["rawIntentMean", sample.rawIntentMean, R * n * I],
    ["klIntent", sample.klIntent, R * n],
    ["klReal", sample.klReal, R * n],
  ];
  for (const [name, array, length] of expect) {
    if (array.length !== length) throw new Error(`Error in ${fn}: sample.${name} has ${array.length} values, expected ${length} (R = ${R}, n = ${n}, intentDim = ${I}, realDim = ${Rl}).`);
  }
}
