/**
 * Scenario `graph-dynamics`: the graph learns known dynamics end to end (@tam/graph; seed 002 L241-244
 * "formalize optimization routines for update frequencies and temporal weights", "test convergence on known
 * differential equation datasets"; SEED-INVENTORY H002-C; issue 8 items 2 and 9). A damped oscillator and
 * Lotka-Volterra, one node per variable, all-to-all edges reading the two newest history rows, sparse-core
 * state functions, update frequencies and edge weights trained together (ADR 0401), against a dense recurrent
 * baseline with the same number of parameters, trained the same way. Reports one-step and rollout errors on a
 * held-out trajectory and convergence curves.
 */
import { DenseBaseline, GraphTrainer, columnStats, dampedOscillator, dynamicsGraph, lotkaVolterra, sampleSystem, standardise, type OdeSystem, type Trajectory } from "@tam/graph";
import { createRng, type Rng } from "@tam/tensor-backend";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** "Learns": the one-step error is at most this fraction of the hold-last-state predictor's (ADR 0401). */
const LEARNS_FRACTION = 0.05;
/** "Comparable to the dense baseline": one-step error at most this factor of the baseline's (ADR 0401). */
const BASELINE_FACTOR = 2;

const systemSchema = z
  .object({
    enabled: z.boolean().default(true),
    hidden: z.number().int().min(0).default(16),
    trajectories: z.number().int().min(1).default(4),
    trajectorySteps: z.number().int().min(20).default(400),
    dt: z.number().positive().default(0.05),
    noise: z.number().min(0).default(0.001),
  })
  .strict();

const configSchema = z
  .object({
    steps: z.number().int().min(1).default(2000),
    evalEvery: z.number().int().min(1).default(100),
    batchSize: z.number().int().min(1).default(64),
    learningRate: z.number().positive().default(0.01),
    rolloutSteps: z.number().int().min(1).default(100),
    rolloutStarts: z.number().int().min(1).default(4),
    oscillator: systemSchema.default(systemSchema.parse({ hidden: 4 })),
    lotkaVolterra: systemSchema.default(systemSchema.parse({})),
  })
  .strict();

type Config = z.output<typeof configSchema>;

interface SystemSpec {
  readonly key: "oscillator" | "lotkaVolterra";
  readonly system: OdeSystem;
  readonly x0: (rng: Rng) => number[];
}

const SYSTEMS: readonly SystemSpec[] = [
  { key: "oscillator", system: dampedOscillator(), x0: (r) => [r.uniform(-1.5, 1.5), r.uniform(-1.5, 1.5)] },
  { key: "lotkaVolterra", system: lotkaVolterra(), x0: (r) => [r.uniform(0.5, 1.6), r.uniform(0.5, 1.6)] },
];

/** Standardised MSE of a prediction `[steps·dim]` against rows `from…` of a trajectory. */
function rolloutError(pred: Float64Array, t: Trajectory, from: number, steps: number): number {
  let se = 0;
  for (let k = 0; k < steps; k += 1) for (let c = 0; c < t.dim; c += 1) se += ((pred[k * t.dim + c] as number) - (t.values[(from + k) * t.dim + c] as number)) ** 2;
  return se / (steps * t.dim);
}

/** One-step error of predicting "no change" (the trivial baseline). */
function holdError(t: Trajectory): number {
  let se = 0;
  for (let r = 1; r < t.steps; r += 1) for (let c = 0; c < t.dim; c += 1) se += ((t.values[r * t.dim + c] as number) - (t.values[(r - 1) * t.dim + c] as number)) ** 2;
  return se / ((t.steps - 1) * t.dim);
}

