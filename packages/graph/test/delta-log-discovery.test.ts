// Equation discovery from a Δ-state log (issue 8 item 7): states recorded in @tam/sparse-core's
// DeltaStateLog and read back with deltaFeatures give the same equations as the raw trajectory.
import { DeltaStateLog, deltaFeatures } from "@tam/sparse-core";
import { createRng } from "@tam/tensor-backend";
import { describe, expect, it } from "vitest";
import { compareEquations, dampedOscillator, discoverEquations, sampleSystem } from "../src/index.js";

const STEPS = 2000;
const DT = 0.01;

function logged(epsilon: number, coalesceSteps: number): ReturnType<typeof deltaFeatures> {
  const system = dampedOscillator();
  const data = sampleSystem(system, { x0: [1.2, 0.8], steps: STEPS, dt: DT }, createRng(1));
  const log = new DeltaStateLog(data.dim, { enabled: true, epsilon, coalesceSteps, horizonSteps: 4 * STEPS, nnzCapPerHorizon: 4 * STEPS * data.dim });
  for (let step = 0; step < data.steps; step += 1) log.record(data.values.subarray(step * data.dim, (step + 1) * data.dim), { step });
  return deltaFeatures(log, { secondsPerStep: DT });
}

describe("equation discovery from a Δ-state log", () => {
  it("recovers the damped oscillator from a lossless log (ε = 0) exactly as from the trajectory", () => {
    const system = dampedOscillator();
    const direct = discoverEquations(sampleSystem(system, { x0: [1.2, 0.8], steps: STEPS, dt: DT }, createRng(1)), system.variables, { degree: 2, threshold: 0.05 });
    const fromLog = discoverEquations(logged(0, 1).trajectory, system.variables, { degree: 2, threshold: 0.05 });
    expect(fromLog.text).toEqual(direct.text);
    const cmp = compareEquations(fromLog.equations, system.equations);
    expect(cmp.patternCorrect).toBe(true);
    expect(cmp.maxRelativeError).toBeLessThan(0.01);
  });

  it("still finds the right terms from a coalesced log with a small ε", () => {
    const system = dampedOscillator();
    const features = logged(1e-4, 2);
    expect(features.trajectory.dt).toBeCloseTo(2 * DT, 12);
    const cmp = compareEquations(discoverEquations(features.trajectory, system.variables, { degree: 2, threshold: 0.05 }).equations, system.equations);
    expect(cmp.patternCorrect).toBe(true);
    expect(cmp.maxRelativeError).toBeLessThan(0.02);
  });
});
