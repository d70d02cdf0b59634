/**
 * Lotka-Volterra predator-prey `x' = αx - βxy`, `y' = δxy - γy` (data set E3; ADR 0406: α = 2/3, β = 4/3,
 * γ = 1, δ = 1, the textbook values).
 */
import type { OdeSystem } from "./ode-system.js";

/** Default Lotka-Volterra parameters (ADR 0406). */
export const LOTKA_VOLTERRA_DEFAULTS = { alpha: 2 / 3, beta: 4 / 3, gamma: 1, delta: 1 } as const;

/**
 * Lotka-Volterra as an {@link OdeSystem} (variables `x` prey, `y` predator).
 *
 * @example
 * ```ts
 * const t = sampleSystem(lotkaVolterra(), { x0: [1, 1], steps: 600, dt: 0.05 }, createRng(1));
 * ```
 * @throws Error naming the parameter when one is not finite and > 0.
 */
export function lotkaVolterra(params: Partial<typeof LOTKA_VOLTERRA_DEFAULTS> = {}): OdeSystem {
  const p = { ...LOTKA_VOLTERRA_DEFAULTS, ...params };
  for (const [k, v] of Object.entries(p)) if (!(Number.isFinite(v) && v > 0)) throw new Error(`Error in lotkaVolterra: ${k} must be finite and > 0, got ${v}.`);
  return {
    name: "lotka-volterra",
    variables: ["x", "y"],
    field: (s, _t, out) => {
      const x = s[0] as number;
      const y = s[1] as number;
      out[0] = p.alpha * x - p.beta * x * y;
      out[1] = p.delta * x * y - p.gamma * y;
    },
    equations: [{ x: p.alpha, "x y": -p.beta }, { "x y": p.delta, y: -p.gamma }],
  };
}
