/**
 * Linear probes on latents (001 §E L96: "compute probe/classification on `z_intent` first (rules,
 * regimes, etc.)"): how much of a known quantity — the rule (which goal), the current — can be read
 * linearly from z_intent, and how much from z_real. A ridge least-squares map from the latent (with a
 * bias) to the target is fitted on one set of episodes and scored on another: classification accuracy
 * (argmax of one-hot targets) or the coefficient of determination R². This is the diagnostic behind
 * ADR 0607 (which part of z carries the plan).
 *
 * Source: `001_4e7658869d462183.txt` §E L94–96; SEED-INVENTORY.md §6.12; ADR 0607.
 */

/** Ridge weight of the probe's normal equations (ADR 0607). */
export const PROBE_RIDGE = 1e-4;

/** Rows of a probe data set: `x` `[count, inputDim]`, `y` `[count, targetDim]`, row-major. */
export interface ProbeData {
  readonly count: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/** A fitted linear probe `y ≈ W x + b`. */
export interface LinearProbe {
  readonly inputDim: number;
  readonly targetDim: number;
  /** Fitted weights `[inputDim + 1, targetDim]` row-major; the last row is the bias. */
  readonly weights: Float64Array;
  /** Predictions `[count, targetDim]` for inputs `[count, inputDim]`. */
  predict(x: ArrayLike<number>, count: number): Float64Array;
}

function checkData(fn: string, data: ProbeData, inputDim: number, targetDim: number): void {
  if (!(Number.isInteger(data.count) && data.count >= 1)) throw new Error(`Error in ${fn}: count must be an integer >= 1, got ${data.count}.`);
  if (data.x.length !== data.count * inputDim) throw new Error(`Error in ${fn}: x must have count·inputDim = ${data.count * inputDim} values, got ${data.x.length}.`);
  if (data.y.length !== data.count * targetDim) throw new Error(`Error in ${fn}: y must have count·targetDim = ${data.count * targetDim} values, got ${data.y.length}.`);
}

/**
 * Fit a ridge least-squares probe (bias not penalised) from `inputDim` to `targetDim` columns.
 *
 * @example
 * ```ts
 * const probe = fitLinearProbe({ count: n, x: zIntent, y: oneHotRules }, 3, 4);
 * const predicted = probe.predict(zIntentTest, m);
 * ```
 */
export function fitLinearProbe(data: ProbeData, inputDim: number, targetDim: number, ridge: number = PROBE_RIDGE): LinearProbe {
  if (!(Number.isInteger(inputDim) && inputDim >= 0)) throw new Error(`Error in fitLinearProbe: inputDim must be an integer >= 0, got ${inputDim}.`);
  if (!(Number.isInteger(targetDim) && targetDim >= 1)) throw new Error(`Error in fitLinearProbe: targetDim must be an integer >= 1, got ${targetDim}.`);
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new Error(`Error in fitLinearProbe: ridge must be finite and >= 0, got ${ridge}.`);
  checkData("fitLinearProbe", data, inputDim, targetDim);
  const D = inputDim + 1;
  const K = targetDim;
  const a = new Float64Array(D * D);
  const w = new Float64Array(D * K);
  const row = new Float64Array(D);
  for (let i = 0; i < data.count; i++) {
    for (let j = 0; j < inputDim; j++) row[j] = data.x[i * inputDim + j] ?? 0;
    row[inputDim] = 1;
    for (let p = 0; p < D; p++) {
      for (let q = 0; q < D; q++) a[p * D + q] = (a[p * D + q] ?? 0) + (row[p] ?? 0) * (row[q] ?? 0);
      for (let k = 0; k < K; k++) w[p * K + k] = (w[p * K + k] ?? 0) + (row[p] ?? 0) * (data.y[i * K + k] ?? 0);
    }
  }
  for (let p = 0; p < inputDim; p++) a[p * D + p] = (a[p * D + p] ?? 0) + ridge * data.count;
  solveInPlace(a, w, D, K);
  return {
    inputDim,
    targetDim,
    weights: w,
    predict(x: ArrayLike<number>, count: number): Float64Array {
      if (x.length !== count * inputDim) throw new Error(`Error in LinearProbe.predict: x must have count·inputDim = ${count * inputDim} values, got ${x.length}.`);
      const out = new Float64Array(count * K);
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < K; k++) {
          let s = w[inputDim * K + k] ?? 0;
          for (let j = 0; j < inputDim; j++) s += (x[i * inputDim + j] ?? 0) * (w[j * K + k] ?? 0);
          out[i * K + k] = s;
        }
      }
      return out;
    },
  };
}

