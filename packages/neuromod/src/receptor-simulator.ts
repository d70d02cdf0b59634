/**
 * One tick of the receptor simulator (SEED-INVENTORY.md §11 E8, §15.8.1; seed
 * `004_b9e7278aec0f8932.txt` L21–34, L99–109, L127). Every quantity is a batched tensor over areas ×
 * receptors (or areas × NTs); the tick is differentiable with respect to the maps' outputs. ADR 0501:
 *
 * 1. release: `inflow[a,n] = load[a] · Σ_e P[a,e] · r̂[e,n]·Me[e,n]`; `available = carry + inflow`
 * 2. binding with capacity: `capacity[a,n] = Σ_r ρ̂[a,r]·M[r,n]` (total sites for NT n);
 *    `bound = available·capacity / (Kd + available + capacity)` (a smooth min: bound < min(available,
 *    capacity)); `B̄ = bound / capacity` per NT, copied to its receptors; `SatNT = max(0, available −
 *    capacity)/available`
 * 3. modulators: `μ[n] = mean_a available/(available + K_μ)`, then the safety clamp
 * 4. receptor network: `drive[a,r] = Σ_r' B̄[a,r']·ρ̂[a,r']/ρmax · C[r',r]`; allosteric factor from μ and
 *    the time of day (`modulate-function.ts`); `S̄ = σ(ŝ·allo·drive + b + noise)` with postsynaptic noise
 *    added after the gain, and the modelled (noise-free) `Ŝ = σ(ŝ·allo·drive + b)` for NoiseLeak
 * 5. carry-over: unbound NT decays, `carry' = (available − bound)·(1 − clearance)`
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor, Tensor1D, Tensor2D } from "@tam/tensor-backend";

import {
  BINDING_KD,
  CLEARANCE_PER_TICK,
  MAP_RANGES,
  MODULATOR_HALF_SATURATION,
  POSTSYNAPTIC_NOISE_STD,
  RECEPTOR_OUTPUT_BIAS,
} from "./constants.js";
import { bindingFraction, ntSaturation } from "./local-metrics.js";
import type { LayoutTensors } from "./receptor-layout.js";
import { allostericFactor } from "./modulate-function.js";
import { assertNonEmpty } from "./non-empty.js";
import type { ModulateParams } from "./modulate-function.js";
import { clampModulators } from "./safety-clamp.js";
import type { MuClamp } from "./safety-clamp.js";

/** What drives one tick. */
export interface TickInputs {
  /** Density ρ̂ `[A, R]`, in `MAP_RANGES.density`. */
  readonly density: Tensor2D;
  /** Sensitivity ŝ `[A, R]`, in `MAP_RANGES.sensitivity`. */
  readonly sensitivity: Tensor2D;
  /** Release r̂ `[E, N]`, in `MAP_RANGES.release` (entries an emitter does not release are ignored). */
  readonly release: Tensor2D;
  /** Input load per area `[A, 1]` (1 = nominal presynaptic drive). */
  readonly load: Tensor2D;
  /** Unbound NT carried over from the previous tick `[A, N]`. */
  readonly carry: Tensor2D;
  /** Standard-normal postsynaptic noise `[A, R]` (zeros for a noise-free tick). */
  readonly noise: Tensor2D;
  /** Fraction of the day in [0, 1). */
  readonly timeOfDay: number;
  readonly modulate: ModulateParams;
  readonly muClamp: MuClamp;
}

/** What one tick produces. */
export interface TickOutputs {
  /** NT available `[A, N]`. */
  readonly available: Tensor2D;
  /** Binding capacity (total sites per NT) `[A, N]`. */
  readonly capacity: Tensor2D;
  /** Bound NT (= bound sites) `[A, N]`. */
  readonly bound: Tensor2D;
  /** B̄ per receptor `[A, R]`, in [0, 1). */
  readonly bindingFraction: Tensor2D;
  /** SatNT `[A, N]`, in [0, 1]. */
  readonly saturation: Tensor2D;
  /** SatNT of each receptor's NT `[A, R]`. */
  readonly saturationByReceptor: Tensor2D;
  /** μ before the clamp `[N]`. */
  readonly modulatorsRaw: Tensor1D;
  /** μ after the safety clamp `[N]`. */
  readonly modulators: Tensor1D;
  /** Allosteric factor `[1, R]`. */
  readonly allosteric: Tensor2D;
  /** S̄ `[A, R]`, in (0, 1). */
  readonly activity: Tensor2D;
  /** Modelled, noise-free activity `[A, R]` (NoiseLeak's regressor). */
  readonly modelledActivity: Tensor2D;
  /** Release of each receptor's NT as a fraction of its maximum `[1, R]` (EnergyCost). */
  readonly releaseFraction: Tensor2D;
  /** Unbound NT carried to the next tick `[A, N]`. */
  readonly nextCarry: Tensor2D;
}

