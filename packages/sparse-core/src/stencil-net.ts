/**
 * StencilNet: a {@link StencilLayer} followed by an activation and a dense readout, with a loss and an
 * optimizer; the model the stencil planner and the stencil dynamics drive (seed 002 L1515-1530, L1791-1832;
 * SEED-INVENTORY §3.13-§3.14; ADR 0330). It implements {@link PlannerModel} over its one growth object (the
 * stencil layer), so shadow-Δ micro-rollouts, toggle-mask gradients and structural edits work as for a
 * {@link SparseMaskedStack}. The readout is dense and always trained (it is not a growth object).
 *
 * Soft-tying's residual penalty `λ_res‖r_u‖₁` (L1823) is an optimizer post-step (a soft-threshold of the
 * tied cells' residuals after each Adam step), never a loss term (C-1, DESIGN.md).
 */
import { AdamWithMoments, parseConfig, tf, type Rng, type Scalar, type Tensor1D, type Tensor2D, type Variable } from "@tam/tensor-backend";
import { z } from "zod";

import { computeLoss, LOSS_KINDS, type Batch, type LossKind } from "./loss.js";
import type { PlannerModel, ProbeForwardOptions } from "./planner-model.js";
import { binarySearch, carryByKey } from "./warm-cells.js";
import { ACTIVATIONS, type Activation } from "./activation.js";
import { hotGradientOf, toggleMaskGradientOf } from "./probe-gradients.js";
import type { StencilGeometry } from "./stencil-geometry.js";
import { StencilLayer, type StencilLayerOptions, type StencilState } from "./stencil-layer.js";

/** Default Adam step size of a stencil net (ADR 0330). */
export const STENCIL_LEARNING_RATE = 0.01;
/** Default λ_res: soft-threshold per unit step on tied residuals (seed L1823 via C-1; ADR 0330). */
export const STENCIL_RESIDUAL_LAMBDA = 0.5;

/** Options of {@link StencilNet}. */
export interface StencilNetOptions {
  /** The stencil layer. */
  readonly layer: StencilLayerOptions;
  /** Readout width (classes or targets). */
  readonly outputs: number;
  /** Between the stencils and the readout (default `relu`). */
  readonly activation?: Activation;
  /** Loss (default `softmax-cross-entropy`). */
  readonly loss?: LossKind;
  /** Adam step size (default {@link STENCIL_LEARNING_RATE}). */
  readonly learningRate?: number;
  /** λ_res of the residual soft-threshold (default {@link STENCIL_RESIDUAL_LAMBDA}; 0 = off). */
  readonly residualLambda?: number;
  /** Prox-L1 on every stencil weight (C-1; default off), also applied in micro-rollouts. */
  readonly proxL1Lambda?: number;
  /** Randomness of the readout's initial weights (required unless `initialReadout` is given). */
  readonly rng?: Rng;
  /** Initial readout `[units · outputs]` (row-major) and bias `[outputs]` instead of random ones. */
  readonly initialReadout?: { readonly weights: Float32Array; readonly bias: Float32Array };
}

/** The parameters of a {@link StencilNet} after a change of its units (see {@link StencilNet.reshaped}). */
export interface StencilNetParameters {
  /** The stencil layer's state over the new geometry. */
  readonly state: StencilState;
  /** Readout `[units · outputs]`, row-major. */
  readonly readout: Float32Array;
}

/** Where each new cell and readout row comes from, so Adam's moments carry over (-1: fresh, zero moments). */
export interface StencilNetOrigin {
  /** Old Hot key of each new Hot key. */
  readonly cellOf: (key: number) => number;
  /** Old unit of each new unit (its readout row). */
  readonly unitOf: (unit: number) => number;
}

const optionsSchema = z.object({
  outputs: z.number().int().positive(),
  activation: z.enum(ACTIVATIONS).default("relu"),
  loss: z.enum(LOSS_KINDS).default("softmax-cross-entropy"),
  learningRate: z.number().positive().finite().default(STENCIL_LEARNING_RATE),
  residualLambda: z.number().min(0).finite().default(STENCIL_RESIDUAL_LAMBDA),
  proxL1Lambda: z.number().min(0).finite().optional(),
});

/**
 * Stencils → activation → dense readout.
 *
 * @example
 * ```ts
 * const net = new StencilNet({ layer: { geometry: { height: 14, width: 14, radius: 2, stride: 2, maps: 2 } }, outputs: 10, rng: createRng(1) });
 * net.trainStep(batch).dispose();
 * net.tie([3, 7]);            // a new shared centre from units 3 and 7; the output does not change
 * ```
 */
