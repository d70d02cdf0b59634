import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seriesByMetric, summariseFinals } from "../src/report/aggregate.js";
import { writeFileAtomic } from "../src/report/atomic-write.js";
import { renderChartSvg } from "../src/report/chart-svg.js";
import { escapeHtml } from "../src/report/html-parts.js";

describe("aggregation across seeds", () => {
  it("gives mean, min, max and per-seed values", () => {
    const summary = summariseFinals([1, 2, 3], [{ series: {}, final: { x: 1 } }, { series: {}, final: { x: 2 } }, { series: {}, final: { x: 6 } }]);
    expect(summary["x"]).toEqual({ mean: 3, min: 1, max: 6, perSeed: { "1": 1, "2": 2, "3": 6 } });
  });

  it("fails loudly when a seed lacks a metric", () => {
    expect(() => summariseFinals([1, 2], [{ series: {}, final: { x: 1 } }, { series: {}, final: {} }])).toThrow(
      'final metric "x" is missing from seed 2',
    );
  });

  it("regroups series by metric then seed", () => {
    const points = [{ step: 0, value: 1 }];
    expect(seriesByMetric([4], [{ series: { loss: points }, final: {} }])).toEqual({ loss: { "4": points } });
  });
});

describe("report files", () => {
  it("writes atomically, replacing the previous file and leaving no temporary files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-report-"));
    const path = join(dir, "sub", "report.json");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, "second");
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(join(dir, "sub"))).toEqual(["report.json"]);
  });

  it("renders a chart to an SVG with one line per seed, offline", async () => {
    const svg = await renderChartSvg(
      { title: "loss", series: ["loss"] },
      { loss: { "1": [{ step: 0, value: 1 }, { step: 1, value: 0.5 }], "2": [{ step: 0, value: 2 }, { step: 1, value: 1 }] } },
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("seed 1");
    expect(svg).toContain("seed 2");
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
