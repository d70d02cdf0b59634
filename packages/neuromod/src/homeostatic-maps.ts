/**
 * The three learned maps (seed `004_b9e7278aec0f8932.txt` L3–11, L71, L153; SEED-INVENTORY.md §8.1):
 * density `ρ̂[a,r] = fρ(ctx)`, sensitivity `ŝ[a,r] = fσ(ctx)` and release `r̂[e,n] = fr(ctx)`. Each is a
 * one-hidden-layer tanh network; outputs are bounded by a sigmoid range (`MAP_RANGES`, ADR 0501):
 * `out = min + (max − min)·σ(logit)`. fρ and fσ run on the per-area context `[A, F]` (one batched
 * matMul for all areas); fr runs on the global context `[1, G]` and emits `[E, N]`. Output weights start
 * small, so every map starts near the physiological prior (half its range).
 */
import { createRng, randomNormal, tf } from "@tam/tensor-backend";
import type { Rng, Tensor, Tensor2D, Variable } from "@tam/tensor-backend";

import { MAP_RANGES } from "./constants.js";

/** Hidden width of each map (ADR 0501). */
export const DEFAULT_MAP_HIDDEN_UNITS = 16;
/** Standard deviation of the output layer at init, relative to 1/√hidden (ADR 0501). */
export const OUTPUT_INIT_SCALE = 0.1;

/** One network's parameters (a tanh hidden layer and a linear output layer). */
export type MapParams = {
  readonly w1: Variable;
  readonly b1: Variable;
  readonly w2: Variable;
  readonly b2: Variable;
};

/** The maps' outputs for one tick. */
export interface MapOutputs {
  /** ρ̂ `[A, R]`. */
  readonly density: Tensor2D;
  /** ŝ `[A, R]`. */
  readonly sensitivity: Tensor2D;
  /** r̂ `[E, N]`. */
  readonly release: Tensor2D;
  /** Each output as a fraction of its range, σ(logit), in (0, 1): the normalised outputs. */
  readonly densityFraction: Tensor2D;
  readonly sensitivityFraction: Tensor2D;
  readonly releaseFraction: Tensor2D;
  /** Release logits before exploration noise `[E, N]` (the policy mean the eligibility trace uses). */
  readonly releaseLogits: Tensor2D;
}

/** Sizes of the maps. */
export interface MapSizes {
  readonly perAreaFeatures: number;
  readonly globalFeatures: number;
  readonly receptors: number;
  readonly emitters: number;
  readonly neurotransmitters: number;
  readonly hiddenUnits: number;
}

function createMap(rng: Rng, inputs: number, hidden: number, outputs: number, name: string, blocks = 1): MapParams {
  // `blocks` networks side by side: hidden units [block·H, (block+1)·H) feed outputs of that block only.
  return tf.tidy(() => {
    const mask = blockMask(blocks, hidden, outputs);
    const w1 = randomNormal(rng.fork("w1"), [inputs, blocks * hidden], { std: 1 / Math.sqrt(inputs) });
    const w2 = tf.mul(randomNormal(rng.fork("w2"), [blocks * hidden, blocks * outputs], { std: OUTPUT_INIT_SCALE / Math.sqrt(hidden) }), mask);
    return {
      w1: tf.variable(w1, true, `${name}/w1`),
      b1: tf.variable(tf.zeros([blocks * hidden]), true, `${name}/b1`),
      w2: tf.variable(w2, true, `${name}/w2`),
      b2: tf.variable(tf.zeros([blocks * outputs]), true, `${name}/b2`),
    };
  });
}

/** `[blocks·hidden, blocks·outputs]` block-diagonal 0/1 mask. */
function blockMask(blocks: number, hidden: number, outputs: number): Tensor2D {
  const data = new Float32Array(blocks * hidden * blocks * outputs);
  for (let b = 0; b < blocks; b += 1) {
    for (let h = 0; h < hidden; h += 1) {
      for (let o = 0; o < outputs; o += 1) data[(b * hidden + h) * blocks * outputs + b * outputs + o] = 1;
    }
  }
  return tf.tensor2d(data, [blocks * hidden, blocks * outputs]);
}

function mlp(params: MapParams, x: Tensor2D, mask?: Tensor2D): Tensor2D {
  const w2 = mask === undefined ? params.w2 : tf.mul(params.w2, mask);
  return tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, params.w1), params.b1)), w2), params.b2);
}

let mapsCounter = 0;

