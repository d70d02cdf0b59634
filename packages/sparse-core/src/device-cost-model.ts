/**
 * The device micro-benchmark behind the dense crossover policy (seed 002 L1547-1548: `cost_sparse ≈
 * α·path_count`, `cost_dense ≈ β·(m·k·n)` with β "from a one-time micro-benchmark on current device";
 * L1569 "dense crossover policy with device-measured α, β"; L1575 TODO-6; SEED-INVENTORY §3.15, TB-8).
 *
 * A {@link SparseMaskedLinear} with a zero base is timed on both compute paths (its sparse path is
 * `denseSparseMatMul`, its dense path `tf.matMul` of the scattered weights) at a few sizes and densities,
 * median of interleaved repeats, and two linear models are fitted by non-negative least squares on
 * relative error (ADR 0303):
 *
 * - sparse: `t = c_s + e_s·B·(in + out) + p_s·paths + α·B·paths` (batch transposes `e_s`, per-cell index work `p_s`)
 * - dense:  `t = c_d + e_d·in·out + p_d·paths + β·B·in·out` (materialising the dense weights: `e_d`, `p_d`)
 *
 * - tile (ADR 0331): `t = c_t + e_t·B·(in + out) + p_t·paths + γ·B·tileCells` (gathers and scatter `e_t`, tile
 *   packing `p_t`, `γ` per multiply-add of the packed tiles), fitted on its own points: masks whose Hot cells
 *   fill a quarter of the rows and columns, and uniform masks whose tile is the whole block.
 *
 * α is the seed's cost per path (per batch row), β its cost per multiply-add of `m·k·n`. At a shape the
 * benchmark measured, the model answers from those measurements (linear in the path count) instead of the
 * fit (ADR 0304), so a caller that adds its layer's `[batch, in, out]` to `shapes` gets measured costs. The
 * model is measured once per backend and workload and cached ({@link deviceCostModel}).
 */
