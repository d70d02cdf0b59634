// Agent policies in the lab world (SEED-INVENTORY.md H003-12, §7.10; ADR 0108): the overclaimer pays in
// blocked cycles, the calibrated claimer is never blocked, the learner's blocked cycles fall.
import { describe, expect, it } from "vitest";
import {
  EpistemicController,
  createCalibratedPolicy,
  createLabWorld,
  createLearnerPolicy,
  createOverclaimerPolicy,
  quantile,
  runLabLoop,
} from "@tam/epistemic";
import type { AgentPolicy, LabRunResult } from "@tam/epistemic";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function run(policy: AgentPolicy, seed: number, budgetWells = 960): LabRunResult {
  return runLabLoop({ world: createLabWorld({ budgetWells }, seed), policy, controller: new EpistemicController(), maxCycles: 2000 });
}

function halves(result: LabRunResult): [number, number] {
  const half = Math.floor(result.cycles.length / 2);
  const blocked = (records: LabRunResult["cycles"]): number => records.filter((record) => record.blocked).length;
  return [blocked(result.cycles.slice(0, half)), blocked(result.cycles.slice(half))];
}

describe("policies on the same budget and seed", () => {
  const results = SEEDS.map((seed) => ({
    over: run(createOverclaimerPolicy(), seed),
    calibrated: run(createCalibratedPolicy(), seed),
    learner: run(createLearnerPolicy(), seed),
  }));

  it("the overclaimer has more blocked cycles than the calibrated agent, on every seed", () => {
    for (const { over, calibrated } of results) expect(over.blockedCycles).toBeGreaterThan(calibrated.blockedCycles);
  });

  it("the calibrated agent is never blocked and keeps its debt under the threshold", () => {
    for (const { calibrated } of results) {
      expect(calibrated.blockedCycles).toBe(0);
      expect(Math.max(...calibrated.cycles.map((c) => c.debtBits))).toBeLessThanOrEqual(2);
    }
  });

  it("the learner's blocked cycles fall: second half < first half across seeds", () => {
    let first = 0;
    let second = 0;
    for (const { learner } of results) {
      const [a, b] = halves(learner);
      first += a;
      second += b;
      expect(b).toBeLessThanOrEqual(a);
    }
    expect(second).toBeLessThan(first);
  });

  it("every run ends by termination or exhausted budget, never by the cycle cap", () => {
    for (const r of results) for (const result of [r.over, r.calibrated, r.learner]) expect(result.endReason).not.toBe("max_cycles");
  });

  it("the calibrated agent learns more bits than the overclaimer from the same budget", () => {
    const bits = (result: LabRunResult): number => result.cycles.reduce((sum, c) => sum + c.realisedBits, 0);
    let calibratedTotal = 0;
    let overTotal = 0;
    for (const { over, calibrated } of results) {
      calibratedTotal += bits(calibrated);
      overTotal += bits(over);
    }
    expect(calibratedTotal).toBeGreaterThan(overTotal);
  });
});

describe("determinism and learning", () => {
  it("same seed => identical runs; another seed => a different run", () => {
    expect(run(createLearnerPolicy(), 42)).toEqual(run(createLearnerPolicy(), 42));
    expect(run(createOverclaimerPolicy(), 42).cycles).not.toEqual(run(createOverclaimerPolicy(), 43).cycles);
  });

  it("the learner lowers its claim scale only after threshold refusals", () => {
    const learner = createLearnerPolicy({ initialScale: 1.5, learningRate: 0.5, minScale: 0.2 });
    const result = run(learner, 3);
    expect(result.blockedCycles).toBeGreaterThan(0);
    expect(learner.scale).toBeCloseTo(Math.max(0.2, 1.5 * 0.5 ** result.blockedCycles), 12);
  });

  it("policy options are validated by name", () => {
    expect(() => createLearnerPolicy({ learningRate: 1 })).toThrow(/learningRate/);
    expect(() => createCalibratedPolicy({ window: 0 })).toThrow(/window/);
    expect(() => createOverclaimerPolicy({ claimBits: -1 })).toThrow(/claimBits/);
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
  });
});
