/**
 * Scenario `neuromod-homeostasis` (seed `004_b9e7278aec0f8932.txt`; SEED-INVENTORY.md §9.5 H004-A/B,
 * §8; issue 10 item 8). After a shared warm-up at nominal load (local objective), four variants branch
 * from the same maps and state and run the same perturbed input load (a step up, then a slow drift
 * down, over a daily rhythm) with the same postsynaptic noise:
 *
 * - `fixed`: the warmed-up maps, frozen;
 * - `localOnly`: keep training with β = 0 (local-only objective);
 * - `traces`: the full Form A objective, β annealed from small, credit by eligibility traces;
 * - `critic`: the same with a learned critic instead of traces.
 *
 * Checks (ADR 0509): each perturbation is scored over its own window (step: from the step to the
 * drift's start; drift: from there to the end); in each, the full objective (traces and critic, both)
 * has higher RangeUtil, lower SatNT and lower EnergyCost than fixed maps, with β = 0 reported beside.
 * The cognitive term raises Eff_cog over β = 0, spreads the per-phase modulator profiles, and lowers
 * each phase's regret against the reference task's optimal profile (ADR 0508); traces vs critic
 * compared; the seed's invariants (terms in [0, 1], μ clamp, β annealed upward, a CFG node logged
 * every tick). The seed gives no quantitative results.
 */
import {
  REFERENCE_PHASES,
  ReceptorHomeostasis,
  ReferenceCognitiveSource,
  loadAt,
  parseLoadSchedule,
} from "@tam/neuromod";
import type { HomeostasisConfigInput, TickRecord } from "@tam/neuromod";
import { z } from "zod";
import { defineScenario, type Check, type SeedResult, type SeriesPoint } from "../scenario.js";

const VARIANTS = ["fixed", "localOnly", "traces", "critic"] as const;
type Variant = (typeof VARIANTS)[number];
/** The full objective (β > 0), with either credit method. */
const FULL = ["traces", "critic"] as const;
/** The two perturbations, each scored over its own window of the run: the step up, then the drift down. */
const PERTURBATIONS = ["step", "drift"] as const;
type Perturbation = (typeof PERTURBATIONS)[number];

const configSchema = z
  .object({
    /** Ticks of the shared warm-up at nominal load (local objective). */
    warmupTicks: z.number().int().min(1).max(100_000).default(300),
    /** Ticks each variant runs under the perturbed load. */
    ticks: z.number().int().min(30).max(100_000).default(1200),
    /** Load step factor, applied at `stepAtFraction` of the run. */
    stepFactor: z.number().positive().max(10).default(1.8),
    stepAtFraction: z.number().min(0).max(1).default(0.1),
    /** Drift: the load is multiplied by a factor going linearly to `driftFactor` over [driftFrom, driftTo] of the run. */
    driftFactor: z.number().positive().max(10).default(0.45),
    driftFromFraction: z.number().min(0).max(1).default(0.5),
    driftToFraction: z.number().min(0).max(1).default(0.9),
    /** Amplitude of the daily load rhythm. */
    dailyAmplitude: z.number().min(0).lt(1).default(0.1),
    /** Ticks per phase (CFG node) block of the reference cognitive source. */
    phaseTicks: z.number().int().min(1).default(20),
    /** β anneals from 0.05 to `betaEnd` over this fraction of the run. */
    betaEnd: z.number().min(0).max(10).default(1),
    betaAnnealFraction: z.number().min(0).max(1).default(0.25),
    /** Points per series kept in the report (ticks are averaged into this many bins). */
    chartPoints: z.number().int().min(10).max(2000).default(120),
  })
  .strict()
  .refine((c) => c.driftFromFraction < c.driftToFraction, { message: "driftFromFraction must be < driftToFraction", path: ["driftFromFraction"] })
  .refine((c) => Math.round(c.stepAtFraction * c.ticks) < Math.round(c.driftFromFraction * c.ticks) && Math.round(c.driftFromFraction * c.ticks) < c.ticks, {
    message: "the step's window [stepAtFraction, driftFromFraction) and the drift's [driftFromFraction, 1) of the run must each hold at least one tick",
    path: ["stepAtFraction"],
  });