import { createRng, parseConfig, randomNormal, tf, type Rng, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import { z } from "zod";

import { SparseMaskedLinear } from "./sparse-masked-linear.js";

/** What a cost model times: a forward pass, or a forward plus the backward to the weights and the input. */
export const COST_WORKLOADS = ["forward", "train"] as const;

/** One of {@link COST_WORKLOADS}. */
export type CostWorkload = (typeof COST_WORKLOADS)[number];

/** The signals of one crossover check (seed L1538-1542): batch size, layer size and path count. */
export interface CostQuery {
  /** Rows of the batch `m`. */
  readonly batch: number;
  /** Input features `k` (rows of `W`). */
  readonly inFeatures: number;
  /** Output features `n` (columns of `W`). */
  readonly outFeatures: number;
  /** Stored paths (Hot cells, `C_struct`): what the sparse kernel iterates over. */
  readonly paths: number;
  /** Cells of the packed dense tiles (ADR 0331); without it the tile path is not considered. */
  readonly tileCells?: number;
}

/** Predicted seconds of one layer call on each compute path. The policy only needs this. */
export interface CostModel {
  /** Seconds on the sparse path. */
  sparseSeconds(query: CostQuery): number;
  /** Seconds on the dense path. */
  denseSeconds(query: CostQuery): number;
  /** Seconds on the tile path (ADR 0331), or undefined when the model has no tile cost or the query no `tileCells`. */
  tileSeconds?(query: CostQuery): number | undefined;
}

/** Coefficients of one path's linear cost model (all ≥ 0, seconds). */
export interface PathCoefficients {
  /** Fixed seconds per call (op dispatch). */
  readonly fixedSeconds: number;
  /** Seconds per size entry: `B·(in+out)` on the sparse path, `in·out` on the dense path. */
  readonly perEntrySeconds: number;
  /** Seconds per stored path (Hot cell), independent of the batch. */
  readonly perPathSeconds: number;
  /** Seconds per multiply-add: α per `B·path` (sparse), β per `B·in·out` (dense). */
  readonly perMacSeconds: number;
}

/** One measured calibration point (medians). */
export interface CalibrationSample {
  readonly batch: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly paths: number;
  readonly sparseSeconds: number;
  readonly denseSeconds: number;
  /** Timed calls behind each median (fewer than `repeats` when the point hit `maxPointSeconds`). */
  readonly timedCalls?: { readonly sparse: number; readonly dense: number };
}

/** One measured point of the tile path (median; ADR 0331). */
export interface TileCalibrationSample {
  readonly batch: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly paths: number;
  /** Cells of the packed tile. */
  readonly tileCells: number;
  readonly tileSeconds: number;
  readonly timedCalls: number;
}

/** Everything a {@link LinearCostModel} is made of. */
export interface LinearCostModelSpec {
  /** Backend the numbers were measured on. */
  readonly backend: string;
  readonly workload: CostWorkload;
  readonly sparse: PathCoefficients;
  readonly dense: PathCoefficients;
  /** Tile-path coefficients (`perEntrySeconds` per `B·(in+out)`, `perMacSeconds` γ per `B·tileCells`); none: no tile path. */
  readonly tile?: PathCoefficients;
  /** The measurements behind the fit (empty for a hand-made model). */
  readonly samples?: readonly CalibrationSample[];
  /** The tile-path measurements behind `tile`. */
  readonly tileSamples?: readonly TileCalibrationSample[];
  /** Wall seconds the micro-benchmark took. */
  readonly benchmarkSeconds?: number;
}

/**
 * The fitted cost model of the sparse, dense and (when measured) tile paths.
 *
 * @example
 * ```ts
 * const model = deviceCostModel({ workload: "train" });          // measured once per backend
 * const q = { batch: 128, inFeatures: 512, outFeatures: 512, paths: 2621 };
 * model.sparseSeconds(q) < model.denseSeconds(q);                  // 1 % density: sparse is cheaper
 * console.log(model.alphaSeconds, model.betaSeconds);
 * ```
 */
export class LinearCostModel implements CostModel {
  readonly backend: string;
  readonly workload: CostWorkload;
  readonly sparse: PathCoefficients;
  readonly dense: PathCoefficients;
  readonly tile: PathCoefficients | undefined;
  readonly samples: readonly CalibrationSample[];
  readonly tileSamples: readonly TileCalibrationSample[];
  readonly benchmarkSeconds: number;

  /** @throws Error naming the field when a coefficient is negative or not finite. */
  constructor(spec: LinearCostModelSpec) {
    for (const [path, c] of [
      ["sparse", spec.sparse],
      ["dense", spec.dense],
      ["tile", spec.tile ?? {}],
    ] as const) {
      for (const [field, value] of Object.entries(c)) {
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error(`Error in LinearCostModel: ${path}.${field} must be a finite number >= 0, got ${String(value)}.`);
      }
    }
    this.backend = spec.backend;
    this.workload = spec.workload;
    this.sparse = { ...spec.sparse };
    this.dense = { ...spec.dense };
    this.tile = spec.tile === undefined ? undefined : { ...spec.tile };
    this.samples = [...(spec.samples ?? [])];
    this.tileSamples = [...(spec.tileSamples ?? [])];
    this.benchmarkSeconds = spec.benchmarkSeconds ?? 0;
  }

  /** α: seconds per path per batch row (seed L1547). */
  get alphaSeconds(): number {
    return this.sparse.perMacSeconds;
  }

  /** β: seconds per multiply-add of the dense `m·k·n` product (seed L1548). */
  get betaSeconds(): number {
    return this.dense.perMacSeconds;
  }

  /**
   * Predicted sparse-path seconds. At a shape `[batch, in, out]` the micro-benchmark measured at two or
   * more path counts, the measurements are interpolated linearly in `paths` (ADR 0304); elsewhere the fit.
   */
  sparseSeconds(query: CostQuery): number {
    checkQuery("LinearCostModel.sparseSeconds", query);
    const local = this.measuredAt(query, "sparseSeconds");
    if (local !== undefined) return local;
    const { batch, inFeatures, outFeatures, paths } = query;
    const c = this.sparse;
    return c.fixedSeconds + c.perEntrySeconds * batch * (inFeatures + outFeatures) + c.perPathSeconds * paths + c.perMacSeconds * batch * paths;
  }

  /** Predicted dense-path seconds: measured at the query's shape when available (as {@link LinearCostModel.sparseSeconds}), else the fit. */
  denseSeconds(query: CostQuery): number {
    checkQuery("LinearCostModel.denseSeconds", query);
    const local = this.measuredAt(query, "denseSeconds");
    if (local !== undefined) return local;
    const { batch, inFeatures, outFeatures, paths } = query;
    const cells = inFeatures * outFeatures;
    const c = this.dense;
    return c.fixedSeconds + c.perEntrySeconds * cells + c.perPathSeconds * paths + c.perMacSeconds * batch * cells;
  }

  /** Predicted tile-path seconds from the tile fit (ADR 0331); undefined without tile coefficients or `query.tileCells`. */
  tileSeconds(query: CostQuery): number | undefined {
    checkQuery("LinearCostModel.tileSeconds", query);
    const c = this.tile;
    if (c === undefined || query.tileCells === undefined) return undefined;
    const { batch, inFeatures, outFeatures, paths, tileCells } = query;
    return c.fixedSeconds + c.perEntrySeconds * batch * (inFeatures + outFeatures) + c.perPathSeconds * paths + c.perMacSeconds * batch * tileCells;
  }

  /**
   * Linear interpolation (extrapolation beyond the ends) in `paths` through the two measured samples of the
   * query's exact shape that bracket it (or the two nearest), clamped to ≥ 1 % of the smaller measurement;
   * undefined when fewer than two path counts were measured at that shape.
   */
  private measuredAt(query: CostQuery, field: "sparseSeconds" | "denseSeconds"): number | undefined {
    const same = this.samples
      .filter((s) => s.batch === query.batch && s.inFeatures === query.inFeatures && s.outFeatures === query.outFeatures)
      .sort((a, b) => a.paths - b.paths);
    const distinct = same.filter((s, i) => i === 0 || s.paths !== same[i - 1]?.paths);
    if (distinct.length < 2) return undefined;
    const above = distinct.findIndex((s) => s.paths >= query.paths);
    const hi = above === -1 ? distinct.length - 1 : Math.max(1, above);
    const a = distinct[hi - 1] as CalibrationSample;
    const b = distinct[hi] as CalibrationSample;
    const t = (query.paths - a.paths) / (b.paths - a.paths);
    const value = a[field] + t * (b[field] - a[field]);
    return Math.max(value, 0.01 * Math.min(a[field], b[field]));
  }
}

/** @throws Error naming `where` and the field when a query field is not a valid size. */
function checkQuery(where: string, query: CostQuery): void {
  for (const field of ["batch", "inFeatures", "outFeatures"] as const) {
    const value = query[field];
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Error in ${where}: ${field} must be a positive integer, got ${value}.`);
  }
  const { paths } = query;
  if (!Number.isSafeInteger(paths) || paths < 0 || paths > query.inFeatures * query.outFeatures) {
    throw new Error(`Error in ${where}: paths must be an integer in [0, ${query.inFeatures * query.outFeatures}], got ${paths}.`);
  }
  const { tileCells } = query;
  if (tileCells !== undefined && (!Number.isSafeInteger(tileCells) || tileCells < paths || tileCells > query.inFeatures * query.outFeatures)) {
    throw new Error(`Error in ${where}: tileCells must be an integer in [paths, ${query.inFeatures * query.outFeatures}], got ${tileCells}.`);
  }
}

/**
 * Layer shapes `[batch, in, out]` of the micro-benchmark (ADR 0303, ADR 0304): small and large batches and
 * layers separate the fixed, size, per-path and multiply-add terms; the 512x512 shape at batch 128 keeps
 * large training calls in range (a model fitted only up to `B·in·out` = 8.4 M under-predicted both paths
 * at 33.5 M by 1.7-2.7x on wasm).
 */
export const CALIBRATION_SHAPES: readonly (readonly [number, number, number])[] = [
  [32, 128, 128],
  [128, 256, 256],
  [8, 256, 256],
  [128, 512, 512],
];
/** Densities timed at every calibration shape (ADR 0303): one sparse, one near the measured crossovers. */
export const CALIBRATION_DENSITIES: readonly number[] = [0.02, 0.5];
/** Timed repeats per calibration point; the median is kept (ADR 0303). */
export const CALIBRATION_REPEATS = 7;
/** Untimed warm-up rounds before the repeats (ADR 0303). */
export const CALIBRATION_WARMUP = 2;
/**
 * Time budget per calibration point and path (ADR 0304): once a point has 3 timed calls (or its warm-up
 * alone took this long) and its calls took longer than this in total, it is not timed again. Keeps the
 * cpu backend's slow dense 512x512 batch-128 point from dominating the calibration.
 */
export const CALIBRATION_POINT_SECONDS = 2;

const shapeSchema = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);

/** Options of {@link measureDeviceCosts} (zod; every field defaulted). */
export const calibrationOptionsSchema = z.object({
  workload: z.enum(COST_WORKLOADS).default("train"),
  shapes: z.array(shapeSchema).min(1).default(CALIBRATION_SHAPES.map((s) => [...s] as [number, number, number])),
  densities: z.array(z.number().gt(0).max(1)).min(1).default([...CALIBRATION_DENSITIES]),
  repeats: z.number().int().positive().default(CALIBRATION_REPEATS),
  warmup: z.number().int().min(0).default(CALIBRATION_WARMUP),
  maxPointSeconds: z.number().positive().default(CALIBRATION_POINT_SECONDS),
  seed: z.number().int().default(1),
});

/** Input of {@link calibrationOptionsSchema}. */
export type CalibrationOptions = z.input<typeof calibrationOptionsSchema>;

/**
 * Run the micro-benchmark on the current backend (uncached; with the defaults a few seconds on wasm and
 * tens of seconds on cpu, most of it the 512x512 batch-128 point) and fit the cost model.
 *
 * @throws Error naming the field when an option is invalid.
 */
export function measureDeviceCosts(options: CalibrationOptions = {}): LinearCostModel {
  const o = parseConfig(calibrationOptionsSchema, options, "measureDeviceCosts", "option");
  const started = performance.now();
  const rng = createRng(o.seed);
  const points = o.shapes.flatMap(([batch, inFeatures, outFeatures]) =>
    o.densities.map((density) => {
      const cells = inFeatures * outFeatures;
      const paths = Math.max(1, Math.round(density * cells));
      const keys = Int32Array.from(rng.choice(cells, paths)).sort();
      const values = Float32Array.from(keys, () => rng.normal());
      const layer = new SparseMaskedLinear({ id: "calibration", inFeatures, outFeatures, base: { kind: "zero" }, initial: { keys, values } });
      const x = randomNormal(rng, [batch, inFeatures]) as Tensor2D;
      return { batch, inFeatures, outFeatures, paths, layer, x, sparse: [] as number[], dense: [] as number[], spent: { sparse: 0, dense: 0 } };
    }),
  );
  const tilePoints = o.shapes.flatMap(([batch, inFeatures, outFeatures]) =>
    (["quarter", "uniform"] as const).map((kind) => {
      const keys = tileCalibrationKeys(rng, inFeatures, outFeatures, kind);
      const values = Float32Array.from(keys, () => rng.normal());
      const layer = new SparseMaskedLinear({ id: "calibration-tile", inFeatures, outFeatures, base: { kind: "zero" }, initial: { keys, values } });
      layer.setPath("tile");
      const x = randomNormal(rng, [batch, inFeatures]) as Tensor2D;
      return { batch, inFeatures, outFeatures, paths: keys.length, tileCells: layer.tileCells, layer, x, times: [] as number[], spent: 0 };
    }),
  );
  try {
    for (let round = 0; round < o.warmup + o.repeats; round += 1) {
      for (const p of tilePoints) {
        const enough = round < o.warmup ? p.spent > o.maxPointSeconds : p.times.length >= Math.min(3, o.repeats) && p.spent > o.maxPointSeconds;
        if (enough) continue;
        const seconds = timeCall(p.layer, p.x, o.workload);
        p.spent += seconds;
        if (round >= o.warmup) p.times.push(seconds);
      }
      for (const p of points) {
        for (const path of ["sparse", "dense"] as const) {
          const timed = path === "sparse" ? p.sparse : p.dense;
          const enough = round < o.warmup ? p.spent[path] > o.maxPointSeconds : timed.length >= Math.min(3, o.repeats) && p.spent[path] > o.maxPointSeconds;
          if (enough) continue;
          p.layer.setPath(path);
          const seconds = timeCall(p.layer, p.x, o.workload);
          p.spent[path] += seconds;
          if (round >= o.warmup) timed.push(seconds);
        }
      }
    }
  } finally {
    for (const p of [...points, ...tilePoints]) {
      p.layer.dispose();
      p.x.dispose();
    }
  }
  const samples: CalibrationSample[] = points.map((p) => ({
    batch: p.batch,
    inFeatures: p.inFeatures,
    outFeatures: p.outFeatures,
    paths: p.paths,
    sparseSeconds: median(p.sparse),
    denseSeconds: median(p.dense),
    timedCalls: { sparse: p.sparse.length, dense: p.dense.length },
  }));
  const sparse = fitNonNegative(
    samples.map((s) => [1, s.batch * (s.inFeatures + s.outFeatures), s.paths, s.batch * s.paths]),
    samples.map((s) => s.sparseSeconds),
  );
  const dense = fitNonNegative(
    samples.map((s) => [1, s.inFeatures * s.outFeatures, s.paths, s.batch * s.inFeatures * s.outFeatures]),
    samples.map((s) => s.denseSeconds),
  );
  const tileSamples: TileCalibrationSample[] = tilePoints.map((p) => ({
    batch: p.batch,
    inFeatures: p.inFeatures,
    outFeatures: p.outFeatures,
    paths: p.paths,
    tileCells: p.tileCells,
    tileSeconds: median(p.times),
    timedCalls: p.times.length,
  }));
  const tile = fitNonNegative(
    tileSamples.map((s) => [1, s.batch * (s.inFeatures + s.outFeatures), s.paths, s.batch * s.tileCells]),
    tileSamples.map((s) => s.tileSeconds),
  );
  return new LinearCostModel({
    backend: tf.getBackend(),
    workload: o.workload,
    sparse: coefficients(sparse),
    dense: coefficients(dense),
    tile: coefficients(tile),
    samples,
    tileSamples,
    benchmarkSeconds: (performance.now() - started) / 1000,
  });
}

const cache = new Map<string, LinearCostModel>();

/**
 * The cost model of the current backend, measured on first use and cached per backend (and workload and
 * options): the seed's "one-time micro-benchmark on current device" (L1548).
 *
 * @example
 * ```ts
 * await initBackend({ backend: "wasm" });
 * const policy = new CrossoverPolicy(deviceCostModel());   // measures once, then reuses
 * ```
 */
export function deviceCostModel(options: CalibrationOptions = {}): LinearCostModel {
  const parsed = calibrationOptionsSchema.safeParse(options);
  const key = `${tf.getBackend()}|${JSON.stringify(parsed.success ? parsed : options)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const model = measureDeviceCosts(options);
  cache.set(key, model);
  return model;
}

/** Forget every cached cost model (e.g. after the machine's load changed). */
export function clearDeviceCostCache(): void {
  cache.clear();
}

/**
 * Hot keys of a tile calibration point (ADR 0331): `"quarter"` fills half the cells of a random quarter of
 * the rows times a quarter of the columns (a tile of 1/16 of the layer), `"uniform"` is 2 % of all cells
 * (a tile of nearly the whole layer).
 */
function tileCalibrationKeys(rng: Rng, inFeatures: number, outFeatures: number, kind: "quarter" | "uniform"): Int32Array {
  const cells = inFeatures * outFeatures;
  if (kind === "uniform") return Int32Array.from(rng.choice(cells, Math.max(1, Math.round(0.02 * cells)))).sort();
  const rows = rng.choice(inFeatures, Math.max(1, Math.round(inFeatures / 4)));
  const cols = rng.choice(outFeatures, Math.max(1, Math.round(outFeatures / 4)));
  const keys: number[] = [];
  for (const r of rows) for (const c of cols) if (rng.bernoulli(0.5)) keys.push(r * outFeatures + c);
  if (keys.length === 0) keys.push((rows[0] as number) * outFeatures + (cols[0] as number));
  return Int32Array.from(keys).sort();
}

/** Seconds of one layer call (forward, or forward + backward to `W_vals` and `x`), results disposed. */
function timeCall(layer: SparseMaskedLinear, x: Tensor2D, workload: CostWorkload): number {
  const t0 = performance.now();
  if (workload === "forward") {
    layer.forward(x).dispose();
  } else {
    const grads = tf.grads((values, input) => tf.sum(layer.forward(input as Tensor2D, { hotValues: values as Tensor1D })))([layer.values, x]);
    tf.dispose(grads);
  }
  return (performance.now() - t0) / 1000;
}

function coefficients(c: readonly number[]): PathCoefficients {
  return { fixedSeconds: c[0] ?? 0, perEntrySeconds: c[1] ?? 0, perPathSeconds: c[2] ?? 0, perMacSeconds: c[3] ?? 0 };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("Error in median: no values.");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Non-negative least squares on relative error: `c ≥ 0` minimising `Σ_i (rows_i·c / t_i − 1)²` (so a
 * 1 ms point counts as much as a 100 ms one). Exact by enumeration of the active set (few columns).
 *
 * @throws Error naming `fitNonNegative` when rows and targets disagree, a target is not > 0, or there are more than 8 columns.
 */
export function fitNonNegative(rows: readonly (readonly number[])[], targets: readonly number[]): number[] {
  const columns = rows[0]?.length ?? 0;
  if (rows.length === 0 || rows.length !== targets.length || rows.some((r) => r.length !== columns) || columns > 8 || columns === 0) {
    throw new Error(`Error in fitNonNegative: need ${targets.length} rows of equal length (1..8 columns), got ${rows.length} rows.`);
  }
  if (!targets.every((t) => Number.isFinite(t) && t > 0)) throw new Error(`Error in fitNonNegative: targets must be finite and > 0, got [${targets.join(", ")}].`);
  // Relative rows, and columns scaled to max 1 so the normal equations stay well conditioned.
  const rel = rows.map((r, i) => r.map((v) => v / (targets[i] as number)));
  const scale = Array.from({ length: columns }, (_, j) => Math.max(...rel.map((r) => Math.abs(r[j] as number))) || 1);
  const a = rel.map((r) => r.map((v, j) => v / (scale[j] as number)));
  let best: { coef: number[]; residual: number } | undefined;
  for (let mask = 1; mask < 1 << columns; mask += 1) {
    const active = Array.from({ length: columns }, (_, j) => j).filter((j) => (mask >> j) & 1);
    const solved = leastSquares(a.map((r) => active.map((j) => r[j] as number)));
    if (solved === undefined || solved.some((c) => c < 0)) continue;
    const coef = new Array<number>(columns).fill(0);
    active.forEach((j, i) => (coef[j] = solved[i] as number));
    const residual = a.reduce((sum, r) => sum + (r.reduce((s, v, j) => s + v * (coef[j] as number), 0) - 1) ** 2, 0);
    if (best === undefined || residual < best.residual) best = { coef, residual };
  }
  if (best === undefined) throw new Error("Error in fitNonNegative: no non-negative solution (singular rows).");
  return best.coef.map((c, j) => c / (scale[j] as number));
}

/** Least squares `min ‖A·c − 1‖²` by the normal equations, or undefined when singular. */
function leastSquares(a: readonly (readonly number[])[]): number[] | undefined {
  const n = a[0]?.length ?? 0;
  const m: number[][] = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => a.reduce((s, r) => s + (r[i] as number) * (r[j] as number), 0)),
    a.reduce((s, r) => s + (r[i] as number), 0),
  ]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < n; r += 1) if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number)) pivot = r;
    const pr = m[pivot] as number[];
    if (Math.abs(pr[col] as number) < 1e-12) return undefined;
    [m[col], m[pivot]] = [pr, m[col] as number[]];
    for (let r = 0; r < n; r += 1) {
      if (r === col) continue;
      const row = m[r] as number[];
      const f = (row[col] as number) / (pr[col] as number);
      for (let c = col; c <= n; c += 1) row[c] = (row[c] as number) - f * (pr[c] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}
