import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { DEBT_THRESHOLD_BITS } from "@tam/epistemic";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMIT_ACTION } from "../src/agent/demo-agent.ts";
import { modulatorGains } from "../src/agent/modulator-gains.ts";
import { EXIT_OK, main } from "../src/main.ts";
import { runDemo, type DemoResult } from "../src/run-demo.ts";

const STEPS = 30;

describe("the agent loop", () => {
  let run: DemoResult;

  beforeAll(async () => {
    run = await runDemo({ seed: 1, steps: STEPS });
  }, 300_000);

  it("is deterministic per seed", async () => {
    const again = await runDemo({ seed: 1, steps: STEPS });
    expect(again.steps).toEqual(run.steps);
    expect(again.ticks).toEqual(run.ticks);
    const other = await runDemo({ seed: 2, steps: 5 });
    expect(other.steps.map((s) => s.claimedBits)).not.toEqual(run.steps.slice(0, 5).map((s) => s.claimedBits));
  }, 300_000);

  it("leaves no tensors behind", () => {
    expect(run.summary.tensorsLeaked).toBe(0);
  });

  it("enforces the debt threshold before every commitment and refuses above it", () => {
    let debt = 0;
    let budget = run.steps.length * 50;
    for (const step of run.steps) {
      if (step.action === "commit") {
        expect(debt, `step ${step.step}: committed with debt ${debt}`).toBeLessThanOrEqual(DEBT_THRESHOLD_BITS);
        const overclaim = Math.max(0, step.claimedBits - (step.realisedBits ?? Number.NaN));
        expect(step.debtBits).toBeCloseTo(debt + overclaim, 9);
        const charged = budget - step.budgetWells;
        expect(charged).toBeGreaterThanOrEqual(COMMIT_ACTION.costWells);
        expect(charged).toBeLessThanOrEqual(2 * COMMIT_ACTION.costWells);
      }
      if (step.refusal !== null) {
        expect(step.refusal).toBe("epistemic_debt_action_blocked");
        expect(debt).toBeGreaterThan(DEBT_THRESHOLD_BITS);
        expect(step.action).toBe("calibrate");
      }
      if (step.action === "calibrate") {
        expect(step.debtBits).toBeLessThan(debt + 1e-12);
        expect(step.realisedBits).toBeNull();
      }
      debt = step.debtBits;
      budget = step.budgetWells;
    }
    // Seed 1 overclaims early (the tube is still untrained), so the ledger refuses and forces calibration.
    expect(run.summary.refusals).toBeGreaterThan(0);
    expect(run.summary.calibrations).toBeGreaterThanOrEqual(run.summary.refusals);
  });

  it("runs each step with the gains of the modulators the previous step left", () => {
    run.steps.forEach((step, i) => {
      const previous = run.steps[i - 1];
      expect(step.gains).toEqual(modulatorGains(previous?.modulators ?? { NE: 0.5, "5HT": 0.5, DA: 0.5 }));
      for (const level of Object.values(step.modulators)) {
        expect(level).toBeGreaterThanOrEqual(0.05);
        expect(level).toBeLessThanOrEqual(0.95);
      }
      expect(Object.keys(step.modulators).sort()).toEqual(["5HT", "DA", "NE"]);
    });
  });

  it("grows the world model's structure, never shrinking it without a budget", () => {
    let cells = run.summary.initialBranchCells;
    for (const step of run.steps) {
      expect(step.branchCells).toBeGreaterThanOrEqual(cells);
      if (!step.growthCycle) expect(step.branchCells).toBe(cells);
      cells = step.branchCells;
    }
    expect(run.summary.growthCycles).toBeGreaterThan(0);
    expect(run.summary.finalBranchCells).toBeGreaterThan(run.summary.initialBranchCells);
  });

  it("records one world tick per horizon tick, with the tube around its centre", () => {
    expect(run.ticks).toHaveLength(STEPS * run.world.horizonTicks);
    for (const t of run.ticks) {
      expect(t.loX).toBeLessThan(t.muX);
      expect(t.hiX).toBeGreaterThan(t.muX);
      expect(Number.isFinite(t.x) && Number.isFinite(t.v)).toBe(true);
    }
  });
});

describe("tam-demo", () => {
  it("writes demo.json and dashboard.html", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tam-demo-cli-"));
    const out: string[] = [];
    const code = await main(new Command("tam-demo"), ["--steps", "3", "--seed", "4", "--out", dir], { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(EXIT_OK);
    expect(existsSync(join(dir, "dashboard.html"))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, "demo.json"), "utf8")) as DemoResult;
    expect(json.steps).toHaveLength(3);
    expect(json.options).toEqual({ seed: 4, steps: 3 });
    expect(out.join("")).toMatch(/dashboard .*dashboard\.html/);
  }, 300_000);
});
