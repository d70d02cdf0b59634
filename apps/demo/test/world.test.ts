import { createRng } from "@tam/tensor-backend";
import { describe, expect, it } from "vitest";
import { RegimeOscillatorWorld } from "../src/world/regime-oscillator-world.ts";

describe("RegimeOscillatorWorld", () => {
  it("alternates calm and gusty blocks and is deterministic per seed", () => {
    const world = new RegimeOscillatorWorld(createRng(1), { regimeSteps: 3 });
    expect([0, 2, 3, 5, 6].map((s) => world.regimeAt(s))).toEqual(["calm", "calm", "gusty", "gusty", "calm"]);
    const a = new RegimeOscillatorWorld(createRng(9)).advance(50, "calm");
    const b = new RegimeOscillatorWorld(createRng(9)).advance(50, "calm");
    expect(a).toEqual(b);
    expect(a).toHaveLength(100);
  });

  it("gusts drive the state much harder than calm", () => {
    const spread = (regime: "calm" | "gusty"): number => {
      const world = new RegimeOscillatorWorld(createRng(2));
      const rows = world.advance(2000, regime);
      let sum = 0;
      for (let i = 1; i < rows.length; i += 2) sum += (rows[i] as number) ** 2;
      return Math.sqrt(sum / (rows.length / 2));
    };
    expect(spread("gusty")).toBeGreaterThan(2.5 * spread("calm"));
  });

  it("rejects bad constants naming them", () => {
    expect(() => new RegimeOscillatorWorld(createRng(1), { dt: 0 })).toThrow(/dt must be finite and > 0, got 0/);
    expect(() => new RegimeOscillatorWorld(createRng(1), { kickStd: [1] })).toThrow(/kickStd must hold 2 finite values/);
    expect(() => new RegimeOscillatorWorld(createRng(1)).advance(0, "calm")).toThrow(/ticks must be an integer >= 1, got 0/);
  });
});
