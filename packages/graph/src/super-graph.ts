/**
 * SuperGraph: the meta level over a graph with an explicit optimisation schedule (seed 002 L160-177, L723-737;
 * SEED-INVENTORY §4.1-§4.2, D-4; ADR 0401). The seed's `optimized` flag was never set, so
 * `evaluate_and_optimize` ran every step (D-4); here the schedule says when it runs and when it stops:
 * after `warmupSteps`, every `every` steps, until `maxRounds` rounds or until the loss has not improved by a
 * relative `tolerance` for `patience` rounds; then `optimized` is true.
 *
 * A round is `hierarchicalOrganize` (the organiser hook: hierarchy and structure management, ADR 0404) and
 * then the optimiser (e.g. a {@link GraphTrainer} wrapped by {@link trainerOptimiser}); both are injected.
 * `distributeTokens` splits `complexityTokenBound` over the modules' limits by the budget law of ADR 0402.
 */
import type { Graph, StepOptions } from "./graph.js";
import type { GraphTrainer } from "./graph-trainer.js";
import { MarginalGainTracker, distributeTokens, type DistributeOptions } from "./tokens.js";

/** When the meta level optimises. */
export interface OptimisationSchedule {
  /** Graph steps before the first round (default 0). */
  readonly warmupSteps?: number;
  /** Steps between rounds (default 1). */
  readonly every?: number;
  /** Rounds before stopping (default Infinity). */
  readonly maxRounds?: number;
  /** Rounds without relative improvement ≥ tolerance before stopping (default Infinity: never). */
  readonly patience?: number;
  /** Relative loss improvement that counts (default 1e-3). */
  readonly tolerance?: number;
}

/** Runs one optimisation round and returns the loss it reached. */
export type MetaOptimiser = (graph: Graph, round: number) => number;

/** Reorganises the hierarchy before a round. */
export type Organiser = (graph: Graph, round: number) => void;

/** Options of {@link SuperGraph}. */
export interface SuperGraphOptions {
  readonly schedule?: OptimisationSchedule;
  readonly optimiser?: MetaOptimiser;
  readonly organiser?: Organiser;
  /** Total tokens for `distributeTokens` (seed `complexity_token_bound`). */
  readonly complexityTokenBound?: number;
}

/** Where the meta level is in its schedule. */
export type SuperGraphStatus = "warmup" | "optimising" | "optimised";

/**
 * The meta level.
 *
 * @example
 * ```ts
 * const sg = new SuperGraph(graph, { schedule: { every: 10, maxRounds: 50 }, optimiser: trainerOptimiser(trainer, 20) });
 * for (let s = 0; s < 1000; s += 1) sg.step({ rng });
 * sg.optimized;   // true after 50 rounds
 * ```
 */
export class SuperGraph {
  readonly graph: Graph;
  private readonly schedule: Required<OptimisationSchedule>;
  private readonly optimiser: MetaOptimiser | undefined;
  private readonly organiser: Organiser | undefined;
  private readonly bound: number | undefined;
  private readonly gains = new MarginalGainTracker();
  private steps = 0;
  private rounds = 0;
  private best = Number.POSITIVE_INFINITY;
  private stale = 0;
  private done = false;
  /** Loss after each round. */
  readonly losses: number[] = [];

