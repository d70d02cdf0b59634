/**
 * Benchmark of the dense crossover policy (issue item 7; seed 002 L1532-1554, TB-8; ADR 0303), `pnpm bench`:
 * a 512x512 SparseMaskedLinear with batch 128 at densities 0.1 %..50 % (plus 75 % and 100 % to show the
 * dense side), on cpu and wasm, for a training step (forward + backward) and a forward pass. For each point:
 * both paths timed (medians, and the median of back-to-back paired ratios), the path the policy chooses from the device cost model
 * (starting on the sparse path, after `confirmChecks` checks), and chosen / fastest. Target: ≤ 1.10 at
 * 0.1 %..50 % on cpu and wasm. Writes bench-results/sparse-core.json at the repository root.
 *
 * Tiles (issue 7 item 6, ADR 0331): the same layer in row blocks of 64 with three Hot patterns (two clustered
 * in a few rows and columns per block, one uniform); the policy picks each block's path among sparse, dense
 * and tile; the layer is timed on the policy's paths and on all-sparse, all-dense and all-tile. Target: the
 * policy picks the tile path where it is the fastest, and stays within 1.10 of the fastest otherwise.
 *
 * Options: `--quick` (fewer repeats), `--backends=cpu,wasm`, `--out=sparse-core-<name>.json` (file in bench-results/),
 * `--tiles-only` (only the tile entries).
 */
import { createRng, initBackend, randomNormal, tf, type Tensor1D, type Tensor2D } from "@tam/tensor-backend";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  CrossoverPolicy,
  SparseMaskedLinear,
  deviceCostModel,
  type CalibrationSample,
  type ComputePath,
  type CostWorkload,
  type LinearCostModel,
  type PathCoefficients,
} from "../src/index.js";
import { median } from "../src/device-cost-model.js";