type Config = z.output<typeof configSchema>;

function variantConfig(variant: Variant, config: Config): HomeostasisConfigInput {
  const beta = { start: 0.05, end: config.betaEnd, ticks: Math.round(config.betaAnnealFraction * config.ticks) };
  switch (variant) {
    case "fixed":
      return { train: false, credit: "none" };
    case "localOnly":
      return { train: true, credit: "none" };
    case "traces":
      return { train: true, credit: "trace", beta };
    case "critic":
      return { train: true, credit: "critic", beta };
  }
}

/** Running sums over the ticks of a variant. */
interface Tally {
  ticks: number;
  rangeUtil: number;
  inBand: number;
  saturation: number;
  energy: number;
  noiseLeak: number;
  activity: number;
  effCog: number;
  effLocal: number;
  termsOutOfRange: number;
  clampViolations: number;
  clampActiveTicks: number;
  missingNode: number;
  betaDecreases: number;
  firstBeta: number;
  lastBeta: number;
  phaseMu: Map<string, { n: number; mu: number[] }>;
  /** Sums over each perturbation's window. */
  windows: Record<Perturbation, { ticks: number; rangeUtil: number; saturation: number; energy: number }>;
}

function newTally(): Tally {
  return {
    ticks: 0, rangeUtil: 0, inBand: 0, saturation: 0, energy: 0, noiseLeak: 0, activity: 0, effCog: 0, effLocal: 0,
    termsOutOfRange: 0, clampViolations: 0, clampActiveTicks: 0, missingNode: 0, betaDecreases: 0,
    firstBeta: Number.NaN, lastBeta: Number.NaN, phaseMu: new Map(),
    windows: { step: { ticks: 0, rangeUtil: 0, saturation: 0, energy: 0 }, drift: { ticks: 0, rangeUtil: 0, saturation: 0, energy: 0 } },
  };
}

function record(tally: Tally, r: TickRecord, phases: readonly string[], clamp: { min: number; max: number }, perturbation: Perturbation | undefined): void {
  tally.ticks += 1;
  if (perturbation !== undefined) {
    const w = tally.windows[perturbation];
    w.ticks += 1;
    w.rangeUtil += r.rangeUtil;
    w.saturation += r.saturation;
    w.energy += r.energy;
  }
  tally.rangeUtil += r.rangeUtil;
  tally.inBand += r.inBand;
  tally.saturation += r.saturation;
  tally.energy += r.energy;
  tally.noiseLeak += r.noiseLeak;
  tally.activity += r.activity;
  tally.effCog += r.effCog;
  tally.effLocal += r.effLocalTotal;
  const unit = [r.activity, r.bindingFraction, r.saturation, r.rangeUtil, r.inBand, r.noiseLeak, r.energy];
  if (unit.some((x) => !(x >= 0 && x <= 1))) tally.termsOutOfRange += 1;
  if (r.modulators.some((m) => m < clamp.min - 1e-6 || m > clamp.max + 1e-6)) tally.clampViolations += 1;
  if (r.clampActive) tally.clampActiveTicks += 1;
  if (!phases.includes(r.cfgNode) || r.reading.cfgNode !== r.cfgNode) tally.missingNode += 1;
  if (Number.isNaN(tally.firstBeta)) tally.firstBeta = r.beta;
  if (r.beta < tally.lastBeta - 1e-12) tally.betaDecreases += 1;
  tally.lastBeta = r.beta;
  const entry = tally.phaseMu.get(r.cfgNode) ?? { n: 0, mu: r.modulators.map(() => 0) };
  entry.n += 1;
  r.modulators.forEach((m, i) => (entry.mu[i] = (entry.mu[i] ?? 0) + m));
  tally.phaseMu.set(r.cfgNode, entry);
}