function runSystem(spec: SystemSpec, config: Config, rng: Rng, progress: (f: number) => void): { series: Record<string, SeriesPoint[]>; final: Record<string, number> } {
  const sc = config[spec.key];
  const count = sc.trajectories + 1;
  const raw = Array.from({ length: count }, (_, i) => sampleSystem(spec.system, { x0: spec.x0(rng.fork(`x0-${i}`)), steps: sc.trajectorySteps, dt: sc.dt, noise: sc.noise }, rng.fork(`traj-${i}`)));
  const { mean, std } = columnStats(raw);
  const all = raw.map((t) => standardise(t, mean, std));
  const train = all.slice(0, sc.trajectories);
  const test = all[sc.trajectories] as Trajectory;
  const groups = spec.system.variables.map((v, i) => ({ node: v, columns: [i] }));
  const { graph, observed } = dynamicsGraph({ groups, hidden: sc.hidden, lags: [1] }, rng.fork("graph"));
  const trainer = new GraphTrainer(graph, train, { observed, learningRate: config.learningRate, batchSize: config.batchSize }, rng.fork("train"));
  const params = Object.values(graph.trainableVariables()).reduce((s, v) => s + v.size, 0);
  const baseline = new DenseBaseline({ dim: spec.system.variables.length, lags: 2, parameters: params, learningRate: config.learningRate, batchSize: config.batchSize }, train, rng.fork("baseline"));
  const graphCurve: SeriesPoint[] = [];
  const baseCurve: SeriesPoint[] = [];
  for (let step = 0; step <= config.steps; step += 1) {
    if (step > 0) {
      trainer.step();
      baseline.step();
    }
    if (step % config.evalEvery === 0 || step === config.steps) {
      graphCurve.push({ step, value: trainer.oneStepError([test]).nmse });
      baseCurve.push({ step, value: baseline.oneStepError([test]) });
    }
    progress(step / config.steps);
  }
  const h = graph.nodes()[0]?.historyLength ?? 6;
  const span = Math.min(config.rolloutSteps, test.steps - h);
  const starts = Array.from({ length: config.rolloutStarts }, (_, i) => Math.floor((i * (test.steps - h - span)) / Math.max(1, config.rolloutStarts)));
  const graphRoll = trainer.rollout(test, starts, span);
  const gRoll = starts.reduce((s, start, i) => s + rolloutError(graphRoll[i] as Float64Array, test, start + h, span), 0) / starts.length;
  const bRoll = starts.reduce((s, start) => s + rolloutError(baseline.rollout(test, start + h - baseline.lags, span), test, start + h, span), 0) / starts.length;
  const p = graph.nodes().map((n) => n.updateProbability());
  const k = spec.key;
  const final: Record<string, number> = {
    [`${k}_graph_oneStep`]: graphCurve[graphCurve.length - 1]?.value ?? Number.NaN,
    [`${k}_baseline_oneStep`]: baseCurve[baseCurve.length - 1]?.value ?? Number.NaN,
    [`${k}_hold_oneStep`]: holdError(test),
    [`${k}_graph_rollout`]: gRoll,
    [`${k}_baseline_rollout`]: bRoll,
    [`${k}_graph_parameters`]: params,
    [`${k}_baseline_parameters`]: baseline.parameterCount,
    [`${k}_minUpdateFrequency`]: Math.min(...p),
  };
  trainer.dispose();
  baseline.dispose();
  graph.dispose();
  return { series: { [`${k}_graph_oneStep`]: graphCurve, [`${k}_baseline_oneStep`]: baseCurve }, final };
}

/** The `graph-dynamics` scenario. */
export const graphDynamicsScenario = defineScenario({
  name: "graph-dynamics",
  description: "The graph learns a damped oscillator and Lotka-Volterra end to end vs a dense recurrent baseline of equal parameters (seed 002, @tam/graph)",
  configSchema,
  quick: { steps: 400, evalEvery: 100, rolloutSteps: 60, rolloutStarts: 2 },
  defaultSeeds: 2,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const enabled = SYSTEMS.filter((s) => config[s.key].enabled);
    const series: Record<string, SeriesPoint[]> = {};
    const final: Record<string, number> = {};
    enabled.forEach((spec, i) => {
      const out = runSystem(spec, config, root.fork(spec.key), (f) => ctx.progress((i + f) / enabled.length));
      Object.assign(series, out.series);
      Object.assign(final, out.final);
    });
    return Promise.resolve({ series, final });
  },
  checks(config, results): readonly Check[] {
    const checks: Check[] = [];
    const mean = (key: string): number => results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / Math.max(1, results.length);
    for (const spec of SYSTEMS) {
      if (!config[spec.key].enabled) continue;
      const k = spec.key;
      checks.push({
        name: `${spec.system.name}: the graph learns the dynamics (one-step error far below holding the state)`,
        expected: `graph one-step standardised MSE <= ${LEARNS_FRACTION} × hold-last-state error, every seed`,
        observed: results.map((r) => `${(r.final[`${k}_graph_oneStep`] ?? Number.NaN).toExponential(2)} vs hold ${(r.final[`${k}_hold_oneStep`] ?? Number.NaN).toExponential(2)}`).join("; "),
        pass: results.length > 0 && results.every((r) => (r.final[`${k}_graph_oneStep`] ?? Infinity) <= LEARNS_FRACTION * (r.final[`${k}_hold_oneStep`] ?? 0)),
      });
      checks.push({
        name: `${spec.system.name}: one-step error comparable to the dense recurrent baseline with equal parameters`,
        expected: `mean graph one-step error <= ${BASELINE_FACTOR} × baseline's; parameter counts within 10 %`,
        observed: `graph ${mean(`${k}_graph_oneStep`).toExponential(2)} (${mean(`${k}_graph_parameters`)} params), baseline ${mean(`${k}_baseline_oneStep`).toExponential(2)} (${mean(`${k}_baseline_parameters`)} params); rollout graph ${mean(`${k}_graph_rollout`).toExponential(2)}, baseline ${mean(`${k}_baseline_rollout`).toExponential(2)}`,
        pass: mean(`${k}_graph_oneStep`) <= BASELINE_FACTOR * mean(`${k}_baseline_oneStep`) && Math.abs(mean(`${k}_graph_parameters`) - mean(`${k}_baseline_parameters`)) <= 0.1 * mean(`${k}_graph_parameters`),
      });
    }
    return checks;
  },
  charts: [
    { title: "Damped oscillator: held-out one-step error during training", series: ["oscillator_graph_oneStep", "oscillator_baseline_oneStep"], yLabel: "standardised MSE" },
    { title: "Lotka-Volterra: held-out one-step error during training", series: ["lotkaVolterra_graph_oneStep", "lotkaVolterra_baseline_oneStep"], yLabel: "standardised MSE" },
  ],
});
