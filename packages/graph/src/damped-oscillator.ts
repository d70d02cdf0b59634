/**
 * Damped harmonic oscillator `x' = v`, `v' = -ω² x - 2ζω v` (data set E3; ADR 0406: ω = 2, ζ = 0.05).
 */
import type { OdeSystem } from "./ode-system.js";

/** Default angular frequency ω (ADR 0406). */
export const OSCILLATOR_OMEGA = 2;
/** Default damping ratio ζ (ADR 0406). */
export const OSCILLATOR_ZETA = 0.05;

/**
 * The damped oscillator as an {@link OdeSystem} (variables `x`, `v`).
 *
 * @example
 * ```ts
 * const t = sampleSystem(dampedOscillator(), { x0: [1, 0], steps: 400, dt: 0.05 }, createRng(1));
 * ```
 * @throws Error naming the parameter when ω ≤ 0 or ζ < 0.
 */
export function dampedOscillator(omega = OSCILLATOR_OMEGA, zeta = OSCILLATOR_ZETA): OdeSystem {
  if (!(Number.isFinite(omega) && omega > 0)) throw new Error(`Error in dampedOscillator: omega must be finite and > 0, got ${omega}.`);
  if (!(Number.isFinite(zeta) && zeta >= 0)) throw new Error(`Error in dampedOscillator: zeta must be finite and >= 0, got ${zeta}.`);
  return {
    name: "damped-oscillator",
    variables: ["x", "v"],
    field: (s, _t, out) => {
      const x = s[0] as number;
      const v = s[1] as number;
      out[0] = v;
      out[1] = -omega * omega * x - 2 * zeta * omega * v;
    },
    equations: [{ v: 1 }, { x: -omega * omega, v: -2 * zeta * omega }],
  };
}
