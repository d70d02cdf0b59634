/**
 * Gradient-based novelty signals (seed 002 L831-873, L969; SEED-INVENTORY §4.7, §15.4 items 6-7; ADR 0405).
 *
 * `NoveltySignal.vec` has the seed's 7 components: grad energy `EMA ‖g‖`, grad variance (EMA variance of ‖g‖),
 * residual `EMA |r|`, `v_eff`, `γ`, routing entropy (entropy of the node's normalised incoming message
 * magnitudes), saturation time (EMA of the indicator γ > `SATURATION_GAMMA`). A {@link NoveltyTracker} keeps the
 * fast EMAs and a slow baseline of the calm regime (always during the first `NOVELTY_WARMUP` observations, then
 * only while every |z| < `NOVELTY_CALM_Z`, so a sustained anomaly is not learned as normal), and reports
 * z-scores against it; their quantised form is the signature the prototype cache is keyed by.
 */
import { NOVELTY_BASELINE_EMA, NOVELTY_CALM_Z, NOVELTY_COMPONENTS, NOVELTY_EMA, NOVELTY_WARMUP, SATURATION_GAMMA, SIGNATURE_CLIP, SIGNATURE_QUANTUM } from "./constants.js";

/** Names of the 7 components, in order (seed L856). */
export const NOVELTY_NAMES = ["gradEnergy", "gradVariance", "residual", "vEff", "gamma", "routingEntropy", "saturationTime"] as const;

/** One observation of a module. */
export interface NoveltyObservation {
  /** ‖∂L/∂θ‖ of the module's parameters this step. */
  readonly gradNorm: number;
  /** |prediction error| of the module's node this step (mean over dims). */
  readonly residual: number;
  readonly vEff: number;
  readonly gamma: number;
  /** Magnitudes of the incoming messages (for routing entropy); empty = 0 entropy. */
  readonly messageNorms: readonly number[];
}

/** The seed's 7-vector (L855-857). */
export class NoveltySignal {
  readonly vec: Float64Array;

  /** @throws Error when the vector does not have 7 finite components. */
  constructor(vec: ArrayLike<number>) {
    if (vec.length !== NOVELTY_COMPONENTS) throw new Error(`Error in NoveltySignal: need ${NOVELTY_COMPONENTS} components, got ${vec.length}.`);
    this.vec = Float64Array.from(vec);
    this.vec.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`Error in NoveltySignal: component ${NOVELTY_NAMES[i]} is ${v}.`);
    });
  }
}

/** Entropy (nats) of normalised non-negative weights; 0 for none or all zero. */
export function routingEntropy(weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + Math.abs(w), 0);
  if (total <= 0) return 0;
  const h = -weights.reduce((s, w) => {
    const q = Math.abs(w) / total;
    return q > 0 ? s + q * Math.log(q) : s;
  }, 0);
  return h > 0 ? h : 0;
}

/**
 * The quantised signature of a z-vector: each component clipped to ±`SIGNATURE_CLIP` and rounded to
 * `SIGNATURE_QUANTUM` (seed L850 "hash of normalized feature vector"), with its string key.
 */
export function signatureOf(z: ArrayLike<number>): { readonly code: Int8Array; readonly key: string } {
  const code = Int8Array.from(Array.from(z, (v) => Math.round(Math.max(-SIGNATURE_CLIP, Math.min(SIGNATURE_CLIP, v)) / SIGNATURE_QUANTUM)));
  return { code, key: Array.from(code).join(",") };
}

/**
 * Per-module novelty statistics.
 *
 * @example
 * ```ts
 * const t = new NoveltyTracker();
 * t.observe({ gradNorm: 0.1, residual: 0.05, vEff: 0.2, gamma: 1.02, messageNorms: [1, 0.5] });
 * t.zScores();     // 7 numbers vs the calm baseline
 * ```
 */
export class NoveltyTracker {
  private readonly fast = new Float64Array(NOVELTY_COMPONENTS);
  private readonly baseMean = new Float64Array(NOVELTY_COMPONENTS);
  private readonly baseVar = new Float64Array(NOVELTY_COMPONENTS);
  private gradMean = 0;
  private gradVar = 0;
  private count = 0;

  /** Fold in one step and return the raw signal. */
  observe(o: NoveltyObservation): NoveltySignal {
    for (const [k, v] of Object.entries({ gradNorm: o.gradNorm, residual: o.residual, vEff: o.vEff, gamma: o.gamma })) {
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`Error in NoveltyTracker.observe: ${k} must be finite and >= 0, got ${v}.`);
    }
    const a = this.count === 0 ? 1 : NOVELTY_EMA;
    const delta = o.gradNorm - this.gradMean;
    this.gradMean += a * delta;
    this.gradVar = (1 - a) * (this.gradVar + a * delta * delta);
    const raw = [this.gradMean, this.gradVar, o.residual, o.vEff, o.gamma, routingEntropy(o.messageNorms), o.gamma > SATURATION_GAMMA ? 1 : 0];
    raw.forEach((v, i) => {
      this.fast[i] = i <= 1 ? v : (this.fast[i] as number) + a * (v - (this.fast[i] as number));
    });
    const z = this.zScores();
    if (this.count < NOVELTY_WARMUP || z.every((v) => Math.abs(v) < NOVELTY_CALM_Z)) {
      const b = this.count === 0 ? 1 : NOVELTY_BASELINE_EMA;
      this.fast.forEach((v, i) => {
        const d = v - (this.baseMean[i] as number);
        this.baseMean[i] = (this.baseMean[i] as number) + b * d;
        this.baseVar[i] = (1 - b) * ((this.baseVar[i] as number) + b * d * d);
      });
    }
    this.count += 1;
    return new NoveltySignal(this.fast);
  }

  /** The current signal. */
  signal(): NoveltySignal {
    return new NoveltySignal(this.fast);
  }

  /** z-scores of the current signal against the calm baseline (a floor keeps constant components at 0). */
  zScores(): Float64Array {
    return Float64Array.from(this.fast, (v, i) => {
      const sd = Math.sqrt(this.baseVar[i] as number) + 1e-3 * (Math.abs(this.baseMean[i] as number) + 1e-3);
      return (v - (this.baseMean[i] as number)) / sd;
    });
  }
}
