import { round } from './db.js';

/** Short-term loudness distribution of the programme, LUFS. */
export interface ShortTermPercentiles {
  /** 10th percentile (the low end of LRA), LUFS. */
  p10Lufs: number;
  /** Median, LUFS. */
  p50Lufs: number;
  /** 90th percentile, LUFS. */
  p90Lufs: number;
  /** 95th percentile (the high end of LRA), LUFS. */
  p95Lufs: number;
}

/** Absolute gate on short-term values, LUFS (EBU Tech 3342). */
export const SHORT_TERM_ABSOLUTE_GATE_LUFS = -70;
/** Relative gate below the energy mean of the absolute-gated values, LU (EBU Tech 3342). */
export const SHORT_TERM_RELATIVE_GATE_LU = -20;

/**
 * Percentiles of short-term loudness values (3 s windows, any rate, e.g. 10 Hz), gated as for LRA
 * (-70 LUFS absolute, -20 LU relative), so p95 - p10 is the loudness range of the same values.
 * Percentiles interpolate linearly between order statistics (numpy's default). Null when no value
 * passes the gates. Allocates a sorted copy (read time only).
 */
export function shortTermPercentiles(history: Float64Array): ShortTermPercentiles | null {
  let power = 0;
  let count = 0;
  for (let i = 0; i < history.length; i++) {
    const v = history[i];
    if (v > SHORT_TERM_ABSOLUTE_GATE_LUFS) { power += 10 ** (v / 10); count++; }
  }
  if (count === 0) return null;
  const gate = 10 * Math.log10(power / count) + SHORT_TERM_RELATIVE_GATE_LU;
  const kept: number[] = [];
  for (let i = 0; i < history.length; i++) {
    const v = history[i];
    if (v > SHORT_TERM_ABSOLUTE_GATE_LUFS && v > gate) kept.push(v);
  }
  const sorted = Float64Array.from(kept).sort();
  const at = (p: number): number => {
    const x = (p / 100) * (sorted.length - 1);
    const i = Math.floor(x);
    const j = Math.min(sorted.length - 1, i + 1);
    return sorted[i] + (sorted[j] - sorted[i]) * (x - i);
  };
  return {
    p10Lufs: round(at(10)) as number,
    p50Lufs: round(at(50)) as number,
    p90Lufs: round(at(90)) as number,
    p95Lufs: round(at(95)) as number,
  };
}
