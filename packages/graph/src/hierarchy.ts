/**
 * Hierarchy: levels, nascent modules, materialise / consolidate-to-identity, grafting (seed 002 L626-630,
 * L742-743, L781, L886-890, L966, L974-975; SEED-INVENTORY §4.3, C-3, C-5; ADR 0404).
 *
 * - Levels: with a minimum cluster of 2 per level, `L_max = ceil(log2 n0)` for n0 level-0 modules (n0 = 10
 *   gives 4): level ids run 0..L_max; a sup module above level L_max is refused.
 * - A nascent **sub** module refines one module's candidate: `Δ = candidate · W`, W a sparse `[d, d]` layer
 *   with a zero base and its Hot cells at 0, so it is exactly the identity when grafted.
 * - A nascent **sup** module is a parent at level ℓ+1 over a cluster of modules: its node reads its children
 *   through edges (identity-first state function with a nonlinear branch) and feeds corrections back down,
 *   `Δ_child = parentCandidate · W_child`, W_child at 0 when grafted. The parent's parameters learn from the
 *   children's errors (sub-graph → super-graph error feedback is this gradient).
 * - Lifecycle: `nascent → materialised` when it earns its tokens (the LC objective with it beats the objective
 *   without it by a relative margin); `→ consolidated` (its values cached, then zeroed: the identity again)
 *   when it does not or stops; never deleted; `rematerialise` restores the cached values exactly.
 */
import { SparseMaskedLinear } from "@tam/sparse-core";
import { tf, type Rng, type Tensor2D, type Variable } from "@tam/tensor-backend";

import { CONSOLIDATE_MAX_GAIN, MATERIALISE_MIN_GAIN, MIN_CLUSTER_SIZE } from "./constants.js";
import { Edge } from "./edge.js";
import type { Graph } from "./graph.js";
import { GraphModule, type CandidateTerm, type StepContext } from "./graph-module.js";
import { Node } from "./node.js";
import { SparseStateFunction } from "./sparse-state-function.js";

/**
 * `L_max = ceil(log2 n0)` (seed L628): the highest level id over n0 level-0 modules.
 *
 * @example
 * ```ts
 * maxHierarchyLevel(10);   // 4
 * ```
 */
export function maxHierarchyLevel(levelZeroCount: number): number {
  if (!Number.isSafeInteger(levelZeroCount) || levelZeroCount < 1) throw new Error(`Error in maxHierarchyLevel: the level-0 count must be a positive integer, got ${levelZeroCount}.`);
  return Math.ceil(Math.log2(levelZeroCount));
}

/** A zero-initialised sparse linear map used as an additive candidate term. */
export abstract class LinearTerm implements CandidateTerm {
  readonly id: string;
  readonly layer: SparseMaskedLinear;

  protected constructor(id: string, inFeatures: number, outFeatures: number) {
    this.id = id;
    const cells = inFeatures * outFeatures;
    this.layer = new SparseMaskedLinear({ id, inFeatures, outFeatures, base: { kind: "zero" }, initial: { keys: Int32Array.from({ length: cells }, (_, i) => i), values: new Float32Array(cells) } });
  }

  abstract contribution(ctx: StepContext, target: Node, base: Tensor2D): Tensor2D | undefined;

  trainableVariables(): readonly Variable[] {
    return [this.layer.values];
  }

  /** The current values (a host copy). */
  values(): Float32Array {
    return this.layer.hotValues();
  }

  /** Replace the values. */
  setValues(values: Float32Array): void {
    tf.tidy(() => this.layer.values.assign(tf.tensor1d(values)));
  }

  dispose(): void {
    this.layer.dispose();
  }
}

/** A nascent sub module's refinement `Δ = candidate · W`. */
export class RefinementTerm extends LinearTerm {
  constructor(id: string, dim: number) {
    super(id, dim, dim);
  }

  contribution(_ctx: StepContext, _target: Node, base: Tensor2D): Tensor2D {
    return this.layer.forward(base);
  }
}

