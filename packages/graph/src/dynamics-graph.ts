/**
 * A ready-made learning graph for observed dynamics (ADR 0401): one atomic module per observed variable group,
 * every node reading every node (its self-edge first, so the identity-first state function starts as "keep my
 * state"), each edge reading the newest history row with weight 1 plus optional older slots at 0, each node
 * with a {@link SparseStateFunction}.
 */
import type { Rng } from "@tam/tensor-backend";

import { Edge } from "./edge.js";
import { Graph } from "./graph.js";
import { GraphModule } from "./graph-module.js";
import { Node } from "./node.js";
import { SparseStateFunction } from "./sparse-state-function.js";
import type { ObservedBinding } from "./trajectory.js";

/** Options of {@link dynamicsGraph}. */
export interface DynamicsGraphOptions {
  /** Observed groups: node id and the observation columns it holds. */
  readonly groups: readonly ObservedBinding[];
  /** History length H (default 6). */
  readonly historyLength?: number;
  /** Hidden width of each state function's nonlinear branch (default 0 = linear). */
  readonly hidden?: number;
  /** Older history slots each edge also reads, as offsets back from the newest (e.g. [1] = the previous row). */
  readonly lags?: readonly number[];
  /** Only self-edges plus edges between these pairs (default: all pairs). */
  readonly neighbours?: (from: string, to: string) => boolean;
  /** Initial update frequency (default 1). */
  readonly updateFrequency?: number;
}

/**
 * Build the graph and return it with the observed bindings for a {@link GraphTrainer}.
 *
 * @example
 * ```ts
 * const { graph, observed } = dynamicsGraph({ groups: [{ node: "x", columns: [0] }, { node: "v", columns: [1] }] }, rng);
 * ```
 */
export function dynamicsGraph(options: DynamicsGraphOptions, rng: Rng): { readonly graph: Graph; readonly observed: readonly ObservedBinding[] } {
  const h = options.historyLength ?? 6;
  const lags = options.lags ?? [];
  for (const lag of lags) if (!Number.isSafeInteger(lag) || lag < 1 || lag >= h) throw new Error(`Error in dynamicsGraph: lags must be integers in [1, H), got ${lag}.`);
  const slots = lags.map((lag) => h - 1 - lag);
  const sources = options.groups.map((g) => ({ id: g.node, dim: g.columns.length }));
  const nodes = new Map<string, Node>();
  for (const g of options.groups) nodes.set(g.node, new Node({ id: g.node, stateDim: g.columns.length, historyLength: h, ...(options.updateFrequency === undefined ? {} : { updateFrequency: options.updateFrequency }) }));
  const modules = options.groups.map((g) => {
    const node = nodes.get(g.node) as Node;
    const from = [g.node, ...sources.map((s) => s.id).filter((id) => id !== g.node && (options.neighbours?.(id, g.node) ?? true))];
    const edges = from.map((id) => Edge.newest(nodes.get(id) as Node, node, slots));
    const inputDim = from.reduce((s, id) => s + (nodes.get(id) as Node).stateDim, 0);
    node.stateFunction = new SparseStateFunction({ inputDim, outputDim: node.stateDim, hidden: options.hidden ?? 0 }, rng.fork(`f:${g.node}`));
    return new GraphModule({ id: g.node, node, edges });
  });
  return { graph: new Graph(modules), observed: options.groups };
}
