/**
 * The self-contained `report.html`: checks, final metrics, charts (inline SVG) and provenance, with
 * no scripts, fonts or styles fetched from anywhere.
 */
import type { ChartSpec } from "../scenario.js";
import { renderChartSvg } from "./chart-svg.js";
import { escapeHtml, formatNumber, PAGE_STYLE } from "./html-parts.js";
import type { ScenarioReport } from "./report.js";

/** Build the HTML page for a report. */
export async function renderHtmlReport(report: ScenarioReport): Promise<string> {
  const charts = await Promise.all(chartsOf(report).map((chart) => renderChartSvg(chart, report.series)));
  const verdict = report.passed ? "all checks passed" : "some checks FAILED";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.scenario)}: ${verdict}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(report.scenario)}</h1>
<p>${escapeHtml(report.description)}</p>
<p class="${report.passed ? "pass" : "fail"}">${verdict} · seeds ${escapeHtml(report.seeds.join(", "))}${report.quick ? " · quick" : ""}</p>
<h2>Checks</h2>
<table><thead><tr><th>check</th><th>expected</th><th>observed</th><th>result</th></tr></thead><tbody>
${report.checks
  .map(
    (c) =>
      `<tr><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.expected)}</td><td>${escapeHtml(c.observed)}</td><td class="${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "FAIL"}</td></tr>`,
  )
  .join("\n")}
</tbody></table>
<h2>Final metrics</h2>
<table><thead><tr><th>metric</th><th>mean</th><th>min</th><th>max</th></tr></thead><tbody>
${Object.entries(report.final)
  .map(
    ([name, m]) =>
      `<tr><td>${escapeHtml(name)}</td><td>${formatNumber(m.mean)}</td><td>${formatNumber(m.min)}</td><td>${formatNumber(m.max)}</td></tr>`,
  )
  .join("\n")}
</tbody></table>
<h2>Charts</h2>
${charts.map((svg) => `<figure>${svg}</figure>`).join("\n")}
<h2>Config</h2>
<pre>${escapeHtml(JSON.stringify(report.config, null, 2))}</pre>
<h2>Provenance</h2>
<pre>${escapeHtml(JSON.stringify(report.provenance, null, 2))}</pre>
</body>
</html>
`;
}

/** The report's charts, or one chart per series when the scenario declares none. */
export function chartsOf(report: Pick<ScenarioReport, "charts" | "series">): readonly ChartSpec[] {
  if (report.charts.length > 0) return report.charts;
  return Object.keys(report.series).map((metric) => ({ title: metric, series: [metric] }));
}
