/**
 * A policy wrapper that keeps the beliefs its policy was shown, cycle by cycle: for checking what the
 * controller disclosed (a worked example's "beliefs at cycle 4") without changing what the policy does.
 */
import type { AgentBeliefs } from "./agent-beliefs.js";
import type { AgentPolicy } from "./agent-policy.js";

/** The wrapped policy and the beliefs it has been shown so far. */
export interface BeliefRecording {
  /** Behaves as the wrapped policy (same name, proposals and feedback). */
  readonly policy: AgentPolicy;
  /** The beliefs of every observation the policy was asked to propose for, in order. */
  readonly seen: readonly AgentBeliefs[];
}

/**
 * Wrap `policy` so that the beliefs of each observation it proposes for are kept in `seen`.
 *
 * @example
 * ```ts
 * const { policy, seen } = recordBeliefs(createScriptedPolicy(steps));
 * runLabLoop({ world, policy, controller });
 * seen[3]?.epistemicInsolvent; // what the policy was told at cycle 4
 * ```
 */
export function recordBeliefs(policy: AgentPolicy): BeliefRecording {
  const seen: AgentBeliefs[] = [];
  return {
    seen,
    policy: {
      name: policy.name,
      propose(observation) {
        seen.push(observation.beliefs);
        return policy.propose(observation);
      },
      observe(feedback) {
        policy.observe(feedback);
      },
    },
  };
}
