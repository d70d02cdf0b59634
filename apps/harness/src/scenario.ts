/**
 * The contract every harness scenario implements.
 *
 * A scenario reproduces one experiment from the seeds: it has a zod config schema with defaults
 * (the full size the seed ran), a smaller `quick` override for CI, a per-seed run that returns
 * metric series and final metrics, and checks that encode the seed's stated results.
 *
 * Seeds run in worker processes, so configs and results must be plain JSON-serialisable data.
 */
import type { z } from "zod";

/** Names of the tensor backends a run may force (see `@tam/tensor-backend`). */
export type BackendName = "cpu" | "wasm" | "tensorflow";

/** One point of a metric series. */
export interface SeriesPoint {
  readonly step: number;
  readonly value: number;
}

/** What one seed of a scenario produced. */
export interface SeedResult {
  /** Metric series over time, by metric name (for example `debtBits`). */
  readonly series: Readonly<Record<string, readonly SeriesPoint[]>>;
  /** Final scalar metrics, by name. Aggregated across seeds as mean/min/max. */
  readonly final: Readonly<Record<string, number>>;
  /** Optional free-form, JSON-serialisable facts worth keeping in the report (for example `backend`). */
  readonly notes?: Readonly<Record<string, unknown>>;
}

/** A check that encodes a seed's stated result: what was expected, what was observed, pass or not. */
export interface Check {
  readonly name: string;
  readonly expected: string;
  readonly observed: string;
  readonly pass: boolean;
}

/** What a seed run gets besides its config. */
export interface SeedContext {
  /** The seed of this run; every random stream must derive from it. */
  readonly seed: number;
  /** The backend forced with `--backend`, if any; otherwise the package default applies. */
  readonly backend: BackendName | undefined;
  /** Report progress of this seed in [0, 1]; cheap to call, the harness throttles display. */
  readonly progress: (fraction: number) => void;
}

/** A chart in the HTML report: the named series, one line per seed (and per series). */
export interface ChartSpec {
  readonly title: string;
  readonly series: readonly string[];
  readonly yLabel?: string;
}

/**
 * A harness scenario.
 *
 * `runSeed` and `checks` are declared as methods so a scenario with a specific schema fits the
 * registry's `Scenario[]`.
 *
 * `Schema` is a zod object schema whose every field has a default, so `{}` parses to the full-size
 * config. If the schema has a numeric `steps` field, `--steps N` overrides it.
 */
export interface Scenario<Schema extends z.ZodObject = z.ZodObject> {
  /** Kebab-case name used on the command line, for example `epistemic-debt`. */
  readonly name: string;
  /** One line: what the scenario reproduces and from which seed. */
  readonly description: string;
  /** Config schema with defaults; bad values are reported by field name and nothing runs. */
  readonly configSchema: Schema;
  /** Overrides applied under `--quick` (before user flags), small enough for CI. */
  readonly quick: Partial<z.input<Schema>>;
  /** Default number of seeds when neither `--seed` nor `--seeds` is given. */
  readonly defaultSeeds: number;
  /** Run one seed. Must be deterministic given (config, seed, backend). */
  runSeed(config: z.output<Schema>, ctx: SeedContext): Promise<SeedResult>;
  /** Checks over all seeds' results. */
  checks(config: z.output<Schema>, results: readonly SeedResult[]): readonly Check[];
  /** Charts for the HTML report; by default one chart per series. */
  readonly charts?: readonly ChartSpec[];
  /**
   * Work in progress whose checks do not pass yet: runnable by name, listed as experimental, and left
   * out of `run all` (so CI's quick run covers only scenarios that reproduce their seed).
   */
  readonly experimental?: boolean;
}

/** Identity helper that keeps a scenario's schema type when declaring it. */
export function defineScenario<Schema extends z.ZodObject>(scenario: Scenario<Schema>): Scenario<Schema> {
  return scenario;
}
