/** Formatting helpers for readable CLI output. */

/** A number with fixed decimals and its unit, or an em dash-free placeholder when not measurable. */
export function fmt(value: number | null | undefined, decimals = 1, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return unit ? `  n/a ${unit}` : 'n/a';
  const s = value.toFixed(decimals);
  return unit ? `${s} ${unit}` : s;
}

/** Seconds as m:ss.s (or h:mm:ss for an hour and more). */
export function fmtDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return 'unknown length';
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${s.toFixed(0).padStart(2, '0')}`;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

/** Pads to a column width (left-aligned text, right-aligned when `right`). */
export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/**
 * JSON for people and programs: numbers rounded to `decimals` places (3 gives the 0.001 LU/dB
 * resolution ffmpeg's meter prints; figures are not more accurate than that).
 */
export function toJson(value: unknown, decimals = 3): string {
  const k = 10 ** decimals;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Math.round(v * k) / k : v), 2);
}
