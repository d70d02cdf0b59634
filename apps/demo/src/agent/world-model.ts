/**
 * The agent's learned world model (ADR 0702): a `@tam/graph` graph with one node per observed
 * variable (x, v), every node reading every node's newest state (self-edge first), each node's state
 * function a {@link GrowingStateFunction}. `GraphTrainer` learns it online from a sliding window of
 * what the agent has seen; `@tam/sparse-core`'s `GrowthPlanner` grows the state functions by evidence.
 *
 * Everything is in standardised units (the warm-up segment's column mean and std).
 */
import { Edge, Graph, GraphModule, GraphTrainer, Node, columnStats, trajectory, type ObservedBinding, type Trajectory } from "@tam/graph";
import { GrowthPlanner, type Batch, type BatchSource, type PlannerEvent } from "@tam/sparse-core";
import { tf, type Rng } from "@tam/tensor-backend";
import { GrowingStateFunction } from "./growing-state-function.js";

/** Settings of the world model (ADR 0702). */
export interface WorldModelSettings {
  /** Hidden width of each state function's growing branch. */
  readonly hidden: number;
  /** Fraction of hidden cells Hot at the start. */
  readonly hiddenDensity: number;
  /** Rows of recent experience the trainer learns from. */
  readonly windowRows: number;
  /** Windows per training step. */
  readonly batchSize: number;
  /** Adam step size of the graph trainer. */
  readonly learningRate: number;
  /** Rows per planner batch. */
  readonly plannerBatch: number;
  /** Smallest mean ΔLoss (standardised MSE) that commits a region. */
  readonly minGain: number;
}

/** Defaults (ADR 0702). */
export const WORLD_MODEL_DEFAULTS: WorldModelSettings = Object.freeze({
  hidden: 8,
  hiddenDensity: 0.5,
  windowRows: 400,
  batchSize: 64,
  learningRate: 0.01,
  plannerBatch: 64,
  minGain: 1e-4,
});

/** History length of the graph's nodes (the edges read the newest row only). */
const HISTORY = 2;
const VARIABLES = ["x", "v"] as const;

/** What a growth cycle did. */
export interface GrowthReport {
  readonly commits: number;
  readonly prunes: number;
  readonly branchCells: number;
}

/** The graph world model with online training and growth. */
export class WorldModel {
  readonly graph: Graph;
  readonly functions: readonly GrowingStateFunction[];
  private readonly settings: WorldModelSettings;
  private readonly observed: readonly ObservedBinding[];
  private readonly planner: GrowthPlanner;
  private readonly rng: Rng;
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly dt: number;
  private rows: number[] = [];
  private trainer: GraphTrainer | undefined;
  private lastEvents: PlannerEvent[] = [];
  private refits = 0;

  /**
   * @param warmup raw rows `[n, 2]` (n ≥ windowRows / 4) that fix the standardisation and start the buffer
   */
  constructor(warmup: Float64Array, dt: number, rng: Rng, settings: WorldModelSettings = WORLD_MODEL_DEFAULTS) {
    this.settings = settings;
    this.rng = rng;
    this.dt = dt;
    const stats = columnStats([trajectory(warmup, 2, dt)]);
    this.mean = stats.mean;
    this.std = stats.std;
    const nodes = VARIABLES.map((id) => new Node({ id, stateDim: 1, historyLength: HISTORY }));
    this.functions = nodes.map((node, i) => {
      const f = new GrowingStateFunction({ inputDim: nodes.length, outputDim: 1, hidden: settings.hidden, hiddenDensity: settings.hiddenDensity }, rng.fork(`f:${VARIABLES[i]}`));
      node.stateFunction = f;
      return f;
    });
    const modules = nodes.map((node) => {
      const sources = [node, ...nodes.filter((n) => n !== node)];
      return new GraphModule({ id: node.id, node, edges: sources.map((s) => Edge.newest(s, node)) });
    });
    this.graph = new Graph(modules);
    this.observed = VARIABLES.map((id, column) => ({ node: id, columns: [column] }));
    this.planner = new GrowthPlanner({ minGain: settings.minGain }, { onEvent: (e) => this.lastEvents.push(e) });
    this.observe(warmup);
  }

