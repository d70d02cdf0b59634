/**
 * The demo world (ADR 0701): a hardening-spring (Duffing) oscillator driven by random velocity kicks
 * whose strength switches between a calm and a gusty regime on a fixed schedule. The agent sees the
 * state (x, v) every tick, never the regime.
 *
 * Dynamics per tick of length `dt`: the deterministic part `x' = v`, `v' = −ω²x − βx³ − 2ζωv` is
 * integrated with `@tam/graph`'s RK4 (`integrateRk4`), then the velocity receives a kick
 * `σ_regime·√dt·ε`, ε ~ N(0, 1) from the seeded Rng. In the calm regime the state stays small and
 * the cubic term is negligible; gusts drive it to amplitudes where the cubic term matters, so a
 * linear world model stops being enough exactly when the world gets harder.
 */
import { integrateRk4, type VectorField } from "@tam/graph";
import type { Rng } from "@tam/tensor-backend";

/** The regimes, in schedule order. */
export const REGIMES = ["calm", "gusty"] as const;
/** A regime name. */
export type Regime = (typeof REGIMES)[number];

/** Constants of the world (ADR 0701). */
export const WORLD_DEFAULTS = Object.freeze({
  /** Angular frequency ω. */
  omega: 1.5,
  /** Cubic stiffness β. */
  cubic: 1.5,
  /** Damping ratio ζ. */
  damping: 0.1,
  /** Seconds per tick. */
  dt: 0.1,
  /** Kick strength σ per regime (calm, gusty). */
  kickStd: [0.3, 1.2] as readonly number[],
  /** Agent steps per regime block (the schedule alternates calm, gusty, calm, ...). */
  regimeSteps: 50,
  /** Ticks per agent step (the commitment horizon T). */
  horizonTicks: 8,
});

/** Options of {@link RegimeOscillatorWorld}. */
export interface RegimeOscillatorWorldOptions {
  readonly omega?: number;
  readonly cubic?: number;
  readonly damping?: number;
  readonly dt?: number;
  readonly kickStd?: readonly number[];
  readonly regimeSteps?: number;
  readonly horizonTicks?: number;
}

/** The world: state, regime schedule and seeded kicks. */
export class RegimeOscillatorWorld {
  /** Observation width (x, v). */
  readonly stateDim = 2;
  readonly dt: number;
  readonly horizonTicks: number;
  readonly regimeSteps: number;
  private readonly kickStd: readonly number[];
  private readonly field: VectorField;
  private readonly rng: Rng;
  private state: Float64Array;
  private ticks = 0;

  /** @throws Error naming the option when a constant is out of range. */
  constructor(rng: Rng, options: RegimeOscillatorWorldOptions = {}) {
    const omega = options.omega ?? WORLD_DEFAULTS.omega;
    const cubic = options.cubic ?? WORLD_DEFAULTS.cubic;
    const damping = options.damping ?? WORLD_DEFAULTS.damping;
    this.dt = options.dt ?? WORLD_DEFAULTS.dt;
    this.kickStd = options.kickStd ?? WORLD_DEFAULTS.kickStd;
    this.regimeSteps = options.regimeSteps ?? WORLD_DEFAULTS.regimeSteps;
    this.horizonTicks = options.horizonTicks ?? WORLD_DEFAULTS.horizonTicks;
    const positive = { omega, dt: this.dt };
    for (const [name, value] of Object.entries(positive)) {
      if (!(Number.isFinite(value) && value > 0)) throw new Error(`RegimeOscillatorWorld: ${name} must be finite and > 0, got ${value}`);
    }
    for (const [name, value] of Object.entries({ cubic, damping })) {
      if (!(Number.isFinite(value) && value >= 0)) throw new Error(`RegimeOscillatorWorld: ${name} must be finite and >= 0, got ${value}`);
    }
    if (this.kickStd.length !== REGIMES.length || !this.kickStd.every((s) => Number.isFinite(s) && s >= 0)) {
      throw new Error(`RegimeOscillatorWorld: kickStd must hold ${REGIMES.length} finite values >= 0, got [${this.kickStd.join(", ")}]`);
    }
    for (const [name, value] of Object.entries({ regimeSteps: this.regimeSteps, horizonTicks: this.horizonTicks })) {
      if (!(Number.isSafeInteger(value) && value >= 1)) throw new Error(`RegimeOscillatorWorld: ${name} must be an integer >= 1, got ${value}`);
    }
    this.field = (s, _t, out) => {
      const x = s[0] as number;
      const v = s[1] as number;
      out[0] = v;
      out[1] = -omega * omega * x - cubic * x * x * x - 2 * damping * omega * v;
    };
    this.rng = rng;
    this.state = Float64Array.of(rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3));
  }

  /** Ticks elapsed since the start. */
  get tick(): number {
    return this.ticks;
  }

  /** The current state (x, v), a copy. */
  current(): Float64Array {
    return Float64Array.from(this.state);
  }

  /** The regime of agent step `step` (calm first, then alternating every `regimeSteps`). */
  regimeAt(step: number): Regime {
    return REGIMES[Math.floor(step / this.regimeSteps) % REGIMES.length] as Regime;
  }

  /** Advance `ticks` ticks under `regime`; returns the visited states `[ticks, 2]` row-major (the current state excluded). */
  advance(ticks: number, regime: Regime): Float64Array {
    if (!(Number.isSafeInteger(ticks) && ticks >= 1)) throw new Error(`RegimeOscillatorWorld.advance: ticks must be an integer >= 1, got ${ticks}`);
    const kick = (this.kickStd[REGIMES.indexOf(regime)] as number) * Math.sqrt(this.dt);
    const rows = new Float64Array(ticks * 2);
    for (let i = 0; i < ticks; i += 1) {
      const next = integrateRk4(this.field, this.state, this.dt, 2).subarray(2, 4);
      next[1] = (next[1] as number) + kick * this.rng.normal();
      this.state = Float64Array.from(next);
      rows.set(this.state, i * 2);
      this.ticks += 1;
    }
    return rows;
  }
}
