/**
 * The self-contained `sweep-report.html`: per setting, final metrics (mean ± sd, 95% interval, range)
 * and check pass rates, charts of the chosen metric against each swept setting (inline SVG), and
 * provenance. Nothing is fetched from anywhere.
 */
import { escapeHtml, formatNumber as fmt, PAGE_STYLE } from "../report/html-parts.js";
import { renderSweepChart } from "./sweep-chart.js";
import { describeSetting } from "./sweep-plan.js";
import type { SettingReport, SweepReport } from "./sweep-report.js";

/** Build the HTML page of a sweep report. */
export async function renderSweepHtml(report: SweepReport): Promise<string> {
  const metric = report.chartMetric;
  const charts = metric === null ? [] : await Promise.all(report.axes.map((axis) => renderSweepChart(report, axis.key, metric)));
  const { jobs } = report;
  const verdict = report.passed ? "every setting passed its checks" : "some settings FAILED or are incomplete";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.scenario)} sweep: ${verdict}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(report.scenario)} sweep</h1>
<p>${escapeHtml(report.description)}</p>
<p class="${report.passed ? "pass" : "fail"}">${verdict}</p>
<p>${report.settings.length} setting(s) × ${report.seeds.length} seed(s) = ${jobs.total} jobs · done ${jobs.done} (reused ${jobs.reused}) · failed ${jobs.failed} · retried ${jobs.retried}${report.quick ? " · quick" : ""}</p>
<h2>Charts${metric === null ? "" : `: ${escapeHtml(metric)}`}</h2>
${charts.length === 0 ? "<p>No swept setting to chart.</p>" : charts.map((svg) => `<figure>${svg}</figure>`).join("\n")}
${report.settings.map(settingSection).join("\n")}
<h2>Provenance</h2>
<pre>${escapeHtml(JSON.stringify(report.provenance, null, 2))}</pre>
</body>
</html>
`;
}

function settingSection(s: SettingReport): string {
  const missing = s.missingSeeds.length === 0 ? "" : ` · <span class="fail">missing seeds ${escapeHtml(s.missingSeeds.join(", "))}</span>`;
  return `<h2>${escapeHtml(describeSetting(s.setting))} <small>(config ${s.configHash})</small></h2>
<p class="${s.passed ? "pass" : "fail"}">${s.passed ? "passed" : "FAILED"} · seeds ${escapeHtml(s.seeds.join(", "))}${missing}</p>
${s.failures.map((f) => `<p class="fail">seed ${f.seed} failed: ${escapeHtml(f.error)}</p>`).join("\n")}
<table><thead><tr><th>check</th><th>pass rate</th><th>all seeds</th></tr></thead><tbody>
${s.checks
  .map(
    (c) =>
      `<tr><td>${escapeHtml(c.name)}</td><td>${c.passes}/${c.runs} (${Math.round(c.passRate * 100)}%)</td><td class="${c.passedAllSeeds ? "pass" : "fail"}">${c.passedAllSeeds ? "pass" : "FAIL"}</td></tr>`,
  )
  .join("\n")}
</tbody></table>
<table><thead><tr><th>metric</th><th>mean ± sd</th><th>95% interval</th><th>min</th><th>max</th><th>n</th></tr></thead><tbody>
${Object.entries(s.final)
  .map(
    ([name, m]) =>
      `<tr><td>${escapeHtml(name)}</td><td>${fmt(m.mean)} ± ${fmt(m.sd)}</td><td>${m.ci95 === null ? "—" : `${fmt(m.ci95.low)} … ${fmt(m.ci95.high)}`}</td><td>${fmt(m.min)}</td><td>${fmt(m.max)}</td><td>${m.n}</td></tr>`,
  )
  .join("\n")}
</tbody></table>`;
}