export class StencilNet implements PlannerModel {
  readonly stencil: StencilLayer;
  readonly activation: Activation;
  readonly lossKind: LossKind;
  readonly learningRate: number;
  readonly residualLambda: number;
  private readonly proxLambda: number | undefined;
  private readonly readoutVar: Variable;
  private readonly biasVar: Variable;
  private optimizer: AdamWithMoments;
  private tiedMask: { readonly version: number; readonly mask: Tensor1D } | undefined;
  private trainSteps = 0;

  /** @throws Error naming the field when an option is invalid. */
  constructor(options: StencilNetOptions) {
    const d = parseConfig(optionsSchema, options, "StencilNet", "option");
    this.stencil = new StencilLayer(options.layer);
    this.activation = d.activation;
    this.lossKind = d.loss;
    this.learningRate = d.learningRate;
    this.residualLambda = d.residualLambda;
    this.proxLambda = d.proxL1Lambda;
    const units = this.stencil.shape[0];
    const scale = 1 / Math.sqrt(units);
    const initial = options.initialReadout;
    if (initial !== undefined && (initial.weights.length !== units * d.outputs || initial.bias.length !== d.outputs)) {
      throw new Error(`Error in StencilNet: initialReadout must have ${units * d.outputs} weights and ${d.outputs} biases, got ${initial.weights.length} and ${initial.bias.length}.`);
    }
    const rng = options.rng;
    if (initial === undefined && rng === undefined) throw new Error("Error in StencilNet: rng is required unless initialReadout is given.");
    const init = initial?.weights ?? Float32Array.from({ length: units * d.outputs }, () => (rng as Rng).normal(0, scale));
    this.readoutVar = tf.tidy(() => tf.variable(tf.tensor2d(init, [units, d.outputs]), true));
    this.biasVar = tf.tidy(() => tf.variable(initial === undefined ? tf.zeros([d.outputs]) : tf.tensor1d(initial.bias), true));
    this.optimizer = this.makeOptimizer();
  }

  /** The growth objects: the stencil layer. */
  get objects(): readonly StencilLayer[] {
    return [this.stencil];
  }

  /** Prox-L1 threshold per unit step on stencil weights, or undefined when off. */
  get proxL1(): number | undefined {
    return this.proxLambda;
  }

  /** Training steps taken. */
  get steps(): number {
    return this.trainSteps;
  }

  /** The dense readout `[units, outputs]`. */
  get readout(): Variable {
    return this.readoutVar;
  }

  /** Logits (or predictions) `[B, outputs]`. */
  forward(x: Tensor2D, options: ProbeForwardOptions = {}): Tensor2D {
    return tf.tidy(() => {
      const id = this.stencil.id;
      const hotValues = options.hotValues?.get(id);
      const probe = options.denseProbe?.objectId === id ? options.denseProbe.matrix : undefined;
      const h = this.stencil.forward(x, {
        ...(options.shadows === undefined ? {} : { shadows: options.shadows }),
        ...(hotValues === undefined ? {} : { hotValues }),
        ...(probe === undefined ? {} : { denseProbe: probe }),
      });
      return tf.add<Tensor2D>(tf.matMul(activate(this.activation, h), this.readoutVar), this.biasVar);
    });
  }

  /** Mean loss on a batch (a scalar the caller disposes). */
  loss(batch: Batch, options: ProbeForwardOptions = {}): Scalar {
    return tf.tidy(() => computeLoss(this.lossKind, this.forward(batch.x, options), batch.y));
  }

  /** Mean loss as a number. */
  lossValue(batch: Batch, options: ProbeForwardOptions = {}): number {
    const loss = this.loss(batch, options);
    const value = loss.dataSync()[0] as number;
    loss.dispose();
    return value;
  }

  /** Mean loss with the stencil's effective Hot values replaced by `values` (aligned with the Hot keys). */
  lossWithValues(batch: Batch, values: Float32Array): number {
    if (values.length !== this.stencil.nnz) throw new Error(`Error in StencilNet.lossWithValues: values must have ${this.stencil.nnz} entries, got ${values.length}.`);
    const tensor = tf.tensor1d(values);
    try {
      return this.lossValue(batch, { hotValues: new Map([[this.stencil.id, tensor]]) });
    } finally {
      tensor.dispose();
    }
  }

