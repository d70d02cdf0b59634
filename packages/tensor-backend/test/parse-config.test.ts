import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { parseConfig } from "@tam/tensor-backend";

const schema = z
  .object({
    rate: z.number().positive().default(0.1),
    mode: z.enum(["fast", "exact"]).default("fast"),
    band: z
      .object({ low: z.number(), high: z.number() })
      .refine((b) => b.low < b.high, { message: "band.low must be < band.high", path: ["low"] })
      .optional(),
  })
  .strict();

describe("parseConfig", () => {
  it("returns the parsed config with defaults filled in", () => {
    expect(parseConfig(schema, {}, "Thing")).toEqual({ rate: 0.1, mode: "fast" });
    expect(parseConfig(schema, { rate: 2, mode: "exact" }, "Thing")).toEqual({ rate: 2, mode: "exact" });
  });

  it("names the owner, the field and the value it had", () => {
    expect(() => parseConfig(schema, { rate: -1 }, "Thing")).toThrow("Error in Thing: config rate = -1: Too small: expected number to be >0.");
    expect(() => parseConfig(schema, { mode: "slow" }, "Thing", "option")).toThrow(/^Error in Thing: option mode = "slow": Invalid option/);
    expect(() => parseConfig(schema, { rate: Number.NaN }, "Thing")).toThrow(/config rate = NaN:/);
    expect(() => parseConfig(schema, { band: { low: 2, high: 1 } }, "Thing")).toThrow("Error in Thing: config band.low = 2: band.low must be < band.high.");
    expect(() => parseConfig(schema, { rat: 1 }, "Thing")).toThrow(/^Error in Thing: config = \{"rat":1\}: Unrecognized key: "rat"\.$/);
    expect(() => parseConfig(schema, 5, "Thing")).toThrow(/^Error in Thing: config = 5: Invalid input: expected object, received number\.$/);
    expect(() => parseConfig(schema, { rate: () => 1 }, "Thing")).toThrow(/config rate = a function:/);
    expect(() => parseConfig(schema, { band: { low: 1 } }, "Thing")).toThrow(/config band\.high = undefined: Invalid input: expected number, received undefined\./);
  });

  it("keeps a long value short", () => {
    const long = "x".repeat(500);
    let message = "";
    try {
      parseConfig(schema, { mode: long }, "Thing");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Error in Thing: config mode = "x+\.\.\.: Invalid option/);
    expect(message.length).toBeLessThan(200);
  });

  it("accepts exactly what the schema accepts (property)", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const expected = schema.safeParse(input);
        if (expected.success) expect(parseConfig(schema, input, "Thing")).toEqual(expected.data);
        else expect(() => parseConfig(schema, input, "Thing")).toThrow(/^Error in Thing: config/);
      }),
    );
  });
});
