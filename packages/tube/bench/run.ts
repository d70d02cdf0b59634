/**
 * Benchmark of the tube training step (`pnpm bench`): the `tube-homeostasis` configuration (three λ
 * variants as replicas, batch 32, latent 2, 2 × 32 hidden units, T = 8, D = 2) trained by TubeTrainer
 * (tfjs autodiff, ~340 ops per step) on wasm and cpu, and by FusedTubeTrainer (closed-form host kernel,
 * ADR 0206). The machine is shared, so the figure of merit is CPU time (user + sys) per step, not wall
 * time; each variant is measured in several rounds and the fastest round counts. Writes
 * bench-results/tube.json at the repository root. `--quick` for fewer steps.
 */
import { backendInfo, createRng, initBackend, tf, type BackendName } from "@tam/tensor-backend";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommitmentPrice, COMMITMENT_PRICE_VARIANTS, FusedTubeTrainer, RULE_COUNT, RuleWorld, TubeModel, TubeTrainer } from "../src/index.js";

interface Result {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, "..", "..", "..", "bench-results", "tube.json");
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 2 : 4;
const AUTODIFF_STEPS = quick ? 40 : 150;
const FUSED_STEPS = quick ? 300 : 1500;
const WARMUP = 20;
/** The scenario's full size: 10,000 steps × 3 seeds. */
const FULL_RUN_STEPS = 30_000;
const BATCH = 32;
const LATENT = 2;

const results: Result[] = [];
const notes: string[] = [];

/** CPU milliseconds per training step of one trainer kind, fastest of `ROUNDS` rounds. */
async function cpuMsPerStep(kind: "autodiff" | "fused", backend: BackendName, steps: number): Promise<number> {
  await initBackend({ backend });
  await tf.setBackend(backend);
  const rng = createRng(7);
  const world = new RuleWorld();
  const model = new TubeModel(
    { obsDim: world.obsDim, latentDim: LATENT, horizonSteps: world.horizonSteps, stateDim: world.stateDim, replicas: COMMITMENT_PRICE_VARIANTS.length },
    rng.fork("model"),
  );
  const prices = COMMITMENT_PRICE_VARIANTS.map((variant) => new CommitmentPrice({ variant, ruleCount: RULE_COUNT }));
  const trainer = kind === "fused" ? new FusedTubeTrainer(model, prices) : new TubeTrainer(model, prices);
  const data = rng.fork("data");
  const latents = rng.fork("latent");
  const step = (): void => {
    const batch = world.sampleEpisodes(data, BATCH);
    trainer.step(batch, Float32Array.from({ length: BATCH * LATENT }, () => latents.normal()));
  };
  for (let i = 0; i < WARMUP; i++) step();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < steps; i++) step();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000 / steps);
  }
  trainer.dispose();
  model.dispose();
  return best;
}

const load = loadavg()[0] ?? Number.NaN;
const autodiffWasm = await cpuMsPerStep("autodiff", "wasm", AUTODIFF_STEPS);
const autodiffCpu = await cpuMsPerStep("autodiff", "cpu", AUTODIFF_STEPS);
const fused = await cpuMsPerStep("fused", "wasm", FUSED_STEPS);
const perStep = (name: string, ms: number, note: string): void => {
  results.push({ name: `${name}/cpu-ms-per-step`, value: ms, unit: "ms", note });
  results.push({ name: `${name}/steps-per-cpu-s`, value: 1000 / ms, unit: "steps/s" });
};
perStep("tube-step/autodiff-wasm", autodiffWasm, "before: TubeTrainer, tfjs autodiff on wasm (the harness backend)");
perStep("tube-step/autodiff-cpu", autodiffCpu, "TubeTrainer, tfjs autodiff on the tfjs cpu backend");
perStep("tube-step/fused", fused, "after: FusedTubeTrainer, closed-form host kernel + host Adam (ADR 0206)");
results.push({ name: "tube-step/fused-vs-autodiff-wasm", value: autodiffWasm / fused, unit: "x", note: "CPU time per step, before / after" });
results.push({
  name: "tube-homeostasis/full-run-training-cpu-s",
  value: (FULL_RUN_STEPS * fused) / 1000,
  unit: "s",
  note: "30,000 fused steps (10,000 × 3 seeds) of CPU time, training only; over 2 cores about half of it is wall time",
});
if (load > cpus().length) notes.push(`load average ${load.toFixed(1)} on ${cpus().length} cores at the start: CPU times are inflated by contention (shared caches, hyper-threads)`);

const report = {
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${release()}`,
    backend: backendInfo().name,
    tfjs: tf.version.tfjs,
    loadAverage1m: load,
  },
  settings: {
    model: `${COMMITMENT_PRICE_VARIANTS.length} replicas (λ variants), batch ${BATCH}, latent ${LATENT}, 2 × 32 tanh units, T = 8, D = 2`,
    measure: `CPU time (user + sys) per step, fastest of ${ROUNDS} rounds; ${AUTODIFF_STEPS} autodiff / ${FUSED_STEPS} fused steps per round after ${WARMUP} warm-up steps`,
  },
  notes,
  results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(`${outFile}.tmp`, `${JSON.stringify(report, null, 1)}\n`);
renameSync(`${outFile}.tmp`, outFile);
for (const r of results) console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}${r.note === undefined ? "" : ` (${r.note})`}`);
console.log(`wrote ${outFile}`);
