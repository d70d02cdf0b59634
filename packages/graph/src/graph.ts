/**
 * Graph: a collection of modules stepped synchronously (seed 002 Archive 00 L147-155; SEED-INVENTORY §4.1,
 * H002-B). Phase 1: every module gathers its next state from committed memories; phase 2: every module
 * commits. The result does not depend on module order: in `sample` mode each node draws its update gate
 * from its own Rng, derived from one seed drawn per step and the node id (C-22), not from a shared stream.
 *
 * `predict` is the same phase 1 as a pure function of given memories (no commit); the trainer
 * differentiates through it (ADR 0401).
 */
import { createRng, tf, type Rng, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";

import type { Edge } from "./edge.js";
import type { CandidateTerm, GraphModule, StepContext } from "./graph-module.js";
import type { Node, UpdateMode } from "./node.js";

/** Options of a step. */
export interface StepOptions {
  /** Update-frequency handling (default `sample`, the seed's semantics). */
  readonly mode?: UpdateMode;
  /** Seeded randomness for `sample` mode (needed when some p < 1). */
  readonly rng?: Rng;
  /** Routing gates on edge messages (ADR 0403). */
  readonly edgeGate?: (edge: Edge) => number | undefined;
  /** Candidate terms to apply (default all), e.g. to read a node's base candidate without its transients. */
  readonly termFilter?: (term: CandidateTerm) => boolean;
}

/** A node's output of one phase 1. */
export interface NodePrediction {
  /** The candidate before the update gate (undefined when the node has no input: it keeps its state). */
  readonly candidate: Tensor2D | undefined;
  /** The next state `gate·candidate + (1 - gate)·current`. */
  readonly next: Tensor2D;
}

/**
 * A graph of modules.
 *
 * @example
 * ```ts
 * const graph = new Graph([moduleA, moduleB]);
 * graph.step({ rng });                 // gather all, then commit all
 * graph.step({ mode: "expected" });    // p·f(x) + (1-p)·x, no sampling
 * ```
 */
export class Graph {
  private top: GraphModule[];

  /** @throws Error naming the duplicate when a node or module appears twice, or an edge leaves the graph. */
  constructor(modules: readonly GraphModule[]) {
    this.top = [...modules];
    this.validate();
  }

  /** The top-level modules (a copy). */
  get modules(): readonly GraphModule[] {
    return [...this.top];
  }

  /** Every module, pre-order over the top-level list. */
  allModules(): GraphModule[] {
    return this.top.flatMap((m) => m.walk());
  }

  /** Every node, in module pre-order. */
  nodes(): Node[] {
    return this.allModules().map((m) => m.node);
  }

  /** The node with this id. @throws Error naming the id when there is none. */
  node(id: string): Node {
    const found = this.nodes().find((n) => n.id === id);
    if (found === undefined) throw new Error(`Error in Graph.node: no node "${id}".`);
    return found;
  }

  /** The module with this id. @throws Error naming the id when there is none. */
  module(id: string): GraphModule {
    const found = this.allModules().find((m) => m.id === id);
    if (found === undefined) throw new Error(`Error in Graph.module: no module "${id}".`);
    return found;
  }

  /** The module whose node this is. */
  moduleOf(node: Node): GraphModule {
    const found = this.allModules().find((m) => m.node === node);
    if (found === undefined) throw new Error(`Error in Graph.moduleOf: node "${node.id}" is not in the graph.`);
    return found;
  }

  /** Every edge (incoming edges of every module). */
  edges(): Edge[] {
    return this.allModules().flatMap((m) => [...m.edges]);
  }

  /** One synchronous step (seed `Graph.step`): phase 1 for all modules, then phase 2 for all. */
  step(options: StepOptions = {}): void {
    const staged = new Map<Node, Tensor2D>();
    tf.tidy(() => {
      const ctx = this.context(options, (node) => node.memory, (node, next) => staged.set(node, tf.keep(next)));
      for (const m of this.top) m.gather(ctx);
    });
    for (const [node, next] of staged) node.stage(next);
    for (const m of this.top) m.commit();
  }

  /**
   * Phase 1 as a pure function: the next state of every node from the given memories (a node missing from
   * `memories` reads its own). Tensors are not kept: call inside `tf.tidy` / a gradient scope.
   */
  predict(memories: ReadonlyMap<Node, Tensor3D>, options: StepOptions = {}): Map<Node, NodePrediction> {
    const out = new Map<Node, NodePrediction>();
    const ctx = this.context(options, (node) => memories.get(node) ?? node.memory, (node, next, candidate) => out.set(node, { candidate, next }));
    for (const m of this.top) m.gather(ctx);
    return out;
  }

  /** Every trainable variable by a stable name: state functions, edge weights, update frequencies, terms. */
  trainableVariables(options: { readonly updateFrequencies?: boolean } = {}): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    for (const m of this.allModules()) {
      const node = m.node;
      node.stateFunction?.trainableVariables().forEach((v, i) => {
        out[`${m.id}/f${i}`] = v;
      });
      for (const e of m.edges) out[`${m.id}/edge:${e.source.id}`] = e.values;
      if (options.updateFrequencies ?? true) out[`${m.id}/p`] = node.updateFrequency;
      for (const t of m.candidateTerms) {
        t.trainableVariables().forEach((v, i) => {
          out[`${m.id}/term:${t.id}/${i}`] = v;
        });
      }
    }
    return out;
  }

  /**
   * Replace `children` (top-level modules) by `parent`, which must already contain them as sub-modules
   * (grafting a sup module, ADR 0404). The parent takes the place of the first child.
   *
   * @throws Error naming the module when a child is not top-level or not under the parent.
   */
  regroup(parent: GraphModule, children: readonly GraphModule[]): void {
    const subs = parent.subModules;
    for (const c of children) {
      if (!this.top.includes(c)) throw new Error(`Error in Graph.regroup: "${c.id}" is not a top-level module.`);
      if (!subs.includes(c)) throw new Error(`Error in Graph.regroup: "${c.id}" is not a sub-module of "${parent.id}".`);
    }
    const at = Math.min(...children.map((c) => this.top.indexOf(c)));
    const rest = this.top.filter((m) => !children.includes(m));
    rest.splice(Math.min(at, rest.length), 0, parent);
    const before = this.top;
    this.top = rest;
    try {
      this.validate();
    } catch (error) {
      this.top = before;
      throw error;
    }
  }

  /** Free every node, edge and state function. */
  dispose(): void {
    for (const m of this.allModules()) {
      for (const e of m.edges) e.dispose();
      for (const t of m.candidateTerms) t.dispose?.();
      m.node.dispose();
    }
  }

  private context(options: StepOptions, memoryOf: (node: Node) => Tensor3D, emit: (node: Node, next: Tensor2D, candidate: Tensor2D | undefined) => void): StepContext {
    const mode = options.mode ?? "sample";
    const stepSeed = mode === "sample" && options.rng !== undefined ? options.rng.nextSeed() : undefined;
    const candidates = new Map<Node, Tensor2D | undefined>();
    return {
      mode,
      rngOf: (node) => (stepSeed === undefined ? undefined : createRng(`${stepSeed}/${node.id}`)),
      memoryOf,
      candidateOf: (node) => candidates.get(node),
      emit: (node, candidate, next) => {
        candidates.set(node, candidate);
        emit(node, next, candidate);
      },
      ...(options.edgeGate === undefined ? {} : { edgeGate: options.edgeGate }),
      ...(options.termFilter === undefined ? {} : { termFilter: options.termFilter }),
    };
  }

  private validate(): void {
    const modules = this.allModules();
    const moduleIds = new Set<string>();
    const nodes = new Set<Node>();
    const nodeIds = new Set<string>();
    for (const m of modules) {
      if (moduleIds.has(m.id)) throw new Error(`Error in Graph: module id "${m.id}" appears twice.`);
      moduleIds.add(m.id);
      if (nodes.has(m.node) || nodeIds.has(m.node.id)) throw new Error(`Error in Graph: node "${m.node.id}" belongs to more than one module.`);
      nodes.add(m.node);
      nodeIds.add(m.node.id);
    }
    for (const m of modules) {
      for (const e of m.edges) if (!nodes.has(e.source)) throw new Error(`Error in Graph: edge ${e.source.id}->${e.target.id} comes from a node outside the graph.`);
    }
  }
}
