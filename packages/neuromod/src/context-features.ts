/**
 * Context features `ctx` for the learned maps (seed `004_b9e7278aec0f8932.txt` L11, L145;
 * SEED-INVENTORY.md §8.1, §15.8.3): local NT levels, binding events, recent activity, the μ
 * snapshot, an error signal, the phase (CFG node, one-hot) and the time of day (sin, cos). ADR 0501.
 *
 * Per area (for fρ, fσ): `[levels(N) | B̄(R) | S̄(R) | μ(N) | error(1) | phase(P) | sin, cos | area(A)]`.
 * Global (for fr, the emitters): the same without the area one-hot, with the area means of the local parts.
 */
import { tf } from "@tam/tensor-backend";
import type { Tensor2D } from "@tam/tensor-backend";

import { assertNonEmpty } from "./non-empty.js";

/** The context one tick conditions on, as plain numbers (what the demo passes to `predict`). */
export interface HomeostasisContext {
  /** NT levels per area `[A][N]`, each in [0, 1] (available / (available + K_μ)). */
  readonly ntLevels: readonly (readonly number[])[];
  /** Bound fraction B̄ per area and receptor `[A][R]`, in [0, 1] (the last binding events). */
  readonly binding: readonly (readonly number[])[];
  /** Recent postsynaptic activity S̄ `[A][R]`, in [0, 1]. */
  readonly activity: readonly (readonly number[])[];
  /** The μ snapshot `[N]`, in [0, 1]. */
  readonly modulators: readonly number[];
  /** An error signal in [0, 1] (e.g. a prediction error from the cognitive loop). */
  readonly errorSignal: number;
  /** Index of the phase (CFG node) in the phase list. */
  readonly phaseIndex: number;
  /** Fraction of the day in [0, 1). */
  readonly timeOfDay: number;
}

/** Feature widths for a layout with A areas, R receptors, N NTs and P phases. */
export function contextWidths(areas: number, receptors: number, nts: number, phases: number): { perArea: number; global: number } {
  const global = nts + 2 * receptors + nts + 1 + phases + 2;
  return { perArea: global + areas, global };
}

/** The context as tensors: `perArea [A, F]` and `global [1, G]`. */
export type ContextTensors = {
  readonly perArea: Tensor2D;
  readonly global: Tensor2D;
};

/** Tensor form of the context's dynamic parts (what the training loop keeps from the last tick). */
export interface ContextState {
  /** NT levels `[A, N]` in [0, 1]. */
  readonly ntLevels: Tensor2D;
  /** B̄ `[A, R]`. */
  readonly binding: Tensor2D;
  /** S̄ `[A, R]`. */
  readonly activity: Tensor2D;
}

/**
 * Build the context tensors (not tidied: call inside `tf.tidy` or keep the result).
 *
 * @param state - last tick's levels, binding and activity.
 * @param modulators - the μ snapshot, `number[N]`.
 */
export function buildContext(
  state: ContextState,
  modulators: readonly number[],
  errorSignal: number,
  phaseIndex: number,
  phases: number,
  timeOfDay: number,
): ContextTensors {
  const [areas] = state.ntLevels.shape;
  assertNonEmpty("buildContext", "state.ntLevels", state.ntLevels, 0);
  assertNonEmpty("buildContext", "state.binding", state.binding, 0);
  assertNonEmpty("buildContext", "state.activity", state.activity, 0);
  if (!(Number.isInteger(phaseIndex) && phaseIndex >= 0 && phaseIndex < phases)) {
    throw new Error(`Error in buildContext: phaseIndex must be an integer in [0, ${phases - 1}], got ${phaseIndex}.`);
  }
  if (!(errorSignal >= 0 && errorSignal <= 1)) throw new Error(`Error in buildContext: errorSignal must be in [0, 1], got ${errorSignal}.`);
  if (!(timeOfDay >= 0 && timeOfDay <= 1)) throw new Error(`Error in buildContext: timeOfDay must be in [0, 1], got ${timeOfDay}.`);
  if (modulators.length !== state.ntLevels.shape[1]) {
    throw new Error(`Error in buildContext: modulators must have ${state.ntLevels.shape[1]} entries, got ${modulators.length}.`);
  }
  const shared = new Float32Array(modulators.length + 1 + phases + 2);
  shared.set(modulators, 0);
  shared[modulators.length] = errorSignal;
  shared[modulators.length + 1 + phaseIndex] = 1;
  shared[modulators.length + 1 + phases] = Math.sin(2 * Math.PI * timeOfDay);
  shared[modulators.length + 2 + phases] = Math.cos(2 * Math.PI * timeOfDay);
  const sharedRow = tf.tensor2d(shared, [1, shared.length]);
  const local = tf.concat([state.ntLevels, state.binding, state.activity], 1);
  const perArea = tf.concat<Tensor2D>([local, tf.tile(sharedRow, [areas, 1]), tf.eye(areas)], 1);
  const global = tf.concat<Tensor2D>([tf.mean(local, 0, true), sharedRow], 1);
  return { perArea, global };
}

/**
 * Context tensors from plain numbers (validated), for {@link ReceptorHomeostasis.predict}.
 */
export function contextFromValues(ctx: HomeostasisContext, phases: number): ContextTensors {
  const areas = ctx.ntLevels.length;
  const rect = (name: string, m: readonly (readonly number[])[], rows: number): number => {
    if (m.length !== rows) throw new Error(`Error in contextFromValues: ${name} must have ${rows} rows (areas), got ${m.length}.`);
    const cols = m[0]?.length ?? 0;
    m.forEach((row, i) => {
      if (row.length !== cols) throw new Error(`Error in contextFromValues: ${name}[${i}] must have ${cols} entries, got ${row.length}.`);
      row.forEach((v) => {
        if (!(v >= 0 && v <= 1)) throw new Error(`Error in contextFromValues: ${name}[${i}] entries must be in [0, 1], got ${v}.`);
      });
    });
    return cols;
  };
  const nts = rect("ntLevels", ctx.ntLevels, areas);
  const receptors = rect("binding", ctx.binding, areas);
  if (rect("activity", ctx.activity, areas) !== receptors) throw new Error("Error in contextFromValues: activity and binding must have the same number of receptors.");
  ctx.modulators.forEach((v) => {
    if (!(v >= 0 && v <= 1)) throw new Error(`Error in contextFromValues: modulators entries must be in [0, 1], got ${v}.`);
  });
  return tf.tidy(() =>
    buildContext(
      {
        ntLevels: tf.tensor2d(ctx.ntLevels.flat(), [areas, nts]),
        binding: tf.tensor2d(ctx.binding.flat(), [areas, receptors]),
        activity: tf.tensor2d(ctx.activity.flat(), [areas, receptors]),
      },
      ctx.modulators,
      ctx.errorSignal,
      ctx.phaseIndex,
      phases,
      ctx.timeOfDay,
    ),
  );
}
