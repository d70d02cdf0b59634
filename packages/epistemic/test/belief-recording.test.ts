// recordBeliefs: a wrapped policy behaves as the policy it wraps and keeps every belief it was shown.
import { describe, expect, it } from "vitest";
import { EpistemicController, createLabWorld, createOverclaimerPolicy, initialBeliefs, recordBeliefs, runLabLoop } from "@tam/epistemic";

describe("recordBeliefs", () => {
  const run = (wrap: boolean) => {
    const inner = createOverclaimerPolicy();
    const recording = recordBeliefs(inner);
    const result = runLabLoop({ world: createLabWorld({ budgetWells: 960 }, 3), policy: wrap ? recording.policy : inner, controller: new EpistemicController(), maxCycles: 400 });
    return { result, seen: recording.seen, name: recording.policy.name, innerName: inner.name };
  };

  it("changes nothing the policy does: the same cycles as the bare policy", () => {
    expect(run(true).result.cycles).toEqual(run(false).result.cycles);
  });

  it("keeps one belief per proposal, in order: solvent at first, then insolvent after the blocking refusal", () => {
    const { result, seen, name, innerName } = run(true);
    expect(name).toBe(innerName);
    expect(seen.length).toBeGreaterThanOrEqual(result.cycles.length);
    expect(seen[0]).toEqual(initialBeliefs());
    expect(seen.at(-1)).toEqual(result.beliefs);
    expect(seen.some((beliefs) => beliefs.epistemicInsolvent)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.refusalCount).toBeGreaterThanOrEqual(seen[i - 1]?.refusalCount ?? 0);
  });
});
