/**
 * SparseMaskedStack: a SparseMaskedNN made of {@link SparseMaskedLinear} layers (seed 002 Archive 04;
 * SEED-INVENTORY §3.3, §3.17, §15.3 item 1). It owns the layers, the loss and the optimizer
 * (`AdamWithMoments`, whose second moment feeds the Taylor score), and it is the model the growth planner
 * probes: toggle-mask gradients, shadow-Δ losses and structural edits that carry optimizer state along.
 *
 * Prox-L1 (C-1, DESIGN.md): an optional optimizer post-step on `W_vals`, off by default, never a loss term.
 */
import { parseConfig, tf, type Scalar, type Tensor, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";

import type { GrowthObject } from "./growth-object.js";
import { LOSS_KINDS, computeLoss, type Batch, type LossKind } from "./loss.js";
import { baseMatrix, type LayerBase } from "./layer-base.js";
import { ACTIVATIONS, type Activation } from "./activation.js";
import type { HiddenUnitStatistics } from "./hidden-unit-statistics.js";
import { HotSetTrainer } from "./hot-set-trainer.js";
import { connected, hotGradientOf, toggleMaskGradientOf } from "./probe-gradients.js";
import { SparseMaskedLinear } from "./sparse-masked-linear.js";
import type { ShadowDelta } from "./shadow-delta.js";

/** One layer of a stack. */
export interface StackLayerSpec {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Base map (default identity). */
  readonly base?: LayerBase;
  /** Hard caps of this layer. */
  readonly budget?: { readonly structCap?: number; readonly activeCap?: number };
  /** Initial Hot cells and values. */
  readonly initial?: { readonly keys: Int32Array; readonly values: Float32Array };
  /** Input rows per crossover block (per-block compute paths, ADR 0304; default: one block). */
  readonly crossoverBlockRows?: number;
}

/** Options of {@link SparseMaskedStack}. */
export interface SparseMaskedStackOptions {
  readonly layers: readonly StackLayerSpec[];
  /** Between layers (default `linear`: identity-first). */
  readonly activation?: Activation;
  /** Training loss (default `mse`). */
  readonly loss?: LossKind;
  /** Adam step size (default 0.01, ADR 0302). */
  readonly learningRate?: number;
  /** Prox-L1 post-step threshold per unit learning rate (C-1); absent = off. */
  readonly proxL1Lambda?: number;
}

/** Extra inputs of a stack forward pass (all optional; used by probes). */
export interface StackForwardOptions {
  /** Shadow Δs on any layers. */
  readonly shadows?: readonly ShadowDelta[];
  /** Replacement Hot values by layer id (Relaxed probe: `W_vals + Δ_H`). */
  readonly hotValues?: ReadonlyMap<string, Tensor1D>;
  /** A dense `[in, out]` term on one layer (the all-cells toggle-mask probe). */
  readonly denseProbe?: { readonly objectId: string; readonly matrix: Tensor2D };
}

/** Default Adam step size of a stack (ADR 0302). */
export const STACK_LEARNING_RATE = 0.01;

const layerSchema = z.object({
  inFeatures: z.number().int().positive(),
  outFeatures: z.number().int().positive(),
  base: z.any().optional(),
  budget: z.any().optional(),
  initial: z.any().optional(),
});
const optionsSchema = z.object({
  layers: z.array(layerSchema).min(1),
  activation: z.enum(ACTIVATIONS).default("linear"),
  loss: z.enum(LOSS_KINDS).default("mse"),
  learningRate: z.number().positive().finite().default(STACK_LEARNING_RATE),
  proxL1Lambda: z.number().min(0).finite().optional(),
});

/**
 * A stack of sparse masked layers with a loss and an optimizer.
 *
 * @example
 * ```ts
 * const net = new SparseMaskedStack({ layers: [{ inFeatures: 8, outFeatures: 8 }, { inFeatures: 8, outFeatures: 2, base: { kind: "zero" } }], activation: "relu" });
 * const y = net.forward(x);                 // [B, 2]; zero until the head grows
 * net.trainStep({ x, y: target }).dispose();
 * ```
 */
export class SparseMaskedStack {
  readonly layers: readonly SparseMaskedLinear[];
  readonly activation: Activation;
  readonly lossKind: LossKind;
  private readonly learningRate: number;
  private readonly proxL1Lambda: number | undefined;
  private readonly trainer: HotSetTrainer;
  private readonly baseFanOuts = new Map<string, Uint8Array>();
  private trainSteps = 0;

  /** @throws Error naming the field when an option is invalid or consecutive layer sizes disagree. */
  constructor(options: SparseMaskedStackOptions) {
    const d = parseConfig(optionsSchema, options, "SparseMaskedStack", "option");
    options.layers.forEach((spec, i) => {
      const next = options.layers[i + 1];
      if (next !== undefined && next.inFeatures !== spec.outFeatures) {
        throw new Error(`Error in SparseMaskedStack: layers.${i + 1}.inFeatures (${next.inFeatures}) must equal layers.${i}.outFeatures (${spec.outFeatures}).`);
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
          ...(spec.crossoverBlockRows === undefined ? {} : { crossoverBlockRows: spec.crossoverBlockRows }),
        }),
    );
    this.activation = d.activation;
    this.lossKind = d.loss;
    this.learningRate = d.learningRate;
    this.proxL1Lambda = d.proxL1Lambda;
    this.trainer = new HotSetTrainer("SparseMaskedStack", this.layers, { learningRate: d.learningRate, proxL1Lambda: d.proxL1Lambda });
  }

  /** The layers as growth objects (the planner's view). */
  get objects(): readonly GrowthObject[] {
    return this.layers;
  }

  /** Prox-L1 threshold per unit learning rate, or undefined when off. */
  get proxL1(): number | undefined {
    return this.proxL1Lambda;
  }

  /** Adam step size. */
  get stepSize(): number {
    return this.learningRate;
  }

  /** Training steps taken. */
  get steps(): number {
    return this.trainSteps;
  }

  /** The layer with this id. @throws Error naming the id when there is none. */
  layer(id: string): SparseMaskedLinear {
    const layer = this.layers.find((l) => l.id === id);
    if (layer === undefined) throw new Error(`Error in SparseMaskedStack: no layer "${id}" (have ${this.layers.map((l) => l.id).join(", ")}).`);
    return layer;
  }

  /** The trainable variables (`W_vals` of every layer with Hot cells). */
  trainableVariables(): Variable[] {
    return this.layers.filter((l) => l.nnz > 0).map((l) => l.values);
  }

  /** Forward a batch `x [B, in0] → [B, outLast]`. */
  forward(x: Tensor2D, options: StackForwardOptions = {}): Tensor2D {
    return tf.tidy(() => {
      let h = x;
      this.layers.forEach((layer, i) => {
        const hotValues = options.hotValues?.get(layer.id);
        const probe = options.denseProbe?.objectId === layer.id ? options.denseProbe.matrix : undefined;
        h = layer.forward(h, {
          ...(options.shadows === undefined ? {} : { shadows: options.shadows }),
          ...(hotValues === undefined ? {} : { hotValues }),
          ...(probe === undefined ? {} : { denseProbe: probe }),
        });
        if (i < this.layers.length - 1) h = activate(this.activation, h);
      });
      return h;
    });
  }

  /** Mean loss on a batch (a scalar the caller disposes). */
  loss(batch: Batch, options: StackForwardOptions = {}): Scalar {
    return tf.tidy(() => computeLoss(this.lossKind, this.forward(batch.x, options), batch.y));
  }

  /** Mean loss on a batch as a number (reads the device). */
  lossValue(batch: Batch, options: StackForwardOptions = {}): number {
    const loss = this.loss(batch, options);
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  }

  /** One Adam step on every `W_vals` (a no-op update while nothing is Hot); returns the loss before it. */
  trainStep(batch: Batch): Scalar {
    this.trainSteps += 1;
    return this.trainer.minimize(() => this.loss(batch));
  }

  /**
   * The toggle-mask probe on every cell of a layer at once (seed L1633): `M' = M ∪ all cells` with the
   * added cells at 0, one forward/backward. Returns `∂L/∂W` as a dense row-major `[in, out]` array
   * (Hot cells included); the base is untouched.
   */
  toggleMaskGradient(batch: Batch, objectId: string): Float32Array {
    return toggleMaskGradientOf((b, options) => this.loss(b, options), batch, objectId, this.layer(objectId).shape);
  }

  /** `∂L/∂W_vals` of one layer, aligned with its Hot keys. */
  hotGradient(batch: Batch, objectId: string): Float32Array {
    const layer = this.layer(objectId);
    if (layer.nnz === 0) return new Float32Array(0);
    return hotGradientOf((b, options) => this.loss(b, options), batch, objectId, layer.values);
  }

  /**
   * Answer-directed sensitivity (seed L1646): `(uᵀJ)_c` for every Hot cell of a layer, where the answer is
   * the functional `mean_b uᵀ y_b` of the stack output and `J = ∂y/∂W_vals`. Aligned with the Hot keys.
   *
   * @throws Error naming `u` when its length is not the output width.
   */
  answerGradient(batch: Batch, objectId: string, u: Float32Array): Float32Array {
    const layer = this.layer(objectId);
    const width = this.layers[this.layers.length - 1]?.shape[1] ?? 0;
    if (u.length !== width) throw new Error(`Error in SparseMaskedStack.answerGradient: u must have ${width} entries (the output width), got ${u.length}.`);
    if (layer.nnz === 0) return new Float32Array(0);
    const grad = tf.tidy(() => {
      const uT = tf.tensor1d(u);
      return tf.grad((values) => connected(tf.mean(tf.sum(tf.mul(this.forward(batch.x, { hotValues: new Map([[objectId, values as Tensor1D]]) }), uT), 1)), values))(layer.values);
    });
    const out = Float32Array.from(grad.dataSync());
    grad.dispose();
    return out;
  }

  /**
   * Per-sample statistics of the hidden units between layer `lowerId` and the next layer (two-layer unit
   * regions, ADR 0308): the lower layer's input, its output before the activation, and `∂L/∂Y` of the next
   * layer's output. Undefined for the last layer. Reads the device once per array; the weights are only read.
   */
  hiddenUnitStatistics(batch: Batch, lowerId: string): HiddenUnitStatistics | undefined {
    const k = this.layers.findIndex((l) => l.id === lowerId);
    if (k < 0) throw new Error(`Error in SparseMaskedStack.hiddenUnitStatistics: no layer "${lowerId}" (have ${this.layers.map((l) => l.id).join(", ")}).`);
    const lower = this.layers[k] as SparseMaskedLinear;
    const upper = this.layers[k + 1];
    if (upper === undefined) return undefined;
    const [input, preActivation, error] = tf.tidy((): [Tensor2D, Tensor2D, Tensor] => {
      let h = batch.x;
      for (let i = 0; i < k; i += 1) h = activate(this.activation, (this.layers[i] as SparseMaskedLinear).forward(h));
      const pre = lower.forward(h);
      const y = upper.forward(activate(this.activation, pre));
      const rest = (out: Tensor2D): Scalar => {
        let r = out;
        for (let i = k + 2; i < this.layers.length; i += 1) r = (this.layers[i] as SparseMaskedLinear).forward(activate(this.activation, r));
        return computeLoss(this.lossKind, r, batch.y);
      };
      return [tf.clone(h), pre, tf.grad((out) => rest(out as Tensor2D))(y)];
    });
    const read = (t: Tensor): Float32Array => {
      const out = Float32Array.from(t.dataSync());
      t.dispose();
      return out;
    };
    return { upperId: upper.id, batchSize: batch.x.shape[0], inputs: read(input), preActivations: read(preActivation), errors: read(error), activation: this.activation, baseFanOut: this.baseFanOut(upper) };
  }

  /** Per input unit of `layer`, 1 where its (fixed) base has a non-zero output weight; built once per layer. */
  private baseFanOut(layer: SparseMaskedLinear): Uint8Array {
    let fanOut = this.baseFanOuts.get(layer.id);
    if (fanOut === undefined) {
      const [units, outputs] = layer.shape;
      const base = baseMatrix(layer.base, units, outputs);
      fanOut = Uint8Array.from({ length: units }, (_, j) => (base.subarray(j * outputs, (j + 1) * outputs).some((v) => v !== 0) ? 1 : 0));
      this.baseFanOuts.set(layer.id, fanOut);
    }
    return fanOut;
  }

  /** Adam's second moment `v` of a layer's `W_vals` (zeros before the first step), aligned with its Hot keys. */
  secondMoment(objectId: string): Float32Array {
    return this.trainer.secondMoment(this.layer(objectId));
  }

  /**
   * Make Cold cells Hot with the given values (the warm start `W_R ← Δ_R`, seed L1651). Optimizer state of
   * the other cells is kept; new cells start with zero moments.
   *
   * @throws Error naming the layer and key when a key is already Hot or out of range.
   */
  commitCells(objectId: string, keys: Int32Array, values: Float32Array): void {
    this.trainer.commitCells(this.layer(objectId), keys, values);
  }

  /** Move Hot cells to Cold (pruning `Hot → Cold`, seed L1662). Unknown keys are an error. */
  removeCells(objectId: string, keys: Int32Array): void {
    this.trainer.removeCells(this.layer(objectId), keys);
  }

  /** Set Hot cells to 0 in place, keeping them Hot (the `C_active` prune of seed L1662). */
  zeroCells(objectId: string, keys: Int32Array): void {
    this.trainer.zeroCells(this.layer(objectId), keys);
  }

  /** Free every tensor of the stack and its optimizer. */
  dispose(): void {
    this.trainer.dispose();
    for (const layer of this.layers) layer.dispose();
  }
}

function activate(kind: Activation, h: Tensor2D): Tensor2D {
  if (kind === "relu") return tf.relu(h);
  if (kind === "tanh") return tf.tanh(h);
  return h;
}
