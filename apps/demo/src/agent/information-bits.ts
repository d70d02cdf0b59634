/**
 * Claimed and realised information of a tube commitment, in bits (ADR 0703).
 *
 * A commitment says: "for every tick t and state variable d of the horizon, the outcome lies within
 * μ ± k·σ". Against the reference spread of one standardised unit, a tube of width σ claims
 * `log2(1/σ)` bits for that cell (0 when σ ≥ 1: no claim). After the fact, the outcome τ delivers the
 * information of the narrowest tube with the same centre that would have held it,
 * `log2(1 / max(σ, |τ − μ|/k))`, also floored at 0. Inside the tube the two agree; outside, the
 * difference is `log2(|τ − μ| / (k·σ))`, the overclaim. Both are summed over the state variables and
 * averaged over the horizon, so they are bits per tick.
 */

/** Bits a commitment claimed and the bits the outcome realised. */
export interface InformationBits {
  readonly claimedBits: number;
  readonly realisedBits: number;
  /** Every tick inside the tube (the commitment held). */
  readonly held: boolean;
}

/**
 * Claimed and realised bits of one commitment.
 *
 * @param mu tube centre `[T·D]` (standardised units)
 * @param sigma committed width `[T·D]` (> 0)
 * @param outcome what happened `[T·D]`
 * @param horizonTicks T
 * @param k the tube's half-width in σ
 * @throws Error naming the argument when lengths disagree or a width is not positive.
 */
export function informationBits(mu: ArrayLike<number>, sigma: ArrayLike<number>, outcome: ArrayLike<number>, horizonTicks: number, k: number): InformationBits {
  if (mu.length !== sigma.length || mu.length !== outcome.length) {
    throw new Error(`informationBits: mu (${mu.length}), sigma (${sigma.length}) and outcome (${outcome.length}) must have the same length`);
  }
  if (!(Number.isSafeInteger(horizonTicks) && horizonTicks >= 1 && mu.length % horizonTicks === 0)) {
    throw new Error(`informationBits: horizonTicks must be an integer >= 1 dividing ${mu.length}, got ${horizonTicks}`);
  }
  if (!(Number.isFinite(k) && k > 0)) throw new Error(`informationBits: k must be finite and > 0, got ${k}`);
  let claimed = 0;
  let realised = 0;
  let held = true;
  for (let i = 0; i < mu.length; i += 1) {
    const s = sigma[i] as number;
    if (!(s > 0 && Number.isFinite(s))) throw new Error(`informationBits: sigma[${i}] must be finite and > 0, got ${s}`);
    const miss = Math.abs((outcome[i] as number) - (mu[i] as number)) / k;
    if (!(miss < s)) held = false;
    claimed += Math.max(0, -Math.log2(s));
    realised += Math.max(0, -Math.log2(Math.max(s, miss)));
  }
  return { claimedBits: claimed / horizonTicks, realisedBits: realised / horizonTicks, held };
}
