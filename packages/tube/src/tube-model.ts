/**
 * The tube model: conditioned on an observation of s0 (and its context, e.g. the rule) and a latent z,
 * it outputs per timestep t and dimension d a mean μ[t,d], a width logσ[t,d] (floored at log σ_min) and
 * one stop logit per timestep. Two tanh trunks: the μ trunk reads the observation and `muLatent` of z;
 * the cone trunk (σ and stop heads) reads the observation and `coneLatent` of z. With `coneLatent` set
 * to the z_intent slice this is the seed's `FactoredSharedTube` (σ and stop from (s0, z_intent) only).
 *
 * `replicas` independent tubes are trained side by side in the same ops (batched matMul over a leading
 * replica axis): an ensemble, or several λ variants on one batch at the cost of one.
 *
 * Source: `000_e13b841348682d63.txt` L245 (μ, σ of shape [T, D]), L121–138 (σ clamp);
 * `001_4e7658869d462183.txt` §C L52–65 (head wiring, `intent_only_sigma`, `intent_only_stop`); ADR 0202.
 */
import { parseConfig, tf, type Rng, type Tensor, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";
import { SIGMA_FLOOR } from "./constants.js";
import { tubeMasks, type LatentSlice } from "./tube-masks.js";

export type { LatentSlice } from "./tube-masks.js";

/** Default hidden units per trunk (ADR 0202). */
export const DEFAULT_HIDDEN_UNITS = 32;
/** Default initial σ of a fresh tube, in state units (ADR 0202). */
export const DEFAULT_INIT_SIGMA = 0.3;
/** Default initial stop logit (hazard ≈ 0.05 per step; ADR 0202). */
export const DEFAULT_INIT_STOP_LOGIT = -3;
/** Scale of the initial head weights relative to 1/√fan-in (small, so μ starts at the anchor; ADR 0202). */
const HEAD_INIT_SCALE = 0.1;

const sliceSchema = z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }).strict();

/** Validates {@link TubeModelConfig} (ADR 0202). */
export const tubeModelConfigSchema = z
  .object({
    obsDim: z.number().int().min(1),
    latentDim: z.number().int().min(0).default(0),
    horizonSteps: z.number().int().min(1),
    stateDim: z.number().int().min(1),
    hiddenUnits: z.number().int().min(1).default(DEFAULT_HIDDEN_UNITS),
    replicas: z.number().int().min(1).default(1),
    muLatent: sliceSchema.optional(),
    coneLatent: sliceSchema.optional(),
    sigmaFloor: z.number().finite().positive().default(SIGMA_FLOOR),
    initSigma: z.number().finite().positive().default(DEFAULT_INIT_SIGMA),
    initStopLogit: z.number().finite().default(DEFAULT_INIT_STOP_LOGIT),
  })
  .strict();

/**
 * Configuration of a {@link TubeModel}. `muLatent` / `coneLatent` default to all of z; set
 * `coneLatent: { start: 0, end: intentDim }` to restrict σ and stop to z_intent.
 */
export type TubeModelConfig = z.input<typeof tubeModelConfigSchema>;

/** Inputs of {@link TubeModel.forward}; B episodes. */
export interface TubeInputs {
  /** Observation `[B, obsDim]` (s0 and its context). */
  readonly obs: Tensor2D;
  /** Latent z `[B, latentDim]`; required when `latentDim > 0`. */
  readonly latent?: Tensor2D;
  /** Added to μ, `[B, T·D]` (for example s0 repeated over T, the "identity" prediction). */
  readonly anchor?: Tensor2D;
}

/** Outputs of {@link TubeModel.forward}, with a leading replica axis R. */
export interface TubeOutput {
  /** `[R, B, T, D]` */
  readonly mu: Tensor;
  /** log σ after the floor, `[R, B, T, D]` */
  readonly logSigma: Tensor;
  /** log σ before the floor (for the volume barrier), `[R, B, T, D]` */
  readonly logSigmaRaw: Tensor;
  /** σ = exp(logSigma), `[R, B, T, D]` */
  readonly sigma: Tensor;
  /** `[R, B, T]` */
  readonly stopLogits: Tensor;
}