/** Gauss–Jordan elimination with partial pivoting: solves `a · X = b` in place (`b` becomes X). */
function solveInPlace(a: Float64Array, b: Float64Array, n: number, k: number): void {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col] ?? 0) > Math.abs(a[pivot * n + col] ?? 0)) pivot = r;
    const p = a[pivot * n + col] ?? 0;
    if (Math.abs(p) < 1e-12) continue; // a constant input column: its weight stays 0
    if (pivot !== col) {
      for (let j = 0; j < n; j++) [a[col * n + j], a[pivot * n + j]] = [a[pivot * n + j] ?? 0, a[col * n + j] ?? 0];
      for (let j = 0; j < k; j++) [b[col * k + j], b[pivot * k + j]] = [b[pivot * k + j] ?? 0, b[col * k + j] ?? 0];
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = (a[r * n + col] ?? 0) / p;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) a[r * n + j] = (a[r * n + j] ?? 0) - f * (a[col * n + j] ?? 0);
      for (let j = 0; j < k; j++) b[r * k + j] = (b[r * k + j] ?? 0) - f * (b[col * k + j] ?? 0);
    }
  }
  for (let r = 0; r < n; r++) {
    const p = a[r * n + r] ?? 0;
    for (let j = 0; j < k; j++) b[r * k + j] = Math.abs(p) < 1e-12 ? 0 : (b[r * k + j] ?? 0) / p;
  }
}

/** Scores of a probe fitted on one set and tested on another. */
export interface ProbeScore {
  /** Fraction of test rows whose argmax prediction is the argmax target (one-hot targets). */
  readonly accuracy: number;
  /** 1 − SSE / SST on the test rows, all target columns pooled. */
  readonly r2: number;
}

/**
 * Fit on `train`, score on `test`.
 *
 * @example
 * ```ts
 * const { accuracy } = probeScore({ count: n, x: zRealA, y: rulesA }, { count: m, x: zRealB, y: rulesB }, 3, 4);
 * ```
 */
export function probeScore(train: ProbeData, test: ProbeData, inputDim: number, targetDim: number, ridge: number = PROBE_RIDGE): ProbeScore {
  checkData("probeScore", test, inputDim, targetDim);
  const probe = fitLinearProbe(train, inputDim, targetDim, ridge);
  const predicted = probe.predict(test.x, test.count);
  const K = targetDim;
  const mean = new Float64Array(K);
  for (let i = 0; i < test.count; i++) for (let k = 0; k < K; k++) mean[k] = (mean[k] ?? 0) + (test.y[i * K + k] ?? 0) / test.count;
  let correct = 0;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    let truth = 0;
    for (let k = 0; k < K; k++) {
      const p = predicted[i * K + k] ?? 0;
      const y = test.y[i * K + k] ?? 0;
      if (p > (predicted[i * K + best] ?? 0)) best = k;
      if (y > (test.y[i * K + truth] ?? 0)) truth = k;
      sse += (p - y) ** 2;
      sst += (y - (mean[k] ?? 0)) ** 2;
    }
    if (best === truth) correct += 1;
  }
  return { accuracy: correct / test.count, r2: sst === 0 ? 0 : 1 - sse / sst };
}
