/**
 * GraphModule: a recursive container, atomic (level 0) or with sub-modules (seed 002 Archive 00 L97-142,
 * Archive 03 L681-711; SEED-INVENTORY §4.1-§4.2, D-3; ADRs 0401, 0404).
 *
 * `gather` is phase 1 of a synchronous step for this module's node, then (pre-order) its sub-modules: it
 * reads only committed memories (through the {@link StepContext}), so no node sees another node's new state
 * within a step. The node's candidate is `f(concat of edge messages)` (or its current state when it has no
 * edges, D-3), plus the contributions of {@link CandidateTerm}s (nascent/consolidated structure, ADR 0404).
 * Modules carry token fields (ADR 0402) and a lifecycle status (ADR 0404); they are never deleted (C-5).
 */
import type { Rng, Tensor2D, Tensor3D, Variable } from "@tam/tensor-backend";
import { tf } from "@tam/tensor-backend";

import type { Edge } from "./edge.js";
import { Node, newestRow, type UpdateMode } from "./node.js";

/** What a gather reads and where it writes: committed memories in, next states out. */
export interface StepContext {
  readonly mode: UpdateMode;
  /** The Rng of a node for this step (sample mode). */
  rngOf(node: Node): Rng | undefined;
  /** The committed memory `[H, B, d]` of a node. */
  memoryOf(node: Node): Tensor3D;
  /** The candidate computed earlier in this step for a node (ancestors are gathered first). */
  candidateOf(node: Node): Tensor2D | undefined;
  /** Receive a node's candidate (before the gate) and next state. */
  emit(node: Node, candidate: Tensor2D | undefined, next: Tensor2D): void;
  /** A multiplicative gate on an edge's message (routing, ADR 0403); undefined = 1. */
  edgeGate?(edge: Edge): number | undefined;
  /** Which candidate terms apply (default all). */
  termFilter?(term: CandidateTerm): boolean;
}

/** An additive term on a node's candidate (the nascent and consolidated structure of ADR 0404). */
export interface CandidateTerm {
  readonly id: string;
  /** `Δcandidate [B, d]` given the node's base candidate, or undefined for "nothing" (identity). */
  contribution(ctx: StepContext, target: Node, base: Tensor2D): Tensor2D | undefined;
  /** Variables the trainer may update. */
  trainableVariables(): readonly Variable[];
  /** Free the term's tensors (called by `Graph.dispose`). */
  dispose?(): void;
}

/** Lifecycle of a module (seed L742, L966; ADR 0404): never "deleted". */
export type ModuleStatus = "active" | "nascent" | "materialised" | "consolidated";

/** Options of {@link GraphModule}. */
export interface GraphModuleOptions {
  readonly id: string;
  /** 0 = atomic (seed `is_atomic`); composite modules sit above all their sub-modules. */
  readonly level?: number;
  readonly node: Node;
  /** Incoming edges of the node (each edge's target is the node). */
  readonly edges?: readonly Edge[];
  readonly subModules?: readonly GraphModule[];
  readonly status?: ModuleStatus;
}

/**
 * A graph module.
 *
 * @example
 * ```ts
 * const m = new GraphModule({ id: "m0", node: a, edges: [Edge.newest(a, a), Edge.newest(b, a)] });
 * m.isAtomic();   // true
 * ```
 */
export class GraphModule {
  readonly id: string;
  readonly level: number;
  readonly node: Node;
  readonly edges: readonly Edge[];
  private children: GraphModule[];
  private readonly terms: CandidateTerm[] = [];
  status: ModuleStatus;
  /** Allocated tokens (compute quanta, ADR 0402). */
  tokens = 0;
  /** The token limit of the barrier (ADR 0403); Infinity = unlimited. */
  tokenLimit = Number.POSITIVE_INFINITY;
  /** A special-cluster kind when structure discovery promoted this module (seed L703). */
  specialClusterType: string | undefined = undefined;
  /** Outlier/rarity score that guided promotion (seed L704). */
  energyMetric = 0;