/**
 * Simulate one tick. Not wrapped in `tf.tidy` (so gradients flow); call inside `tf.tidy` or a gradient.
 *
 * @example
 * ```ts
 * const out = tf.tidy(() => simulateTick(layoutTensors(defaultReceptorLayout()), inputs).activity);
 * ```
 */
export function simulateTick(layout: LayoutTensors, inputs: TickInputs): TickOutputs {
  const [areas, receptors] = inputs.density.shape;
  const [emitters, nts] = layout.emitterNt.shape;
  const expect = (name: string, t: Tensor, shape: readonly number[]): void => {
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`Error in simulateTick: ${name} must have shape [${shape.join(",")}], got [${t.shape.join(",")}].`);
    }
  };
  assertNonEmpty("simulateTick", "density", inputs.density, 0);
  expect("density", inputs.density, [layout.projection.shape[0], layout.receptorNt.shape[0]]);
  expect("sensitivity", inputs.sensitivity, [areas, receptors]);
  expect("release", inputs.release, [emitters, nts]);
  expect("load", inputs.load, [areas, 1]);
  expect("carry", inputs.carry, [areas, nts]);
  expect("noise", inputs.noise, [areas, receptors]);

  const released = tf.mul(inputs.release, layout.emitterNt);
  const inflow = tf.mul(inputs.load, tf.matMul(layout.projection, released));
  const available = tf.add<Tensor2D>(inputs.carry, inflow);
  const capacity = tf.matMul(inputs.density, layout.receptorNt);
  const bound = tf.div<Tensor2D>(tf.mul(available, capacity), tf.add(tf.add(available, capacity), BINDING_KD));
  const bFracNt = bindingFraction(bound, capacity);
  const bFrac = tf.matMul(bFracNt, layout.ntReceptor);
  const saturation = ntSaturation(available, capacity) as Tensor2D;
  const saturationByReceptor = tf.matMul(saturation, layout.ntReceptor);

  const level = tf.div(available, tf.add(available, MODULATOR_HALF_SATURATION));
  const modulatorsRaw = tf.mean<Tensor1D>(level, 0);
  const modulators = clampModulators(modulatorsRaw, inputs.muClamp);
  const allosteric = allostericFactor(modulators, layout.allosteric, inputs.timeOfDay, inputs.modulate);

  const densityFraction = tf.div(inputs.density, MAP_RANGES.density.max);
  const drive = tf.matMul(tf.mul(bFrac, densityFraction), layout.crossTalk);
  const logit = tf.add(tf.mul(tf.mul(inputs.sensitivity, allosteric), drive), RECEPTOR_OUTPUT_BIAS);
  const activity = tf.sigmoid<Tensor2D>(tf.add(logit, tf.mul(inputs.noise, POSTSYNAPTIC_NOISE_STD)));
  const modelledActivity = tf.sigmoid(logit) as Tensor2D;

  const perNt = tf.div(tf.sum(released, 0), tf.mul(layout.emittersPerNt, MAP_RANGES.release.max));
  const releaseFraction = tf.matMul<Tensor2D>(tf.reshape(perNt, [1, nts]), layout.ntReceptor);
  const nextCarry = tf.mul<Tensor2D>(tf.sub(available, bound), 1 - CLEARANCE_PER_TICK);

  return {
    available,
    capacity: capacity as Tensor2D,
    bound,
    bindingFraction: bFrac as Tensor2D,
    saturation,
    saturationByReceptor: saturationByReceptor as Tensor2D,
    modulatorsRaw,
    modulators,
    allosteric,
    activity,
    modelledActivity,
    releaseFraction,
    nextCarry,
  };
}
