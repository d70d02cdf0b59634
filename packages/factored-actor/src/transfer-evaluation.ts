/**
 * Evaluation in world B, "does mapped intent work in B without learning B's intent?" (001 §H L181–209),
 * on a paired data set, every condition on the same matched episodes with the same native z_real_B
 * (one draw from q_B) and the policy mean:
 * 1. `native`: z_intent_B = the posterior mean of q_B;
 * 2. `transported`: z_intent_B = F(z_intent_A), z_A the posterior mean at the matched A start (with a
 *    z_real functor, `functorMaps.real`, z_real_B = F_real(z_real_A) instead of the native draw);
 * 3. `random`: z_intent ~ N(0, I) (the prior the normalised intents are matched to; ADR 0605);
 * 4. `oracle`: A's actor acting in B through the known transform (observations mapped back to A,
 *    actions mapped forward; for shifted-rules the rule relabelled), the positive control of 001 §J;
 * 5. `intentShuffled` / `realShuffled`: the §F baselines.
 * Metrics per condition: per-episode return, bind rate, log cone vol, E[T], signature distance to the
 * matched A episode; the calibration curve (coverage vs nominal, `@tam/tube`) and its error; the
 * correlation of A's and the condition's signatures across episodes.
 *
 * Source: `001_4e7658869d462183.txt` §F L117–119, §H L181–209, §J L228–237; SEED-INVENTORY.md §6.10–6.11.
 */
import type { Rng } from "@tam/tensor-backend";
import { DEFAULT_K_GRID, calibrationCurve, type CalibrationCurve } from "@tam/tube";
import type { FactoredActor } from "./factored-actor.js";
import type { IntentFunctor } from "./intent-functor.js";
import { pearson, signatureDistances, type PairedDataset } from "./intent-functor-trainer.js";
import { episodeSignatures, runWithLatents, type EpisodeSignatures } from "./latent-rollout.js";
import { shuffleIntents, shuffleReals } from "./reuse-actors.js";

/** The evaluation conditions. */
export const TRANSFER_CONDITIONS = ["native", "transported", "random", "oracle", "intentShuffled", "realShuffled"] as const;
/** An evaluation condition. */
export type TransferCondition = (typeof TRANSFER_CONDITIONS)[number];

/** Outcome of one condition. */
export interface ConditionOutcome {
  /** Mean reward per episode. */
  readonly returns: Float32Array;
  readonly signatures: EpisodeSignatures;
  /** Per-episode signature distance to the matched source episode. */
  readonly signatureDistance: Float32Array;
  readonly calibration: CalibrationCurve;
  /** Pearson correlation with the source signatures per component, and their mean. */
  readonly correlation: { readonly logConeVol: number; readonly expectedHorizon: number; readonly bindRate: number; readonly mean: number };
  readonly meanReturn: number;
  readonly meanBind: number;
}

/** Every condition's outcome. */
export type TransferEvaluation = Readonly<Record<TransferCondition, ConditionOutcome>>;

/**
 * Evaluate the transfer of `functor` on `data`.
 *
 * @example
 * ```ts
 * const result = evaluateTransfer(actor, data, trainer.functor, createRng(9));
 * result.transported.meanReturn > result.random.meanReturn;
 * ```
 */
