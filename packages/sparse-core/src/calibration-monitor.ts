/**
 * Offline calibration of a Distribution Head (seed 002 L1215-1219, L1300, L1356; SEED-INVENTORY §3.11, C-2;
 * ADR 0323): the head is evaluated on the ambiguity detector's buffer of held-out cases, never at sampling
 * time (no runtime biasing). A continuous head's PIT values `z = F(y | h)` go to a KS test against
 * Uniform[0, 1]; a discrete head's predicted bucket frequencies go to a χ² frequency check. When the check
 * fails, the miss is located: the anchor whose neighbourhood fails worst (smallest local p-value), where
 * the planner nominates refinement.
 */
import { tf } from "@tam/tensor-backend";

import { AMBIGUITY_ANCHORS, AMBIGUITY_NEIGHBOURS, type AmbiguityDetector } from "./ambiguity-detector.js";
import type { DistributionHead } from "./distribution-head.js";
import { frequencyCheck } from "./frequency-check.js";
import { ksUniform } from "./ks-test.js";

/** Default significance level of the calibration checks (ADR 0323). */
export const CALIBRATION_ALPHA = 0.01;

/** What one calibration check found. */
export interface CalibrationReport {
  /** `ks` (continuous, PIT) or `frequency` (discrete, χ²). */
  readonly test: "ks" | "frequency";
  readonly statistic: number;
  readonly pValue: number;
  /** Cases checked. */
  readonly n: number;
  /** `pValue >= alpha`. */
  readonly pass: boolean;
  /** Where the miss is worst (buffer row and state), when the check failed. */
  readonly missRow: number | null;
  readonly missAnchor: Float32Array | null;
}

/**
 * Check a head's calibration on the detector's buffer.
 *
 * @example
 * ```ts
 * const report = checkCalibration(head, detector);
 * if (!report.pass) console.log("miscalibrated near", report.missAnchor);
 * ```
 * @throws Error naming `checkCalibration` when the buffer has fewer than 8 cases or sizes disagree.
 */
export function checkCalibration(head: DistributionHead, detector: AmbiguityDetector, options: { readonly alpha?: number; readonly neighbours?: number; readonly anchors?: number } = {}): CalibrationReport {
  const alpha = options.alpha ?? CALIBRATION_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`Error in checkCalibration: alpha must be in (0, 1), got ${alpha}.`);
  if (detector.size < 8) throw new Error(`Error in checkCalibration: the buffer holds ${detector.size} cases; need at least 8.`);
  const batch = detector.asBatch();
  try {
    const evaluate = calibrationStatistic(head, batch);
    const all = evaluate(null);
    const pass = all.pValue >= alpha;
    let missRow: number | null = null;
    if (!pass) {
      let worst = Number.POSITIVE_INFINITY;
      for (const row of detector.anchorRows(options.anchors ?? AMBIGUITY_ANCHORS)) {
        const local = evaluate(detector.neighbourhood(row, options.neighbours ?? AMBIGUITY_NEIGHBOURS).rows);
        if (local.pValue < worst) {
          worst = local.pValue;
          missRow = row;
        }
      }
    }
    return { test: head.kind === "gaussian-mixture" ? "ks" : "frequency", ...all, pass, missRow, missAnchor: missRow === null ? null : detector.stateAt(missRow) };
  } finally {
    tf.dispose([batch.state, batch.point, batch.target]);
  }
}

/** The head's statistic on the whole batch (`rows === null`) or on a subset of its rows. */
function calibrationStatistic(head: DistributionHead, batch: Parameters<DistributionHead["pit"]>[0]): (rows: Int32Array | null) => { statistic: number; pValue: number; n: number } {
  if (head.kind === "gaussian-mixture") {
    const pit = head.pit(batch);
    return (rows) => {
      const r = ksUniform(rows === null ? pit : Float64Array.from(rows, (j) => pit[j] as number));
      return { statistic: r.statistic, pValue: r.pValue, n: r.n };
    };
  }
  const dist = head.hostDistribution(batch);
  if (dist.kind !== "categorical") throw new Error("Error in checkCalibration: expected a categorical distribution.");
  const k = dist.buckets;
  const onehot = batch.target.dataSync();
  const labels = Int32Array.from({ length: dist.batch }, (_, i) => {
    let label = 0;
    for (let c = 1; c < k; c += 1) if ((onehot[i * k + c] as number) > (onehot[i * k + label] as number)) label = c;
    return label;
  });
  return (rows) => {
    const pick = rows ?? Int32Array.from(labels, (_, i) => i);
    const probabilities = new Float32Array(pick.length * k);
    pick.forEach((j, i) => probabilities.set(dist.probabilities.subarray(j * k, (j + 1) * k), i * k));
    const r = frequencyCheck(probabilities, Int32Array.from(pick, (j) => labels[j] as number), k);
    return { statistic: r.statistic, pValue: r.pValue, n: pick.length };
  };
}
