/**
 * Renders a chart of metric series to a standalone SVG string with Vega-Lite, entirely in Node
 * (no browser, no canvas, no network), so the HTML report opens offline.
 */
import { compile, type TopLevelSpec } from "vega-lite";
import { parse, View } from "vega";
import type { ChartSpec, SeriesPoint } from "../scenario.js";

/** Chart size in pixels. */
const CHART_WIDTH = 560;
const CHART_HEIGHT = 220;
/** Above this many points per line, series are thinned for the chart (the JSON keeps them all). */
const MAX_POINTS_PER_LINE = 600;

/** One row of chart data. */
interface ChartRow {
  readonly step: number;
  readonly value: number;
  readonly line: string;
}

/** Render the chart's series (metric → seed → points) to SVG. */
export async function renderChartSvg(
  chart: ChartSpec,
  series: Readonly<Record<string, Readonly<Record<string, readonly SeriesPoint[]>>>>,
): Promise<string> {
  const rows: ChartRow[] = [];
  for (const metric of chart.series) {
    for (const [seed, points] of Object.entries(series[metric] ?? {})) {
      const line = chart.series.length > 1 ? `${metric} · seed ${seed}` : `seed ${seed}`;
      for (const point of thin(points)) {
        if (Number.isFinite(point.value)) rows.push({ step: point.step, value: point.value, line });
      }
    }
  }
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: chart.title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "value", type: "quantitative", title: chart.yLabel ?? chart.series.join(", ") },
      color: { field: "line", type: "nominal", title: null },
    },
  };
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function thin(points: readonly SeriesPoint[]): readonly SeriesPoint[] {
  if (points.length <= MAX_POINTS_PER_LINE) return points;
  const stride = Math.ceil(points.length / MAX_POINTS_PER_LINE);
  return points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}