interface Result {
  name: string;
  value: number | null;
  unit: string;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const outName = process.argv.find((a) => a.startsWith("--out="))?.slice("--out=".length) ?? "sparse-core.json";
if (!/^sparse-core[\w.-]*\.json$/.test(outName)) throw new Error(`bench: --out must name a file sparse-core*.json in bench-results/, got ${outName}.`);
const outFile = join(here, "..", "..", "..", "bench-results", outName);
const quick = process.argv.includes("--quick");
const tilesOnly = process.argv.includes("--tiles-only");
const backendArg = process.argv.find((a) => a.startsWith("--backends="))?.slice("--backends=".length);
const BACKENDS = (backendArg ?? "cpu,wasm").split(",") as ("cpu" | "wasm")[];
const WORKLOADS: readonly CostWorkload[] = ["train", "forward"];
const [IN, OUT, BATCH] = [512, 512, 128] as const;
/** The issue's range (target ≤ 1.10) and two denser points beyond it. */
const TARGET_DENSITIES = [0.001, 0.005, 0.01, 0.05, 0.1, 0.2, 0.5];
const EXTRA_DENSITIES = [0.75, 1];
const TARGET_RATIO = 1.1;
const REPEATS: Record<"cpu" | "wasm", number> = quick ? { cpu: 3, wasm: 5 } : { cpu: 5, wasm: 21 };

/** Hot patterns of the tile entries: per 64-row block, `rows` x `cols` cells at `fill`, or uniform at `fill`. */
interface TilePattern {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly fill: number;
  readonly note: string;
}
const TILE_PATTERNS: readonly TilePattern[] = [
  { name: "clustered-16x64", rows: 16, cols: 64, fill: 1, note: "16 rows x 64 columns fully Hot per block" },
  { name: "clustered-32x256", rows: 32, cols: 256, fill: 0.9, note: "32 rows x 256 columns at 90 % per block" },
  { name: "clustered-64x256", rows: 64, cols: 256, fill: 1, note: "every row x 256 columns fully Hot per block" },
  { name: "uniform-1pct", rows: 64, cols: OUT, fill: 0.01, note: "1 % of all cells" },
];

/** Sorted Hot keys of a tile pattern: per block, random `rows` of its rows times random `cols` columns, each Hot with probability `fill`. */
function tilePatternKeys(rng: ReturnType<typeof createRng>, pattern: TilePattern, blockRows: number): Int32Array {
  const keys: number[] = [];
  for (let r0 = 0; r0 < IN; r0 += blockRows) {
    const rows = rng.choice(blockRows, pattern.rows).map((r) => r0 + r);
    const cols = rng.choice(OUT, pattern.cols);
    for (const r of rows) for (const c of cols) if (pattern.fill >= 1 || rng.bernoulli(pattern.fill)) keys.push(r * OUT + c);
  }
  return Int32Array.from(keys).sort();
}

const results: Result[] = [];
const started = performance.now();
const loadBefore = loadavg();

/** Seconds of one call on the layer's current path (results disposed). */
function timeOnce(layer: SparseMaskedLinear, x: Tensor2D, workload: CostWorkload): number {
  const t0 = performance.now();
  if (workload === "forward") layer.forward(x).dispose();
  else tf.dispose(tf.grads((v, input) => tf.sum(layer.forward(input as Tensor2D, { hotValues: v as Tensor1D })))([layer.values, x]));
  return (performance.now() - t0) / 1000;
}

/**
 * Both paths timed back to back (order alternating per repeat) after one warm-up of each: the medians of
 * each, and the median of the paired ratios sparse / dense (pairs are adjacent in time, so the machine's
 * slow load swings cancel; the verdict "which is faster" comes from it).
 */
function timeBoth(layer: SparseMaskedLinear, x: Tensor2D, workload: CostWorkload, repeats: number): { sparse: number; dense: number; sparseOverDense: number } {
  const times: Record<"sparse" | "dense", number[]> = { sparse: [], dense: [] };
  for (let r = -1; r < repeats; r += 1) {
    const order: ("sparse" | "dense")[] = r % 2 === 0 ? ["sparse", "dense"] : ["dense", "sparse"];
    for (const path of order) {
      layer.setPath(path);
      const t = timeOnce(layer, x, workload);
      if (r >= 0) times[path].push(t);
    }
  }
  const ratios = times.sparse.map((t, i) => t / (times.dense[i] as number));
  return { sparse: median(times.sparse), dense: median(times.dense), sparseOverDense: median(ratios) };
}

/**
 * Per-block crossover (ADR 0304): median seconds of the layer with each assignment of block paths, the
 * assignments visited back to back in every repeat (after one warm-up round).
 */
function timeAssignments(layer: SparseMaskedLinear, x: Tensor2D, workload: CostWorkload, repeats: number, assignments: readonly (readonly ComputePath[])[]): number[] {
  const times = assignments.map((): number[] => []);
  for (let r = -1; r < repeats; r += 1) {
    assignments.forEach((paths, a) => {
      paths.forEach((p, b) => layer.setBlockPath(b, p));
      const t = timeOnce(layer, x, workload);
      if (r >= 0) times[a]?.push(t);
    });
  }
  return times.map((t) => median(t));
}

/** Median seconds of each layer on its own paths, the layers visited back to back in every repeat (after one warm-up round). */
function timeLayers(layers: readonly SparseMaskedLinear[], x: Tensor2D, workload: CostWorkload, repeats: number): number[] {
  const times = layers.map((): number[] => []);
  for (let r = -1; r < repeats; r += 1) {
    layers.forEach((layer, i) => {
      const t = timeOnce(layer, x, workload);
      if (r >= 0) times[i]?.push(t);
    });
  }
  return times.map((t) => median(t));
}

/** The path the policy settles on for this layer, starting on the sparse path. */
function chosenPath(model: LinearCostModel, layer: SparseMaskedLinear): ComputePath {
  layer.setPath("sparse");
  const policy = new CrossoverPolicy(model);
  for (let i = 0; i < policy.config.confirmChecks; i += 1) policy.check(layer, BATCH);
  return layer.blockPath(0);
}

const summary: string[] = [];
const calibration: { backend: string; workload: CostWorkload; sparse: PathCoefficients; dense: PathCoefficients; samples: readonly CalibrationSample[] }[] = [];
for (const backend of BACKENDS) {
  await initBackend({ backend });
  const rng = createRng(`sparse-core-bench-${backend}`);
  const x = randomNormal(rng, [BATCH, IN]) as Tensor2D;
  for (const workload of WORKLOADS) {
    const t0 = performance.now();
    const model = deviceCostModel({ workload });
    const calibrationSeconds = (performance.now() - t0) / 1000;
    const prefix = `crossover/${backend}/${workload}`;
    results.push({ name: `${prefix}/calibration-seconds`, value: calibrationSeconds, unit: "s", note: "device micro-benchmark (measureDeviceCosts defaults), cached per backend" });
    results.push({ name: `${prefix}/alpha`, value: model.alphaSeconds * 1e9, unit: "ns per path per batch row" });
    results.push({ name: `${prefix}/beta`, value: model.betaSeconds * 1e9, unit: "ns per multiply-add (m·k·n)" });
    calibration.push({ backend, workload, sparse: model.sparse, dense: model.dense, samples: model.samples });
    for (const [path, c] of [
      ["sparse", model.sparse],
      ["dense", model.dense],
    ] as const) {
      results.push({ name: `${prefix}/model/${path}/fixed`, value: c.fixedSeconds * 1e3, unit: "ms" });
      results.push({ name: `${prefix}/model/${path}/per-entry`, value: c.perEntrySeconds * 1e9, unit: path === "sparse" ? "ns per B·(in+out)" : "ns per in·out" });
      results.push({ name: `${prefix}/model/${path}/per-path`, value: c.perPathSeconds * 1e9, unit: "ns per stored path" });
    }
    let worst = 0;
    for (const density of tilesOnly ? [] : [...TARGET_DENSITIES, ...EXTRA_DENSITIES]) {
      const cells = IN * OUT;
      const paths = Math.round(density * cells);
      const keys = density === 1 ? Int32Array.from({ length: cells }, (_, i) => i) : Int32Array.from(rng.choice(cells, paths)).sort();
      const values = Float32Array.from(keys, () => rng.normal(0, 0.05));
      const layer = new SparseMaskedLinear({ id: `d${density}`, inFeatures: IN, outFeatures: OUT, base: { kind: "zero" }, initial: { keys, values } });
      const chosen = chosenPath(model, layer);
      const measured = timeBoth(layer, x, workload, REPEATS[backend]);
      // chosen / fastest from the paired ratio: 1 when the chosen path is the faster one.
      const r = measured.sparseOverDense;
      const fastestPath: ComputePath = r <= 1 ? "sparse" : "dense";
      const ratio = chosen === fastestPath ? 1 : chosen === "sparse" ? r : 1 / r;
      const inTarget = TARGET_DENSITIES.includes(density);
      if (inTarget) worst = Math.max(worst, ratio);
      const q = { batch: BATCH, inFeatures: IN, outFeatures: OUT, paths: keys.length };
      const p = `${prefix}/d=${density}`;
      results.push({ name: `${p}/sparse`, value: measured.sparse * 1e3, unit: "ms", note: `measured, nnz=${keys.length}` });
      results.push({ name: `${p}/dense`, value: measured.dense * 1e3, unit: "ms", note: "measured" });
      results.push({ name: `${p}/predicted-sparse`, value: model.sparseSeconds(q) * 1e3, unit: "ms" });
      results.push({ name: `${p}/predicted-dense`, value: model.denseSeconds(q) * 1e3, unit: "ms" });
      results.push({ name: `${p}/sparse-over-dense`, value: r, unit: "x", note: "median of paired ratios" });
      results.push({ name: `${p}/chosen-dense`, value: chosen === "dense" ? 1 : 0, unit: "bool", note: `policy chose ${chosen}; measured faster: ${fastestPath}` });
      results.push({ name: `${p}/chosen-vs-fastest`, value: ratio, unit: "x", note: inTarget ? `target <= ${TARGET_RATIO}` : "beyond the target range (shows the dense side)" });
      summary.push(
        `${backend.padEnd(5)}${workload.padEnd(8)}d=${String(density).padEnd(6)} sparse ${(measured.sparse * 1e3).toFixed(2).padStart(8)} ms  dense ${(measured.dense * 1e3).toFixed(2).padStart(8)} ms  ` +
          `s/d ${r.toFixed(3)}  pred ${(model.sparseSeconds(q) * 1e3).toFixed(2).padStart(7)}/${(model.denseSeconds(q) * 1e3).toFixed(2).padStart(7)}  chosen ${chosen.padEnd(6)} ratio ${ratio.toFixed(3)}`,
      );
      layer.dispose();
    }
    if (!tilesOnly) results.push({ name: `${prefix}/max-chosen-vs-fastest`, value: worst, unit: "x", note: `densities ${TARGET_DENSITIES.join(", ")}; target <= ${TARGET_RATIO}` });

    // Per-block crossover (ADR 0304): row blocks of 64 inputs; the first two fully Hot, the others at 1 %.
    if (!tilesOnly) {
      const blockRows = 64;
      const keys: number[] = [];
      for (let row = 0; row < IN; row += 1) {
        for (let col = 0; col < OUT; col += 1) if (row < 2 * blockRows || rng.bernoulli(0.01)) keys.push(row * OUT + col);
      }
      const layer = new SparseMaskedLinear({ id: "blocks", inFeatures: IN, outFeatures: OUT, base: { kind: "zero" }, crossoverBlockRows: blockRows, initial: { keys: Int32Array.from(keys), values: Float32Array.from(keys, () => rng.normal(0, 0.05)) } });
      const policy = new CrossoverPolicy(model);
      for (let i = 0; i < policy.config.confirmChecks; i += 1) for (const block of layer.blocks) policy.check(block, BATCH);
      const chosen = layer.blocks.map((b) => b.path);
      const blocks = layer.blocks.length;
      const [perBlock, allSparse, allDense] = timeAssignments(layer, x, workload, REPEATS[backend], [chosen, new Array<ComputePath>(blocks).fill("sparse"), new Array<ComputePath>(blocks).fill("dense")]) as [number, number, number];
      const p = `${prefix}/blocks`;
      const pattern = chosen.map((c) => c[0]).join("");
      results.push({ name: `${p}/policy-paths`, value: chosen.filter((c) => c === "dense").length, unit: "dense blocks", note: `${pattern} (8 row blocks of 64; blocks 0-1 fully Hot, the rest 1 %; nnz ${keys.length})` });
      results.push({ name: `${p}/per-block`, value: perBlock * 1e3, unit: "ms", note: "measured, the policy's per-block paths" });
      results.push({ name: `${p}/all-sparse`, value: allSparse * 1e3, unit: "ms", note: "measured" });
      results.push({ name: `${p}/all-dense`, value: allDense * 1e3, unit: "ms", note: "measured" });
      summary.push(`${backend.padEnd(5)}${workload.padEnd(8)}blocks ${pattern}  per-block ${(perBlock * 1e3).toFixed(2)} ms  all-sparse ${(allSparse * 1e3).toFixed(2)} ms  all-dense ${(allDense * 1e3).toFixed(2)} ms`);
      layer.dispose();
    }

    // Tiles (ADR 0331): per block of 64 rows, Hot cells clustered in `rows` x `cols` (at `fill`), or uniform.
    let worstTile = 0;
    for (const pattern of TILE_PATTERNS) {
      const blockRows = 64;
      const keys = tilePatternKeys(rng, pattern, blockRows);
      const values = Float32Array.from(keys, () => rng.normal(0, 0.05));
      // One layer per assignment (same Hot set), so no timed call rebuilds a block plan.
      const [layer, ...fixed] = Array.from({ length: 4 }, (_, i) => new SparseMaskedLinear({ id: `tiles-${pattern.name}-${i}`, inFeatures: IN, outFeatures: OUT, base: { kind: "zero" }, crossoverBlockRows: blockRows, initial: { keys, values } })) as [SparseMaskedLinear, ...SparseMaskedLinear[]];
      const policy = new CrossoverPolicy(model);
      for (let i = 0; i < policy.config.confirmChecks; i += 1) for (const block of layer.blocks) policy.check(block, BATCH);
      const chosen = layer.blocks.map((b) => b.path);
      (["sparse", "dense", "tile"] as const).forEach((path, i) => fixed[i]?.setPath(path));
      const [perBlock, allSparse, allDense, allTile] = timeLayers([layer, ...fixed], x, workload, REPEATS[backend]) as [number, number, number, number];
      const fastest = Math.min(allSparse, allDense, allTile);
      const fastestPath: ComputePath = fastest === allTile ? "tile" : fastest === allSparse ? "sparse" : "dense";
      // A uniform choice computes exactly what that uniform layer computes: compare those timings (paired in time).
      const uniformChoice = chosen.every((c) => c === chosen[0]) ? chosen[0] : undefined;
      const chosenSeconds = uniformChoice === undefined ? perBlock : { sparse: allSparse, dense: allDense, tile: allTile }[uniformChoice];
      const ratio = chosenSeconds / fastest;
      worstTile = Math.max(worstTile, ratio);
      const p = `${prefix}/tiles/${pattern.name}`;
      const paths = chosen.map((c) => c[0]).join("");
      const block0 = layer.blocks[0];
      const q = { batch: BATCH, inFeatures: blockRows, outFeatures: OUT, paths: block0?.nnz ?? 0, tileCells: block0?.tileCells ?? 0 };
      results.push({ name: `${p}/policy-tile-blocks`, value: chosen.filter((c) => c === "tile").length, unit: "tile blocks", note: `${paths} (8 row blocks of 64; ${pattern.note}; nnz ${keys.length}, tile cells ${layer.tileCells})` });
      results.push({ name: `${p}/per-block`, value: perBlock * 1e3, unit: "ms", note: "measured, the policy's per-block paths" });
      results.push({ name: `${p}/all-sparse`, value: allSparse * 1e3, unit: "ms", note: "measured" });
      results.push({ name: `${p}/all-dense`, value: allDense * 1e3, unit: "ms", note: "measured" });
      results.push({ name: `${p}/all-tile`, value: allTile * 1e3, unit: "ms", note: "measured" });
      results.push({ name: `${p}/block0/predicted-sparse`, value: model.sparseSeconds(q) * 1e3, unit: "ms", note: `block 0: nnz ${q.paths}, tile cells ${q.tileCells}` });
      results.push({ name: `${p}/block0/predicted-dense`, value: model.denseSeconds(q) * 1e3, unit: "ms" });
      results.push({ name: `${p}/block0/predicted-tile`, value: (model.tileSeconds(q) ?? Number.NaN) * 1e3, unit: "ms" });
      results.push({ name: `${p}/chosen-vs-fastest`, value: ratio, unit: "x", note: `fastest uniform path: ${fastestPath}; ${uniformChoice === undefined ? "per-block layer timed" : `chosen all-${uniformChoice}: that layer's timing`}; target <= ${TARGET_RATIO}` });
      summary.push(
        `${backend.padEnd(5)}${workload.padEnd(8)}tiles ${pattern.name.padEnd(15)} ${paths}  per-block ${(perBlock * 1e3).toFixed(2)} ms  sparse ${(allSparse * 1e3).toFixed(2)}  dense ${(allDense * 1e3).toFixed(2)}  tile ${(allTile * 1e3).toFixed(2)}  ratio ${ratio.toFixed(3)}`,
      );
      for (const l of [layer, ...fixed]) l.dispose();
    }
    results.push({ name: `${prefix}/tiles/max-chosen-vs-fastest`, value: worstTile, unit: "x", note: `patterns ${TILE_PATTERNS.map((t) => t.name).join(", ")}; target <= ${TARGET_RATIO}` });
  }
  x.dispose();
}
const overall = Math.max(...results.filter((r) => r.name.endsWith("/max-chosen-vs-fastest")).map((r) => r.value ?? Infinity));
results.push({ name: "crossover/max-chosen-vs-fastest", value: overall, unit: "x", note: `all backends and workloads (and tile patterns); target <= ${TARGET_RATIO}` });

const report = {
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${release()}`,
    tfjs: tf.version.tfjs,
    backends: BACKENDS,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg(),
  },
  settings: {
    layer: `${IN}x${OUT} SparseMaskedLinear (zero base), batch ${BATCH}`,
    workloads: { train: "forward + backward to W_vals and x", forward: "forward only" },
    repeats: REPEATS,
    policy: "CrossoverPolicy defaults, cost model deviceCostModel({ workload }), starting on the sparse path",
    wallSeconds: (performance.now() - started) / 1000,
  },
  calibration,
  results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(`${outFile}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${outFile}.tmp`, outFile);
process.stdout.write(`${summary.join("\n")}\n`);
for (const r of results.filter((r) => r.name.includes("max-") || r.name.endsWith("alpha") || r.name.endsWith("beta") || r.name.endsWith("calibration-seconds"))) {
  process.stdout.write(`${r.name.padEnd(48)} ${r.value === null ? "skipped" : r.value.toFixed(4).padStart(10)} ${r.unit}\n`);
}
process.stdout.write(`wall ${report.settings.wallSeconds.toFixed(1)} s; wrote ${outFile}\n`);