  /** Fraction of rows whose arg-max logit is the arg-max of the one-hot target. */
  accuracy(batch: Batch): number {
    const hits = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(this.forward(batch.x), 1), tf.argMax(batch.y, 1)), "float32")));
    const value = hits.dataSync()[0] as number;
    hits.dispose();
    return value;
  }

  /** One Adam step on stencils, centres and readout, then the residual soft-threshold; returns the loss before it. */
  trainStep(batch: Batch): Scalar {
    this.trainSteps += 1;
    const loss = this.optimizer.minimize(() => this.loss(batch));
    const threshold = this.thresholds();
    if (threshold !== undefined) {
      tf.tidy(() => {
        const own = this.stencil.own;
        own.assign(tf.sub(own, tf.minimum(tf.maximum(own, tf.neg(threshold)), threshold)));
      });
    }
    return loss;
  }

  /** `∂L/∂W` of every stencil cell `[units, S]` (Hot cells included), one backward (seed L1633). */
  toggleMaskGradient(batch: Batch, objectId: string): Float32Array {
    this.check(objectId, "toggleMaskGradient");
    return toggleMaskGradientOf((b, options) => this.loss(b, options), batch, objectId, this.stencil.shape);
  }

  /** `∂L/∂W_eff` of the Hot cells (equal to `∂L/∂own`), aligned with the Hot keys. */
  hotGradient(batch: Batch, objectId: string): Float32Array {
    this.check(objectId, "hotGradient");
    if (this.stencil.nnz === 0) return new Float32Array(0);
    // The effective values are the `own` variable itself or a gather from it: tidy frees only the latter.
    return tf.tidy(() => hotGradientOf((b, options) => this.loss(b, options), batch, objectId, this.stencil.effectiveValues()));
  }

  /** Adam's second moment of the Hot cells' `own` values. */
  secondMoment(objectId: string): Float32Array {
    this.check(objectId, "secondMoment");
    if (this.stencil.nnz === 0 || !this.optimizer.names.includes("own")) return new Float32Array(this.stencil.nnz);
    return Float32Array.from(this.optimizer.secondMoment("own").dataSync());
  }

  /**
   * Make Cold cells Hot with effective values (the warm start `W_R ← Δ_R`); a tied unit's new cells store
   * `value − c_k[o]` as their residual.
   *
   * @throws Error naming the key when it is already Hot or outside the grid.
   */
  commitCells(objectId: string, keys: Int32Array, values: Float32Array): void {
    this.check(objectId, "commitCells");
    if (keys.length !== values.length) throw new Error(`Error in StencilNet.commitCells: ${keys.length} keys but ${values.length} values.`);
    const s = this.stencil.state();
    const offsets = this.stencil.shape[1];
    const cells = new Map<number, number>();
    s.keys.forEach((key, i) => cells.set(key, s.own[i] as number));
    keys.forEach((key, i) => {
      if (cells.has(key)) throw new Error(`Error in StencilNet.commitCells: cell ${key} of "${objectId}" is already Hot.`);
      const k = s.tieOf[Math.floor(key / offsets)] as number;
      cells.set(key, (values[i] as number) - (k < 0 ? 0 : (s.centres[k * offsets + (key % offsets)] as number)));
    });
    this.edit(cells, s.tieOf, s.centres);
  }

  /** Move Hot cells to Cold. @throws Error naming the key when it is not Hot. */
  removeCells(objectId: string, keys: Int32Array): void {
    this.check(objectId, "removeCells");
    const s = this.stencil.state();
    const drop = new Set(keys);
    for (const key of drop) if (binarySearch(s.keys, key) < 0) throw new Error(`Error in StencilNet.removeCells: cell ${key} of "${objectId}" is not Hot.`);
    const cells = new Map<number, number>();
    s.keys.forEach((key, i) => {
      if (!drop.has(key)) cells.set(key, s.own[i] as number);
    });
    this.edit(cells, s.tieOf, s.centres);
  }

  /** Set Hot cells' effective values to 0, keeping them Hot. @throws Error naming the key when it is not Hot. */
  zeroCells(objectId: string, keys: Int32Array): void {
    this.check(objectId, "zeroCells");
    const s = this.stencil.state();
    const offsets = this.stencil.shape[1];
    const own = Float32Array.from(s.own);
    for (const key of keys) {
      const at = binarySearch(s.keys, key);
      if (at < 0) throw new Error(`Error in StencilNet.zeroCells: cell ${key} of "${objectId}" is not Hot.`);
      const k = s.tieOf[Math.floor(key / offsets)] as number;
      own[at] = k < 0 ? 0 : -(s.centres[k * offsets + (key % offsets)] as number);
    }
    tf.tidy(() => this.stencil.own.assign(tf.tensor1d(own)));
  }

  /**
   * Soft-tie units to a centre, preserving the function (seed L1819-1823): each unit's residual becomes
   * `w_u − c_k` on its mask. With `centre` undefined, a free centre slot is filled with `centreValues` (default:
   * the mean of the units' effective weights over the units that hold each offset). Returns the centre index.
   *
   * @throws Error naming the field when a unit is already tied, no centre slot is free or `centreValues` has the wrong length.
   */
  tie(units: readonly number[], centre?: number, centreValues?: Float32Array): number {
    const s = this.stencil.state();
    const [unitCount, offsets] = this.stencil.shape;
    for (const u of units) {
      if (!Number.isSafeInteger(u) || u < 0 || u >= unitCount) throw new Error(`Error in StencilNet.tie: unit must be an integer in [0, ${unitCount}), got ${u}.`);
      if ((s.tieOf[u] as number) >= 0) throw new Error(`Error in StencilNet.tie: unit ${u} is already tied to centre ${s.tieOf[u]}.`);
    }
    const eff = this.stencil.stencilMatrix();
    const mask = new Uint8Array(unitCount * offsets);
    for (const key of s.keys) mask[key] = 1;
    const centres = Float32Array.from(s.centres);
    let k = centre;
    if (k === undefined) {
      const used = new Set(Array.from(s.tieOf).filter((c) => c >= 0));
      k = Array.from({ length: this.stencil.maxCentres }, (_, i) => i).find((i) => !used.has(i));
      if (k === undefined) throw new Error(`Error in StencilNet.tie: every one of the ${this.stencil.maxCentres} centres is in use (maxCentres).`);
      if (centreValues !== undefined && centreValues.length !== offsets) throw new Error(`Error in StencilNet.tie: centreValues must have ${offsets} entries, got ${centreValues.length}.`);
      const values = centreValues ?? meanStencil(eff, mask, units, offsets);
      centres.set(values, k * offsets);
    } else if (!Number.isSafeInteger(k) || k < 0 || k >= this.stencil.maxCentres || !s.tieOf.includes(k)) {
      throw new Error(`Error in StencilNet.tie: centre must be a live centre in [0, ${this.stencil.maxCentres}), got ${k}.`);
    }
    const tieOf = Int32Array.from(s.tieOf);
    for (const u of units) tieOf[u] = k;
    const cells = new Map<number, number>();
    s.keys.forEach((key, i) => {
      const u = Math.floor(key / offsets);
      cells.set(key, units.includes(u) ? (eff[key] as number) - (centres[k * offsets + (key % offsets)] as number) : (s.own[i] as number));
    });
    this.edit(cells, tieOf, centres, centre === undefined ? k : undefined);
    return k;
  }

  /** Untie a unit (escape, L1825): its own values become its effective weights; the function is unchanged. */
  untie(u: number): void {
    const s = this.stencil.state();
    const [unitCount, offsets] = this.stencil.shape;
    if (!Number.isSafeInteger(u) || u < 0 || u >= unitCount) throw new Error(`Error in StencilNet.untie: unit must be an integer in [0, ${unitCount}), got ${u}.`);
    const k = s.tieOf[u] as number;
    if (k < 0) throw new Error(`Error in StencilNet.untie: unit ${u} is not tied.`);
    const eff = this.stencil.stencilMatrix();
    const tieOf = Int32Array.from(s.tieOf);
    tieOf[u] = -1;
    const cells = new Map<number, number>();
    s.keys.forEach((key, i) => cells.set(key, Math.floor(key / offsets) === u ? (eff[key] as number) : (s.own[i] as number)));
    this.edit(cells, tieOf, s.centres);
  }

  /** Overwrite the `own` values of Hot cells (the stencil dynamics' velocity step on untied units). */
  setOwnValues(own: Float32Array): void {
    if (own.length !== this.stencil.nnz) throw new Error(`Error in StencilNet.setOwnValues: own must have ${this.stencil.nnz} entries, got ${own.length}.`);
    tf.tidy(() => this.stencil.own.assign(tf.tensor1d(own)));
  }

  /**
   * A new net over another geometry (units added or removed: clone-and-halve, ADR 0332) with the same layer
   * id, depth, budgets, centre capacity and hyper-parameters, the given stencil state and readout, and this
   * net's readout bias and centres' moments. Adam's moments of the stencil cells and readout rows are carried
   * over through `origin` (fresh cells and rows start at zero moments), and the step count too, so training
   * continues where it was. This net is left as it was.
   *
   * @throws Error naming the field when the state or readout does not fit the geometry.
   */
  reshaped(geometry: StencilGeometry, params: StencilNetParameters, origin: StencilNetOrigin): StencilNet {
    const layer = this.stencil;
    const outputs = this.readoutVar.shape[1] as number;
    const next = new StencilNet({
      layer: { id: layer.id, depth: layer.depth, geometry, seed: { kind: "empty" }, budget: layer.budget, maxCentres: layer.maxCentres },
      outputs,
      activation: this.activation,
      loss: this.lossKind,
      learningRate: this.learningRate,
      residualLambda: this.residualLambda,
      ...(this.proxLambda === undefined ? {} : { proxL1Lambda: this.proxLambda }),
      initialReadout: { weights: params.readout, bias: Float32Array.from(this.biasVar.dataSync()) },
    });
    try {
      next.stencil.setState(params.state);
    } catch (error) {
      next.dispose();
      throw error;
    }
    next.optimizer.dispose();
    next.optimizer = next.makeOptimizer();
    next.optimizer.setStepCount(this.optimizer.stepCount);
    next.trainSteps = this.trainSteps;
    const oldKeys = layer.hotKeys();
    const has = this.optimizer.names.includes("own");
    const ownM = has ? this.optimizer.firstMoment("own").dataSync() : new Float32Array(0);
    const ownV = has ? this.optimizer.secondMoment("own").dataSync() : new Float32Array(0);
    const readoutM = this.optimizer.firstMoment("readout").dataSync();
    const readoutV = this.optimizer.secondMoment("readout").dataSync();
    const keys = params.state.keys;
    const m = new Float32Array(keys.length);
    const v = new Float32Array(keys.length);
    keys.forEach((key, i) => {
      const at = binarySearch(oldKeys, origin.cellOf(key));
      if (at >= 0) {
        m[i] = ownM[at] as number;
        v[i] = ownV[at] as number;
      }
    });
    const units = geometry.units;
    const rm = new Float32Array(units * outputs);
    const rv = new Float32Array(units * outputs);
    for (let u = 0; u < units; u += 1) {
      const from = origin.unitOf(u);
      if (from < 0 || from >= layer.shape[0]) continue;
      rm.set(readoutM.subarray(from * outputs, (from + 1) * outputs), u * outputs);
      rv.set(readoutV.subarray(from * outputs, (from + 1) * outputs), u * outputs);
    }
    const state = next.optimizer.stateVariables();
    tf.tidy(() => {
      state["m/centres"]?.assign(tf.clone(this.optimizer.firstMoment("centres")));
      state["v/centres"]?.assign(tf.clone(this.optimizer.secondMoment("centres")));
      state["m/bias"]?.assign(tf.clone(this.optimizer.firstMoment("bias")));
      state["v/bias"]?.assign(tf.clone(this.optimizer.secondMoment("bias")));
      state["m/readout"]?.assign(tf.tensor2d(rm, [units, outputs]));
      state["v/readout"]?.assign(tf.tensor2d(rv, [units, outputs]));
      if (keys.length > 0) {
        state["m/own"]?.assign(tf.tensor1d(m));
        state["v/own"]?.assign(tf.tensor1d(v));
      }
    });
    return next;
  }

  /** Free every tensor. */
  dispose(): void {
    this.optimizer.dispose();
    this.tiedMask?.mask.dispose();
    this.stencil.dispose();
    this.readoutVar.dispose();
    this.biasVar.dispose();
  }

  /** Per-cell soft-threshold `lr·(λ_res·tied + λ_prox)`, or undefined when both are off or nothing is Hot. */
  private thresholds(): Tensor1D | undefined {
    const nnz = this.stencil.nnz;
    const prox = this.proxLambda ?? 0;
    if (nnz === 0 || (this.residualLambda === 0 && prox === 0)) return undefined;
    const version = this.stencil.structureVersion;
    if (this.tiedMask?.version !== version) {
      this.tiedMask?.mask.dispose();
      const offsets = this.stencil.shape[1];
      const keys = this.stencil.hotKeys();
      const values = Float32Array.from(keys, (key) => this.learningRate * (prox + (this.stencil.tieOf(Math.floor(key / offsets)) >= 0 ? this.residualLambda : 0)));
      this.tiedMask = { version, mask: tf.tensor1d(values) };
    }
    return this.tiedMask.mask;
  }

  private check(objectId: string, where: string): void {
    if (objectId !== this.stencil.id) throw new Error(`Error in StencilNet.${where}: no object "${objectId}" (have "${this.stencil.id}").`);
  }

  /** Write a new state and rebuild the optimizer, carrying moments over by cell (new cells and a new centre start at zero). */
  private edit(cells: ReadonlyMap<number, number>, tieOf: Int32Array, centres: Float32Array, freshCentre?: number): void {
    const before = this.stencil.hotKeys();
    const moments = this.optimizer.names.includes("own")
      ? { m: Float32Array.from(this.optimizer.firstMoment("own").dataSync()), v: Float32Array.from(this.optimizer.secondMoment("own").dataSync()) }
      : undefined;
    const centreM = Float32Array.from(this.optimizer.firstMoment("centres").dataSync());
    const centreV = Float32Array.from(this.optimizer.secondMoment("centres").dataSync());
    const keys = Int32Array.from([...cells.keys()].sort((a, b) => a - b));
    const next: StencilState = { keys, own: Float32Array.from(keys, (key) => cells.get(key) as number), tieOf, centres };
    const rest = { readout: { m: this.optimizer.firstMoment("readout"), v: this.optimizer.secondMoment("readout") }, bias: { m: this.optimizer.firstMoment("bias"), v: this.optimizer.secondMoment("bias") } };
    const saved = tf.tidy(() => ({ rm: tf.keep(tf.clone(rest.readout.m)), rv: tf.keep(tf.clone(rest.readout.v)), bm: tf.keep(tf.clone(rest.bias.m)), bv: tf.keep(tf.clone(rest.bias.v)) }));
    const steps = this.optimizer.stepCount;
    this.stencil.setState(next); // validates before it replaces anything, so a bad edit leaves the net intact
    this.optimizer.dispose();
    this.optimizer = this.makeOptimizer();
    this.optimizer.setStepCount(steps);
    const offsets = this.stencil.shape[1];
    if (freshCentre !== undefined) {
      centreM.fill(0, freshCentre * offsets, (freshCentre + 1) * offsets);
      centreV.fill(0, freshCentre * offsets, (freshCentre + 1) * offsets);
    }
    const state = this.optimizer.stateVariables();
    tf.tidy(() => {
      state["m/centres"]?.assign(tf.tensor1d(centreM));
      state["v/centres"]?.assign(tf.tensor1d(centreV));
      state["m/readout"]?.assign(saved.rm);
      state["v/readout"]?.assign(saved.rv);
      state["m/bias"]?.assign(saved.bm);
      state["v/bias"]?.assign(saved.bv);
      if (moments !== undefined && keys.length > 0) {
        state["m/own"]?.assign(tf.tensor1d(carryByKey(before, moments.m, keys)));
        state["v/own"]?.assign(tf.tensor1d(carryByKey(before, moments.v, keys)));
      }
    });
    tf.dispose([saved.rm, saved.rv, saved.bm, saved.bv]);
  }

  private makeOptimizer(): AdamWithMoments {
    const params: Record<string, Variable> = { centres: this.stencil.centres, readout: this.readoutVar, bias: this.biasVar };
    if (this.stencil.nnz > 0) params["own"] = this.stencil.own;
    return new AdamWithMoments(params, { learningRate: this.learningRate });
  }
}

/** Mean effective stencil of `units`, per offset over the units whose mask holds it. */
function meanStencil(eff: Float32Array, mask: Uint8Array, units: readonly number[], offsets: number): Float32Array {
  const out = new Float32Array(offsets);
  for (let o = 0; o < offsets; o += 1) {
    let sum = 0;
    let n = 0;
    for (const u of units) {
      if (mask[u * offsets + o] === 1) {
        sum += eff[u * offsets + o] as number;
        n += 1;
      }
    }
    out[o] = n === 0 ? 0 : sum / n;
  }
  return out;
}

function activate(kind: Activation, h: Tensor2D): Tensor2D {
  if (kind === "relu") return tf.relu(h);
  if (kind === "tanh") return tf.tanh(h);
  return h;
}
