/**
 * GraphTrainer: the graph fits a target dynamics end to end (seed 002 L75-76, L91-92, L131-142 placeholders,
 * L241-244 "formalize optimization routines for update frequencies and temporal weights", "test convergence
 * on known differential equation datasets"; SEED-INVENTORY §15.4 item 1; ADR 0401), optionally under the
 * LC objective with token limits (L746, L756-762; ADR 0403).
 *
 * One step: sample B windows (H observed rows per observed node, then K target rows), run K synchronous
 * steps of the graph in `expected` mode from those memories (unobserved nodes start at zero), and take the
 * standardised squared error of the observed nodes expected under their Bernoulli(p) update gates,
 * `p·(f(x) − y)² + (1 − p)·(x − y)²` (exact for one step, so p learns how often updating beats holding). One backward pass gives gradients for every state
 * function, every edge's temporal weights and every update frequency; Adam updates them; p is projected onto
 * [0, 1]. Sub-module → super-module error feedback is this same gradient: a super module's parameters are
 * trained by the errors of the sub-modules it corrects (ADR 0404).
 *
 * With a barrier, modules with a finite `tokenLimit` enter `L_total = L_task · mean_m γ_m(C_m)`; the gradient
 * of γ is added analytically (`∂C/∂θ = 2θδ²/(θ²+δ²)²`), so `‖∂L_task/∂θ_m‖` is available for the token law;
 * optional γ step damping; and a hard clip: a module's step is halved until `C_m ≤ limit_m` (else reverted).
 */
import { AdamWithMoments, tf, type Rng, type Scalar, type Tensor, type Tensor2D, type Tensor3D, type Variable } from "@tam/tensor-backend";

import { barrierDamping, barrierGamma, type BarrierOptions } from "./barrier.js";
import { complexityVariables, moduleComplexity } from "./complexity.js";
import { BARRIER_EPSILON, BARRIER_MAX_BACKTRACKS, BARRIER_SCALE, COMPLEXITY_DELTA, GRAPH_LEARNING_RATE, MIXTURE_SIGMA } from "./constants.js";
import type { Edge } from "./edge.js";
import type { Graph, NodePrediction } from "./graph.js";
import type { GraphModule } from "./graph-module.js";
import { newestRow, shift, type Node, type UpdateMode } from "./node.js";
import { columnStats, type ObservedBinding, type Trajectory } from "./trajectory.js";

/** Barrier settings of a trainer (ADR 0403). Limits are the modules' `tokenLimit`s. */
export interface TrainerBarrierOptions extends BarrierOptions {
  /** δ of the smooth count (default 0.02). */
  readonly delta?: number;
  /** Multiply the task loss by mean γ (default true). */
  readonly objective?: boolean;
  /** Damp each module's step by `1/(scale·γ_m)` (default false). */
  readonly stepSize?: boolean;
  /** Halve a module's step until its complexity is within its limit (default true). */
  readonly hardClip?: boolean;
  /**
   * Damp routing by the barrier (ADR 0403): every message into a module with a finite limit is multiplied by
   * `1/(scale·γ_m(C_m))`, read at the start of each step, in training and evaluation alike (default false).
   */
  readonly routing?: boolean;
}

/** Options of {@link GraphTrainer}. */
export interface GraphTrainerOptions {
  /** Observation columns held by each observed node. */
  readonly observed: readonly ObservedBinding[];
  /** Adam step size (default 0.01, ADR 0401). */
  readonly learningRate?: number;
  /** K: steps rolled out per window (default 1 = teacher forcing). */
  readonly rolloutSteps?: number;
  /** Windows per step (default 64). */
  readonly batchSize?: number;
  /** Train update frequencies (default true). */
  readonly trainUpdateFrequencies?: boolean;
  /** Train edge temporal weights (default true). */
  readonly trainEdges?: boolean;
  /** LC objective / token limits (default off). */
  readonly barrier?: TrainerBarrierOptions;
  /**
   * How the update gate enters the loss (ADR 0401): `expected-squared` (default), the squared error expected
   * under the Bernoulli(p) gate, which teaches p whether updating beats holding; or `mixture-likelihood`, the
   * negative log-likelihood of a two-component Gaussian mixture (update with prob. p, hold otherwise; σ =
   * `mixtureSigma` in standardised units), under which p converges to the frequency of steps the state
   * function explains.
   */
  readonly updateObjective?: "expected-squared" | "mixture-likelihood";
  /** σ of the mixture likelihood in standardised units (default 0.01, ADR 0401). */
  readonly mixtureSigma?: number;
  /** Train only the variables whose name (as in `Graph.trainableVariables`) passes (default: all). */
  readonly variableFilter?: (name: string) => boolean;
}

