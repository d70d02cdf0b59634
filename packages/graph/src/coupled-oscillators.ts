/**
 * A ring of coupled damped oscillators, `x_i' = v_i`, `v_i' = -ω² x_i - 2ζω v_i + κ (x_{i-1} - 2 x_i + x_{i+1})`
 * (ADR 0406): a linear system whose exact model is sparse (each oscillator reads itself and its two
 * neighbours), so a graph with all-to-all edges has more parameters than it needs: the setting of the token
 * budget experiments (`graph-barrier`).
 */
import { OSCILLATOR_OMEGA, OSCILLATOR_ZETA } from "./damped-oscillator.js";
import type { OdeSystem } from "./ode-system.js";

/** Default coupling κ (ADR 0406). */
export const COUPLING_KAPPA = 1;

/**
 * The ring as an {@link OdeSystem} (variables `x0, v0, x1, v1, ...`).
 *
 * @example
 * ```ts
 * const ring = coupledOscillators(3);
 * ```
 * @throws Error naming the parameter when n < 2 or a coefficient is invalid.
 */
export function coupledOscillators(n: number, omega = OSCILLATOR_OMEGA, zeta = OSCILLATOR_ZETA, kappa = COUPLING_KAPPA): OdeSystem {
  if (!Number.isSafeInteger(n) || n < 2) throw new Error(`Error in coupledOscillators: n must be an integer >= 2, got ${n}.`);
  for (const [k, v] of Object.entries({ omega, zeta, kappa })) if (!(Number.isFinite(v) && v >= 0)) throw new Error(`Error in coupledOscillators: ${k} must be finite and >= 0, got ${v}.`);
  const variables = Array.from({ length: 2 * n }, (_, i) => `${i % 2 === 0 ? "x" : "v"}${i >> 1}`);
  const equations = Array.from({ length: 2 * n }, (_, i) => {
    const o = i >> 1;
    if (i % 2 === 0) return { [`v${o}`]: 1 };
    const eq: Record<string, number> = { [`x${o}`]: -omega * omega - 2 * kappa, [`v${o}`]: -2 * zeta * omega };
    const left = `x${(o + n - 1) % n}`;
    const right = `x${(o + 1) % n}`;
    eq[left] = (eq[left] ?? 0) + kappa;
    eq[right] = (eq[right] ?? 0) + kappa;
    return eq;
  });
  return {
    name: `coupled-oscillators-${n}`,
    variables,
    field: (s, _t, out) => {
      for (let i = 0; i < n; i += 1) {
        const x = s[2 * i] as number;
        const v = s[2 * i + 1] as number;
        const l = s[2 * ((i + n - 1) % n)] as number;
        const r = s[2 * ((i + 1) % n)] as number;
        out[2 * i] = v;
        out[2 * i + 1] = -omega * omega * x - 2 * zeta * omega * v + kappa * (l - 2 * x + r);
      }
    },
    equations,
  };
}
