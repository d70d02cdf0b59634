/**
 * The model interface the growth planner drives (seed 002 L1633-1636 probes; SEED-INVENTORY §3.4, §3.17).
 * {@link SparseMaskedStack} implements it; `@tam/graph` node state functions and later growth objects
 * (spline activations, distribution heads, stencils) plug in by implementing it too.
 */
import type { Scalar } from "@tam/tensor-backend";

import type { GrowthObject } from "./growth-object.js";
import type { Batch } from "./loss.js";
import type { HiddenUnitStatistics } from "./hidden-unit-statistics.js";
import type { StackForwardOptions } from "./sparse-masked-stack.js";

/** Probe-time inputs of a forward pass: shadows, replaced Hot values, a dense toggle-mask term. */
export type ProbeForwardOptions = StackForwardOptions;

/** What the planner needs from a model. */
export interface PlannerModel {
  /** The growth objects, each with its own index space of cells. */
  readonly objects: readonly GrowthObject[];
  /** The prox-L1 threshold per unit step used in training (C-1), applied in micro-rollouts too; undefined = off. */
  readonly proxL1: number | undefined;
  /** Mean loss on a batch with probe inputs (a scalar; differentiable to shadow Δs and Hot-value overrides). */
  loss(batch: Batch, options?: ProbeForwardOptions): Scalar;
  /** `∂L/∂W` of every cell of an object (Hot cells included), dense row-major. */
  toggleMaskGradient(batch: Batch, objectId: string): Float32Array;
  /** `∂L/∂W_vals` of an object's Hot cells. */
  hotGradient(batch: Batch, objectId: string): Float32Array;
  /** The optimizer's second moment of an object's Hot cells (zeros when unknown). */
  secondMoment(objectId: string): Float32Array;
  /** Make Cold cells Hot with values. */
  commitCells(objectId: string, keys: Int32Array, values: Float32Array): void;
  /** Make Hot cells Cold. */
  removeCells(objectId: string, keys: Int32Array): void;
  /** Zero Hot cells, keeping them Hot. */
  zeroCells(objectId: string, keys: Int32Array): void;
  /**
   * Optional (two-layer unit regions, ADR 0308): per-sample statistics of the hidden units between the
   * object `lowerId` (its columns are the units) and the object above it (its rows are the units);
   * undefined when no object is above it. Models without it never get unit regions.
   */
  hiddenUnitStatistics?(batch: Batch, lowerId: string): HiddenUnitStatistics | undefined;
}

/** Where the planner gets its batches. It disposes each batch it receives. */
export interface BatchSource {
  /** A fresh batch; `purpose` lets a source keep streams apart (`snr`, `rollout`, `eval`, `loo`). */
  next(purpose: BatchPurpose): Batch;
}

/** Why the planner asks for a batch. */
export type BatchPurpose = "snr" | "rollout" | "eval" | "loo";
