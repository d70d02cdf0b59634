/**
 * Scenario `graph-black-hole`: transients recalled from the prototype cache make recovery from a recurring
 * disruption faster (@tam/graph; seed 002 L831-873, L850, L975, L981; SEED-INVENTORY §4.7, E4; issue 8 items 5
 * and 9; ADR 0408). A graph (one node per cell of a ring, edges from the neighbours) is trained on calm data and
 * frozen; then it follows a stream in which a "black hole" (a pull toward a level on the cells near a moving
 * centre) appears, leaves, and recurs at other places. A {@link TransientFactory} spawns transients on novelty.
 * Two arms see the same stream: the prototype cache on (transients warm-start from the prototype stored when the
 * condition was seen before) and off (the control: every transient starts at zero).
 *
 * Recovery time of an episode (a settling time): steps after its onset until the one-step error (mean squared
 * over the cells) is within `band` of the onset excess, `error <= calm + band · (onset error − calm)`, for `hold`
 * consecutive steps (the episode length if never); calm = the mean error before the first episode.
 * Checks (one-sided sign tests over seed × recurrence pairs, ties count against): recovery on a recurrence with
 * the cache is shorter than the first time, and shorter than the control's on the same recurrence.
 */
import {
  GraphTrainer,
  TRANSIENT_COOLDOWN,
  TRANSIENT_LEARNING_RATE,
  TRANSIENT_MIN_AGE,
  TRANSIENT_PATIENCE,
  TRANSIENT_SPAWN_Z,
  TransientFactory,
  blackHoleWorld,
  dynamicsGraph,
  type BlackHoleEpisode,
  type Graph,
} from "@tam/graph";
import { createRng } from "@tam/tensor-backend";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

/** One-sided sign-test level of the checks. */
const SIGNIFICANCE = 0.05;
/** Recurrences with the cache must take at most this fraction of the first recovery on average. */
const SPEED_UP_RATIO = 0.5;

const configSchema = z
  .object({
    cells: z.number().int().min(3).default(8),
    radius: z.number().int().min(0).default(1),
    moveEvery: z.number().int().min(1).default(10),
    strength: z.number().positive().max(1).default(0.3),
    level: z.number().default(3),
    noise: z.number().positive().default(0.05),
    historyLength: z.number().int().min(2).default(2),
    calmSteps: z.number().int().min(20).default(400),
    pretrainSteps: z.number().int().min(1).default(300),
    /** Calm stream steps before the first episode (the novelty baseline needs about 50). */
    lead: z.number().int().min(55).default(90),
    episodeLength: z.number().int().min(5).default(40),
    gap: z.number().int().min(10).default(50),
    recurrences: z.number().int().min(1).default(3),
    /** Recovered = the error is back within this fraction of the onset excess over the calm error (a settling band). */
    band: z.number().gt(0).lt(1).default(0.1),
    hold: z.number().int().min(1).default(2),
    /** Transient factory settings (defaults: the package's, ADR 0408). */
    transients: z
      .object({
        spawnZ: z.number().positive(),
        learningRate: z.number().positive(),
        minAge: z.number().int().min(1),
        patience: z.number().int().min(1),
        cooldown: z.number().int().min(0),
      })
      .strict()
      .default({ spawnZ: TRANSIENT_SPAWN_Z, learningRate: TRANSIENT_LEARNING_RATE, minAge: TRANSIENT_MIN_AGE, patience: TRANSIENT_PATIENCE, cooldown: TRANSIENT_COOLDOWN }),
  })
  .strict();

type Config = z.output<typeof configSchema>;

/** The episodes: the first after `lead`, then `recurrences` more, each at a seeded position of the ring. */
function schedule(config: Config, seed: number): BlackHoleEpisode[] {
  const rng = createRng(seed).fork("positions");
  return Array.from({ length: config.recurrences + 1 }, (_, k) => ({ start: config.lead + k * (config.episodeLength + config.gap), length: config.episodeLength, position: rng.int(0, config.cells) }));
}

/** Steps after the onset until the error stays at or below the threshold for `hold` steps (capped). */
export function recoveryTime(errors: readonly number[], onset: number, length: number, threshold: number, hold: number): number {
  for (let k = 1; k < length; k += 1) {
    let ok = true;
    for (let j = 0; j < hold; j += 1) if (!((errors[onset + k + j] ?? Number.POSITIVE_INFINITY) <= threshold)) ok = false;
    if (ok) return k;
  }
  return length;
}

