/**
 * Scenario `backend`: which tensor backend loaded and why, and a small dense matMul timing with a
 * correctness check against a host-side product.
 */
import { backendInfo, createRng, tf } from "@tam/tensor-backend";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult } from "../scenario.js";

/** Size of the square matrices checked element by element against a host product. */
const VERIFY_SIZE = 24;
/** Largest accepted |difference| between the backend's and the host's float32 product. */
const VERIFY_TOLERANCE = 1e-3;
/** What the notes record as `requested` when no backend was forced. */
const AUTO = "auto";
/** Backends in preference order (DESIGN.md "The tensor backend"). */
const PREFERENCE = ["tensorflow", "wasm", "cpu"] as const;

const configSchema = z.object({
  matrixSize: z.number().int().min(8).max(4096).default(512),
  repeats: z.number().int().min(1).max(1000).default(30),
});

/** The backend scenario. */
export const backendScenario = defineScenario({
  name: "backend",
  description: "Which tensor backend loaded and why; dense matMul timing and correctness (@tam/tensor-backend).",
  configSchema,
  quick: { matrixSize: 128, repeats: 5 },
  defaultSeeds: 1,
  runSeed(config, ctx): Promise<SeedResult> {
    const info = backendInfo();
    const rng = createRng(ctx.seed);
    const maxAbsError = verifyProduct(rng.nextSeed(), rng.nextSeed());
    const timings: { step: number; value: number }[] = [];
    const n = config.matrixSize;
    const [a, b] = [tf.randomNormal([n, n], 0, 1, "float32", rng.nextSeed()), tf.randomNormal([n, n], 0, 1, "float32", rng.nextSeed())];
    try {
      tf.tidy(() => tf.matMul(a, b).dataSync()); // warm-up: kernel set-up is not part of the timing
      for (let i = 0; i < config.repeats; i++) {
        const started = performance.now();
        tf.tidy(() => tf.matMul(a, b).dataSync());
        timings.push({ step: i, value: performance.now() - started });
        ctx.progress((i + 1) / config.repeats);
      }
    } finally {
      a.dispose();
      b.dispose();
    }
    const medianMs = median(timings.map((t) => t.value));
    return Promise.resolve({
      series: { matmulMs: timings },
      final: { matmulMedianMs: medianMs, gflops: (2 * n * n * n) / (medianMs * 1e6), maxAbsError },
      notes: { backend: info.name, forced: info.forced, reason: info.reason, attempts: info.attempts, requested: ctx.backend ?? AUTO },
    });
  },
  checks(_config, results): Check[] {
    return results.flatMap((result) => {
      const notes = result.notes ?? {};
      const name = noteString(notes, "backend");
      const requested = noteString(notes, "requested");
      const attempts = (notes["attempts"] ?? []) as readonly { name: string; ok: boolean }[];
      const firstOk = attempts.find((a) => a.ok)?.name;
      const maxAbsError = result.final["maxAbsError"] ?? Number.NaN;
      return [
        {
          name: "a backend loaded",
          expected: `one of ${PREFERENCE.join(", ")}`,
          observed: name,
          pass: (PREFERENCE as readonly string[]).includes(name),
        },
        requested === AUTO
          ? {
              name: "preference order respected",
              expected: `the first of ${PREFERENCE.join(" > ")} that loads (${firstOk ?? "none"})`,
              observed: name,
              pass: firstOk === name,
            }
          : {
              name: "forced backend honoured",
              expected: requested,
              observed: name,
              pass: requested === name,
            },
        {
          name: "matMul agrees with a host float64 product",
          expected: `max |error| <= ${VERIFY_TOLERANCE} at ${VERIFY_SIZE}x${VERIFY_SIZE}`,
          observed: maxAbsError.toExponential(2),
          pass: maxAbsError <= VERIFY_TOLERANCE,
        },
      ];
    });
  },
  charts: [{ title: "dense matMul time per repeat", series: ["matmulMs"], yLabel: "ms" }],
});

/** Max |backend product - host product| for random VERIFY_SIZE matrices. */
function verifyProduct(seedA: number, seedB: number): number {
  const n = VERIFY_SIZE;
  return tf.tidy(() => {
    const a = tf.randomUniform([n, n], -1, 1, "float32", seedA);
    const b = tf.randomUniform([n, n], -1, 1, "float32", seedB);
    const got = tf.matMul(a, b).dataSync();
    const [ha, hb] = [a.dataSync(), b.dataSync()];
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += (ha[i * n + k] ?? 0) * (hb[k * n + j] ?? 0);
        worst = Math.max(worst, Math.abs(sum - (got[i * n + j] ?? 0)));
      }
    }
    return worst;
  });
}

function noteString(notes: Readonly<Record<string, unknown>>, key: string): string {
  const value = notes[key];
  return typeof value === "string" ? value : `(missing ${key})`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
