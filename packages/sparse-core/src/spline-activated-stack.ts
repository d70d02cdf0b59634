/**
 * A SparseMaskedNN whose activations are growth objects too (seed 002 L1231-1235: "same probe/commit/prune
 * cycle as weights"; SEED-INVENTORY §3.10; ADR 0321): {@link SparseMaskedLinear} layers with a
 * {@link SplineActivation} between consecutive layers. It implements {@link PlannerModel}, so the unchanged
 * {@link GrowthPlanner} shortlists, probes, commits and prunes weights and spline coefficients alike, each
 * object under its own budget (`C_struct` of an activation = its Hot coefficients). Identity-first twice:
 * empty layers are their base, activations with no Hot coefficient are the identity with no arithmetic.
 */
import { parseConfig, tf, type Scalar, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";

import type { GrowthObject } from "./growth-object.js";
import { LOSS_KINDS, computeLoss, type Batch, type LossKind } from "./loss.js";
import type { PlannerModel, ProbeForwardOptions } from "./planner-model.js";
import { SplineActivation } from "./spline-activation.js";
import { SparseMaskedLinear } from "./sparse-masked-linear.js";
import { HotSetTrainer } from "./hot-set-trainer.js";
import { hotGradientOf, toggleMaskGradientOf } from "./probe-gradients.js";
import { STACK_LEARNING_RATE, type StackLayerSpec } from "./sparse-masked-stack.js";

/** Options of {@link SplineActivatedStack}. */
export interface SplineActivatedStackOptions {
  /** Layer specs: sizes, base, budget and initial Hot cells (other spec fields are rejected by name). */
  readonly layers: readonly StackLayerSpec[];
  /** Knot grid of every activation (default `SPLINE_DEFAULT_KNOTS`). */
  readonly knots?: readonly number[];
  /** Hard caps on each activation's Hot coefficients. */
  readonly activationBudget?: { readonly structCap?: number; readonly activeCap?: number };
  readonly loss?: LossKind;
  readonly learningRate?: number;
  /** Prox-L1 post-step threshold per unit learning rate (C-1), on weights and coefficients; absent = off. */
  readonly proxL1Lambda?: number;
}

const optionsSchema = z.object({
  layers: z
    .array(z.object({ inFeatures: z.number().int().positive(), outFeatures: z.number().int().positive(), base: z.any().optional(), budget: z.any().optional(), initial: z.any().optional() }).strict())
    .min(2),
  knots: z.array(z.number().finite()).min(1).optional(),
  activationBudget: z.object({ structCap: z.number().int().min(0).optional(), activeCap: z.number().int().min(0).optional() }).strict().optional(),
  loss: z.enum(LOSS_KINDS).default("mse"),
  learningRate: z.number().positive().finite().default(STACK_LEARNING_RATE),
  proxL1Lambda: z.number().min(0).finite().optional(),
});

type Trainable = SparseMaskedLinear | SplineActivation;

/**
 * Layers `layer0..layerN` with activations `act0..act(N-1)` between them (ids in that order).
 *
 * @example
 * ```ts
 * const net = new SplineActivatedStack({ layers: [{ inFeatures: 2, outFeatures: 4 }, { inFeatures: 4, outFeatures: 1, base: { kind: "zero" } }] });
 * new GrowthPlanner().runCycle(net, source, rng);   // may commit weights or spline coefficients
 * ```
 */
export class SplineActivatedStack implements PlannerModel {
  readonly layers: readonly SparseMaskedLinear[];
  readonly activations: readonly SplineActivation[];
  readonly lossKind: LossKind;
  private readonly proxL1Lambda: number | undefined;
  private readonly trainer: HotSetTrainer;

  /** @throws Error naming the field when an option is invalid or consecutive layer sizes disagree. */
  constructor(options: SplineActivatedStackOptions) {
    const parsed = parseConfig(optionsSchema, options, "SplineActivatedStack", "option");
    options.layers.forEach((spec, i) => {
      const next = options.layers[i + 1];
      if (next !== undefined && next.inFeatures !== spec.outFeatures) {
        throw new Error(`Error in SplineActivatedStack: layers.${i + 1}.inFeatures (${next.inFeatures}) must equal layers.${i}.outFeatures (${spec.outFeatures}).`);
      }
    });
    this.layers = options.layers.map(
      (spec, i) =>
        new SparseMaskedLinear({
          id: `layer${i}`,
          depth: i,
          inFeatures: spec.inFeatures,
          outFeatures: spec.outFeatures,
          ...(spec.base === undefined ? {} : { base: spec.base }),
          ...(spec.budget === undefined ? {} : { budget: spec.budget }),
          ...(spec.initial === undefined ? {} : { initial: spec.initial }),
        }),
    );
    this.activations = options.layers.slice(0, -1).map(
      (spec, i) =>
        new SplineActivation({
          id: `act${i}`,
          depth: i,
          units: spec.outFeatures,
          ...(options.knots === undefined ? {} : { knots: options.knots }),
          ...(options.activationBudget === undefined ? {} : { budget: options.activationBudget }),
        }),
    );
    this.lossKind = parsed.loss;
    this.proxL1Lambda = parsed.proxL1Lambda;
    this.trainer = new HotSetTrainer("SplineActivatedStack", [...this.layers, ...this.activations], { learningRate: parsed.learningRate, proxL1Lambda: parsed.proxL1Lambda });
  }

  /** Every growth object: the layers, then the activations. */
  get objects(): readonly GrowthObject[] {
    return [...this.layers, ...this.activations];
  }

  get proxL1(): number | undefined {
    return this.proxL1Lambda;
  }

  /** The trainable variables (Hot weights and Hot coefficients). */
  trainableVariables(): Variable[] {
    return this.trainables().filter((t) => t.nnz > 0).map((t) => t.values);
  }

  /** Forward `x [B, in0] → [B, outLast]`; probe options address any object by id. */
  forward(x: Tensor2D, options: ProbeForwardOptions = {}): Tensor2D {
    return tf.tidy(() => {
      let h = x;
      this.layers.forEach((layer, i) => {
        h = layer.forward(h, probeFor(layer.id, options));
        const act = this.activations[i];
        if (act !== undefined) h = act.forward(h, probeFor(act.id, options));
      });
      return h;
    });
  }

  loss(batch: Batch, options: ProbeForwardOptions = {}): Scalar {
    return tf.tidy(() => computeLoss(this.lossKind, this.forward(batch.x, options), batch.y));
  }

  /** Mean loss as a number (reads the device). */
  lossValue(batch: Batch): number {
    const loss = this.loss(batch);
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  }

  /** One Adam step on every Hot weight and coefficient; returns the loss before it. */
  trainStep(batch: Batch): Scalar {
    return this.trainer.minimize(() => this.loss(batch));
  }

  toggleMaskGradient(batch: Batch, objectId: string): Float32Array {
    return toggleMaskGradientOf((b, options) => this.loss(b, options), batch, objectId, this.object(objectId).shape);
  }

  hotGradient(batch: Batch, objectId: string): Float32Array {
    const object = this.object(objectId);
    if (object.nnz === 0) return new Float32Array(0);
    return hotGradientOf((b, options) => this.loss(b, options), batch, objectId, object.values);
  }

  secondMoment(objectId: string): Float32Array {
    return this.trainer.secondMoment(this.object(objectId));
  }

  commitCells(objectId: string, keys: Int32Array, values: Float32Array): void {
    this.trainer.commitCells(this.object(objectId), keys, values);
  }

  removeCells(objectId: string, keys: Int32Array): void {
    this.trainer.removeCells(this.object(objectId), keys);
  }

  zeroCells(objectId: string, keys: Int32Array): void {
    this.trainer.zeroCells(this.object(objectId), keys);
  }

  /** Free every tensor. */
  dispose(): void {
    this.trainer.dispose();
    for (const t of this.trainables()) t.dispose();
  }

  /** The layer or activation with this id. @throws Error naming the id when there is none. */
  object(id: string): SparseMaskedLinear | SplineActivation {
    const found = this.trainables().find((t) => t.id === id);
    if (found === undefined) throw new Error(`Error in SplineActivatedStack: no object "${id}" (have ${this.trainables().map((t) => t.id).join(", ")}).`);
    return found;
  }

  private trainables(): Trainable[] {
    return [...this.layers, ...this.activations];
  }
}

/** The probe options that concern one object. */
function probeFor(id: string, options: ProbeForwardOptions): { shadows?: NonNullable<ProbeForwardOptions["shadows"]>; hotValues?: Tensor1D; denseProbe?: Tensor2D } {
  const hotValues = options.hotValues?.get(id);
  const probe = options.denseProbe?.objectId === id ? options.denseProbe.matrix : undefined;
  return {
    ...(options.shadows === undefined ? {} : { shadows: options.shadows }),
    ...(hotValues === undefined ? {} : { hotValues }),
    ...(probe === undefined ? {} : { denseProbe: probe }),
  };
}
