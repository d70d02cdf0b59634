/**
 * Node: a state history of H steps, an update frequency and a pluggable state function (seed 002 Archive 00
 * L48-76; SEED-INVENTORY §4.1, C-22, D-2, D-3; ADR 0401).
 *
 * - Memory is a shift register `[H, B, d]` (time-major, newest row last): `commit` drops the oldest row and
 *   appends the prepared state, so the length stays H. `B` parallel trajectories share the parameters; with
 *   `B = 1` this is the seed's `[H, d]` memory. The prepared state is `[B, d]` (D-2 fixed: no rank-3 row).
 * - `updateFrequency` is a per-step probability (C-22, DESIGN.md): in `sample` mode each trajectory of the
 *   node updates with probability p drawn from the seeded Rng (a non-updating node keeps its state); in
 *   `expected` mode the prepared state is `p·f(x) + (1 - p)·current`, which is what training differentiates
 *   through. p is a trainable scalar kept in [0, 1] by projection.
 * - A node with no incoming edges (the seed example, D-3) has no input: it keeps its state.
 */
import { tf, type Rng, type Scalar, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";

import { DEFAULT_HISTORY_LENGTH, DEFAULT_UPDATE_FREQUENCY } from "./constants.js";
import type { StateFunction } from "./state-function.js";

/** How a step treats update frequencies: sampled (the seed), their expectation (training), or always. */
export type UpdateMode = "sample" | "expected" | "always";

/** Options of {@link Node}. */
export interface NodeOptions {
  readonly id: string;
  /** Width d of the state. */
  readonly stateDim: number;
  /** History length H (default 6, seed L49). */
  readonly historyLength?: number;
  /** Parallel trajectories B (default 1). */
  readonly batch?: number;
  /** Initial memory `[H, B, d]` row-major (default zeros, seed L20-21). */
  readonly initialStates?: Float32Array;
  /** The state function; needed when the node has incoming edges. */
  readonly stateFunction?: StateFunction;
  /** Per-step update probability in [0, 1] (default 1.0, seed L57). */
  readonly updateFrequency?: number;
}

/**
 * A graph node.
 *
 * @example
 * ```ts
 * const node = new Node({ id: "a", stateDim: 4 });        // zeros [6, 1, 4], p = 1
 * node.prepare(undefined, { mode: "always" });             // no edges: keeps its state
 * node.commit();
 * node.currentState();                                     // [1, 4] zeros
 * ```
 */
export class Node {
  readonly id: string;
  readonly stateDim: number;
  readonly historyLength: number;
  readonly batch: number;
  stateFunction: StateFunction | undefined;
  /** The per-step update probability p (a trainable scalar in [0, 1]). */
  readonly updateFrequency: Variable;
  private mem: Tensor3D;
  private pending: Tensor2D | undefined;
  private lastUpdated: boolean[] = [];

  /** @throws Error naming the node and field when a size, the initial memory or p is invalid. */
  constructor(options: NodeOptions) {
    const { id, stateDim } = options;
    const historyLength = options.historyLength ?? DEFAULT_HISTORY_LENGTH;
    const batch = options.batch ?? 1;
    const p = options.updateFrequency ?? DEFAULT_UPDATE_FREQUENCY;
    for (const [name, value] of [
      ["stateDim", stateDim],
      ["historyLength", historyLength],
      ["batch", batch],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Error in Node "${id}": ${name} must be a positive integer, got ${value}.`);
    }
    if (!(p >= 0 && p <= 1)) throw new Error(`Error in Node "${id}": updateFrequency must be a probability in [0, 1], got ${p}.`);
    const size = historyLength * batch * stateDim;
    if (options.initialStates !== undefined && options.initialStates.length !== size) {
      throw new Error(`Error in Node "${id}": initialStates must have H·B·d = ${historyLength}·${batch}·${stateDim} = ${size} values, got ${options.initialStates.length}.`);
    }
    if (options.stateFunction !== undefined && options.stateFunction.outputDim !== stateDim) {
      throw new Error(`Error in Node "${id}": stateFunction.outputDim (${options.stateFunction.outputDim}) must equal stateDim (${stateDim}).`);
    }
    this.id = id;
    this.stateDim = stateDim;
    this.historyLength = historyLength;
    this.batch = batch;
    this.stateFunction = options.stateFunction;
    this.updateFrequency = tf.tidy(() => tf.variable(tf.scalar(p), true));
    this.mem = tf.tidy(() => (options.initialStates === undefined ? tf.zeros([historyLength, batch, stateDim]) : tf.tensor3d(options.initialStates, [historyLength, batch, stateDim])));
  }

  /** The memory `[H, B, d]`, newest row last (owned by the node: do not dispose). */
  get memory(): Tensor3D {
    return this.mem;
  }

  /** Whether each trajectory updated on the last prepared step. */
  get updatedLastStep(): readonly boolean[] {
    return this.lastUpdated;
  }

  /** The newest state `[B, d]` (a new tensor the caller disposes; seed `get_current_state`). */
  currentState(): Tensor2D {
    return newestRow(this.mem);
  }

  /** p as a number. */
  updateProbability(): number {
    return this.updateFrequency.dataSync()[0] as number;
  }

  /** Set p (validated), e.g. after a trainer step: the projection onto [0, 1] is done by the caller. */
  setUpdateProbability(p: number): void {
    if (!(p >= 0 && p <= 1)) throw new Error(`Error in Node "${this.id}".setUpdateProbability: p must be in [0, 1], got ${p}.`);
    tf.tidy(() => this.updateFrequency.assign(tf.scalar(p)));
  }

  /**
   * Replace the memory with a copy of `memory` `[H, B, d]` (e.g. a window of observed data).
   *
   * @throws Error naming the node when the shape differs.
   */
  setMemory(memory: Tensor3D): void {
    checkMemory(this, memory, "setMemory");
    this.mem.dispose();
    this.mem = tf.clone(memory);
    this.clearPending();
  }

  /**
   * The update gate of a step `[B, 1]` (or a scalar): 1 where a trajectory updates. `sample` draws one
   * Bernoulli(p) per trajectory from `rng` (C-22); `expected` is p itself (differentiable); `always` is 1.
   *
   * @throws Error naming the node when `sample` mode has p < 1 and no rng.
   */
  gate(mode: UpdateMode, rng: Rng | undefined): Tensor2D | Scalar {
    if (mode === "always") {
      this.lastUpdated = Array.from({ length: this.batch }, () => true);
      return tf.scalar(1);
    }
    if (mode === "expected") {
      this.lastUpdated = Array.from({ length: this.batch }, () => true);
      return tf.clone(this.updateFrequency) as Scalar;
    }
    const p = this.updateProbability();
    if (p < 1 && rng === undefined) throw new Error(`Error in Node "${this.id}".gate: sample mode with updateFrequency ${p} < 1 needs an rng.`);
    const draws = Array.from({ length: this.batch }, () => (p >= 1 ? true : (rng as Rng).bernoulli(p)));
    this.lastUpdated = draws;
    return tf.tensor2d(draws.map((u) => (u ? 1 : 0)), [this.batch, 1]);
  }

  /**
   * The next state from a candidate: `gate·candidate + (1 - gate)·current` (pure; `candidate` undefined
   * means no input: the node keeps `current`).
   */
  static mix(candidate: Tensor2D | undefined, current: Tensor2D, gate: Tensor2D | Scalar): Tensor2D {
    if (candidate === undefined) return tf.clone(current);
    return tf.tidy(() => tf.add(current, tf.mul(gate, tf.sub(candidate, current))));
  }

  /**
   * Phase 1 on this node alone (seed `prepare_next_state`): draw the gate and store the next state computed
   * from `inputs` `[B, inputDim]` (undefined when the node has no edges).
   */
  prepare(inputs: Tensor2D | undefined, options: { readonly mode?: UpdateMode; readonly rng?: Rng } = {}): void {
    const current = this.currentState();
    const gate = this.gate(options.mode ?? "sample", options.rng);
    try {
      let candidate: Tensor2D | undefined;
      if (inputs !== undefined) {
        if (this.stateFunction === undefined) throw new Error(`Error in Node "${this.id}".prepare: the node has inputs but no stateFunction.`);
        candidate = this.stateFunction.forward(inputs);
      }
      this.stage(Node.mix(candidate, current, gate));
      candidate?.dispose();
    } finally {
      current.dispose();
      gate.dispose();
    }
  }

  /** Store a prepared next state `[B, d]` (taken over by the node) for {@link commit}. */
  stage(next: Tensor2D): void {
    if (next.rank !== 2 || next.shape[0] !== this.batch || next.shape[1] !== this.stateDim) {
      next.dispose();
      throw new Error(`Error in Node "${this.id}".stage: the next state must be [${this.batch}, ${this.stateDim}], got [${next.shape.join(",")}].`);
    }
    this.pending?.dispose();
    this.pending = next;
  }

  /** Phase 2 (seed `commit_state`): shift the register by one row, newest last. A no-op with nothing staged. */
  commit(): void {
    if (this.pending === undefined) return;
    const next = this.pending;
    const old = this.mem;
    this.mem = tf.tidy(() => shift(old, next));
    old.dispose();
    next.dispose();
    this.pending = undefined;
  }

  /** Drop a staged state without committing it. */
  clearPending(): void {
    this.pending?.dispose();
    this.pending = undefined;
  }

  /** Free the node's tensors and its state function. */
  dispose(): void {
    this.clearPending();
    this.mem.dispose();
    this.updateFrequency.dispose();
    this.stateFunction?.dispose();
  }
}

/** The newest row `[B, d]` of a memory `[H, B, d]`. */
export function newestRow(memory: Tensor3D): Tensor2D {
  const [h, b, d] = memory.shape;
  return tf.tidy(() => tf.reshape(tf.slice(memory, [h - 1, 0, 0], [1, b, d]), [b, d]));
}

/** The shift register: drop the oldest row of `memory` `[H, B, d]`, append `next` `[B, d]`. */
export function shift(memory: Tensor3D, next: Tensor2D): Tensor3D {
  const [h, b, d] = memory.shape;
  return tf.tidy(() => {
    const row = tf.reshape(next, [1, b, d]);
    if (h === 1) return row as Tensor3D;
    return tf.concat<Tensor3D>([tf.slice(memory, [1, 0, 0], [h - 1, b, d]), row as Tensor3D], 0);
  });
}

function checkMemory(node: Node, memory: Tensor3D, where: string): void {
  const [h, b, d] = memory.shape;
  if (memory.rank !== 3 || h !== node.historyLength || b !== node.batch || d !== node.stateDim) {
    throw new Error(`Error in Node "${node.id}".${where}: memory must be [${node.historyLength}, ${node.batch}, ${node.stateDim}], got [${memory.shape.join(",")}].`);
  }
}

