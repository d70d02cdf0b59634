/**
 * The jobs of a sweep: the cross product of the swept settings and the seeds, each with its fully
 * resolved, validated config and the config's hash. Every config is validated before any job runs.
 */
import { resolveConfig } from "../resolve-config.js";
import type { BackendName, Scenario } from "../scenario.js";
import type { SeedTask } from "../seed-task.js";
import { UsageError } from "../usage-error.js";
import { configHash } from "./config-hash.js";
import type { SettingValue, SweepAxis } from "./sweep-axes.js";

/** The largest number of jobs one sweep accepts (a typo guard). */
export const MAX_SWEEP_JOBS = 100_000;

/** The swept values of one point of the sweep, by key. */
export type Setting = Readonly<Record<string, SettingValue>>;

/** One point of the sweep: its swept values and the config they resolve to. */
export interface SweepSetting {
  readonly setting: Setting;
  readonly config: Readonly<Record<string, unknown>>;
  readonly configHash: string;
}

/** One job: one seed of one setting. Plain data, so it crosses thread and machine boundaries. */
export interface SweepJob extends SeedTask {
  /** Unique per (scenario, config hash, seed); also the queue's job id, so a job is enqueued once. */
  readonly id: string;
  readonly configHash: string;
  readonly setting: Setting;
}

/** What a sweep runs. */
export interface SweepPlan {
  readonly scenario: Scenario;
  readonly axes: readonly SweepAxis[];
  readonly seeds: readonly number[];
  readonly quick: boolean;
  readonly backend: BackendName | undefined;
  readonly settings: readonly SweepSetting[];
  readonly jobs: readonly SweepJob[];
}

/** What {@link planSweep} needs besides the scenario. */
export interface PlanRequest {
  readonly axes: readonly SweepAxis[];
  readonly seeds: readonly number[];
  readonly quick: boolean;
  readonly backend: BackendName | undefined;
}

/**
 * Build and validate every job of a sweep.
 *
 * @throws UsageError naming the setting, field and value when a resulting config is invalid, or when
 *   the sweep has more than {@link MAX_SWEEP_JOBS} jobs.
 */
export function planSweep(scenario: Scenario, request: PlanRequest): SweepPlan {
  const points = crossProduct(request.axes);
  const total = points.length * request.seeds.length;
  if (total > MAX_SWEEP_JOBS) {
    throw new UsageError(`the sweep has ${total} jobs (settings x seeds); at most ${MAX_SWEEP_JOBS} are allowed`);
  }
  const settings = points.map((setting): SweepSetting => {
    let config: Record<string, unknown>;
    try {
      config = resolveConfig(scenario, { quick: request.quick, steps: undefined, overrides: setting });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`setting ${describeSetting(setting)}: ${error.message}`);
    }
    return { setting, config, configHash: configHash(config) };
  });
  const jobs = settings.flatMap((s) =>
    request.seeds.map(
      (seed): SweepJob => ({
        id: jobId(scenario.name, s.configHash, seed),
        scenario: scenario.name,
        config: s.config,
        configHash: s.configHash,
        setting: s.setting,
        seed,
        backend: request.backend,
      }),
    ),
  );
  return { scenario, axes: request.axes, seeds: request.seeds, quick: request.quick, backend: request.backend, settings, jobs };
}

/** The job id of (scenario, config hash, seed). */
export function jobId(scenario: string, hash: string, seed: number): string {
  return `${scenario}-${hash}-seed${seed}`;
}

/** `key=value, key=value`, or `(defaults)` for a sweep with no swept settings. */
export function describeSetting(setting: Setting): string {
  const parts = Object.entries(setting).map(([key, value]) => `${key}=${String(value)}`);
  return parts.length === 0 ? "(defaults)" : parts.join(", ");
}

function crossProduct(axes: readonly SweepAxis[]): Setting[] {
  let points: Record<string, SettingValue>[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.key]: value })));
  }
  return points;
}