/** One-sided sign test: P(at least `wins` of `n` fair coin flips). */
export function signTestP(wins: number, n: number): number {
  let p = 0;
  let c = 1;
  for (let k = 0; k <= n; k += 1) {
    if (k >= wins) p += c;
    c = (c * (n - k)) / (k + 1);
  }
  return p / 2 ** n;
}

/** Copy every trainable value of `from` into the same-named variable of `to` (graphs built alike). */
function copyValues(from: Graph, to: Graph): void {
  const target = to.trainableVariables();
  for (const [name, v] of Object.entries(from.trainableVariables())) (target[name] as (typeof target)[string]).assign(v);
}

/** The `graph-black-hole` scenario. */
export const graphBlackHoleScenario = defineScenario({
  name: "graph-black-hole",
  description: "Transients and the prototype cache on the moving/recurring black hole: recovery on recurrence is faster than the first time and than without the cache (seed 002, @tam/graph)",
  configSchema,
  quick: { cells: 6, calmSteps: 300, pretrainSteps: 150, lead: 55, episodeLength: 20, gap: 30, recurrences: 3 },
  defaultSeeds: 3,
  runSeed(config, ctx): Promise<SeedResult> {
    const root = createRng(ctx.seed);
    const n = config.cells;
    const h = config.historyLength;
    const physics = { cells: n, radius: config.radius, moveEvery: config.moveEvery, strength: config.strength, level: config.level, noise: config.noise };
    const episodes = schedule(config, ctx.seed);
    const last = episodes[episodes.length - 1] as BlackHoleEpisode;
    const calm = blackHoleWorld({ ...physics, steps: config.calmSteps, episodes: [] }, root.fork("calm"));
    const world = blackHoleWorld({ ...physics, steps: last.start + last.length + config.gap, episodes }, root.fork("world"));
    const ring = (a: string, b: string): boolean => {
      const d = Math.abs(Number(a.slice(1)) - Number(b.slice(1)));
      return d === 1 || d === n - 1;
    };
    const build = (): ReturnType<typeof dynamicsGraph> => dynamicsGraph({ groups: Array.from({ length: n }, (_, i) => ({ node: `c${i}`, columns: [i] })), historyLength: h, neighbours: ring }, root.fork("graph"));
    const cached = build();
    const control = build();
    const trainer = new GraphTrainer(cached.graph, [calm.trajectory], { observed: cached.observed, trainUpdateFrequencies: false }, root.fork("pretrain"));
    for (let s = 0; s < config.pretrainSteps; s += 1) {
      trainer.step();
      ctx.progress((0.2 * (s + 1)) / config.pretrainSteps);
    }
    const calmNmse = trainer.oneStepError([calm.trajectory]).nmse;
    trainer.dispose();
    copyValues(cached.graph, control.graph);
    const series: Record<string, SeriesPoint[]> = {};
    const final: Record<string, number> = { calmNmse };
    const t = world.trajectory;
    const rows = t.steps - h;
    [
      { arm: "cache", built: cached, reuse: true },
      { arm: "control", built: control, reuse: false },
    ].forEach(({ arm, built, reuse }, a) => {
      const factory = new TransientFactory(built.graph, { observed: built.observed, reuse, ...config.transients });
      // errors[i] is the error predicting row i + h from rows i .. i + h − 1, i.e. transition s = i + h − 1.
      const errors: number[] = [];
      for (let i = 0; i < rows; i += 1) {
        errors.push(factory.step(t.values.subarray(i * n, (i + h + 1) * n)).error);
        ctx.progress(0.2 + (0.8 * (a + (i + 1) / rows)) / 2);
      }
      const onsetIndex = (e: BlackHoleEpisode): number => e.start - (h - 1);
      const calmErrors = errors.slice(10, onsetIndex(episodes[0] as BlackHoleEpisode));
      const calmLevel = calmErrors.reduce((s, e) => s + e, 0) / Math.max(1, calmErrors.length);
      series[`error_${arm}`] = errors.map((value, i) => ({ step: i + h - 1, value }));
      const recovery = episodes.map((e) => recoveryTime(errors, onsetIndex(e), e.length, calmLevel + config.band * ((errors[onsetIndex(e)] ?? calmLevel) - calmLevel), config.hold));
      series[`recovery_${arm}`] = recovery.map((value, k) => ({ step: k, value }));
      episodes.forEach((e, k) => {
        final[`recovery${k}_${arm}`] = recovery[k] as number;
        final[`excess${k}_${arm}`] = errors.slice(onsetIndex(e), onsetIndex(e) + 10).reduce((s, x) => s + x, 0) / calmLevel;
      });
      final[`calmError_${arm}`] = calmLevel;
      final[`spawns_${arm}`] = factory.records.length;
      final[`recalled_${arm}`] = factory.records.filter((r) => r.recalled).length;
      final[`consolidated_${arm}`] = factory.records.filter((r) => r.status === "consolidated").length;
      final[`materialised_${arm}`] = factory.records.filter((r) => r.status === "materialised").length;
      final[`prototypes_${arm}`] = factory.cache.size;
      factory.dispose();
      built.graph.dispose();
    });
    final["episodes"] = episodes.length;
    return Promise.resolve({ series, final });
  },
  checks(config, results): readonly Check[] {
    const recurrences = Array.from({ length: config.recurrences }, (_, k) => k + 1);
    const get = (r: SeedResult, key: string): number => r.final[key] ?? Number.NaN;
    const pairs = (other: (r: SeedResult, k: number) => number): { wins: number; n: number; p: number } => {
      let wins = 0;
      let count = 0;
      for (const r of results) {
        for (const k of recurrences) {
          count += 1;
          if (get(r, `recovery${k}_cache`) < other(r, k)) wins += 1;
        }
      }
      return { wins, n: count, p: count === 0 ? 1 : signTestP(wins, count) };
    };
    const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    const firstMean = mean(results.map((r) => get(r, "recovery0_cache")));
    const recurMean = mean(results.flatMap((r) => recurrences.map((k) => get(r, `recovery${k}_cache`))));
    const controlMean = mean(results.flatMap((r) => recurrences.map((k) => get(r, `recovery${k}_control`))));
    const vsFirst = pairs((r) => get(r, "recovery0_cache"));
    const vsControl = pairs((r, k) => get(r, `recovery${k}_control`));
    const list = (arm: string): string => results.map((r) => `[${Array.from({ length: config.recurrences + 1 }, (_, k) => get(r, `recovery${k}_${arm}`)).join(",")}]`).join(" ");
    return [
      {
        name: "with the prototype cache, recovery on recurrence is faster than the first time",
        expected: `one-sided sign test over seed × recurrence pairs p <= ${SIGNIFICANCE}, and mean recurrence recovery <= ${SPEED_UP_RATIO} × mean first recovery`,
        observed: `wins ${vsFirst.wins}/${vsFirst.n}, p = ${vsFirst.p.toFixed(4)}; mean first ${firstMean.toFixed(1)} steps, recurrences ${recurMean.toFixed(1)} steps; recoveries per seed (first, recurrences): ${list("cache")}`,
        pass: vsFirst.n > 0 && vsFirst.p <= SIGNIFICANCE && recurMean <= SPEED_UP_RATIO * firstMean,
      },
      {
        name: "on the same recurrences the cache recovers faster than the control without it",
        expected: `one-sided sign test over seed × recurrence pairs p <= ${SIGNIFICANCE}`,
        observed: `wins ${vsControl.wins}/${vsControl.n}, p = ${vsControl.p.toFixed(4)}; mean recurrence recovery ${recurMean.toFixed(1)} (cache) vs ${controlMean.toFixed(1)} (control); control per seed: ${list("control")}`,
        pass: vsControl.n > 0 && vsControl.p <= SIGNIFICANCE,
      },
      {
        name: "transients are consolidated or materialised, never deleted, and prototypes are recalled",
        expected: "every seed: at least one transient consolidated (its record kept), at least one recall with the cache, none without",
        observed: results.map((r) => `spawned ${get(r, "spawns_cache")}, consolidated ${get(r, "consolidated_cache")}, recalled ${get(r, "recalled_cache")}/${get(r, "recalled_control")}, prototypes ${get(r, "prototypes_cache")}`).join("; "),
        pass: results.length > 0 && results.every((r) => get(r, "recalled_cache") >= 1 && get(r, "recalled_control") === 0 && get(r, "consolidated_cache") >= 1),
      },
    ];
  },
  charts: [
    { title: "One-step error, prototype cache on (x = stream step)", series: ["error_cache"], yLabel: "mean squared error" },
    { title: "One-step error, control without the cache (x = stream step)", series: ["error_control"], yLabel: "mean squared error" },
    { title: "Recovery time per episode (x = episode; 0 = first)", series: ["recovery_cache", "recovery_control"], yLabel: "steps" },
  ],
});