/** Per-phase mean μ, phases in the given order. */
function phaseProfiles(tally: Tally, phases: readonly string[]): number[][] {
  return phases.map((p) => {
    const e = tally.phaseMu.get(p);
    return e === undefined ? [] : e.mu.map((m) => m / e.n);
  });
}

/** Mean pairwise L1 distance between the phases' mean μ profiles. */
function profileSpread(profiles: readonly (readonly number[])[]): number {
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < profiles.length; i += 1) {
    for (let j = i + 1; j < profiles.length; j += 1) {
      const a = profiles[i] ?? [];
      const b = profiles[j] ?? [];
      total += a.reduce((sum, x, k) => sum + Math.abs(x - (b[k] ?? 0)), 0);
      pairs += 1;
    }
  }
  return pairs === 0 ? 0 : total / pairs;
}

/** Mean over phases of the L2 distance between a phase's mean μ profile and the task's optimum for it. */
function distanceToOptimum(profiles: readonly (readonly number[])[], optima: readonly (readonly number[])[]): number {
  const d = profiles.map((p, i) => Math.sqrt(p.reduce((s, x, k) => s + (x - (optima[i]?.[k] ?? Number.NaN)) ** 2, 0)));
  return d.reduce((s, x) => s + x, 0) / d.length;
}

/** Average consecutive ticks into at most `bins` points. */
function binned(values: readonly { step: number; value: number }[], bins: number): SeriesPoint[] {
  const size = Math.max(1, Math.ceil(values.length / bins));
  const out: SeriesPoint[] = [];
  for (let i = 0; i < values.length; i += size) {
    const chunk = values.slice(i, i + size);
    out.push({ step: chunk[0]?.step ?? i, value: chunk.reduce((s, p) => s + p.value, 0) / chunk.length });
  }
  return out;
}

function mean(results: readonly SeedResult[], key: string): number {
  return results.reduce((s, r) => s + (r.final[key] ?? Number.NaN), 0) / results.length;
}

function fmt(x: number): string {
  return x.toFixed(3);
}

