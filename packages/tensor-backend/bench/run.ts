/**
 * Benchmarks of @tam/tensor-backend's fast paths, measured side by side in one run (`pnpm bench`):
 * MLP training steps/s (fused trainer, tfjs autodiff with and without explicit-transpose matMul,
 * numpy by hand), sparse × dense products (TAM kernel, tfjs dense matMul, scipy CSR) and dense matMul
 * GFLOP/s on wasm. Writes bench-results/tensor-backend.json at the repository root.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, platform, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DenseStackTrainer } from "../src/fast/dense-stack.js";
import { installExplicitTransposeMatMul, uninstallExplicitTransposeMatMul } from "../src/fast/explicit-transpose-matmul.js";
import { spmm } from "../src/fast/spmm.js";
import { denseSpmm } from "../src/fast/dense-spmm.js";
import { createRng } from "../src/rng/rng.js";

interface Result {
  name: string;
  value: number | null;
  unit: string;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, "..", "..", "..", "bench-results", "tensor-backend.json");
const quick = process.argv.includes("--quick");
const SECONDS = quick ? 0.5 : 2;
const REPEATS = quick ? 5 : 25;
const results: Result[] = [];
const notes: string[] = [];

const benchRng = createRng(2024);
const rnd = (): number => benchRng.uniform();
const uniform = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);

function rate(step: () => void): number {
  for (let i = 0; i < 10; i++) step();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    step();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

function medianMs(run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

function python(script: string, args: string[], env: Record<string, string> = {}): unknown {
  try {
    const out = execFileSync("python3", [join(here, script), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    return JSON.parse(out) as unknown;
  } catch (e) {
    notes.push(`${script} skipped: ${(e as Error).message.split("\n")[0] ?? ""}`);
    return undefined;
  }
}

await tf.setBackend("wasm");
await tf.ready();

// ---- MLP 16-128-128-8, batch 256, Adam (lr 1e-3), MSE: one fixed batch, real work every step.
const sizes = [16, 128, 128, 8];
const batch = 256;
const kernels = sizes.slice(1).map((nOut, l) => uniform((sizes[l] as number) * nOut, Math.sqrt(6 / (sizes[l] as number))));
const xData = uniform(batch * 16, 1);
const tData = uniform(batch * 8, 1);

function tfjsStepper(): { step: () => void; dispose: () => void } {
  const ws = kernels.map((k, l) => tf.variable(tf.tensor2d(k, [sizes[l] as number, sizes[l + 1] as number])));
  const bs = sizes.slice(1).map((n) => tf.variable(tf.zeros([n])));
  const x = tf.tensor2d(xData, [batch, 16]);
  const t = tf.tensor2d(tData, [batch, 8]);
  const opt = tf.train.adam(1e-3);
  const step = (): void => {
    opt.minimize(() => {
      let h: tf.Tensor2D = x;
      ws.forEach((w, l) => {
        h = tf.add(tf.matMul(h, w), bs[l] as tf.Variable);
        if (l < ws.length - 1) h = tf.relu(h);
      });
      return tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(t, h);
    });
  };
  return {
    step,
    dispose: () => {
      tf.dispose([...ws, ...bs, x, t]);
      opt.dispose();
    },
  };
}

uninstallExplicitTransposeMatMul();
const vanilla = tfjsStepper();
const vanillaRate = rate(vanilla.step);
vanilla.dispose();
results.push({ name: "mlp-train/tfjs-vanilla", value: vanillaRate, unit: "steps/s" });

installExplicitTransposeMatMul();
const patched = tfjsStepper();
const patchedRate = rate(patched.step);
patched.dispose();
results.push({ name: "mlp-train/tam-autodiff", value: patchedRate, unit: "steps/s", note: "same tfjs code, installFastPaths() (explicit-transpose matMul)" });

const net = new DenseStackTrainer({ sizes, kernels, adam: { learningRate: 1e-3 } });
const tamRate = rate(() => {
  net.trainStep(xData, tData, batch);
});
results.push({ name: "mlp-train/tam", value: tamRate, unit: "steps/s", note: "DenseStackTrainer (fused wasm SIMD forward+backward+Adam)" });

const np = python("mlp_numpy.py", [String(SECONDS)]) as { steps_per_s: number; numpy: string } | undefined;
results.push(
  np === undefined
    ? { name: "mlp-train/numpy", value: null, unit: "steps/s", note: "skipped: python3 with numpy not available" }
    : { name: "mlp-train/numpy", value: np.steps_per_s, unit: "steps/s", note: `numpy ${np.numpy}, OpenBLAS default threads` },
);
const np1 = python("mlp_numpy.py", [String(SECONDS)], { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" }) as
  | { steps_per_s: number }
  | undefined;
if (np1 !== undefined) {
  results.push({ name: "mlp-train/numpy-1thread", value: np1.steps_per_s, unit: "steps/s", note: "OPENBLAS_NUM_THREADS=1 (steadier on a loaded machine)" });
}
// Conservative: compare with the faster of the two numpy runs (threads collapse on a loaded machine).
const npBest = Math.max(np?.steps_per_s ?? 0, np1?.steps_per_s ?? 0);
if (npBest > 0) results.push({ name: "mlp-train/tam-vs-numpy", value: tamRate / npBest, unit: "x", note: "vs the faster numpy run; target >= 0.5" });
results.push({ name: "mlp-train/tam-vs-vanilla", value: tamRate / vanillaRate, unit: "x", note: "target >= 5" });


// ---- Sparse x dense: A 1024x1024 at density d times B [1024, 256].
const R = 1024;
const C = 1024;
const N = 256;
const densities = [0.001, 0.01, 0.05, 0.2];
const b = tf.tensor2d(uniform(C * N, 1), [C, N]);
for (const d of densities) {
  const rows: number[] = [];
  const cols: number[] = [];
  const dense = new Float32Array(R * C);
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      if (rnd() < d) {
        rows.push(i);
        cols.push(j);
        dense[i * C + j] = rnd() * 2 - 1;
      }
    }
  }
  const rowsT = tf.tensor1d(rows, "int32");
  const colsT = tf.tensor1d(cols, "int32");
  const valuesT = tf.tensor1d(rows.map((r, k) => dense[r * C + (cols[k] as number)] ?? 0));
  const denseA = tf.tensor2d(dense, [R, C]);
  const tam = medianMs(() => spmm(rowsT, colsT, valuesT, [R, C], b).dispose());
  const tamT = medianMs(() => spmm(rowsT, colsT, valuesT, [R, C], b, true).dispose());
  const dn = medianMs(() => tf.matMul(denseA, b).dispose());
  results.push({ name: `spmm/tam/d=${d}`, value: tam, unit: "ms", note: `nnz=${rows.length}` });
  results.push({ name: `spmm/tam-transposeA/d=${d}`, value: tamT, unit: "ms" });
  results.push({ name: `spmm/dense/d=${d}`, value: dn, unit: "ms", note: "tfjs wasm matMul of the densified A" });
  if (d === 0.01) {
    const xT = tf.tensor2d(uniform(N * R, 1), [N, R]);
    results.push({
      name: `spmm/tam-dense-x-sparse/d=${d}`,
      value: medianMs(() => denseSpmm(xT, rowsT, colsT, valuesT, [R, C]).dispose()),
      unit: "ms",
      note: "X[256,1024]·A via (Aᵀ·Xᵀ)ᵀ",
    });
    const g = tf.grads((v: tf.Tensor, m: tf.Tensor) => tf.sum(spmm(rowsT, colsT, v as tf.Tensor1D, [R, C], m as tf.Tensor2D)));
    results.push({
      name: `spmm/tam-forward-backward/d=${d}`,
      value: medianMs(() => tf.dispose(g([valuesT, b]))),
      unit: "ms",
      note: "forward + d/dvalues + d/dB",
    });
    xT.dispose();
  }
  tf.dispose([rowsT, colsT, valuesT, denseA]);
}
const sci = python("spmm_scipy.py", [String(R), String(C), String(N), String(REPEATS), ...densities.map(String)]) as
  | { results: Record<string, number>; scipy: string }
  | undefined;
for (const d of densities) {
  const v = sci?.results[String(d)];
  results.push(
    v === undefined
      ? { name: `spmm/scipy/d=${d}`, value: null, unit: "ms", note: "skipped: python3 with scipy not available" }
      : { name: `spmm/scipy/d=${d}`, value: v, unit: "ms", note: `scipy ${sci?.scipy ?? "?"} CSR @ dense` },
  );
}
const at = (name: string): number => results.find((r) => r.name === name)?.value ?? NaN;
results.push({ name: "spmm/tam-vs-dense/d=0.01", value: at("spmm/dense/d=0.01") / at("spmm/tam/d=0.01"), unit: "x", note: "target >= 10" });
results.push({ name: "spmm/tam-vs-scipy/d=0.01", value: at("spmm/tam/d=0.01") / at("spmm/scipy/d=0.01"), unit: "x slower", note: "target <= 2" });

// ---- Dense matMul GFLOP/s on wasm.
for (const [m, k, n] of [[1024, 1024, 256], [256, 128, 128], [512, 512, 512]] as const) {
  const a = tf.tensor2d(uniform(m * k, 1), [m, k]);
  const bb = tf.tensor2d(uniform(k * n, 1), [k, n]);
  const ms = medianMs(() => tf.matMul(a, bb).dispose());
  results.push({ name: `matmul/wasm/${m}x${k}x${n}`, value: (2 * m * k * n) / (ms * 1e6), unit: "GFLOP/s" });
  tf.dispose([a, bb]);
}
b.dispose();

const report = {
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${release()}`,
    backend: tf.getBackend(),
    tfjs: tf.version.tfjs,
    numpy: np?.numpy ?? null,
    scipy: sci?.scipy ?? null,
  },
  settings: { secondsPerRate: SECONDS, repeatsPerMedian: REPEATS, mlp: "16-128-128-8, batch 256, Adam lr 1e-3, MSE", spmm: `${R}x${C} by batch ${N}` },
  notes,
  results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(`${outFile}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${outFile}.tmp`, outFile);
for (const r of results) {
  process.stdout.write(`${r.name.padEnd(40)} ${r.value === null ? "skipped" : r.value.toFixed(3).padStart(10)} ${r.unit}\n`);
}
process.stdout.write(`wrote ${outFile}\n`);
