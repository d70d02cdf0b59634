/**
 * Test set-up for every workspace package: property tests (fast-check) run from a fixed seed, so a
 * run is reproducible and CI cannot flake on a new random draw. Set FC_SEED to explore other seeds.
 */
import fc from "fast-check";

/** The default fast-check seed (any fixed integer; change it deliberately, never per run). */
const DEFAULT_FAST_CHECK_SEED = 20261122;

const fromEnv = process.env["FC_SEED"];
fc.configureGlobal({ seed: fromEnv === undefined || fromEnv === "" ? DEFAULT_FAST_CHECK_SEED : Number(fromEnv) });
