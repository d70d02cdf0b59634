// The dense crossover policy (seed 002 L1532-1554; SEED-INVENTORY §3.15): the cost model decides, the
// seed's density bands break ties, a switch needs `confirmChecks` consecutive agreeing checks, a cooldown
// follows every switch, counters are read on a switch and a typed `switch` event is emitted. Logic only:
// an injected fake cost model and fake targets (no timing, no tensors).
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  CROSSOVER_CONFIRM_CHECKS,
  CROSSOVER_COOLDOWN_CHECKS,
  CrossoverPolicy,
  type ComputePath,
  type CostModel,
  type CostQuery,
  type CrossoverTarget,
  type ObjectCounters,
  type SwitchEvent,
} from "../src/index.js";

/** A cost model whose verdict the test sets: sparse costs `ratio` times dense. */
class FakeCost implements CostModel {
  ratio = 1;
  sparseSeconds(_q: CostQuery): number {
    return this.ratio;
  }
  denseSeconds(_q: CostQuery): number {
    return 1;
  }
}

/** A layer-like target that records switches. */
class FakeTarget implements CrossoverTarget {
  readonly depth = 1;
  readonly shape: readonly [number, number];
  path: ComputePath = "sparse";
  nnz: number;
  switches = 0;
  constructor(
    readonly id: string,
    rows: number,
    cols: number,
    nnz: number,
  ) {
    this.shape = [rows, cols];
    this.nnz = nnz;
  }
  setPath(path: ComputePath): boolean {
    if (path === this.path) return false;
    this.path = path;
    this.switches += 1;
    return true;
  }
  counters(_epsilon: number): ObjectCounters {
    return { cStruct: this.nnz, cActive: this.nnz - 1, computeCells: this.path === "dense" ? this.shape[0] * this.shape[1] : this.nnz };
  }
}

function setup(config = {}): { cost: FakeCost; target: FakeTarget; policy: CrossoverPolicy; events: SwitchEvent[] } {
  const cost = new FakeCost();
  const events: SwitchEvent[] = [];
  const policy = new CrossoverPolicy(cost, config, { onEvent: (e) => events.push(e) });
  return { cost, target: new FakeTarget("layer0", 10, 10, 10), policy, events };
}

