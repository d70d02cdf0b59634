/**
 * Chart of one final metric against one swept setting: the mean across seeds as points joined by a
 * line, with the 95% interval as a vertical rule, one line per combination of the other settings.
 * Rendered to SVG in Node with Vega-Lite, like the run report's charts.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { describeSetting } from "./sweep-plan.js";
import type { SweepReport } from "./sweep-report.js";

/** Chart size in pixels. */
const CHART_SIZE = { width: 520, height: 240 } as const;

/** One point of the chart. */
interface Row {
  readonly x: number | string | boolean;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly line: string;
}

/** SVG of `metric` (mean and 95% interval) against the swept setting `key`. */
export async function renderSweepChart(report: SweepReport, key: string, metric: string): Promise<string> {
  const rows: Row[] = [];
  for (const s of report.settings) {
    const stats = s.final[metric];
    const x = s.setting[key];
    if (stats === undefined || x === undefined || !Number.isFinite(stats.mean)) continue;
    const { [key]: _swept, ...others } = s.setting;
    rows.push({ x, mean: stats.mean, low: stats.ci95?.low ?? stats.mean, high: stats.ci95?.high ?? stats.mean, line: describeSetting(others) });
  }
  const numeric = rows.every((row) => typeof row.x === "number");
  const x = { field: "x", type: numeric ? "quantitative" : "ordinal", title: key } as const;
  const color = { field: "line", type: "nominal", title: null } as const;
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${metric} against ${key} (mean, 95% interval)`,
    ...CHART_SIZE,
    data: { values: rows },
    layer: [
      { mark: { type: "rule" }, encoding: { x, y: { field: "low", type: "quantitative", title: metric }, y2: { field: "high" }, color } },
      { mark: { type: "line", point: true }, encoding: { x, y: { field: "mean", type: "quantitative" }, color } },
    ],
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
