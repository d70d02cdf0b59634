/**
 * The ambiguity detector of the Distribution Head (seed 002 L1198-1200, L1241, L1299, L1348; SEED-INVENTORY
 * §3.11 "on a buffer of cases with similar state … bimodal histogram or increased conditional entropy";
 * ADR 0323). A ring buffer of recent cases `(state, point, target)`; around anchor states it takes the k
 * nearest cases (locality in state space) and asks two parameter-light questions:
 *
 * - continuous: are the residuals `y − point` bimodal? A two-component 1-D Gaussian mixture (EM from a
 *   median split) must beat one Gaussian by BIC, with separated modes (Ashman's D above `minSeparation`) that
 *   both carry weight (`minModeWeight`);
 * - discrete: is the outcome genuinely uncertain there? At least two labels with share `minModeWeight`, and
 *   the conditional entropy (Miller-Madow corrected) is what the head has not explained yet.
 *
 * Both require an unexplained NLL gap: the current head's mean NLL on the neighbourhood exceeds the local
 * model's (the two-mode mixture, or the empirical label frequencies) plus BIC's price of the local model's
 * parameters (`p·ln k / 2k` per case) by more than `minGapNats`. Once the head
 * has grown to explain the region, the gap closes and the region is no longer nominated.
 */
import { tf } from "@tam/tensor-backend";

import type { DistributionBatch } from "./distribution-head.js";

/** Default cases the buffer keeps (ADR 0323). */
export const AMBIGUITY_BUFFER_SIZE = 512;
/** Default k of the neighbourhood of similar states (ADR 0323). */
export const AMBIGUITY_NEIGHBOURS = 48;
/** Default anchors examined per detection (evenly strided through the buffer, ADR 0323). */
export const AMBIGUITY_ANCHORS = 16;
/** Default Ashman's D two modes must exceed to count as separated (D > 2: a clean bimodal split; ADR 0323). */
export const AMBIGUITY_MIN_SEPARATION = 2;
/** Default least weight (or label share) of the second mode (ADR 0323). */
export const AMBIGUITY_MIN_MODE_WEIGHT = 0.1;
/** Default unexplained NLL gap, nats per case, before a region is nominated (ADR 0323). */
export const AMBIGUITY_MIN_GAP_NATS = 0.05;

/** One mode of a neighbourhood's residuals. */
export interface ResidualMode {
  readonly mean: number;
  readonly sigma: number;
  readonly weight: number;
  /** Mean NLL the current head gives the cases assigned to this mode. */
  readonly headNll: number;
}

/** What the detector saw around one anchor. */
export interface AmbiguityFinding {
  /** Buffer row of the anchor and its state. */
  readonly anchorRow: number;
  readonly anchor: Float32Array;
  /** Distance to the k-th neighbour. */
  readonly radius: number;
  /** Buffer rows of the neighbourhood (anchor included). */
  readonly neighbours: Int32Array;
  /** Head NLL minus the local model's NLL and its BIC parameter price, nats per case. */
  readonly gapNats: number;
  /** True when the shape test passed (bimodal residuals / several likely labels). */
  readonly ambiguous: boolean;
  /** Continuous: the two residual modes, lower mean first; ΔBIC and Ashman's D. */
  readonly modes?: readonly [ResidualMode, ResidualMode];
  readonly deltaBic?: number;
  readonly separation?: number;
  /** Discrete: empirical label shares, the head's mean probabilities, and the conditional entropy (nats). */
  readonly empirical?: readonly number[];
  readonly predicted?: readonly number[];
  readonly entropy?: number;
}

/** Thresholds of {@link AmbiguityDetector.inspect}. */
export interface AmbiguityThresholds {
  readonly neighbours?: number;
  readonly anchors?: number;
  readonly minSeparation?: number;
  readonly minModeWeight?: number;
  readonly minGapNats?: number;
}

/**
 * A ring buffer of cases and the detector over it.
 *
 * @example
 * ```ts
 * const detector = new AmbiguityDetector({ stateDim: 1, outcomeDim: 1 });
 * detector.observe(batch);                                    // reads the batch to the host
 * const cases = detector.asBatch();                           // dispose its tensors after use
 * const nll = head.perSampleNll(cases);                        // the head's NLL on every buffered case
 * const found = detector.detect(nll.dataSync());               // nominations, largest gap first
 * ```
 */
