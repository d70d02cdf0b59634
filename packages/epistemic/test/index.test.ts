import { describe, expect, it } from "vitest";
import { PACKAGE_NAME } from "@tam/epistemic";

describe("entry", () => {
  it("resolves through the source condition", () => {
    expect(PACKAGE_NAME).toBe("@tam/epistemic");
  });
});
