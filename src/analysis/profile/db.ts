/**
 * Decibel helpers for profile readings: JSON has no Infinity or NaN, so levels and ratios are
 * capped at +-DB_LIMIT dB (a capped value means "nothing measurable there": total cancellation,
 * a silent band, a hard-panned channel) and become null only when nothing at all was measured.
 */

/** Magnitude cap of every dB figure in a profile, dB (120: far below any real programme). */
export const DB_LIMIT = 120;

/** 10 log10(num / den) clamped to +-DB_LIMIT dB; null when both are 0 or either is not finite. */
export function powerRatioDb(num: number, den: number): number | null {
  if (!Number.isFinite(num) || !Number.isFinite(den) || num < 0 || den < 0) return null;
  if (num === 0 && den === 0) return null;
  if (den === 0) return DB_LIMIT;
  if (num === 0) return -DB_LIMIT;
  return clampDb(10 * Math.log10(num / den));
}

/** 10 log10(power) minus refDb, clamped to +-DB_LIMIT dB; null when refDb is null or power not finite. */
export function relativeLevelDb(power: number, refDb: number | null): number | null {
  if (refDb === null || !Number.isFinite(power) || power < 0) return null;
  if (power === 0) return -DB_LIMIT;
  return clampDb(10 * Math.log10(power) - refDb);
}

/** Clamps a dB value to +-DB_LIMIT. */
export function clampDb(x: number): number {
  return x > DB_LIMIT ? DB_LIMIT : x < -DB_LIMIT ? -DB_LIMIT : x;
}

/** Rounds to `digits` decimals for stable, compact JSON; keeps null. */
export function round(x: number | null, digits = 3): number | null {
  if (x === null) return null;
  const p = 10 ** digits;
  const r = Math.round(x * p) / p;
  return Object.is(r, -0) ? 0 : r;
}
