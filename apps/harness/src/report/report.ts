/**
 * The report of one scenario run: config, seeds, series, final metrics with spread, checks and
 * provenance. This is the shape of `DIR/<scenario>/report.json`.
 */
import type { Check, ChartSpec, SeriesPoint } from "../scenario.js";
import type { MetricSummary } from "./aggregate.js";
import type { Provenance } from "./provenance.js";

/** Version of the report.json layout; bumped on incompatible changes. */
export const REPORT_SCHEMA_VERSION = 1;

/** A scenario report. */
export interface ScenarioReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly scenario: string;
  readonly description: string;
  readonly quick: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seeds: readonly number[];
  /** metric → seed → points */
  readonly series: Readonly<Record<string, Readonly<Record<string, readonly SeriesPoint[]>>>>;
  readonly final: Readonly<Record<string, MetricSummary>>;
  readonly checks: readonly Check[];
  /** True when every check passed. */
  readonly passed: boolean;
  readonly charts: readonly ChartSpec[];
  readonly notes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly provenance: Provenance;
}