/** The `neuromod-homeostasis` scenario. */
export const neuromodHomeostasisScenario = defineScenario({
  name: "neuromod-homeostasis",
  description:
    "Receptor homeostasis (seed 004): trained maps vs fixed maps vs β = 0 under step and drift load perturbations; traces vs critic; phase-specific modulator profiles",
  configSchema,
  // The quick size keeps the full run length: with fewer ticks the drift window is too short for the
  // full objective to beat fixed maps on RangeUtil (ADR 0509: 240 and 720 ticks fail, 1200 passes).
  quick: { chartPoints: 60 },
  defaultSeeds: 2,
  runSeed(config, ctx): Promise<SeedResult> {
    const schedule = parseLoadSchedule({
      dailyAmplitude: config.dailyAmplitude,
      dayTicks: 200,
      steps: [{ atTick: Math.round(config.stepAtFraction * config.ticks), factor: config.stepFactor }],
      drift: {
        fromTick: Math.round(config.driftFromFraction * config.ticks),
        toTick: Math.max(Math.round(config.driftToFraction * config.ticks), Math.round(config.driftFromFraction * config.ticks) + 1),
        factor: config.driftFactor,
      },
    });
    const stepAt = Math.round(config.stepAtFraction * config.ticks);
    const driftFrom = Math.round(config.driftFromFraction * config.ticks);
    // The step's window runs from the step to the drift's start, the drift's from its start to the end.
    const perturbationAt = (i: number): Perturbation | undefined => (i >= driftFrom ? "drift" : i >= stepAt ? "step" : undefined);
    const totalTicks = config.warmupTicks + VARIANTS.length * config.ticks;
    let done = 0;
    const source = new ReferenceCognitiveSource({ phaseTicks: config.phaseTicks });
    const optima = source.phases.map((_, p) => source.optimalProfile(p));
    const base = new ReceptorHomeostasis({ train: true, credit: "none" }, { seed: ctx.seed, phases: source.phases });
    const series: Record<string, SeriesPoint[]> = {};
    const final: Record<string, number> = {};
    const profiles: Record<string, number[][]> = {};
    try {
      for (let t = 0; t < config.warmupTicks; t += 1) {
        base.tick(1, source);
        done += 1;
        if (done % 25 === 0) ctx.progress(done / totalTicks);
      }
      for (const variant of VARIANTS) {
        const homeostasis = base.clone(variantConfig(variant, config), ctx.seed);
        const variantSource = source.clone();
        const tally = newTally();
        const raw: Record<string, { step: number; value: number }[]> = {
          RangeUtil: [], SatNT: [], Energy: [], Activity: [], EffCog: [], MuNE: [], Mu5HT: [], MuDA: [], Load: [], Beta: [],
        };
        try {
          for (let i = 0; i < config.ticks; i += 1) {
            const r = homeostasis.tick(loadAt(i, schedule), variantSource);
            record(tally, r, source.phases, homeostasis.config.muClamp, perturbationAt(i));
            const push = (name: string, value: number): void => void raw[name]?.push({ step: i, value });
            push("RangeUtil", r.rangeUtil);
            push("SatNT", r.saturation);
            push("Energy", r.energy);
            push("Activity", r.activity);
            push("EffCog", r.effCog);
            push("MuNE", r.modulators[0] ?? Number.NaN);
            push("Mu5HT", r.modulators[1] ?? Number.NaN);
            push("MuDA", r.modulators[2] ?? Number.NaN);
            push("Load", r.load);
            push("Beta", r.beta);
            done += 1;
            if (done % 25 === 0) ctx.progress(done / totalTicks);
          }
        } finally {
          homeostasis.dispose();
        }
        for (const [name, values] of Object.entries(raw)) {
          if ((name === "Load" || name === "Beta") && variant !== "traces") continue;
          series[`${variant}${name}`] = binned(values, config.chartPoints);
        }
        const n = tally.ticks;
        final[`${variant}RangeUtil`] = tally.rangeUtil / n;
        final[`${variant}InBand`] = tally.inBand / n;
        final[`${variant}SatNT`] = tally.saturation / n;
        final[`${variant}Energy`] = tally.energy / n;
        final[`${variant}NoiseLeak`] = tally.noiseLeak / n;
        final[`${variant}Activity`] = tally.activity / n;
        final[`${variant}EffCog`] = tally.effCog / n;
        final[`${variant}EffLocalTotal`] = tally.effLocal / n;
        final[`${variant}TermsOutOfRange`] = tally.termsOutOfRange;
        final[`${variant}ClampViolations`] = tally.clampViolations;
        final[`${variant}ClampActiveTicks`] = tally.clampActiveTicks;
        final[`${variant}MissingCfgNode`] = tally.missingNode;
        final[`${variant}BetaDecreases`] = tally.betaDecreases;
        final[`${variant}BetaFirst`] = tally.firstBeta;
        final[`${variant}BetaLast`] = tally.lastBeta;
        for (const p of PERTURBATIONS) {
          const w = tally.windows[p];
          const name = `${p[0]?.toUpperCase() ?? ""}${p.slice(1)}`;
          final[`${variant}${name}RangeUtil`] = w.rangeUtil / w.ticks;
          final[`${variant}${name}SatNT`] = w.saturation / w.ticks;
          final[`${variant}${name}Energy`] = w.energy / w.ticks;
        }
        const profile = phaseProfiles(tally, source.phases);
        profiles[variant] = profile;
        final[`${variant}ProfileSpread`] = profileSpread(profile);
        final[`${variant}OptimumDistance`] = distanceToOptimum(profile, optima.map((o) => o.levels));
        // Regret of a phase's mean profile: how far the task's per-tick objective there falls short of its optimum.
        profile.forEach((mu, p) => (final[`${variant}RegretPhase${p}`] = (optima[p]?.value ?? Number.NaN) - source.profileObjective(p, mu)));
      }
    } finally {
      base.dispose();
    }
    ctx.progress(1);
    return Promise.resolve({ series, final, notes: { phases: [...source.phases], neurotransmitters: ["NE", "5HT", "DA"], phaseProfiles: profiles, optimalProfiles: optima.map((o) => [...o.levels]) } });
  },
  checks(_config, results): readonly Check[] {
    const m = (key: string): number => mean(results, key);
    const sum = (suffix: string): number => VARIANTS.reduce((s, v) => s + results.reduce((t, r) => t + (r.final[`${v}${suffix}`] ?? 1), 0), 0);
    const phaseIndices = REFERENCE_PHASES.map((_, p) => p);
    const windowChecks = PERTURBATIONS.flatMap((p): Check[] => {
      const name = `${p[0]?.toUpperCase() ?? ""}${p.slice(1)}`;
      const metric = (key: string, what: string, better: "up" | "down"): Check => {
        const observed = VARIANTS.map((v) => `${v} ${fmt(m(`${v}${name}${key}`))}`).join(", ");
        const beats = (v: string): boolean => (better === "up" ? m(`${v}${name}${key}`) > m(`fixed${name}${key}`) : m(`${v}${name}${key}`) < m(`fixed${name}${key}`));
        return {
          name: `${p} perturbation: the full objective ${what} than fixed maps (${key} ${better})`,
          expected: `mean ${key} over the ${p} window of traces and critic ${better === "up" ? ">" : "<"} fixed (localOnly, β = 0, reported beside)`,
          observed,
          pass: results.length > 0 && FULL.every(beats),
        };
      };
      return [
        metric("RangeUtil", "keeps S̄ in the operating band better", "up"),
        metric("SatNT", "saturates less", "down"),
        metric("Energy", "spends less energy", "down"),
      ];
    });
    return [
      ...windowChecks,
      {
        name: "the cognitive term raises Eff_cog over the local-only objective (β = 0)",
        expected: "mean Eff_cog of traces and critic > localOnly",
        observed: `localOnly ${fmt(m("localOnlyEffCog"))}, traces ${fmt(m("tracesEffCog"))}, critic ${fmt(m("criticEffCog"))}, fixed ${fmt(m("fixedEffCog"))}`,
        pass: results.length > 0 && m("tracesEffCog") > m("localOnlyEffCog") && m("criticEffCog") > m("localOnlyEffCog"),
      },
      {
        name: "the cognitive term changes which modulator profile each phase gets",
        expected: "spread of the per-phase mean μ profiles (mean pairwise L1) with traces > 2 × localOnly (their direction: the next check)",
        observed: `spread localOnly ${fmt(m("localOnlyProfileSpread"))}, traces ${fmt(m("tracesProfileSpread"))}, critic ${fmt(m("criticProfileSpread"))}`,
        pass: results.length > 0 && m("tracesProfileSpread") > 2 * m("localOnlyProfileSpread"),
      },
      {
        name: "the cognitive term moves each phase's modulator profile toward the reference task's optimum",
        expected:
          "in every phase, the regret J_p(optimum) − J_p(mean μ of the phase) of the task's per-tick objective (ReferenceCognitiveSource.profileObjective, optimalProfile) is lower for traces and for critic than for localOnly (the L2 distance to the optimum in μ is reported)",
        observed: `regret by phase ${phaseIndices.map((p) => VARIANTS.map((v) => `${v} ${fmt(m(`${v}RegretPhase${p}`))}`).join(" / ")).join("; ")}; mean L2 distance to the optimum localOnly ${fmt(m("localOnlyOptimumDistance"))}, traces ${fmt(m("tracesOptimumDistance"))}, critic ${fmt(m("criticOptimumDistance"))}`,
        pass: results.length > 0 && FULL.every((v) => phaseIndices.every((p) => m(`${v}RegretPhase${p}`) < m(`localOnlyRegretPhase${p}`))),
      },
      {
        name: "traces vs critic compared",
        expected: "both run to completion with finite Eff_cog and RangeUtil (comparison reported, no winner required)",
        observed: `Eff_cog traces ${fmt(m("tracesEffCog"))} vs critic ${fmt(m("criticEffCog"))}; RangeUtil traces ${fmt(m("tracesRangeUtil"))} vs critic ${fmt(m("criticRangeUtil"))}; better on Eff_cog: ${m("tracesEffCog") >= m("criticEffCog") ? "traces" : "critic"}`,
        pass: results.length > 0 && [m("tracesEffCog"), m("criticEffCog"), m("tracesRangeUtil"), m("criticRangeUtil")].every(Number.isFinite),
      },
      {
        name: "every local term is normalised to [0, 1] on every tick",
        expected: "0 ticks with S̄, B̄, SatNT, RangeUtil, NoiseLeak or EnergyCost outside [0, 1]",
        observed: String(sum("TermsOutOfRange")),
        pass: sum("TermsOutOfRange") === 0,
      },
      {
        name: "the μ safety clamp holds",
        expected: "0 ticks with μ outside the clamp",
        observed: `${sum("ClampViolations")} violations; clamp active on ${sum("ClampActiveTicks")} ticks`,
        pass: sum("ClampViolations") === 0,
      },
      {
        name: "DMN metrics are logged with a CFG node on every tick",
        expected: "0 ticks without a known CFG node",
        observed: String(sum("MissingCfgNode")),
        pass: sum("MissingCfgNode") === 0,
      },
      {
        name: "β anneals upward from small",
        expected: "traces and critic: β never decreases, starts ≤ 0.1 and ends at betaEnd",
        observed: `first ${fmt(m("tracesBetaFirst"))}, last ${fmt(m("tracesBetaLast"))}, decreases ${sum("BetaDecreases")}`,
        pass:
          sum("BetaDecreases") === 0 &&
          (["traces", "critic"] as const).every((v) => m(`${v}BetaFirst`) <= 0.1 && m(`${v}BetaLast`) > m(`${v}BetaFirst`)),
      },
    ];
  },
  charts: [
    { title: "Input load", series: ["tracesLoad"], yLabel: "load" },
    { title: "RangeUtil (S̄ in band over the window)", series: ["fixedRangeUtil", "localOnlyRangeUtil", "tracesRangeUtil", "criticRangeUtil"], yLabel: "fraction" },
    { title: "SatNT", series: ["fixedSatNT", "localOnlySatNT", "tracesSatNT", "criticSatNT"], yLabel: "fraction" },
    { title: "EnergyCost", series: ["fixedEnergy", "localOnlyEnergy", "tracesEnergy", "criticEnergy"], yLabel: "fraction" },
    { title: "Mean S̄", series: ["fixedActivity", "localOnlyActivity", "tracesActivity", "criticActivity"], yLabel: "S̄" },
    { title: "Eff_cog", series: ["fixedEffCog", "localOnlyEffCog", "tracesEffCog", "criticEffCog"], yLabel: "Eff_cog" },
    { title: "μ NE", series: ["localOnlyMuNE", "tracesMuNE", "criticMuNE"], yLabel: "μ" },
    { title: "μ 5HT", series: ["localOnlyMu5HT", "tracesMu5HT", "criticMu5HT"], yLabel: "μ" },
    { title: "μ DA", series: ["localOnlyMuDA", "tracesMuDA", "criticMuDA"], yLabel: "μ" },
    { title: "β", series: ["tracesBeta"], yLabel: "β" },
  ],
});
