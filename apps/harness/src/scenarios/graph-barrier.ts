/**
 * Scenario `graph-barrier`: token budgets under the relativistic barrier (@tam/graph; seed 002 L638, L746,
 * L752-766, L967-968; SEED-INVENTORY §4.4, H002-D; issue 8 items 4 and 9). A graph with all-to-all edges learns
 * a ring of coupled oscillators under the LC objective `L_task · mean γ_m(C_m)` with the hard clip; the
 * SuperGraph splits a total token budget T over the modules with the budget law (`distributeTokens`, ADR 0402)
 * every few steps. Swept over T. Checks: complexity never exceeds a limit; under tight budgets it approaches
 * the limit; the task loss falls as tokens grow.
 */
import { GraphTrainer, SuperGraph, columnStats, coupledOscillators, dynamicsGraph, moduleComplexity, sampleSystem, standardise } from "@tam/graph";
import { createRng, tf } from "@tam/tensor-backend";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** "Approaches the limit": the peak C_m / limit_m under a tight budget is at least this (ADR 0403). */
const APPROACH_RATIO = 0.9;

const configSchema = z
  .object({
    oscillators: z.number().int().min(2).default(3),
    budgets: z.array(z.number().positive()).min(2).default([11, 13, 16, 20, 26, 36, 56]),
    /** Budgets below this are "tight": the unconstrained fit uses more (measured ≈ 19 tokens for 3 oscillators). */
    tightBelow: z.number().positive().default(17),
    steps: z.number().int().min(10).default(600),
    distributeEvery: z.number().int().min(1).default(20),
    trajectorySteps: z.number().int().min(20).default(300),
    dt: z.number().positive().default(0.05),
    noise: z.number().min(0).default(0.001),
    learningRate: z.number().positive().default(0.01),
    stepSizeDamping: z.boolean().default(false),
  })
  .strict();

/** The `graph-barrier` scenario. */
export const graphBarrierScenario = defineScenario({
  name: "graph-barrier",
  description: "Token budgets and the relativistic barrier: complexity approaches but never exceeds the limit; task loss vs tokens (seed 002, @tam/graph)",
  configSchema,
  quick: { budgets: [11, 16, 36], steps: 200 },
  defaultSeeds: 2,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const n = config.oscillators;
    const system = coupledOscillators(n);
    const trajs = [0, 1, 2].map((i) => {
      const r = root.fork(`x0-${i}`);
      return sampleSystem(system, { x0: system.variables.map(() => r.normal()), steps: config.trajectorySteps, dt: config.dt, noise: config.noise }, root.fork(`traj-${i}`));
    });
    const { mean, std } = columnStats(trajs);
    const train = trajs.slice(0, 2).map((t) => standardise(t, mean, std));
    const test = standardise(trajs[2] as (typeof trajs)[number], mean, std);
    const lossVsTokens: SeriesPoint[] = [];
    const complexityVsTokens: SeriesPoint[] = [];
    const peakRatioVsTokens: SeriesPoint[] = [];
    const series: Record<string, SeriesPoint[]> = { testLossVsTokens: lossVsTokens, complexityVsTokens, peakRatioVsTokens };
    const final: Record<string, number> = {};
    let overallPeak = 0;
    config.budgets.forEach((budget, bi) => {
      const { graph, observed } = dynamicsGraph({ groups: Array.from({ length: n }, (_, i) => ({ node: `o${i}`, columns: [2 * i, 2 * i + 1] })) }, root.fork(`graph-${budget}`));
      const trainer = new GraphTrainer(graph, train, { observed, learningRate: config.learningRate, trainUpdateFrequencies: false, barrier: { stepSize: config.stepSizeDamping } }, root.fork(`train-${budget}`));
      const superGraph = new SuperGraph(graph, { complexityTokenBound: budget });
      const complexities = (): Map<string, number> => new Map(graph.allModules().map((m) => [m.id, tf.tidy(() => moduleComplexity(m).dataSync()[0] as number)]));
      superGraph.distributeTokens(complexities());
      const ratioTrace: SeriesPoint[] = [];
      let peak = 0;
      let reverted = 0;
      for (let step = 1; step <= config.steps; step += 1) {
        const report = trainer.step();
        let ratio = 0;
        for (const m of report.modules) {
          ratio = Math.max(ratio, m.complexity / m.limit);
          superGraph.recordGain(m.id, m.taskGradNorm);
          if (m.backtracks < 0) reverted += 1;
        }
        peak = Math.max(peak, ratio);
        if (step % config.distributeEvery === 0) {
          superGraph.distributeTokens(complexities());
          ratioTrace.push({ step, value: ratio });
        }
        ctx.progress((bi + step / config.steps) / config.budgets.length);
      }
      const total = [...complexities().values()].reduce((s, c) => s + c, 0);
      const loss = trainer.oneStepError([test]).nmse;
      lossVsTokens.push({ step: budget, value: loss });
      complexityVsTokens.push({ step: budget, value: total });
      peakRatioVsTokens.push({ step: budget, value: peak });
      series[`maxRatio_T${budget}`] = ratioTrace;
      final[`testLoss_T${budget}`] = loss;
      final[`complexity_T${budget}`] = total;
      final[`peakRatio_T${budget}`] = peak;
      final[`reverted_T${budget}`] = reverted;
      overallPeak = Math.max(overallPeak, peak);
      trainer.dispose();
      graph.dispose();
    });
    final["peakRatio"] = overallPeak;
    return Promise.resolve({ series, final });
  },
  checks(config, results): readonly Check[] {
    const budgets = config.budgets;
    const tight = budgets.filter((b) => b < config.tightBelow);
    const mean = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / Math.max(1, results.length);
    const smallest = Math.min(...budgets);
    const largest = Math.max(...budgets);
    return [
      {
        name: "complexity never exceeds its token limit (every module, every step, every budget)",
        expected: "max over steps and modules of C_m / limit_m <= 1",
        observed: `peak ratio per seed: ${results.map((r) => (r.final["peakRatio"] ?? Number.NaN).toFixed(4)).join(", ")}`,
        pass: results.length > 0 && results.every((r) => (r.final["peakRatio"] ?? Infinity) <= 1),
      },
      {
        name: "under tight budgets complexity approaches the limit",
        expected: `peak C_m / limit_m >= ${APPROACH_RATIO} for every budget below ${config.tightBelow} tokens (${tight.join(", ") || "none"})`,
        observed: tight.map((b) => `T=${b}: ${results.map((r) => (r.final[`peakRatio_T${b}`] ?? Number.NaN).toFixed(3)).join("/")}`).join("; "),
        pass: tight.length > 0 && results.every((r) => tight.every((b) => (r.final[`peakRatio_T${b}`] ?? 0) >= APPROACH_RATIO)),
      },
      {
        name: "task loss falls as tokens grow",
        expected: `mean test loss at T=${largest} < mean test loss at T=${smallest} / 10`,
        observed: budgets.map((b) => `T=${b}: ${mean(`testLoss_T${b}`).toExponential(2)}`).join(", "),
        pass: mean(`testLoss_T${largest}`) < mean(`testLoss_T${smallest}`) / 10,
      },
    ];
  },
  charts: [
    { title: "Test one-step loss vs token budget (x = total tokens T)", series: ["testLossVsTokens"], yLabel: "standardised MSE" },
    { title: "Complexity used vs token budget (x = T)", series: ["complexityVsTokens"], yLabel: "tokens" },
    { title: "Peak C_m / limit_m vs token budget (x = T)", series: ["peakRatioVsTokens"], yLabel: "ratio" },
  ],
});
