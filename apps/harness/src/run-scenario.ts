/**
 * Runs one scenario over its seeds and writes `DIR/<scenario>/report.json` and `report.html`.
 */
import { join } from "node:path";
import type { Scenario } from "./scenario.js";
import type { BackendName } from "./scenario.js";
import { createProgressDisplay } from "./progress-display.js";
import { summariseFinals, seriesByMetric } from "./report/aggregate.js";
import { writeFileAtomic } from "./report/atomic-write.js";
import { renderHtmlReport } from "./report/html-report.js";
import { provenance } from "./report/provenance.js";
import { REPORT_SCHEMA_VERSION, type ScenarioReport } from "./report/report.js";
import { runSeeds, type Execution } from "./run-seeds.js";

/** How to run a scenario. */
export interface RunRequest {
  readonly config: Record<string, unknown>;
  readonly seeds: readonly number[];
  readonly quick: boolean;
  readonly backend: BackendName | undefined;
  readonly outDir: string;
  readonly execution: Execution;
  readonly command: string;
  /** Where progress goes; defaults to stderr. */
  readonly progressStream?: NodeJS.WriteStream;
}

/** Paths of the files a run wrote, and its report. */
export interface RunOutput {
  readonly report: ScenarioReport;
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/** Run the scenario and write its report files atomically. */
export async function runScenario(scenario: Scenario, request: RunRequest): Promise<RunOutput> {
  const startedAt = new Date();
  const started = performance.now();
  const display = createProgressDisplay(scenario.name, request.seeds, request.progressStream);
  let outcomes;
  try {
    outcomes = await runSeeds(
      scenario,
      request.seeds.map((seed) => ({ scenario: scenario.name, config: request.config, seed, backend: request.backend })),
      { execution: request.execution, onProgress: (seed, fraction) => display.update(seed, fraction) },
    );
  } finally {
    display.stop();
  }
  const results = outcomes.map((o) => o.result);
  const config = scenario.configSchema.parse(request.config);
  const checks = scenario.checks(config, results);
  const firstBackend = outcomes[0]?.backend ?? { name: "none", forced: false, reason: "no seed ran" };
  const notes: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const outcome of outcomes) {
    if (outcome.result.notes !== undefined) notes[String(outcome.seed)] = outcome.result.notes;
  }
  const report: ScenarioReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: scenario.name,
    description: scenario.description,
    quick: request.quick,
    config: request.config,
    seeds: request.seeds,
    series: seriesByMetric(request.seeds, results),
    final: summariseFinals(request.seeds, results),
    checks,
    passed: checks.every((c) => c.pass),
    charts: scenario.charts ?? [],
    notes,
    provenance: provenance(firstBackend, startedAt, performance.now() - started, request.command),
  };
  const dir = join(request.outDir, scenario.name);
  const jsonPath = join(dir, "report.json");
  const htmlPath = join(dir, "report.html");
  const html = await renderHtmlReport(report);
  await writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(htmlPath, html);
  return { report, jsonPath, htmlPath };
}