  /** @throws Error naming the module when the level, edges or sub-modules are inconsistent. */
  constructor(options: GraphModuleOptions) {
    const level = options.level ?? 0;
    const subs = [...(options.subModules ?? [])];
    if (!Number.isSafeInteger(level) || level < 0) throw new Error(`Error in GraphModule "${options.id}": level must be a non-negative integer, got ${level}.`);
    if (level === 0 && subs.length > 0) throw new Error(`Error in GraphModule "${options.id}": an atomic (level 0) module cannot have sub-modules (got ${subs.length}).`);
    for (const s of subs) {
      if (s.level >= level) throw new Error(`Error in GraphModule "${options.id}": sub-module "${s.id}" has level ${s.level}, not below ${level}.`);
    }
    const edges = [...(options.edges ?? [])];
    for (const e of edges) {
      if (e.target !== options.node) throw new Error(`Error in GraphModule "${options.id}": edge ${e.source.id}->${e.target.id} does not end at node "${options.node.id}".`);
    }
    const inputDim = edges.reduce((s, e) => s + e.source.stateDim, 0);
    const f = options.node.stateFunction;
    if (edges.length > 0 && f === undefined) throw new Error(`Error in GraphModule "${options.id}": node "${options.node.id}" has ${edges.length} edges but no stateFunction.`);
    if (edges.length > 0 && f !== undefined && f.inputDim !== inputDim) {
      throw new Error(`Error in GraphModule "${options.id}": the edges bring ${inputDim} features but node "${options.node.id}"'s stateFunction.inputDim is ${f.inputDim}.`);
    }
    this.id = options.id;
    this.level = level;
    this.node = options.node;
    this.edges = edges;
    this.children = subs;
    this.status = options.status ?? "active";
  }

  /** Seed `is_atomic`: level 0. */
  isAtomic(): boolean {
    return this.level === 0;
  }

  /** The sub-modules (a copy). */
  get subModules(): readonly GraphModule[] {
    return [...this.children];
  }

  /** The candidate terms attached to this module's node. */
  get candidateTerms(): readonly CandidateTerm[] {
    return [...this.terms];
  }

  /** Attach a candidate term (grafting, ADR 0404). @throws Error when its id is taken. */
  addTerm(term: CandidateTerm): void {
    if (this.terms.some((t) => t.id === term.id)) throw new Error(`Error in GraphModule "${this.id}".addTerm: term "${term.id}" already attached.`);
    this.terms.push(term);
  }

  /** Add a sub-module (grafting, ADR 0404). @throws Error when its level is not below this module's. */
  addSubModule(module: GraphModule): void {
    if (module.level >= this.level) throw new Error(`Error in GraphModule "${this.id}".addSubModule: "${module.id}" has level ${module.level}, not below ${this.level}.`);
    this.children.push(module);
  }

  /** This module and every module below it, pre-order. */
  walk(): GraphModule[] {
    return [this, ...this.children.flatMap((c) => c.walk())];
  }

  /** Phase 1 (seed `gather_next_state`): this node's next state from committed memories, then the sub-modules. */
  gather(ctx: StepContext): void {
    const node = this.node;
    const current = newestRow(ctx.memoryOf(node));
    let candidate: Tensor2D | undefined;
    if (this.edges.length > 0) {
      const messages = this.edges.map((e) => {
        const m = e.message(ctx.memoryOf(e.source));
        const g = ctx.edgeGate?.(e);
        return g === undefined || g === 1 ? m : tf.mul(m, g);
      });
      const inputs: Tensor2D = messages.length === 1 ? (messages[0] as Tensor2D) : tf.concat<Tensor2D>(messages as Tensor2D[], 1);
      candidate = (node.stateFunction as NonNullable<Node["stateFunction"]>).forward(inputs);
    }
    for (const term of this.terms) {
      if (ctx.termFilter !== undefined && !ctx.termFilter(term)) continue;
      const base = candidate ?? current;
      const delta = term.contribution(ctx, node, base);
      if (delta !== undefined) candidate = tf.add(base, delta);
    }
    const gate = node.gate(ctx.mode, ctx.rngOf(node));
    ctx.emit(node, candidate, Node.mix(candidate, current, gate));
    for (const sub of this.children) sub.gather(ctx);
  }

  /** Phase 2 (seed `commit_state`): commit this node, then the sub-modules. */
  commit(): void {
    this.node.commit();
    for (const sub of this.children) sub.commit();
  }
}
