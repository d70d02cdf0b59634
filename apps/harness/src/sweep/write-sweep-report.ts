/**
 * Writes a sweep report atomically: `DIR/<scenario>/sweep-report.json` and the self-contained
 * `sweep-report.html` with its charts.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../report/atomic-write.js";
import { renderSweepHtml } from "./sweep-html.js";
import type { SweepReport } from "./sweep-report.js";

/** Paths of the written report files. */
export interface SweepReportPaths {
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/** Write `sweep-report.json` and `sweep-report.html` atomically under `DIR/<scenario>/`. */
export async function writeSweepReport(outDir: string, report: SweepReport): Promise<SweepReportPaths> {
  const dir = join(outDir, report.scenario);
  const jsonPath = join(dir, "sweep-report.json");
  const htmlPath = join(dir, "sweep-report.html");
  const html = await renderSweepHtml(report);
  await writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(htmlPath, html);
  return { jsonPath, htmlPath };
}
