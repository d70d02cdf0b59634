/**
 * The dashboard's datasets, shaped from a run: one row array per named dataset, every row plain
 * JSON. Each chart names the datasets it draws; none is empty for a run of at least
 * `CALIBRATE_EVERY_STEPS` steps.
 */
import type { DemoResult } from "../run-demo.js";

/** Named datasets of the dashboard. */
export type DashboardData = Readonly<Record<DatasetName, readonly Readonly<Record<string, number | string | boolean | null>>[]>>;

/** The dataset names. */
export const DATASET_NAMES = ["ticks", "regimes", "steps", "epistemicEvents", "modulators", "bits"] as const;
/** One of {@link DATASET_NAMES}. */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Shape a run into the dashboard's datasets. */
export function dashboardData(result: DemoResult): DashboardData {
  const regimes: { regime: string; start: number; end: number }[] = [];
  for (const s of result.steps) {
    const end = s.tick + result.world.horizonTicks;
    const last = regimes.at(-1);
    if (last?.regime === s.regime) last.end = end;
    else regimes.push({ regime: s.regime, start: s.tick, end });
  }
  return {
    ticks: result.ticks.map((t) => ({ ...t })),
    regimes,
    steps: result.steps.map((s) => ({
      step: s.step,
      regime: s.regime,
      belief: s.belief,
      action: s.action,
      debtBits: s.debtBits,
      budgetWells: s.budgetWells,
      lambda: s.lambda,
      widthScale: s.widthScale,
      sigmaMean: s.sigmaMean,
      modelLoss: s.modelLoss,
      forecastError: s.forecastError,
      branchCells: s.branchCells,
      grownRegions: s.grownRegions,
      learningSteps: s.gains.learningSteps,
      widthGain: s.gains.widthGain,
      effCog: s.effCog,
    })),
    epistemicEvents: result.steps
      .filter((s) => s.refusal !== null || s.action === "calibrate")
      .map((s) => ({ step: s.step, debtBits: s.debtBits, event: s.refusal === null ? "calibration" : "refused, then calibration" })),
    modulators: result.steps.flatMap((s) => Object.entries(s.modulators).map(([name, level]) => ({ step: s.step, modulator: name, level }))),
    bits: result.steps
      .filter((s) => s.action === "commit")
      .flatMap((s) => [
        { step: s.step, kind: "claimed", bits: s.claimedBits },
        { step: s.step, kind: "realised", bits: s.realisedBits },
      ]),
  };
}
