/**
 * Two-sided 95% quantiles of Student's t distribution, for confidence intervals of a mean over a few
 * seeds (where the normal 1.96 would be far too narrow).
 */

/** t(0.975, df) for df = 1..30, from the standard table (three decimals). */
const T975_TABLE = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
] as const;
/** The standard normal 0.975 quantile. */
const Z975 = 1.959964;

/**
 * t(0.975, df): the table for df <= 30, else the Cornish-Fisher expansion around the normal quantile
 * (error below 1e-4 for df > 30).
 *
 * @throws RangeError when `df` is not a positive integer.
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`tQuantile975: df must be a positive integer (got ${df})`);
  const tabled = T975_TABLE[df - 1];
  if (tabled !== undefined) return tabled;
  const z = Z975;
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  );
}