/** Per-module facts of a barrier step. */
export interface ModuleStepReport {
  readonly id: string;
  readonly complexity: number;
  readonly limit: number;
  readonly gamma: number;
  /** `‖∂L_task/∂θ_m‖₂` over the module's complexity variables. */
  readonly taskGradNorm: number;
  /** Step halvings the hard clip needed (−1 = step reverted). */
  readonly backtracks: number;
}

/** What one training step did. */
export interface TrainStepReport {
  readonly taskLoss: number;
  /** `L_task · mean γ` (= taskLoss without a barrier). */
  readonly objective: number;
  readonly modules: readonly ModuleStepReport[];
}

interface Window {
  readonly trajectory: number;
  readonly start: number;
}

/**
 * Trains a graph on observed trajectories.
 *
 * @example
 * ```ts
 * const trainer = new GraphTrainer(graph, [train], { observed: [{ node: "x", columns: [0] }, { node: "v", columns: [1] }] }, rng);
 * for (let i = 0; i < 500; i += 1) trainer.step();
 * trainer.oneStepError([test]).nmse;         // standardised one-step MSE
 * trainer.rollout(test, [0], 200);           // free-running prediction
 * ```
 */
export class GraphTrainer {
  readonly graph: Graph;
  private readonly bindings: readonly { readonly node: Node; readonly columns: readonly number[]; readonly weight: Tensor }[];
  private readonly trajectories: readonly Trajectory[];
  private readonly windows: Window[];
  private readonly rng: Rng;
  private readonly history: number;
  private readonly rolloutSteps: number;
  private readonly batchSize: number;
  private readonly learningRate: number;
  private readonly trainP: boolean;
  private readonly trainEdges: boolean;
  private readonly barrier: Required<TrainerBarrierOptions> | undefined;
  private readonly mixtureSigma: number | undefined;
  private readonly filter: ((name: string) => boolean) | undefined;
  private adam: AdamWithMoments | undefined;
  private vars: Record<string, Variable> = {};
  private steps = 0;