/**
 * A tube model of `replicas` independent tubes.
 *
 * @example
 * ```ts
 * const model = new TubeModel({ obsDim: 6, latentDim: 4, horizonSteps: 8, stateDim: 2,
 *   coneLatent: { start: 0, end: 2 } }, createRng(1));          // σ and stop see z[0:2] only
 * const out = model.forward({ obs, latent });                     // out.mu: [1, B, 8, 2]
 * ```
 */
export class TubeModel {
  /** The validated configuration (defaults filled). */
  readonly config: Readonly<z.output<typeof tubeModelConfigSchema>> & { readonly muLatent: LatentSlice; readonly coneLatent: LatentSlice };
  /** First layer `[R, obsDim + latentDim + 1, 2H]` (last input row = bias). */
  readonly w1: Variable;
  /** Head layer `[R, 2H + 1, 2·T·D + T]` (last row = bias). */
  readonly w2: Variable;
  private readonly mask1: Tensor;
  private readonly mask2: Tensor;

  constructor(config: TubeModelConfig, rng: Rng) {
    const c = parseConfig(tubeModelConfigSchema, config, "TubeModel");
    const full: LatentSlice = { start: 0, end: c.latentDim };
    const muLatent = c.muLatent ?? full;
    const coneLatent = c.coneLatent ?? full;
    for (const [name, slice] of [
      ["muLatent", muLatent],
      ["coneLatent", coneLatent],
    ] as const) {
      if (slice.start > slice.end || slice.end > c.latentDim) {
        throw new Error(`Error in TubeModel: config ${name} [${slice.start}, ${slice.end}) must lie within [0, latentDim = ${c.latentDim}).`);
      }
    }
    this.config = { ...c, muLatent, coneLatent };
    const H = c.hiddenUnits;
    const TD = c.horizonSteps * c.stateDim;
    const { mask1: m1, mask2: m2, inRows, outCols } = tubeMasks(this.config);
    const fanIn1 = (trunk: number): number => {
      const slice = trunk === 0 ? muLatent : coneLatent;
      return c.obsDim + (slice.end - slice.start) + 1;
    };
    const w1 = new Float32Array(c.replicas * inRows * 2 * H);
    const w2 = new Float32Array(c.replicas * (2 * H + 1) * outCols);
    for (let r = 0; r < c.replicas; r++) {
      for (let row = 0; row < inRows; row++) {
        for (let col = 0; col < 2 * H; col++) {
          const at = row * 2 * H + col;
          const std = 1 / Math.sqrt(fanIn1(col < H ? 0 : 1));
          w1[r * inRows * 2 * H + at] = (m1[at] ?? 0) * (row === inRows - 1 ? 0 : rng.normal(0, std));
        }
      }
      for (let row = 0; row <= 2 * H; row++) {
        for (let col = 0; col < outCols; col++) {
          const at = row * outCols + col;
          let value = 0;
          if (row === 2 * H) value = col < TD ? 0 : col < 2 * TD ? Math.log(c.initSigma) : c.initStopLogit;
          else if ((m2[at] ?? 0) === 1) value = rng.normal(0, HEAD_INIT_SCALE / Math.sqrt(H));
          w2[r * (2 * H + 1) * outCols + at] = value;
        }
      }
    }
    this.mask1 = tf.tensor2d(m1, [inRows, 2 * H]);
    this.mask2 = tf.tensor2d(m2, [2 * H + 1, outCols]);
    // A variable shares its initial tensor's data; the initial tensor itself is disposed here.
    const [init1, init2] = [tf.tensor3d(w1, [c.replicas, inRows, 2 * H]), tf.tensor3d(w2, [c.replicas, 2 * H + 1, outCols])];
    this.w1 = tf.variable(init1, true, undefined, "float32");
    this.w2 = tf.variable(init2, true, undefined, "float32");
    tf.dispose([init1, init2]);
  }

