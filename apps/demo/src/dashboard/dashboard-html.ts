/**
 * The dashboard: one self-contained HTML page (no network). The Vega runtime is inlined from the
 * installed `vega` package, the charts are Vega specs compiled from Vega-Lite in Node, and the run's
 * datasets are embedded as JSON; a small script builds one SVG view per chart and inserts its data.
 * `window.tamDemo` exposes `{ ready, views }` so a test (or a curious reader) can inspect each view.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DemoResult } from "../run-demo.js";
import { dashboardCharts } from "./chart-specs.js";
import { dashboardData } from "./dashboard-data.js";

/** The Vega runtime (the package's self-contained browser build), read once. */
function vegaRuntime(): string {
  const entry = createRequire(import.meta.url).resolve("vega");
  return readFileSync(join(dirname(entry), "vega.min.js"), "utf8");
}

/** Escape text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe to embed in a `<script>` element (no `<`, so no `</script>`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f3f3f3; font-weight: 600; }
figure { margin: 1.5rem 0; }
figcaption { color: #555; font-size: 0.9rem; margin-bottom: 0.4rem; }
.chart { min-height: 240px; }
`;

/** Build the page for a run. */
export function renderDashboard(result: DemoResult): string {
  const charts = dashboardCharts();
  const data = dashboardData(result);
  const s = result.summary;
  const rows: [string, string][] = [
    ["seed / steps", `${result.options.seed} / ${result.options.steps} (${result.world.horizonTicks} ticks each)`],
    ["backend", `${result.backend.name} (${result.backend.reason})`],
    ["commitments held", `${s.held} of ${s.commitments}`],
    ["refusals / calibrations", `${s.refusals} / ${s.calibrations}`],
    ["debt (final / max)", `${s.finalDebtBits.toFixed(2)} / ${s.maxDebtBits.toFixed(2)} bits`],
    ["bits claimed / realised", `${s.claimedBits.toFixed(1)} / ${s.realisedBits.toFixed(1)}`],
    ["world-model branch cells", `${s.initialBranchCells} → ${s.finalBranchCells} (${s.grownRegions} regions in ${s.growthCycles} growth cycles)`],
    ["CPU time", `${result.cpuSeconds.toFixed(1)} s`],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TAM demo: seed ${result.options.seed}, ${result.options.steps} steps</title>
<style>${STYLE}</style>
</head>
<body>
<h1>TAM demo</h1>
<p>One agent assembled from every TAM package, in one world: a world model learned by <code>@tam/graph</code> whose
<code>@tam/sparse-core</code> state functions grow; tube commitments over its forecasts (<code>@tam/factored-actor</code>,
<code>@tam/tube</code>); an <code>@tam/epistemic</code> ledger that charges overclaimed commitments in bits and forces
calibration; and <code>@tam/neuromod</code> receptor homeostasis setting its gains, on <code>@tam/tensor-backend</code>.</p>
<table><tbody>
${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("\n")}
</tbody></table>
${charts.map((c) => `<figure><h2>${escapeHtml(c.title)}</h2><figcaption>${escapeHtml(c.caption)}</figcaption><div class="chart" id="chart-${c.id}"></div></figure>`).join("\n")}
<script type="application/json" id="tam-demo-data">${scriptJson(data)}</script>
<script type="application/json" id="tam-demo-charts">${scriptJson(charts.map((c) => ({ id: c.id, datasets: c.datasets, vega: c.vega })))}</script>
<script>${vegaRuntime()}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("tam-demo-data").textContent);
  var charts = JSON.parse(document.getElementById("tam-demo-charts").textContent);
  var views = [];
  var ready = Promise.all(charts.map(function (chart) {
    var view = new vega.View(vega.parse(chart.vega), { renderer: "svg", container: "#chart-" + chart.id, hover: true });
    chart.datasets.forEach(function (name) { view.data(name, data[name]); });
    views.push({ id: chart.id, datasets: chart.datasets, view: view });
    return view.runAsync();
  }));
  window.tamDemo = { ready: ready, views: views };
})();
</script>
</body>
</html>
`;
}