/** A sup module's correction of one child, `Δ = parentCandidate · W`. */
export class DownCorrectionTerm extends LinearTerm {
  readonly parent: Node;

  constructor(id: string, parent: Node, childDim: number) {
    super(id, parent.stateDim, childDim);
    this.parent = parent;
  }

  contribution(ctx: StepContext): Tensor2D | undefined {
    const p = ctx.candidateOf(this.parent);
    return p === undefined ? undefined : this.layer.forward(p);
  }
}

/** Lifecycle status of a nascent structure. */
export type NascentStatus = "nascent" | "materialised" | "consolidated";

/** A grafted nascent structure and its lifecycle. */
export interface NascentRecord {
  readonly id: string;
  readonly kind: "sub" | "sup";
  status: NascentStatus;
  /** The terms it owns (their values are what consolidation zeroes). */
  readonly terms: readonly LinearTerm[];
  /** The parent module of a sup structure. */
  readonly module: GraphModule | undefined;
  /** Values saved at consolidation (for exact reuse). */
  cache: Float32Array[] | undefined;
  /** Relative LC gain at the last review. */
  lastGain: number;
}

/** What a review decided for one record. */
export interface ReviewDecision {
  readonly id: string;
  readonly gain: number;
  readonly from: NascentStatus;
  readonly to: NascentStatus;
}

/**
 * Grafts nascent modules into a graph and runs their lifecycle.
 *
 * @example
 * ```ts
 * const h = new HierarchyManager(graph);
 * h.spawnSup("sup0", ["x", "y"], rng);        // parent at level 1, exactly the identity so far
 * trainer.refresh();                           // train it with the rest
 * h.review(() => validationObjective());       // materialise or consolidate by the LC objective
 * ```
 */
export class HierarchyManager {
  readonly graph: Graph;
  readonly maxLevel: number;
  private readonly records = new Map<string, NascentRecord>();

  constructor(graph: Graph) {
    this.graph = graph;
    this.maxLevel = maxHierarchyLevel(Math.max(1, graph.allModules().filter((m) => m.level === 0).length));
  }

  /** Every record (never removed). */
  get nascent(): readonly NascentRecord[] {
    return [...this.records.values()];
  }

  /** The record with this id. @throws Error naming the id when there is none. */
  record(id: string): NascentRecord {
    const r = this.records.get(id);
    if (r === undefined) throw new Error(`Error in HierarchyManager: no nascent structure "${id}".`);
    return r;
  }

  /** Graft a nascent sub module (refinement) on a module. @throws Error when the id is taken. */
  spawnSub(id: string, moduleId: string): NascentRecord {
    this.checkId(id);
    const module = this.graph.module(moduleId);
    const term = new RefinementTerm(id, module.node.stateDim);
    module.addTerm(term);
    return this.add({ id, kind: "sub", status: "nascent", terms: [term], module: undefined, cache: undefined, lastGain: 0 });
  }