  /** @throws Error naming the schedule field when it is invalid. */
  constructor(graph: Graph, options: SuperGraphOptions = {}) {
    const s = options.schedule ?? {};
    const schedule = {
      warmupSteps: s.warmupSteps ?? 0,
      every: s.every ?? 1,
      maxRounds: s.maxRounds ?? Number.POSITIVE_INFINITY,
      patience: s.patience ?? Number.POSITIVE_INFINITY,
      tolerance: s.tolerance ?? 1e-3,
    };
    if (!Number.isSafeInteger(schedule.warmupSteps) || schedule.warmupSteps < 0) throw new Error(`Error in SuperGraph: schedule.warmupSteps must be a non-negative integer, got ${schedule.warmupSteps}.`);
    if (!Number.isSafeInteger(schedule.every) || schedule.every < 1) throw new Error(`Error in SuperGraph: schedule.every must be a positive integer, got ${schedule.every}.`);
    if (!(schedule.maxRounds >= 0)) throw new Error(`Error in SuperGraph: schedule.maxRounds must be >= 0, got ${schedule.maxRounds}.`);
    if (!(schedule.patience >= 1)) throw new Error(`Error in SuperGraph: schedule.patience must be >= 1, got ${schedule.patience}.`);
    if (!(schedule.tolerance >= 0)) throw new Error(`Error in SuperGraph: schedule.tolerance must be >= 0, got ${schedule.tolerance}.`);
    if (options.complexityTokenBound !== undefined && !(options.complexityTokenBound > 0)) throw new Error(`Error in SuperGraph: complexityTokenBound must be > 0, got ${options.complexityTokenBound}.`);
    this.graph = graph;
    this.schedule = schedule;
    this.optimiser = options.optimiser;
    this.organiser = options.organiser;
    this.bound = options.complexityTokenBound;
    this.done = schedule.maxRounds === 0;
  }

  /** The seed's flag, now set by the schedule (D-4). */
  get optimized(): boolean {
    return this.done;
  }

  /** Where the schedule is. */
  get status(): SuperGraphStatus {
    if (this.done) return "optimised";
    return this.steps < this.schedule.warmupSteps ? "warmup" : "optimising";
  }

  /** Rounds run so far. */
  get roundCount(): number {
    return this.rounds;
  }

  /** One graph step, then a round when the schedule says so. Returns whether a round ran. */
  step(options: StepOptions = {}): boolean {
    this.graph.step(options);
    this.steps += 1;
    if (this.done || this.steps < this.schedule.warmupSteps || (this.steps - this.schedule.warmupSteps) % this.schedule.every !== 0) return false;
    this.evaluateAndOptimize();
    return true;
  }

  /** One round: organise, optimise, update the stopping state (seed `evaluate_and_optimize`). */
  evaluateAndOptimize(): void {
    this.organiser?.(this.graph, this.rounds);
    if (this.optimiser !== undefined) {
      const loss = this.optimiser(this.graph, this.rounds);
      this.losses.push(loss);
      if (loss < this.best * (1 - this.schedule.tolerance)) {
        this.best = loss;
        this.stale = 0;
      } else {
        this.stale += 1;
      }
    }
    this.rounds += 1;
    if (this.rounds >= this.schedule.maxRounds || this.stale >= this.schedule.patience) this.done = true;
  }

  /** Fold a module's observed marginal gain into its moving average (ADR 0402). */
  recordGain(moduleId: string, gain: number): void {
    this.gains.update(moduleId, gain);
  }

  /**
   * Split `complexityTokenBound` over the modules with the budget law (ADR 0402) and set each module's
   * `tokens` and `tokenLimit`. `complexities` gives each module's current complexity.
   *
   * @throws Error when no bound was given.
   */
  distributeTokens(complexities: ReadonlyMap<string, number>, options: DistributeOptions = {}): Map<string, number> {
    if (this.bound === undefined) throw new Error("Error in SuperGraph.distributeTokens: no complexityTokenBound was given.");
    const modules = this.graph.allModules().filter((m) => complexities.has(m.id));
    const limits = distributeTokens(
      modules.map((m) => ({ id: m.id, complexity: complexities.get(m.id) as number, limit: m.tokenLimit, gain: this.gains.gain(m.id) })),
      this.bound,
      options,
    );
    for (const m of modules) {
      const limit = limits.get(m.id) as number;
      m.tokenLimit = limit;
      m.tokens = limit;
    }
    return limits;
  }
}

/** A {@link MetaOptimiser} that runs `steps` trainer steps per round and returns the last task loss. */
export function trainerOptimiser(trainer: GraphTrainer, steps: number): MetaOptimiser {
  if (!Number.isSafeInteger(steps) || steps < 1) throw new Error(`Error in trainerOptimiser: steps must be a positive integer, got ${steps}.`);
  return () => {
    let loss = Number.NaN;
    for (let i = 0; i < steps; i += 1) loss = trainer.step().taskLoss;
    return loss;
  };
}
