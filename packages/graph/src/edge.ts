/**
 * Edge: sparse temporal weights over the source node's history (seed 002 Archive 00 L14-18, L78-92;
 * SEED-INVENTORY §4.1). The message is `Σ_h w_h · source.memory[h]`, a `[B, d_source]` vector, computed as a
 * `[1, H]` sparse row times the `[H, B·d]` memory (cost ∝ active slots). The slots are fixed at
 * construction; their values are a trainable variable (ADR 0401).
 */
import { randomSparseTemporalWeights, sparseDenseMatMul, tf, type Rng, type SparseMatrix, type Tensor1D, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";

import { LEARNING_EDGE_NEWEST_WEIGHT } from "./constants.js";
import type { Node } from "./node.js";

/** Options of {@link Edge}. */
export interface EdgeOptions {
  /** Explicit temporal weights: history slots (in [0, H), sorted, distinct; H - 1 is the newest) and values. */
  readonly slots?: readonly number[];
  readonly values?: readonly number[];
  /** Otherwise the seed's `random_sparse_temporal_weights` from this rng (2 slots, U[0, 0.1)). */
  readonly rng?: Rng;
  /** Slots drawn by the rng (default 2, seed L14). */
  readonly activeCount?: number;
}

/**
 * A directed edge `source → target` (the target gathers its message).
 *
 * @example
 * ```ts
 * const e = new Edge(a, b, { rng: createRng(1) });     // seed default: 2 random slots, values in [0, 0.1)
 * const m = e.message(a.memory);                        // [B, d_a] = Σ_h w_h · a.memory[h]
 * const keep = Edge.newest(a, b);                       // w = 1 on the newest row only
 * ```
 */
export class Edge {
  readonly source: Node;
  readonly target: Node;
  readonly historyLength: number;
  /** The active history slots (sorted). */
  readonly slots: readonly number[];
  /** The values aligned with {@link slots} (a trainable `[k]` variable). */
  readonly values: Variable;
  private readonly indices: Tensor2D;

  /** @throws Error naming the edge when slots/values are inconsistent or neither they nor an rng is given. */
  constructor(source: Node, target: Node, options: EdgeOptions) {
    const name = `${source.id}->${target.id}`;
    if (source.historyLength !== target.historyLength) {
      throw new Error(`Error in Edge ${name}: source and target history lengths differ (${source.historyLength} vs ${target.historyLength}).`);
    }
    if (source.batch !== target.batch) throw new Error(`Error in Edge ${name}: source and target batch sizes differ (${source.batch} vs ${target.batch}).`);
    const h = source.historyLength;
    let slots: number[];
    let values: number[];
    if (options.slots !== undefined) {
      slots = [...options.slots];
      values = [...(options.values ?? slots.map(() => LEARNING_EDGE_NEWEST_WEIGHT))];
      if (values.length !== slots.length) throw new Error(`Error in Edge ${name}: ${slots.length} slots but ${values.length} values.`);
      slots.forEach((s, i) => {
        if (!Number.isSafeInteger(s) || s < 0 || s >= h || (i > 0 && s <= (slots[i - 1] as number))) {
          throw new Error(`Error in Edge ${name}: slots must be sorted distinct integers in [0, ${h}), got [${slots.join(",")}].`);
        }
      });
      values.forEach((v) => {
        if (!Number.isFinite(v)) throw new Error(`Error in Edge ${name}: values must be finite, got ${v}.`);
      });
    } else if (options.rng !== undefined) {
      const w = randomSparseTemporalWeights(options.rng, { historyLength: h, ...(options.activeCount === undefined ? {} : { activeCount: options.activeCount }) });
      const idx = w.indices.dataSync();
      slots = Array.from({ length: w.indices.shape[0] }, (_, i) => idx[2 * i + 1] as number);
      values = Array.from(w.values.dataSync());
      w.indices.dispose();
      w.values.dispose();
    } else {
      throw new Error(`Error in Edge ${name}: give slots (and values) or an rng for the seed's random sparse temporal weights.`);
    }
    this.source = source;
    this.target = target;
    this.historyLength = h;
    this.slots = slots;
    this.indices = tf.tensor2d(slots.flatMap((s) => [0, s]), [slots.length, 2], "int32");
    this.values = tf.tidy(() => tf.variable(tf.tensor1d(values, "float32"), true));
  }

  /** An edge reading only the newest row of the source with weight 1 (the learning default, ADR 0401). */
  static newest(source: Node, target: Node, extraSlots: readonly number[] = []): Edge {
    const h = source.historyLength;
    const slots = [...new Set([...extraSlots, h - 1])].sort((a, b) => a - b);
    return new Edge(source, target, { slots, values: slots.map((s) => (s === h - 1 ? LEARNING_EDGE_NEWEST_WEIGHT : 0)) });
  }

  /** The weights as the seed's `[1, H]` sparse row (tensors owned by the edge). */
  get weights(): SparseMatrix {
    return { indices: this.indices, values: this.values as Tensor1D, shape: [1, this.historyLength] };
  }

  /** The dense temporal weights `[H]` as numbers. */
  temporalWeights(): Float64Array {
    const out = new Float64Array(this.historyLength);
    const v = this.values.dataSync();
    this.slots.forEach((s, i) => {
      out[s] = v[i] as number;
    });
    return out;
  }

  /** `Σ_h w_h · memory[h]` for a source memory `[H, B, d]` → `[B, d]` (seed `compute_message`). */
  message(memory: Tensor3D): Tensor2D {
    const [h, b, d] = memory.shape;
    if (h !== this.historyLength) throw new Error(`Error in Edge ${this.source.id}->${this.target.id}.message: memory has ${h} rows, expected ${this.historyLength}.`);
    if (this.slots.length === 0) return tf.zeros([b, d]);
    return tf.tidy(() => tf.reshape(sparseDenseMatMul(this.weights, tf.reshape(memory, [h, b * d])), [b, d]));
  }

  /** Free the edge's tensors. */
  dispose(): void {
    this.indices.dispose();
    this.values.dispose();
  }
}