describe("CrossoverPolicy", () => {
  it("switches only after confirmChecks consecutive checks agree, then reads the counters and emits a switch event", () => {
    const { cost, target, policy, events } = setup();
    cost.ratio = 3; // dense clearly cheaper
    for (let i = 1; i < CROSSOVER_CONFIRM_CHECKS; i += 1) {
      const c = policy.check(target, 32);
      expect(c).toMatchObject({ preferred: "dense", decidedBy: "cost", agreeingChecks: i, switched: false, path: "sparse" });
    }
    const c = policy.check(target, 32);
    expect(c).toMatchObject({ switched: true, path: "dense", agreeingChecks: CROSSOVER_CONFIRM_CHECKS, cooldownLeft: CROSSOVER_COOLDOWN_CHECKS });
    expect(target.path).toBe("dense");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "switch",
      cycle: CROSSOVER_CONFIRM_CHECKS - 1,
      objectId: "layer0",
      depth: 1,
      from: "sparse",
      to: "dense",
      density: 0.1,
      band: "compare",
      batchSize: 32,
      pathCount: 10,
      sparseSeconds: 3,
      denseSeconds: 1,
      agreeingChecks: CROSSOVER_CONFIRM_CHECKS,
      countersBefore: { cStruct: 10, cActive: 9, computeCells: 10 },
      countersAfter: { cStruct: 10, cActive: 9, computeCells: 100 },
    });
    expect(policy.stateFor("layer0")).toEqual({ checks: CROSSOVER_CONFIRM_CHECKS, agreeingChecks: 0, cooldownLeft: CROSSOVER_COOLDOWN_CHECKS, switches: 1 });
  });

  it("an interrupted streak starts over", () => {
    const { cost, target, policy } = setup({ confirmChecks: 3 });
    for (const ratio of [3, 3, 0.2, 3, 3]) {
      cost.ratio = ratio;
      expect(policy.check(target, 8).switched).toBe(false);
    }
    cost.ratio = 3;
    expect(policy.check(target, 8).switched).toBe(true);
  });

  it("the cooldown blocks switching back; afterwards a switch back needs a fresh streak", () => {
    const { cost, target, policy, events } = setup({ confirmChecks: 2, cooldownChecks: 4 });
    cost.ratio = 3;
    policy.check(target, 8);
    expect(policy.check(target, 8).switched).toBe(true);
    cost.ratio = 0.2; // sparse clearly cheaper from now on
    for (let i = 0; i < 4; i += 1) {
      const c = policy.check(target, 8);
      expect(c).toMatchObject({ preferred: "sparse", switched: false, agreeingChecks: 0, cooldownLeft: 3 - i, path: "dense" });
    }
    expect(policy.check(target, 8)).toMatchObject({ switched: false, agreeingChecks: 1 });
    expect(policy.check(target, 8)).toMatchObject({ switched: true, path: "sparse" });
    expect(events.map((e) => `${e.from}->${e.to}@${e.cycle}`)).toEqual(["sparse->dense@1", "dense->sparse@7"]);
    expect(events[1]?.countersAfter.computeCells).toBe(10);
    expect(target.switches).toBe(2);
  });

  it("the cost model decides outside the tie margin, whatever the density band", () => {
    const { cost, policy } = setup();
    const q = (paths: number): CostQuery => ({ batch: 4, inFeatures: 100, outFeatures: 100, paths });
    cost.ratio = 2; // dense cheaper at 1 % density (sparse band)
    expect(policy.preference(q(100), "sparse")).toMatchObject({ band: "sparse", decidedBy: "cost", preferred: "dense" });
    cost.ratio = 0.5; // sparse cheaper at 50 % density (dense band)
    expect(policy.preference(q(5000), "dense")).toMatchObject({ band: "dense", decidedBy: "cost", preferred: "sparse" });
  });

  it("on a tie the seed's bands decide: < 0.05 sparse, > 0.2 dense, in between stay", () => {
    const { cost, policy } = setup();
    const q = (paths: number): CostQuery => ({ batch: 4, inFeatures: 100, outFeatures: 100, paths });
    for (const ratio of [0.99, 1, 1.01]) {
      cost.ratio = ratio;
      expect(policy.preference(q(499), "dense")).toMatchObject({ band: "sparse", decidedBy: "band", preferred: "sparse" });
      expect(policy.preference(q(2001), "sparse")).toMatchObject({ band: "dense", decidedBy: "band", preferred: "dense" });
      expect(policy.preference(q(500), "dense")).toMatchObject({ band: "compare", preferred: "dense" });
      expect(policy.preference(q(2000), "sparse")).toMatchObject({ band: "compare", preferred: "sparse" });
    }
    // A layer with no stored path computes nothing on either path: sparse.
    cost.ratio = 10;
    expect(policy.preference(q(0), "dense").preferred).toBe("sparse");
  });

  it("step() checks every target every checkEverySteps steps", () => {
    const { cost, policy } = setup({ checkEverySteps: 5, confirmChecks: 2 });
    const targets = [new FakeTarget("a", 4, 4, 2), new FakeTarget("b", 8, 2, 3)];
    cost.ratio = 3;
    const made: number[] = [];
    for (let s = 1; s <= 10; s += 1) made.push(policy.step(targets, 16).length);
    expect(made).toEqual([0, 0, 0, 0, 2, 0, 0, 0, 0, 2]);
    expect(targets.map((t) => t.path)).toEqual(["dense", "dense"]);
    expect(policy.steps).toBe(10);
  });

  it("property: every switch follows confirmChecks agreeing checks, switches are ≥ cooldown + confirm checks apart, events = switches", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0.2, 0.99, 1, 1.01, 3), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 99 }),
        (ratios, confirmChecks, cooldownChecks, nnz) => {
          const cost = new FakeCost();
          const events: SwitchEvent[] = [];
          const policy = new CrossoverPolicy(cost, { confirmChecks, cooldownChecks }, { onEvent: (e) => events.push(e) });
          const target = new FakeTarget("t", 10, 10, nnz);
          const preferred: ComputePath[] = [];
          const switchedAt: number[] = [];
          ratios.forEach((ratio, i) => {
            cost.ratio = ratio;
            const before = target.path;
            const c = policy.check(target, 8);
            preferred.push(c.preferred);
            if (c.switched) {
              switchedAt.push(i);
              expect(c.path).not.toBe(before);
              for (let j = i - confirmChecks + 1; j <= i; j += 1) expect(preferred[j]).toBe(c.path);
            } else {
              expect(target.path).toBe(before);
            }
          });
          for (let k = 1; k < switchedAt.length; k += 1) expect((switchedAt[k] as number) - (switchedAt[k - 1] as number)).toBeGreaterThanOrEqual(cooldownChecks + confirmChecks);
          expect(events).toHaveLength(switchedAt.length);
          expect(target.switches).toBe(switchedAt.length);
          expect(policy.stateFor("t").switches).toBe(switchedAt.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects bad config, batch sizes and cost predictions with errors naming them", () => {
    expect(() => new CrossoverPolicy(new FakeCost(), { confirmChecks: 0 })).toThrow(/CrossoverPolicy: config confirmChecks = 0: /);
    expect(() => new CrossoverPolicy(new FakeCost(), { sparseBelowDensity: 0.5, denseAboveDensity: 0.1 })).toThrow(/sparseBelowDensity must be <= denseAboveDensity/);
    const { cost, target, policy } = setup();
    expect(() => policy.check(target, 0)).toThrow(/batchSize must be a positive integer, got 0/);
    cost.ratio = Number.NaN;
    expect(() => policy.check(target, 4)).toThrow(/finite positive seconds/);
  });
});