/**
 * fρ, fσ and fr with their variables. fρ and fσ read the same per-area context, so they are evaluated
 * as one block-diagonal network: their hidden units side by side in one first layer, and a constant
 * block mask on the output layer, so neither network sees the other's hidden units (they share no
 * weight, and the masked entries get zero gradient). One matMul per layer serves both (ADR 0501).
 *
 * @example
 * ```ts
 * const maps = new HomeostaticMaps({ perAreaFeatures: 28, globalFeatures: 24, receptors: 6, emitters: 3, neurotransmitters: 3, hiddenUnits: 16 }, 1);
 * const density = tf.tidy(() => maps.forward(ctx.perArea, ctx.global).density); // [A, R], each in [0.05, 1]
 * ```
 */
export class HomeostaticMaps {
  /** fρ (columns [0, R) of the output) and fσ (columns [R, 2R)), block-diagonal. */
  readonly densitySensitivity: MapParams;
  /** fr. */
  readonly release: MapParams;
  readonly sizes: MapSizes;
  private readonly mask: Tensor2D;

  constructor(sizes: MapSizes, seed: number) {
    for (const [key, value] of Object.entries(sizes)) {
      if (!(Number.isInteger(value) && value > 0)) throw new Error(`Error in HomeostaticMaps: ${key} must be a positive integer, got ${String(value)}.`);
    }
    this.sizes = sizes;
    const rng = createRng(seed);
    const prefix = `neuromod${mapsCounter++}`;
    this.densitySensitivity = createMap(rng.fork("density-sensitivity"), sizes.perAreaFeatures, sizes.hiddenUnits, sizes.receptors, `${prefix}/density-sensitivity`, 2);
    this.release = createMap(rng.fork("release"), sizes.globalFeatures, sizes.hiddenUnits, sizes.emitters * sizes.neurotransmitters, `${prefix}/release`);
    this.mask = blockMask(2, sizes.hiddenUnits, sizes.receptors);
  }

  /** The variables by name (`densitySensitivity/w1`, …, `release/b2`), for an optimizer or a checkpoint. */
  variables(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const [mapName, params] of [
      ["densitySensitivity", this.densitySensitivity],
      ["release", this.release],
    ] as const) {
      out[`${mapName}/w1`] = params.w1;
      out[`${mapName}/b1`] = params.b1;
      out[`${mapName}/w2`] = params.w2;
      out[`${mapName}/b2`] = params.b2;
    }
    return out;
  }

  /** Release logits `[E, N]` (not tidied). */
  releaseLogits(global: Tensor2D): Tensor2D {
    const { globalFeatures, emitters, neurotransmitters } = this.sizes;
    if (global.shape[0] !== 1 || global.shape[1] !== globalFeatures) {
      throw new Error(`Error in HomeostaticMaps: global must have shape [1,${globalFeatures}], got [${global.shape.join(",")}].`);
    }
    return tf.reshape(mlp(this.release, global), [emitters, neurotransmitters]);
  }

  /**
   * Evaluate the maps (not tidied, so gradients flow).
   *
   * @param perArea - `[A, F]` context.
   * @param global - `[1, G]` context.
   * @param releaseExploration - optional noise added to the release logits `[E, N]` (policy exploration).
   */
  forward(perArea: Tensor2D, global: Tensor2D, releaseExploration?: Tensor2D): MapOutputs {
    const { perAreaFeatures, receptors } = this.sizes;
    if (perArea.shape[1] !== perAreaFeatures) throw new Error(`Error in HomeostaticMaps.forward: perArea must have ${perAreaFeatures} features, got ${perArea.shape[1]}.`);
    const both = tf.sigmoid(mlp(this.densitySensitivity, perArea, this.mask));
    const [densityFraction, sensitivityFraction] = tf.split(both, [receptors, receptors], 1) as [Tensor2D, Tensor2D];
    const releaseLogits = this.releaseLogits(global);
    const explored = releaseExploration === undefined ? releaseLogits : tf.add(releaseLogits, releaseExploration);
    const releaseFraction = tf.sigmoid(explored) as Tensor2D;
    const scale = (fraction: Tensor, range: { readonly min: number; readonly max: number }): Tensor2D =>
      tf.add<Tensor2D>(range.min, tf.mul(range.max - range.min, fraction));
    return {
      density: scale(densityFraction, MAP_RANGES.density),
      sensitivity: scale(sensitivityFraction, MAP_RANGES.sensitivity),
      release: scale(releaseFraction, MAP_RANGES.release),
      densityFraction,
      sensitivityFraction,
      releaseFraction,
      releaseLogits,
    };
  }

  /** Dispose every variable. */
  dispose(): void {
    tf.dispose([...Object.values(this.variables()), this.mask]);
  }
}
