// A scenario with one field of every sweepable type, for the sweep tests (not registered in the CLI).
import { z } from "zod";
import { defineScenario } from "../src/scenario.js";

/**
 * Final metric `score` = rate * seed (+ 100 when `boost`); its one check passes iff score <= limit.
 * `mode` only travels through the config; `label=boom` makes seed 2 throw.
 */
export const typedScenario = defineScenario({
  name: "typed",
  description: "one field of every sweepable type",
  configSchema: z
    .object({
      rate: z.number().positive().default(1),
      count: z.number().int().min(1).max(10).default(2),
      boost: z.boolean().default(false),
      mode: z.enum(["fast", "slow"]).default("fast"),
      label: z.string().default("plain"),
      version: z.literal(3).default(3),
      limit: z.number().default(1000),
      tags: z.array(z.string()).default([]),
    })
    .strict(),
  quick: { count: 1 },
  defaultSeeds: 2,
  runSeed(config, ctx) {
    if (config.label === "boom" && ctx.seed === 2) return Promise.reject(new Error("boom on seed 2"));
    const score = config.rate * ctx.seed + (config.boost ? 100 : 0);
    ctx.progress(1);
    return Promise.resolve({ series: { score: [{ step: 0, value: score }] }, final: { score, count: config.count } });
  },
  checks(config, results) {
    const scores = results.map((r) => r.final["score"] ?? Number.NaN);
    return [{ name: "score within limit", expected: `<= ${config.limit}`, observed: scores.join(", "), pass: scores.every((s) => s <= config.limit) }];
  },
});