export function evaluateTransfer(actor: FactoredActor, data: PairedDataset, functor: IntentFunctor, rng: Rng, options: { readonly realFunctor?: IntentFunctor } = {}): TransferEvaluation {
  const { spec, source, target } = data;
  const n = spec.count;
  const I = actor.intentDim;
  const Rl = actor.realDim;
  const Z = I + Rl;
  const stateDim = actor.config.stateDim;
  const compose = (intents: ArrayLike<number>, reals: ArrayLike<number>): Float32Array => {
    const z = new Float32Array(n * Z);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < I; d++) z[i * Z + d] = intents[i * I + d] ?? 0;
      for (let d = 0; d < Rl; d++) z[i * Z + I + d] = reals[i * Rl + d] ?? 0;
    }
    return z;
  };
  const outcome = (returns: Float32Array, signatures: EpisodeSignatures): ConditionOutcome => {
    const c = {
      logConeVol: pearson(source.signatures.logConeVol, signatures.logConeVol),
      expectedHorizon: pearson(source.signatures.expectedHorizon, signatures.expectedHorizon),
      bindRate: pearson(source.signatures.bindRate, signatures.bindRate),
    };
    let meanReturn = 0;
    let meanBind = 0;
    for (let i = 0; i < n; i++) {
      meanReturn += (returns[i] ?? 0) / n;
      meanBind += (signatures.bindRate[i] ?? 0) / n;
    }
    return {
      returns,
      signatures,
      signatureDistance: signatureDistances(signatures, source.signatures, data.scale),
      calibration: calibrationCurve(signatures.deviations, stateDim, DEFAULT_K_GRID),
      correlation: { ...c, mean: (c.logConeVol + c.expectedHorizon + c.bindRate) / 3 },
      meanReturn,
      meanBind,
    };
  };
  const run = (intents: ArrayLike<number>, reals: ArrayLike<number> = target.zRealNative): ConditionOutcome => {
    const { rollout, signatures } = runWithLatents(actor, target.replica, target.world, spec, compose(intents, reals));
    return outcome(rollout.returns, signatures);
  };
  const randomIntents = new Float32Array(n * I);
  for (let i = 0; i < randomIntents.length; i++) randomIntents[i] = rng.normal();
  const nativeSample = actor.withReal(actor.withIntent(actor.sample(target.starts.start, n, rng, { replica: target.replica }), target.zIntentNative), target.zRealNative);
  return {
    native: run(target.zIntentNative),
    transported: run(functor.apply(source.zIntent), options.realFunctor?.apply(source.zReal)),
    random: run(randomIntents),
    oracle: oracle(actor, data, outcome),
    intentShuffled: run(shuffleIntents(actor, nativeSample, rng).zIntent),
    realShuffled: Rl > 0 ? run(target.zIntentNative, shuffleReals(actor, nativeSample, rng).zReal) : run(target.zIntentNative),
  };
}

/** A's actor acting in B through the known transforms; its tube (A's) judges the trajectory mapped back. */
function oracle(actor: FactoredActor, data: PairedDataset, outcome: (returns: Float32Array, signatures: EpisodeSignatures) => ConditionOutcome): ConditionOutcome {
  const { spec, source, target } = data;
  const n = spec.count;
  const P = actor.config.policyObsDim;
  const toSource = (x: number, y: number): [number, number] => {
    const [cx, cy] = target.world.toCanonical(x, y);
    return source.world.toWorld(cx, cy);
  };
  const toTarget = (x: number, y: number): [number, number] => {
    const [cx, cy] = source.world.toCanonical(x, y);
    return target.world.toWorld(cx, cy);
  };
  const rollout = target.world.rollout(spec, (obs) => {
    const mapped = Float32Array.from(obs);
    for (let i = 0; i < n; i++) [mapped[i * P], mapped[i * P + 1]] = toSource(obs[i * P] ?? 0, obs[i * P + 1] ?? 0);
    const actions = actor.act(source.replica, mapped, source.z, n).actions;
    for (let i = 0; i < n; i++) [actions[2 * i], actions[2 * i + 1]] = toTarget(actions[2 * i] ?? 0, actions[2 * i + 1] ?? 0);
    return actions;
  });
  const traj = Float32Array.from(rollout.traj);
  for (let k = 0; k < traj.length; k += 2) [traj[k], traj[k + 1]] = toSource(traj[k] ?? 0, traj[k + 1] ?? 0);
  return outcome(rollout.returns, episodeSignatures(actor, source.replica, source.starts, source.z, traj));
}