  /**
   * Graft a nascent sup module over top-level modules (a cluster of at least 2, seed L626).
   *
   * @throws Error naming the problem when the cluster is too small, a child is not top-level, or the new level
   *   would exceed `L_max`.
   */
  spawnSup(id: string, childIds: readonly string[], rng: Rng, options: { readonly hidden?: number } = {}): NascentRecord {
    this.checkId(id);
    if (childIds.length < MIN_CLUSTER_SIZE) throw new Error(`Error in HierarchyManager.spawnSup: a cluster needs at least ${MIN_CLUSTER_SIZE} modules, got ${childIds.length}.`);
    const children = childIds.map((c) => this.graph.module(c));
    const top = this.graph.modules;
    for (const c of children) if (!top.includes(c)) throw new Error(`Error in HierarchyManager.spawnSup: "${c.id}" is not a top-level module.`);
    const level = Math.max(...children.map((c) => c.level)) + 1;
    if (level > this.maxLevel) throw new Error(`Error in HierarchyManager.spawnSup: level ${level} would exceed L_max = ceil(log2 n0) = ${this.maxLevel}.`);
    const first = children[0] as GraphModule;
    const dim = children.reduce((s, c) => s + c.node.stateDim, 0);
    const parent = new Node({ id, stateDim: dim, historyLength: first.node.historyLength, batch: first.node.batch });
    parent.stateFunction = new SparseStateFunction({ inputDim: dim, outputDim: dim, hidden: options.hidden ?? 0 }, rng.fork(`sup:${id}`));
    const edges = children.map((c) => Edge.newest(c.node, parent));
    const module = new GraphModule({ id, level, node: parent, edges, subModules: children, status: "nascent" });
    const terms = children.map((c) => {
      const t = new DownCorrectionTerm(`${id}->${c.id}`, parent, c.node.stateDim);
      c.addTerm(t);
      return t;
    });
    this.graph.regroup(module, children);
    return this.add({ id, kind: "sup", status: "nascent", terms, module, cache: undefined, lastGain: 0 });
  }

  /** Materialise: keep it as persistent structure. */
  materialise(id: string): void {
    const r = this.record(id);
    if (r.status === "consolidated") this.rematerialise(id);
    r.status = "materialised";
    if (r.module !== undefined) r.module.status = "materialised";
  }

  /** Consolidate to identity: cache the values, set them to zero (the structure stays, C-5). */
  consolidate(id: string): void {
    const r = this.record(id);
    if (r.status === "consolidated") return;
    r.cache = r.terms.map((t) => t.values());
    for (const t of r.terms) t.setValues(new Float32Array(t.layer.nnz));
    r.status = "consolidated";
    if (r.module !== undefined) r.module.status = "consolidated";
  }

  /** Restore a consolidated structure's cached values exactly (reuse without retraining). */
  rematerialise(id: string): void {
    const r = this.record(id);
    if (r.cache === undefined) throw new Error(`Error in HierarchyManager.rematerialise: "${id}" has no cached values.`);
    r.terms.forEach((t, i) => t.setValues(r.cache?.[i] as Float32Array));
    r.status = "materialised";
    if (r.module !== undefined) r.module.status = "materialised";
  }

  /**
   * Decide every nascent or materialised structure by the objective (e.g. the LC objective on held-out
   * windows, lower is better): gain = (objective without − objective with) / objective without, measured by
   * zeroing the structure's values temporarily. Nascent with gain ≥ 2 % materialises, else consolidates;
   * materialised with gain < 0.5 % consolidates (ADR 0404).
   */
  review(objective: () => number, thresholds: { readonly materialise?: number; readonly consolidate?: number } = {}): ReviewDecision[] {
    const up = thresholds.materialise ?? MATERIALISE_MIN_GAIN;
    const down = thresholds.consolidate ?? CONSOLIDATE_MAX_GAIN;
    const decisions: ReviewDecision[] = [];
    for (const r of this.records.values()) {
      if (r.status === "consolidated") continue;
      const withIt = objective();
      const saved = r.terms.map((t) => t.values());
      for (const t of r.terms) t.setValues(new Float32Array(t.layer.nnz));
      const without = objective();
      r.terms.forEach((t, i) => t.setValues(saved[i] as Float32Array));
      const gain = without > 0 ? (without - withIt) / without : 0;
      r.lastGain = gain;
      const from = r.status;
      if (from === "nascent") {
        if (gain >= up) this.materialise(r.id);
        else this.consolidate(r.id);
      } else if (gain < down) {
        this.consolidate(r.id);
      }
      decisions.push({ id: r.id, gain, from, to: r.status });
    }
    return decisions;
  }

  private checkId(id: string): void {
    if (this.records.has(id)) throw new Error(`Error in HierarchyManager: nascent structure "${id}" already exists.`);
  }

  private add(r: NascentRecord): NascentRecord {
    this.records.set(r.id, r);
    return r;
  }
}