export class AmbiguityDetector {
  readonly stateDim: number;
  /** 1 for a continuous outcome, K for a one-hot discrete one. */
  readonly outcomeDim: number;
  readonly capacity: number;
  private readonly states: Float32Array;
  private readonly points: Float32Array;
  private readonly targets: Float32Array;
  private count = 0;
  private next = 0;

  /** @throws Error naming the field when a size is not a positive integer. */
  constructor(options: { readonly stateDim: number; readonly outcomeDim: number; readonly capacity?: number }) {
    const capacity = options.capacity ?? AMBIGUITY_BUFFER_SIZE;
    for (const [name, value] of [
      ["stateDim", options.stateDim],
      ["outcomeDim", options.outcomeDim],
      ["capacity", capacity],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Error in AmbiguityDetector: ${name} must be a positive integer, got ${value}.`);
    }
    this.stateDim = options.stateDim;
    this.outcomeDim = options.outcomeDim;
    this.capacity = capacity;
    this.states = new Float32Array(capacity * options.stateDim);
    this.points = new Float32Array(capacity * options.outcomeDim);
    this.targets = new Float32Array(capacity * options.outcomeDim);
  }

  /** Cases held. */
  get size(): number {
    return this.count;
  }

  /** Append a batch's cases (oldest overwritten). @throws Error naming the tensor whose shape is wrong. */
  observe(batch: DistributionBatch): void {
    const b = batch.state.shape[0];
    if (batch.state.shape[1] !== this.stateDim) throw new Error(`Error in AmbiguityDetector.observe: state must be [B, ${this.stateDim}], got [${batch.state.shape.join(",")}].`);
    for (const [name, t] of [
      ["point", batch.point],
      ["target", batch.target],
    ] as const) {
      if (t.shape[0] !== b || t.shape[1] !== this.outcomeDim) throw new Error(`Error in AmbiguityDetector.observe: ${name} must be [${b}, ${this.outcomeDim}], got [${t.shape.join(",")}].`);
    }
    const [s, p, y] = [batch.state.dataSync(), batch.point.dataSync(), batch.target.dataSync()];
    for (let i = 0; i < b; i += 1) {
      const row = this.next;
      this.states.set(s.subarray(i * this.stateDim, (i + 1) * this.stateDim), row * this.stateDim);
      this.points.set(p.subarray(i * this.outcomeDim, (i + 1) * this.outcomeDim), row * this.outcomeDim);
      this.targets.set(y.subarray(i * this.outcomeDim, (i + 1) * this.outcomeDim), row * this.outcomeDim);
      this.next = (this.next + 1) % this.capacity;
      this.count = Math.min(this.capacity, this.count + 1);
    }
  }

  /** The buffered cases as one batch (rows in buffer order; the caller disposes the tensors). */
  asBatch(): DistributionBatch {
    const n = this.count;
    return {
      state: tf.tensor2d(this.states.subarray(0, n * this.stateDim), [n, this.stateDim]),
      point: tf.tensor2d(this.points.subarray(0, n * this.outcomeDim), [n, this.outcomeDim]),
      target: tf.tensor2d(this.targets.subarray(0, n * this.outcomeDim), [n, this.outcomeDim]),
    };
  }

  /** The state of a buffered case (a copy). */
  stateAt(row: number): Float32Array {
    this.checkRow(row);
    return this.states.slice(row * this.stateDim, (row + 1) * this.stateDim);
  }

  /** Anchor rows: `count` rows evenly strided through the buffer (deterministic). */
  anchorRows(count: number = AMBIGUITY_ANCHORS): Int32Array {
    const n = Math.min(count, this.count);
    return Int32Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * this.count) / n));
  }

  /** The k buffered cases nearest the anchor's state (Euclidean), nearest first, and the k-th distance. */
  neighbourhood(row: number, k: number = AMBIGUITY_NEIGHBOURS): { readonly rows: Int32Array; readonly radius: number } {
    this.checkRow(row);
    const d = this.stateDim;
    const distances = Array.from({ length: this.count }, (_, j) => {
      let sq = 0;
      for (let c = 0; c < d; c += 1) sq += ((this.states[row * d + c] as number) - (this.states[j * d + c] as number)) ** 2;
      return { j, sq };
    }).sort((a, b) => a.sq - b.sq || a.j - b.j);
    const take = distances.slice(0, Math.min(k, this.count));
    return { rows: Int32Array.from(take, (t) => t.j), radius: Math.sqrt(take[take.length - 1]?.sq ?? 0) };
  }

  /**
   * Examine one anchor: its neighbourhood, the local model, the gap against the head's per-case NLL
   * (`headNll` aligned with the buffer rows) and the shape test. `headProbabilities` (`[size, K]`, discrete
   * heads) gives the predicted shares.
   */
  inspect(row: number, headNll: ArrayLike<number>, thresholds: AmbiguityThresholds = {}, headProbabilities?: ArrayLike<number>): AmbiguityFinding {
    if (headNll.length !== this.count) throw new Error(`Error in AmbiguityDetector.inspect: headNll must have one entry per buffered case (${this.count}), got ${headNll.length}.`);
    const minSeparation = thresholds.minSeparation ?? AMBIGUITY_MIN_SEPARATION;
    const minModeWeight = thresholds.minModeWeight ?? AMBIGUITY_MIN_MODE_WEIGHT;
    const { rows, radius } = this.neighbourhood(row, thresholds.neighbours ?? AMBIGUITY_NEIGHBOURS);
    const n = rows.length;
    const headMean = Array.from(rows).reduce((s, j) => s + (headNll[j] as number), 0) / n;
    const base = { anchorRow: row, anchor: this.stateAt(row), radius, neighbours: rows };
    if (this.outcomeDim === 1) {
      const residuals = Float64Array.from(rows, (j) => (this.targets[j] as number) - (this.points[j] as number));
      const fit = twoModeFit(residuals);
      const modes = fit.modes.map((mode, m) => {
        const mine = Array.from(rows).filter((_, i) => (fit.upper[i] === 1) === (m === 1));
        return { ...mode, headNll: mine.length === 0 ? 0 : mine.reduce((s, j) => s + (headNll[j] as number), 0) / mine.length };
      }) as unknown as readonly [ResidualMode, ResidualMode];
      const deltaBic = 2 * (fit.logLikTwo - fit.logLikOne) - 3 * Math.log(n);
      const [a, b] = modes;
      const separation = (Math.SQRT2 * Math.abs(b.mean - a.mean)) / Math.sqrt(a.sigma ** 2 + b.sigma ** 2);
      const ambiguous = deltaBic > 0 && separation > minSeparation && Math.min(a.weight, b.weight) >= minModeWeight;
      return { ...base, gapNats: headMean + fit.logLikTwo / n - bicPenalty(5, n), ambiguous, modes, deltaBic, separation };
    }
    const k = this.outcomeDim;
    const empirical = new Array<number>(k).fill(0);
    const predicted = new Array<number>(k).fill(0);
    for (const j of rows) {
      let label = 0;
      for (let c = 1; c < k; c += 1) if ((this.targets[j * k + c] as number) > (this.targets[j * k + label] as number)) label = c;
      empirical[label] = (empirical[label] as number) + 1 / n;
      if (headProbabilities !== undefined) for (let c = 0; c < k; c += 1) predicted[c] = (predicted[c] as number) + (headProbabilities[j * k + c] as number) / n;
    }
    const seen = empirical.filter((p) => p > 0).length;
    const entropy = -empirical.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0) + (seen - 1) / (2 * n);
    const ambiguous = empirical.filter((p) => p >= minModeWeight).length >= 2;
    return { ...base, gapNats: headMean - entropy - bicPenalty(seen - 1, n), ambiguous, empirical, predicted, entropy };
  }

  /**
   * Nominations: every examined anchor whose neighbourhood is ambiguous and unexplained (gap above
   * `minGapNats`), largest gap first; overlapping neighbourhoods keep only the larger gap.
   */
  detect(headNll: ArrayLike<number>, thresholds: AmbiguityThresholds = {}, headProbabilities?: ArrayLike<number>): AmbiguityFinding[] {
    const minGap = thresholds.minGapNats ?? AMBIGUITY_MIN_GAP_NATS;
    const found = Array.from(this.anchorRows(thresholds.anchors ?? AMBIGUITY_ANCHORS), (row) => this.inspect(row, headNll, thresholds, headProbabilities))
      .filter((f) => f.ambiguous && f.gapNats > minGap)
      .sort((a, b) => b.gapNats - a.gapNats || a.anchorRow - b.anchorRow);
    const kept: AmbiguityFinding[] = [];
    for (const f of found) if (!kept.some((k) => k.neighbours.includes(f.anchorRow))) kept.push(f);
    return kept;
  }

  private checkRow(row: number): void {
    if (!Number.isSafeInteger(row) || row < 0 || row >= this.count) throw new Error(`Error in AmbiguityDetector: row ${row} is outside [0, ${this.count}).`);
  }
}

/** BIC's per-case price of `parameters` free parameters fitted to `n` cases: `p·ln n / (2n)` nats. */
function bicPenalty(parameters: number, n: number): number {
  return (parameters * Math.log(n)) / (2 * n);
}

/**
 * One Gaussian vs a two-component mixture on 1-D values by EM (start: the halves of a median split; 100
 * iterations at most). Returns both log-likelihoods, the modes (lower mean first) and each value's hard
 * assignment (1 = upper mode).
 */
export function twoModeFit(values: Float64Array): { logLikOne: number; logLikTwo: number; modes: readonly [{ mean: number; sigma: number; weight: number }, { mean: number; sigma: number; weight: number }]; upper: Uint8Array } {
  const n = values.length;
  if (n < 4) throw new Error(`Error in twoModeFit: need at least 4 values, got ${n}.`);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = Math.max(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n, 1e-12);
  const floor = 1e-6 * variance + 1e-12;
  const logLikOne = -0.5 * n * (Math.log(2 * Math.PI * variance) + 1);
  const sorted = Float64Array.from(values).sort();
  const half = Math.floor(n / 2);
  const stats = (xs: Float64Array): { mean: number; variance: number } => {
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    return { mean: m, variance: Math.max(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length, floor) };
  };
  const lo = stats(sorted.subarray(0, half));
  const hi = stats(sorted.subarray(half));
  const mu = [lo.mean, hi.mean];
  const v = [lo.variance, hi.variance];
  const w = [0.5, 0.5];
  const resp = new Float64Array(n);
  let logLikTwo = Number.NEGATIVE_INFINITY;
  for (let iter = 0; iter < 100; iter += 1) {
    let ll = 0;
    for (let i = 0; i < n; i += 1) {
      const x = values[i] as number;
      const l0 = Math.log(w[0] as number) - 0.5 * (Math.log(2 * Math.PI * (v[0] as number)) + (x - (mu[0] as number)) ** 2 / (v[0] as number));
      const l1 = Math.log(w[1] as number) - 0.5 * (Math.log(2 * Math.PI * (v[1] as number)) + (x - (mu[1] as number)) ** 2 / (v[1] as number));
      const top = Math.max(l0, l1);
      const lse = top + Math.log(Math.exp(l0 - top) + Math.exp(l1 - top));
      resp[i] = Math.exp(l1 - lse);
      ll += lse;
    }
    const converged = ll - logLikTwo < 1e-9 * Math.abs(ll);
    logLikTwo = ll;
    if (converged) break;
    const r1 = resp.reduce((s, r) => s + r, 0);
    const r0 = n - r1;
    if (r0 < 1e-9 || r1 < 1e-9) break;
    let m0 = 0;
    let m1 = 0;
    values.forEach((x, i) => {
      m0 += (1 - (resp[i] as number)) * x;
      m1 += (resp[i] as number) * x;
    });
    mu[0] = m0 / r0;
    mu[1] = m1 / r1;
    let s0 = 0;
    let s1 = 0;
    values.forEach((x, i) => {
      s0 += (1 - (resp[i] as number)) * (x - (mu[0] as number)) ** 2;
      s1 += (resp[i] as number) * (x - (mu[1] as number)) ** 2;
    });
    v[0] = Math.max(s0 / r0, floor);
    v[1] = Math.max(s1 / r1, floor);
    w[0] = r0 / n;
    w[1] = r1 / n;
  }
  const swap = (mu[0] as number) > (mu[1] as number);
  const mode = (i: number): { mean: number; sigma: number; weight: number } => ({ mean: mu[i] as number, sigma: Math.sqrt(v[i] as number), weight: w[i] as number });
  const upper = Uint8Array.from(resp, (r) => ((r > 0.5) !== swap ? 1 : 0));
  return { logLikOne, logLikTwo: Math.max(logLikTwo, logLikOne), modes: swap ? [mode(1), mode(0)] : [mode(0), mode(1)], upper };
}
