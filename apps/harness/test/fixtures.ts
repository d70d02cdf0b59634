// Small scenarios for exercising the harness itself (not registered in the CLI).
import { z } from "zod";
import { defineScenario } from "../src/scenario.js";

/** A deterministic scenario whose single check passes iff `target` <= 10. */
export const countingScenario = defineScenario({
  name: "counting",
  description: "counts to `steps` and checks a threshold",
  configSchema: z.object({ steps: z.number().int().min(1).default(20), target: z.number().default(5) }),
  quick: { steps: 4 },
  defaultSeeds: 2,
  runSeed(config, ctx) {
    const series = Array.from({ length: config.steps }, (_, i) => ({ step: i, value: ctx.seed * i }));
    ctx.progress(1);
    return Promise.resolve({ series: { count: series }, final: { last: ctx.seed * (config.steps - 1), target: config.target } });
  },
  checks(config) {
    return [{ name: "target within limit", expected: "<= 10", observed: String(config.target), pass: config.target <= 10 }];
  },
});

/** A scenario without a `steps` field. */
export const noStepsScenario = defineScenario({
  name: "no-steps",
  description: "has no steps setting",
  configSchema: z.object({ size: z.number().int().min(1).default(3) }),
  quick: {},
  defaultSeeds: 1,
  runSeed() {
    return Promise.resolve({ series: {}, final: { size: 1 } });
  },
  checks() {
    return [];
  },
});
