// A Hot set replacing an object's (setStructure) is accepted exactly when it is valid: as many values as
// keys, keys sorted, unique and in range, values finite; otherwise the error names the first offence and
// nothing changes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SparseMaskedLinear, SplineActivation } from "../src/index.js";

const CELLS = 12;

/** Keys in and out of range, values finite or not, lengths equal or not. */
const hotSet = fc.record({
  keys: fc.array(fc.integer({ min: -2, max: CELLS + 2 }), { maxLength: 8 }),
  values: fc.array(fc.oneof(fc.float({ noNaN: true, min: -2, max: 2 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY)), { maxLength: 8 }),
});

function valid(keys: readonly number[], values: readonly number[]): boolean {
  return (
    keys.length === values.length &&
    keys.every((key, i) => key >= 0 && key < CELLS && (i === 0 || key > (keys[i - 1] as number))) &&
    values.every((value) => Number.isFinite(value))
  );
}

describe("setStructure validation (SparseMaskedLinear and SplineActivation)", () => {
  const objects = [
    { name: "SparseMaskedLinear", make: () => new SparseMaskedLinear({ id: "L", inFeatures: 3, outFeatures: 4 }) },
    { name: "SplineActivation", make: () => new SplineActivation({ id: "a", units: 3, knots: [-1, 0, 0.5, 1] }) },
  ];
  for (const { name, make } of objects) {
    it(`${name}: accepts exactly the valid Hot sets; a rejected one leaves the old set (property)`, () => {
      const object = make();
      try {
        expect(object.shape[0] * object.shape[1]).toBe(CELLS);
        fc.assert(
          fc.property(hotSet, ({ keys, values }) => {
            object.setStructure(Int32Array.of(0), Float32Array.of(0.5));
            const attempt = (): void => object.setStructure(Int32Array.from(keys), Float32Array.from(values));
            if (valid(keys, values)) {
              attempt();
              expect(Array.from(object.hotKeys())).toEqual(keys);
            } else {
              expect(attempt).toThrow(new RegExp(`^Error in ${name} "(L|a)"\\.setStructure: (\\d+ keys but \\d+ values|key -?\\d+ is outside \\[0, ${CELLS}\\)|keys must be sorted and unique; key \\d+ is -?\\d+ after -?\\d+|value \\d+ is (NaN|Infinity))\\.$`));
              expect(Array.from(object.hotKeys())).toEqual([0]);
            }
          }),
        );
      } finally {
        object.dispose();
      }
    });
  }
});
