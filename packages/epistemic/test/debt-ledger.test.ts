// Ledger rules: accrual by overclaiming, underclaiming earns nothing, floor at zero, every change an
// event with before, after and evidence. Source: 003_9e0f6a831bfd364e.txt L86–116, L265–274; ADR 0102.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DebtLedger } from "@tam/epistemic";
import type { DebtEvent } from "@tam/epistemic";

describe("DebtLedger", () => {
  it("accrues the overclaim and records its evidence", () => {
    const ledger = new DebtLedger();
    const event = ledger.recordClaim({ claimedBits: 1.5, realisedBits: 0.25, actionType: "dose_response" });
    expect(event).toEqual({
      event: "epistemic_debt_accrual",
      debt_before: 0,
      debt_after: 1.25,
      accrued_bits: 1.25,
      evidence: { claimed_bits: 1.5, realised_bits: 0.25, underclaim_bits: 0, action_type: "dose_response" },
    });
    expect(ledger.debtBits).toBe(1.25);
  });

  it("neither charges nor credits an underclaim", () => {
    const ledger = new DebtLedger(1.0);
    const event = ledger.recordClaim({ claimedBits: 0.5, realisedBits: 2.0, actionType: "dose_response" });
    expect(event.accrued_bits).toBe(0);
    expect(event.evidence.underclaim_bits).toBe(1.5);
    expect(ledger.debtBits).toBe(1.0);
  });

  it("floors at zero and keeps the earned repayment in the record", () => {
    const ledger = new DebtLedger(0.4);
    const event = ledger.recordCalibration({ noiseImprovement: 0.2, actionType: "baseline_replicates" });
    expect(event.debt_after).toBe(0);
    expect(event.repayment_bits).toBe(1.0);
    expect(ledger.debtBits).toBe(0);
  });

  it("notifies subscribers and keeps every event in order", () => {
    const ledger = new DebtLedger();
    const seen: DebtEvent[] = [];
    const unsubscribe = ledger.subscribe((event) => seen.push(event));
    ledger.recordClaim({ claimedBits: 1, realisedBits: 0, actionType: "dose_response" });
    unsubscribe();
    ledger.recordCalibration({ noiseImprovement: 0, actionType: "baseline_replicates" });
    expect(seen).toHaveLength(1);
    expect(ledger.events.map((event) => event.event)).toEqual(["epistemic_debt_accrual", "epistemic_debt_repayment"]);
  });

  it("rejects bad input naming the field", () => {
    expect(() => new DebtLedger(-1)).toThrow(/initialDebtBits.*-1/);
    const ledger = new DebtLedger();
    expect(() => ledger.recordClaim({ claimedBits: Number.NaN, realisedBits: 0, actionType: "x" })).toThrow(/claimedBits/);
    expect(() => ledger.recordClaim({ claimedBits: 1, realisedBits: Number.POSITIVE_INFINITY, actionType: "x" })).toThrow(
      /realisedBits/,
    );
    expect(() => ledger.recordCalibration({ noiseImprovement: Number.NaN, actionType: "x" })).toThrow(/noiseImprovement/);
  });

  it("property: debt is never negative and every event chains before -> after", () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("claim" as const),
        claimedBits: fc.double({ min: 0, max: 5, noNaN: true }),
        realisedBits: fc.double({ min: 0, max: 5, noNaN: true }),
      }),
      fc.record({ kind: fc.constant("calibration" as const), noiseImprovement: fc.double({ min: -1, max: 1, noNaN: true }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const ledger = new DebtLedger();
        for (const s of steps) {
          if (s.kind === "claim") ledger.recordClaim({ ...s, actionType: "dose_response" });
          else ledger.recordCalibration({ noiseImprovement: s.noiseImprovement, actionType: "baseline_replicates" });
          expect(ledger.debtBits).toBeGreaterThanOrEqual(0);
        }
        let previous = 0;
        for (const event of ledger.events) {
          expect(event.debt_before).toBe(previous);
          if (event.event === "epistemic_debt_accrual") expect(event.debt_after).toBeGreaterThanOrEqual(event.debt_before);
          else expect(event.debt_after).toBeLessThanOrEqual(event.debt_before);
          previous = event.debt_after;
        }
        expect(ledger.debtBits).toBe(previous);
      }),
      { numRuns: 500 },
    );
  });
});