  /** Standardise a raw row block. */
  standardise(raw: ArrayLike<number>): Float64Array {
    const out = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i += 1) out[i] = ((raw[i] as number) - (this.mean[i % 2] as number)) / (this.std[i % 2] as number);
    return out;
  }

  /** Undo {@link standardise} for one value of `column`. */
  unstandardise(value: number, column: number): number {
    return value * (this.std[column] as number) + (this.mean[column] as number);
  }

  /** Append raw rows `[n, 2]` to the experience window. */
  observe(raw: Float64Array): void {
    for (const v of this.standardise(raw)) this.rows.push(v);
    const excess = this.rows.length - this.settings.windowRows * 2;
    if (excess > 0) this.rows.splice(0, excess);
  }

  /** Rebuild the trainer on the current window (the graph's variables carry over). */
  refit(): void {
    this.trainer?.dispose();
    this.trainer = new GraphTrainer(this.graph, [this.window()], {
      observed: this.observed,
      batchSize: this.settings.batchSize,
      learningRate: this.settings.learningRate,
      trainUpdateFrequencies: false,
      trainEdges: false,
    }, this.rng.fork(`trainer${this.refits}`));
    this.refits += 1;
  }

  /** `steps` training steps; returns the mean standardised one-step task loss. */
  train(steps: number): number {
    if (this.trainer === undefined) this.refit();
    const trainer = this.trainer as GraphTrainer;
    let total = 0;
    for (let i = 0; i < steps; i += 1) total += trainer.step().taskLoss;
    return total / Math.max(1, steps);
  }

  /** Free-running forecast of `steps` rows from the newest rows, standardised, `[steps, 2]` row-major. */
  forecast(steps: number): Float64Array {
    if (this.trainer === undefined) this.refit();
    const last = Float64Array.from(this.rows.slice(-HISTORY * 2));
    const [out] = (this.trainer as GraphTrainer).rollout(trajectory(last, 2, this.dt), [0], steps);
    return out as Float64Array;
  }

  /** One growth cycle over every node's branch on fresh batches from the window; the trainer re-reads its variables after a structural change. */
  grow(rng: Rng): GrowthReport {
    this.lastEvents = [];
    this.functions.forEach((f, i) => {
      this.planner.runCycle(f.branch, this.batchSource(f, i, rng.fork(`batches${i}`)), rng.fork(`cycle${i}`));
    });
    const commits = this.lastEvents.filter((e) => e.type === "commit").length;
    const prunes = this.lastEvents.filter((e) => e.type === "prune").length;
    if (commits + prunes > 0) this.trainer?.refresh();
    return { commits, prunes, branchCells: this.branchCells() };
  }

  /** Hot cells of every growing branch. */
  branchCells(): number {
    return this.functions.reduce((sum, f) => sum + f.branchCells(), 0);
  }

  /** Free the trainer and the graph's tensors. */
  dispose(): void {
    this.trainer?.dispose();
    this.trainer = undefined;
    this.graph.dispose();
  }

  private window(): Trajectory {
    return trajectory(Float64Array.from(this.rows), 2, this.dt);
  }

  /** Batches of (messages, residual target) for node `index`: messages are [self, other] newest rows. */
  private batchSource(f: GrowingStateFunction, index: number, rng: Rng): BatchSource {
    const rows = this.rows;
    const n = rows.length / 2;
    const size = this.settings.plannerBatch;
    return {
      next: (): Batch => {
        const x = new Float32Array(size * 2);
        const y = new Float32Array(size);
        for (let b = 0; b < size; b += 1) {
          const r = rng.int(0, n - 1);
          x[b * 2] = rows[r * 2 + index] as number;
          x[b * 2 + 1] = rows[r * 2 + 1 - index] as number;
          y[b] = rows[(r + 1) * 2 + index] as number;
        }
        const input = tf.tensor2d(x, [size, 2]);
        const target = tf.tensor2d(y, [size, 1]);
        const batch = f.residualBatch(input, target);
        tf.dispose([input, target]);
        return batch;
      },
    };
  }
}