  /** The trainable variables by name, for an optimizer (`AdamWithMoments`). */
  variables(): Record<"w1" | "w2", Variable> {
    return { w1: this.w1, w2: this.w2 };
  }

  /**
   * Run every replica on a batch. Inside a `tf.tidy` (or `tf.variableGrads`) the intermediates are freed;
   * the caller owns the outputs. Differentiable in the weights and in `obs`, `latent` and `anchor` for
   * any number of replicas (the replicas' gradients of a shared input add up).
   */
  forward(inputs: TubeInputs): TubeOutput {
    const { obsDim, latentDim, replicas: R, horizonSteps: T, stateDim: D, sigmaFloor } = this.config;
    const B = inputs.obs.shape[0];
    if (inputs.obs.shape[1] !== obsDim) throw new Error(`Error in TubeModel.forward: obs must be [B, ${obsDim}], got [${inputs.obs.shape.join(",")}].`);
    if (latentDim > 0 && inputs.latent === undefined) throw new Error(`Error in TubeModel.forward: latent [B, ${latentDim}] is required (latentDim = ${latentDim}).`);
    if (inputs.latent !== undefined && (inputs.latent.shape[0] !== B || inputs.latent.shape[1] !== latentDim)) {
      throw new Error(`Error in TubeModel.forward: latent must be [${B}, ${latentDim}], got [${inputs.latent.shape.join(",")}].`);
    }
    if (inputs.anchor !== undefined && (inputs.anchor.shape[0] !== B || inputs.anchor.shape[1] !== T * D)) {
      throw new Error(`Error in TubeModel.forward: anchor must be [${B}, ${T * D}], got [${inputs.anchor.shape.join(",")}].`);
    }
    return tf.tidy(() => {
      const parts: Tensor[] = [inputs.obs];
      if (latentDim > 0 && inputs.latent !== undefined) parts.push(inputs.latent);
      parts.push(tf.ones([B, 1]));
      const x = tf.concat(parts, 1);
      // One copy of x per replica: a broadcast batch axis in matMul does not back-propagate into x
      // (tfjs's BatchMatMul gradient keeps the broadcast shape), tile's gradient sums over the replicas.
      const xR = R > 1 ? tf.tile(tf.expandDims(x, 0), [R, 1, 1]) : tf.expandDims(x, 0);
      const h = tf.tanh(tf.matMul(xR, tf.mul(this.w1, this.mask1)));
      const hb = tf.concat([h, tf.ones([R, B, 1])], 2);
      const out = tf.matMul(hb, tf.mul(this.w2, this.mask2));
      const TD = T * D;
      let mu = tf.slice(out, [0, 0, 0], [R, B, TD]);
      if (inputs.anchor !== undefined) mu = tf.add(mu, inputs.anchor);
      const logSigmaRaw = tf.reshape(tf.slice(out, [0, 0, TD], [R, B, TD]), [R, B, T, D]);
      const logSigma = tf.maximum(logSigmaRaw, Math.log(sigmaFloor));
      return {
        mu: tf.reshape(mu, [R, B, T, D]),
        logSigma,
        logSigmaRaw,
        sigma: tf.exp(logSigma),
        stopLogits: tf.slice(out, [0, 0, 2 * TD], [R, B, T]),
      };
    });
  }

  /** Number of trainable weights (masked-out entries excluded), per replica. */
  parameterCount(): number {
    return tf.tidy(() => (tf.sum(this.mask1).dataSync()[0] ?? 0) + (tf.sum(this.mask2).dataSync()[0] ?? 0));
  }

  /** Free the variables and masks. */
  dispose(): void {
    tf.dispose([this.w1, this.w2, this.mask1, this.mask2]);
  }
}
