/**
 * A policy that proposes a fixed list of actions and claims: replays the seed's worked examples.
 *
 * Source: `003_9e0f6a831bfd364e.txt` L265–330.
 */
import type { AgentPolicy, Proposal } from "./agent-policy.js";
import { findTemplate, findTermination } from "./agent-policy.js";

/** One scripted step: a template name and the claim in bits (default 0). */
export interface ScriptedStep {
  readonly template: string;
  readonly claimedBits?: number;
}

/**
 * Create a policy that proposes `steps` in order, whatever happens, then terminates.
 *
 * @example
 * ```ts
 * const policy = createScriptedPolicy([
 *   { template: "dose_response", claimedBits: 1.0 },
 *   { template: "baseline_replicates" },
 * ]);
 * ```
 */
export function createScriptedPolicy(steps: readonly ScriptedStep[]): AgentPolicy {
  let index = 0;
  return {
    name: "scripted",
    propose(observation): Proposal {
      const step = steps[index];
      index += 1;
      if (step === undefined) return { action: findTermination(observation.templates, "createScriptedPolicy"), claimedBits: 0 };
      return {
        action: findTemplate(observation.templates, step.template, "createScriptedPolicy"),
        claimedBits: step.claimedBits ?? 0,
      };
    },
    observe() {
      // A script does not learn.
    },
  };
}
