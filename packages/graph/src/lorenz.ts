/**
 * The Lorenz system `x' = σ(y - x)`, `y' = x(ρ - z) - y`, `z' = xy - βz` with σ = 10, ρ = 28, β = 8/3
 * (issue 8 item 8; Lorenz 1963; the setting of Brunton et al. 2016 and PySINDy's examples).
 */
import { LORENZ_BETA, LORENZ_RHO, LORENZ_SIGMA } from "./constants.js";
import type { OdeSystem } from "./ode-system.js";

/**
 * Lorenz as an {@link OdeSystem} (variables `x`, `y`, `z`).
 *
 * @example
 * ```ts
 * const t = sampleSystem(lorenzSystem(), { x0: [-8, 8, 27], steps: 5000, dt: 0.002 }, createRng(1));
 * ```
 */
export function lorenzSystem(sigma = LORENZ_SIGMA, rho = LORENZ_RHO, beta = LORENZ_BETA): OdeSystem {
  for (const [k, v] of Object.entries({ sigma, rho, beta })) if (!Number.isFinite(v)) throw new Error(`Error in lorenzSystem: ${k} must be finite, got ${v}.`);
  return {
    name: "lorenz",
    variables: ["x", "y", "z"],
    field: (s, _t, out) => {
      const x = s[0] as number;
      const y = s[1] as number;
      const z = s[2] as number;
      out[0] = sigma * (y - x);
      out[1] = x * (rho - z) - y;
      out[2] = x * y - beta * z;
    },
    equations: [{ x: -sigma, y: sigma }, { x: rho, y: -1, "x z": -1 }, { "x y": 1, z: -beta }],
  };
}
