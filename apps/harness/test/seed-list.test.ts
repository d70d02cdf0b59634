import { describe, expect, it } from "vitest";
import { parseIntegerFlag, seedList } from "../src/seed-list.js";

describe("seedList", () => {
  it("runs one seed, seeds 1..N, or the default count", () => {
    expect(seedList({ seed: 7, seeds: undefined }, 3)).toEqual([7]);
    expect(seedList({ seed: undefined, seeds: 4 }, 3)).toEqual([1, 2, 3, 4]);
    expect(seedList({ seed: undefined, seeds: undefined }, 3)).toEqual([1, 2, 3]);
  });

  it("rejects both flags together and out-of-range counts", () => {
    expect(() => seedList({ seed: 1, seeds: 2 }, 1)).toThrow(/cannot be used together/);
    expect(() => seedList({ seed: undefined, seeds: 5000 }, 1)).toThrow(/--seeds must be between 1 and 1000 \(got 5000\)/);
  });
});

describe("parseIntegerFlag", () => {
  it("parses integers and names the flag and the value otherwise", () => {
    expect(parseIntegerFlag("--seeds", "12", 1)).toBe(12);
    expect(() => parseIntegerFlag("--seeds", "1.5", 1)).toThrow('--seeds must be an integer (got "1.5")');
    expect(() => parseIntegerFlag("--steps", "0", 1)).toThrow("--steps must be an integer >= 1 (got 0)");
  });
});