  /** @throws Error naming the field when a binding, size or trajectory does not fit the graph. */
  constructor(graph: Graph, trajectories: readonly Trajectory[], options: GraphTrainerOptions, rng: Rng) {
    const k = options.rolloutSteps ?? 1;
    const b = options.batchSize ?? 64;
    const lr = options.learningRate ?? GRAPH_LEARNING_RATE;
    if (!Number.isSafeInteger(k) || k < 1) throw new Error(`Error in GraphTrainer: rolloutSteps must be a positive integer, got ${k}.`);
    if (!Number.isSafeInteger(b) || b < 1) throw new Error(`Error in GraphTrainer: batchSize must be a positive integer, got ${b}.`);
    if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`Error in GraphTrainer: learningRate must be finite and > 0, got ${lr}.`);
    if (trajectories.length === 0) throw new Error("Error in GraphTrainer: give at least one trajectory.");
    if (options.observed.length === 0) throw new Error("Error in GraphTrainer: observed must bind at least one node.");
    const nodes = graph.nodes();
    const history = nodes[0]?.historyLength ?? 0;
    for (const n of nodes) if (n.historyLength !== history) throw new Error(`Error in GraphTrainer: every node needs the same historyLength (node "${n.id}" has ${n.historyLength}, expected ${history}).`);
    const dim = trajectories[0]?.dim ?? 0;
    const { std } = columnStats(trajectories);
    this.bindings = options.observed.map((bind) => {
      const node = graph.node(bind.node);
      if (bind.columns.length !== node.stateDim) throw new Error(`Error in GraphTrainer: observed node "${bind.node}" has stateDim ${node.stateDim} but ${bind.columns.length} columns.`);
      for (const c of bind.columns) if (!Number.isSafeInteger(c) || c < 0 || c >= dim) throw new Error(`Error in GraphTrainer: observed node "${bind.node}" names column ${c}, outside [0, ${dim}).`);
      return { node, columns: bind.columns, weight: tf.tensor1d(bind.columns.map((c) => 1 / (std[c] as number) ** 2)) };
    });
    this.windows = [];
    trajectories.forEach((t, i) => {
      if (t.dim !== dim) throw new Error(`Error in GraphTrainer: trajectory ${i} has dim ${t.dim}, expected ${dim}.`);
      for (let s = 0; s + history + k <= t.steps; s += 1) this.windows.push({ trajectory: i, start: s });
    });
    if (this.windows.length === 0) throw new Error(`Error in GraphTrainer: no trajectory is longer than H + K = ${history + k} rows.`);
    this.graph = graph;
    this.trajectories = trajectories;
    this.rng = rng;
    this.history = history;
    this.rolloutSteps = k;
    this.batchSize = b;
    this.learningRate = lr;
    this.trainP = options.trainUpdateFrequencies ?? true;
    this.trainEdges = options.trainEdges ?? true;
    const sigma = options.mixtureSigma ?? MIXTURE_SIGMA;
    if (!(Number.isFinite(sigma) && sigma > 0)) throw new Error(`Error in GraphTrainer: mixtureSigma must be finite and > 0, got ${sigma}.`);
    this.mixtureSigma = options.updateObjective === "mixture-likelihood" ? sigma : undefined;
    this.filter = options.variableFilter;
    this.barrier =
      options.barrier === undefined
        ? undefined
        : {
            scale: options.barrier.scale ?? BARRIER_SCALE,
            epsilon: options.barrier.epsilon ?? BARRIER_EPSILON,
            delta: options.barrier.delta ?? COMPLEXITY_DELTA,
            objective: options.barrier.objective ?? true,
            stepSize: options.barrier.stepSize ?? false,
            hardClip: options.barrier.hardClip ?? true,
            routing: options.barrier.routing ?? false,
          };
    this.refresh();
  }

  /** Training steps taken. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * Re-read the graph's variables after a structural change (grafting, consolidation), keeping Adam's moments
   * of the variables that are still there with the same shape.
   */
  refresh(): void {
    const all = this.graph.trainableVariables({ updateFrequencies: this.trainP });
    const vars: Record<string, Variable> = {};
    for (const [name, v] of Object.entries(all)) if ((this.trainEdges || !name.includes("/edge:")) && (this.filter?.(name) ?? true)) vars[name] = v;
    const old = this.adam;
    const oldVars = this.vars;
    this.vars = vars;
    this.adam = Object.keys(vars).length === 0 ? undefined : new AdamWithMoments(vars, { learningRate: this.learningRate });
    if (old !== undefined && this.adam !== undefined) {
      const state = this.adam.stateVariables();
      for (const [name, v] of Object.entries(vars)) {
        if (oldVars[name] !== v || !old.names.includes(name)) continue;
        state[`m/${name}`]?.assign(old.firstMoment(name));
        state[`v/${name}`]?.assign(old.secondMoment(name));
      }
      this.adam.setStepCount(old.stepCount);
    }
    old?.dispose();
  }

  /** One training step. */
  step(): TrainStepReport {
    this.steps += 1;
    const batch = Array.from({ length: this.batchSize }, () => this.windows[this.rng.int(0, this.windows.length)] as Window);
    const { memories, targets } = this.windowTensors(batch, this.rolloutSteps);
    try {
      return this.update(() => this.windowLoss(memories, targets, this.rolloutSteps));
    } finally {
      tf.dispose([...memories.values(), ...targets.flat()]);
    }
  }

  /** Standardised one-step MSE over every window of the trajectories (mean over observed columns). */
  oneStepError(trajectories: readonly Trajectory[]): { readonly nmse: number; readonly perColumn: ReadonlyMap<number, number> } {
    const windows: Window[] = [];
    trajectories.forEach((t, i) => {
      for (let s = 0; s + this.history + 1 <= t.steps; s += 1) windows.push({ trajectory: i, start: s });
    });
    const perColumn = new Map<number, number>();
    let total = 0;
    let count = 0;
    const { memories, targets } = this.windowTensors(windows, 1, trajectories);
    tf.tidy(() => {
      const preds = this.graph.predict(memories, { mode: "expected", ...this.routingGate() });
      for (const [i, bind] of this.bindings.entries()) {
        const next = (preds.get(bind.node) as { next: Tensor2D }).next;
        const target = (targets[0] as Tensor2D[])[i] as Tensor2D;
        const colMse = tf.mean(tf.squaredDifference(next, target), 0).dataSync();
        bind.columns.forEach((c, j) => {
          const v = (colMse[j] as number) * (bind.weight.dataSync()[j] as number);
          perColumn.set(c, v);
          total += v;
          count += 1;
        });
      }
    });
    tf.dispose([...memories.values(), ...targets.flat()]);
    return { nmse: total / Math.max(1, count), perColumn };
  }

  /**
   * Free-running prediction from H observed rows at each start: `[starts.length][steps·dim]` predicted
   * observation rows (columns not bound to a node are NaN). Unobserved nodes start at zero.
   */
  rollout(trajectory: Trajectory, starts: readonly number[], steps: number, mode: UpdateMode = "expected"): Float64Array[] {
    if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`Error in GraphTrainer.rollout: steps must be a positive integer, got ${steps}.`);
    for (const s of starts) if (!Number.isSafeInteger(s) || s < 0 || s + this.history > trajectory.steps) throw new Error(`Error in GraphTrainer.rollout: start ${s} leaves fewer than H = ${this.history} rows.`);
    const windows = starts.map((start) => ({ trajectory: 0, start }));
    const { memories } = this.windowTensors(windows, 0, [trajectory]);
    const out = starts.map(() => new Float64Array(steps * trajectory.dim).fill(Number.NaN));
    let mem = memories;
    const gate = this.routingGate();
    for (let k = 0; k < steps; k += 1) {
      const shifted = new Map<Node, Tensor3D>();
      tf.tidy(() => {
        const preds = this.graph.predict(mem, { mode, ...gate });
        for (const [node, m] of mem) shifted.set(node, tf.keep(shift(m, (preds.get(node) as { next: Tensor2D }).next)));
        for (const bind of this.bindings) {
          const v = (preds.get(bind.node) as { next: Tensor2D }).next.dataSync();
          starts.forEach((_, b) => {
            bind.columns.forEach((c, j) => {
              (out[b] as Float64Array)[k * trajectory.dim + c] = v[b * bind.columns.length + j] as number;
            });
          });
        }
      });
      tf.dispose([...mem.values()]);
      mem = shifted;
    }
    tf.dispose([...mem.values()]);
    return out;
  }

  /**
   * The barrier's routing damping as step options: `1/(scale·γ_m)` on the messages into each module with a finite
   * limit (none unless `barrier.routing`).
   */
  private routingGate(): { edgeGate?: (edge: Edge) => number | undefined } {
    const bar = this.barrier;
    if (bar?.routing !== true) return {};
    const gates = new Map<Node, number>();
    for (const m of this.graph.allModules()) {
      if (!Number.isFinite(m.tokenLimit)) continue;
      const c = tf.tidy(() => moduleComplexity(m, bar.delta).dataSync()[0] as number);
      gates.set(m.node, barrierDamping(barrierGamma(c, m.tokenLimit, bar), bar));
    }
    return { edgeGate: (edge) => gates.get(edge.target) };
  }

  /** Free the trainer's optimizer state and constants (not the graph). */
  dispose(): void {
    this.adam?.dispose();
    this.adam = undefined;
    for (const b of this.bindings) b.weight.dispose();
  }

  /** Memories `[H, B, d]` for every node (zeros for unobserved) and K target rows per binding. */
  private windowTensors(batch: readonly Window[], k: number, trajectories: readonly Trajectory[] = this.trajectories): { memories: Map<Node, Tensor3D>; targets: Tensor2D[][] } {
    const h = this.history;
    const b = batch.length;
    const memories = new Map<Node, Tensor3D>();
    const targets: Tensor2D[][] = Array.from({ length: k }, () => []);
    for (const bind of this.bindings) {
      const d = bind.columns.length;
      const mem = new Float32Array(h * b * d);
      const tgt = Array.from({ length: k }, () => new Float32Array(b * d));
      batch.forEach((w, i) => {
        const t = trajectories[w.trajectory] as Trajectory;
        for (let r = 0; r < h + k; r += 1) {
          const row = (w.start + r) * t.dim;
          bind.columns.forEach((c, j) => {
            const v = t.values[row + c] as number;
            if (r < h) mem[(r * b + i) * d + j] = v;
            else (tgt[r - h] as Float32Array)[i * d + j] = v;
          });
        }
      });
      memories.set(bind.node, tf.tensor3d(mem, [h, b, d]));
      tgt.forEach((arr, r) => (targets[r] as Tensor2D[]).push(tf.tensor2d(arr, [b, d])));
    }
    for (const node of this.graph.nodes()) if (!memories.has(node)) memories.set(node, tf.zeros([h, b, node.stateDim]));
    return { memories, targets };
  }

  /** Mean standardised MSE over K free-running steps from the given memories. */
  private windowLoss(memories: ReadonlyMap<Node, Tensor3D>, targets: readonly (readonly Tensor2D[])[], k: number): Scalar {
    let mem: ReadonlyMap<Node, Tensor3D> = memories;
    const gate = this.routingGate();
    const terms: Scalar[] = [];
    for (let step = 0; step < k; step += 1) {
      const preds = this.graph.predict(mem, { mode: "expected", ...gate });
      this.bindings.forEach((bind, i) => {
        // The loss expected under the Bernoulli(p) update gate: p·(f − y)² + (1 − p)·(x − y)² (ADR 0401).
        const target = (targets[step] as Tensor2D[])[i] as Tensor2D;
        const current = newestRow(mem.get(bind.node) as Tensor3D);
        const candidate = (preds.get(bind.node) as NodePrediction).candidate;
        const hold = tf.mul(tf.squaredDifference(current, target), bind.weight);
        if (candidate === undefined) {
          terms.push(tf.mean(hold));
          return;
        }
        const update = tf.mul(tf.squaredDifference(candidate, target), bind.weight);
        const p = bind.node.updateFrequency;
        if (this.mixtureSigma === undefined) {
          terms.push(tf.mean(tf.add(hold, tf.mul(p, tf.sub(update, hold)))));
        } else {
          // −log(p·e^{−u/2σ²} + (1 − p)·e^{−h/2σ²}) ≥ 0, computed from the smaller exponent (ADR 0401).
          const s = 1 / (2 * this.mixtureSigma * this.mixtureSigma);
          const a = tf.mul(update, s);
          const b = tf.mul(hold, s);
          const m = tf.minimum(a, b);
          const mix = tf.add(tf.add(tf.mul(p, tf.exp(tf.sub(m, a))), tf.mul(tf.sub(1, p), tf.exp(tf.sub(m, b)))), 1e-12);
          terms.push(tf.mean(tf.sub(m, tf.log(mix))));
        }
      });
      if (step + 1 < k) {
        const shifted = new Map<Node, Tensor3D>();
        for (const [node, m] of mem) shifted.set(node, shift(m, (preds.get(node) as { next: Tensor2D }).next));
        mem = shifted;
      }
    }
    return tf.div(tf.addN(terms), terms.length);
  }

  /** Gradients, the barrier, Adam, projection and the hard clip. */
  private update(taskLoss: () => Scalar): TrainStepReport {
    const names = Object.keys(this.vars);
    const list = names.map((n) => this.vars[n] as Variable);
    if (this.adam === undefined) {
      const value = tf.tidy(() => taskLoss().dataSync()[0] as number);
      return { taskLoss: value, objective: value, modules: [] };
    }
    const { value, grads } = tf.variableGrads(taskLoss, list);
    const task = value.dataSync()[0] as number;
    value.dispose();
    if (!(Number.isFinite(task) && task >= 0)) {
      tf.dispose(grads);
      throw new Error(`Error in GraphTrainer.step: the task loss must be finite and >= 0 (D-12), got ${task}.`);
    }
    const byName: Record<string, Tensor> = {};
    names.forEach((n, i) => {
      const g = grads[(list[i] as Variable).name];
      if (g !== undefined) byName[n] = g;
    });
    const limited = this.barrier === undefined ? [] : this.graph.allModules().filter((m) => Number.isFinite(m.tokenLimit));
    const reports: ModuleStepReport[] = [];
    let objective = task;
    const saved = new Map<GraphModule, Tensor[]>();
    try {
      if (this.barrier !== undefined && limited.length > 0) {
        const bar = this.barrier;
        const stats = limited.map((m) => {
          const c = tf.tidy(() => moduleComplexity(m, bar.delta).dataSync()[0] as number);
          const gamma = barrierGamma(c, m.tokenLimit, bar);
          return { m, c, gamma, dGamma: gammaSlope(c, m.tokenLimit, bar) };
        });
        const meanGamma = stats.reduce((s, x) => s + x.gamma, 0) / stats.length;
        if (bar.objective) objective = task * meanGamma;
        const moduleVars = new Map<Variable, { dGamma: number }>();
        for (const s of stats) for (const v of complexityVariables(s.m)) moduleVars.set(v, { dGamma: s.dGamma });
        const gradNorm = new Map<GraphModule, number>();
        for (const s of stats) {
          let sq = 0;
          for (const v of complexityVariables(s.m)) {
            const name = names[list.indexOf(v)];
            const g = name === undefined ? undefined : byName[name];
            if (g !== undefined) sq += tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0] as number);
          }
          gradNorm.set(s.m, Math.sqrt(sq));
        }
        if (bar.objective) {
          // ∇(L·γ̄) = γ̄·∇L + L·(1/M)·γ_m'(C_m)·∇C_m, with ∇C = 2θδ²/(θ²+δ²)² elementwise.
          for (const [i, n] of names.entries()) {
            const g = byName[n];
            if (g === undefined) continue;
            const v = list[i] as Variable;
            const slope = moduleVars.get(v);
            const d2 = bar.delta * bar.delta;
            byName[n] = tf.tidy(() => {
              let total = tf.mul(g, meanGamma);
              if (slope !== undefined && slope.dGamma !== 0) {
                const sq = tf.square(v);
                const dC = tf.div(tf.mul(v, 2 * d2), tf.square(tf.add(sq, d2)));
                total = tf.add(total, tf.mul(dC, (task * slope.dGamma) / stats.length));
              }
              return total;
            });
            g.dispose();
          }
        }
        for (const s of stats) saved.set(s.m, complexityVariables(s.m).map((v) => tf.clone(v)));
        this.adam.applyGradients(byName);
        for (const s of stats) {
          const old = saved.get(s.m) as Tensor[];
          const vars = complexityVariables(s.m);
          if (bar.stepSize) interpolate(vars, old, barrierDamping(s.gamma, bar) * bar.scale);
          let backtracks = 0;
          if (bar.hardClip) {
            let c = tf.tidy(() => moduleComplexity(s.m, bar.delta).dataSync()[0] as number);
            while (c > s.m.tokenLimit && backtracks < BARRIER_MAX_BACKTRACKS) {
              interpolate(vars, old, 0.5);
              backtracks += 1;
              c = tf.tidy(() => moduleComplexity(s.m, bar.delta).dataSync()[0] as number);
            }
            if (c > s.m.tokenLimit) {
              interpolate(vars, old, 0);
              backtracks = -1;
            }
          }
          const after = tf.tidy(() => moduleComplexity(s.m, bar.delta).dataSync()[0] as number);
          reports.push({ id: s.m.id, complexity: after, limit: s.m.tokenLimit, gamma: barrierGamma(after, s.m.tokenLimit, bar), taskGradNorm: gradNorm.get(s.m) ?? 0, backtracks });
        }
      } else {
        this.adam.applyGradients(byName);
      }
    } finally {
      tf.dispose(Object.values(byName));
      for (const ts of saved.values()) tf.dispose(ts);
    }
    if (this.trainP) for (const node of this.graph.nodes()) tf.tidy(() => node.updateFrequency.assign(tf.clipByValue(node.updateFrequency, 0, 1)));
    return { taskLoss: task, objective, modules: reports };
  }
}

/** `dγ/dC` of `γ = 1/(scale·sqrt(max(1 - (C/L)², ε)))`: 0 once clipped or on the ε floor. */
export function gammaSlope(complexity: number, limit: number, options: { readonly scale: number; readonly epsilon: number }): number {
  if (complexity >= limit) return 0;
  const v = complexity / limit;
  const inner = 1 - v * v;
  if (inner <= options.epsilon) return 0;
  return v / (limit * options.scale * inner ** 1.5);
}

/** `v ← old + α·(v − old)` for each variable. */
function interpolate(vars: readonly Variable[], old: readonly Tensor[], alpha: number): void {
  vars.forEach((v, i) => {
    const o = old[i] as Tensor;
    tf.tidy(() => v.assign(tf.add(o, tf.mul(tf.sub(v, o), alpha))));
  });
}
