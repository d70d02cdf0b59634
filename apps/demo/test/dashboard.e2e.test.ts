/**
 * End to end: run the demo briefly, write the dashboard, open it in Debian's headless chromium through
 * playwright-core (no browser download), and check that it loads offline with no console errors and
 * that every chart's view holds data and drew marks.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardCharts } from "../src/dashboard/chart-specs.ts";
import { writeDemoFiles } from "../src/main.ts";
import { runDemo } from "../src/run-demo.ts";

/** Debian's chromium (installed by .ci/run); TAM_CHROMIUM overrides the path. */
const CHROMIUM = process.env["TAM_CHROMIUM"] ?? "/usr/bin/chromium";

interface ChartState {
  readonly id: string;
  readonly rows: Record<string, number>;
  readonly marks: number;
}

describe("dashboard in a real browser", () => {
  let browser: Browser | undefined;
  let dashboard = "";

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set TAM_CHROMIUM to its path`);
    }
    const result = await runDemo({ seed: 2, steps: 24 });
    dashboard = (await writeDemoFiles(result, mkdtempSync(join(tmpdir(), "tam-demo-e2e-")))).dashboard;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("is one self-contained file: no external scripts, styles or fetches", () => {
    const html = readFileSync(dashboard, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain("tam-demo-data");
  });

  it("loads with no console errors and every chart has data and marks", async () => {
    const page = await (browser as Browser).newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) requests.push(request.url());
    });
    await page.goto(pathToFileURL(dashboard).href, { waitUntil: "load" });
    const charts = await page.evaluate(async (): Promise<ChartState[]> => {
      // Runs in the page: the DOM and the dashboard's window.tamDemo, typed by hand (no DOM lib here).
      interface DemoView {
        id: string;
        datasets: string[];
        view: { data(name: string): unknown[] };
      }
      const page = globalThis as unknown as {
        tamDemo: { ready: Promise<unknown>; views: DemoView[] };
        document: { querySelectorAll(selector: string): { length: number } };
      };
      await page.tamDemo.ready;
      const marks = (id: string): number =>
        page.document.querySelectorAll(["line", "area", "rule", "symbol"].map((kind) => `#chart-${id} svg .mark-${kind} > *`).join(", ")).length;
      return page.tamDemo.views.map((v) => ({
        id: v.id,
        rows: Object.fromEntries(v.datasets.map((name) => [name, v.view.data(name).length])),
        marks: marks(v.id),
      }));
    });
    await page.close();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(charts.map((c) => c.id).sort()).toEqual(dashboardCharts().map((c) => c.id).sort());
    for (const chart of charts) {
      for (const [name, rows] of Object.entries(chart.rows)) expect(rows, `${chart.id}: dataset ${name}`).toBeGreaterThan(0);
      expect(chart.marks, `${chart.id}: drawn marks`).toBeGreaterThan(0);
    }
  });
});
