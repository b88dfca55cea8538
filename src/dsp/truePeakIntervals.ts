import { TAPS_PER_PHASE, l1Norm, outerL1, phaseTaps } from './truePeakFilter.js';

/**
 * Per-sample true peaks for a look-ahead limiter: for each interval [p, p+1) of a float64 signal,
 * the largest |value| among x[p] and the 4x-oversampled points p + 1/4, 1/2, 3/4, interpolated with
 * the BS.1770 filter of truePeakFilter.ts (the one TruePeakDetector and LoudnessMeter measure with),
 * so a limiter that keeps these under its ceiling keeps ama's own true-peak reading there too.
 *
 * Only values above a floor matter to a limiter, so the scan proves most intervals below it
 * cheaply (the bounds of TruePeakDetector): a chunk of 16 intervals is skipped when (max |x| it
 * reads) * (largest branch L1 norm) <= floor, an interval when its nearest tap pair plus the L1 of
 * the other taps times that max is <= floor. Only the rest get their full 32-tap dot products.
 */

const H = TAPS_PER_PHASE / 2;
const T1 = TAPS_PER_PHASE - 1;
const CHUNK = 16;
const MARGIN = 1e-9;

/** Samples an interval reads before its left sample (15) and after it (16): the history a caller must keep. */
export const INTERVAL_REACH = { before: H - 1, after: H } as const;

/** Finds the 4x true peak of each sample interval above a floor. Stateless between calls; build once. */
export class IntervalPeakScanner {
  private readonly hh: Float64Array; // 1/2 branch, first half (symmetric)
  private readonly cs: Float64Array; // 1/4 branch folded: c_i + c_{T-1-i}
  private readonly cd: Float64Array; // 1/4 branch folded: c_i - c_{T-1-i}
  private readonly l1Bound: number;
  private readonly halfBeyond1: number;
  private readonly quarterBeyond1: number;

  constructor() {
    const half = phaseTaps(0.5);
    const quarter = phaseTaps(0.25);
    this.hh = half.slice(0, H);
    this.cs = new Float64Array(H);
    this.cd = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      this.cs[i] = quarter[i] + quarter[T1 - i];
      this.cd[i] = quarter[i] - quarter[T1 - i];
    }
    const l1 = Math.max(l1Norm(half), l1Norm(quarter));
    this.l1Bound = l1 * (1 + MARGIN);
    this.halfBeyond1 = outerL1(half, 1) * (1 + MARGIN) + l1 * MARGIN;
    this.quarterBeyond1 = outerL1(quarter, 1) * (1 + MARGIN) + l1 * MARGIN;
  }

  /**
   * For k in [0, n): interval p = start + k (between buf[p] and buf[p+1]); where its true peak v
   * exceeds `floor` (linear), peaks[k] = max(peaks[k], v) exactly; elsewhere peaks[k] is left as is
   * (every value left out is <= floor). buf must hold buf[start - 15 .. start + n + 15].
   */
  scan(buf: Float64Array, start: number, n: number, floor: number, peaks: Float64Array): void {
    const l1Bound = this.l1Bound;
    for (let k0 = 0; k0 < n; k0 += CHUNK) {
      const k1 = k0 + CHUNK < n ? k0 + CHUNK : n;
      let mx = 0;
      for (let j = start + k0 - H + 1, last = start + k1 - 1 + H; j <= last; j++) {
        const a = Math.abs(buf[j]);
        if (a > mx) mx = a;
      }
      if (mx * l1Bound <= floor) continue;
      this.scanChunk(buf, start, k0, k1, mx, floor, peaks);
    }
  }

  private scanChunk(buf: Float64Array, start: number, k0: number, k1: number, mx: number, floor: number, peaks: Float64Array): void {
    const hh = this.hh, cs = this.cs, cd = this.cd;
    const h0 = Math.abs(hh[H - 1]), s0 = Math.abs(cs[H - 1]), d0 = Math.abs(cd[H - 1]);
    const rh = this.halfBeyond1 * mx, rq = 2 * this.quarterBeyond1 * mx;
    for (let k = k0; k < k1; k++) {
      const p = start + k;
      const a0 = buf[p], b0 = buf[p + 1];
      const x0 = Math.abs(a0);
      const ps = Math.abs(a0 + b0), ns = Math.abs(a0 - b0);
      // Bound 2: the nearest tap pair exactly, the other taps at most their L1 norm times mx.
      if (x0 <= floor && h0 * ps + rh <= floor && s0 * ps + d0 * ns + rq <= 2 * floor) continue;
      const base = p - H + 1;
      let yh = 0, s = 0, d = 0;
      for (let i = 0; i < H; i++) {
        const a = buf[base + i], b = buf[base + T1 - i];
        const sum = a + b;
        yh += hh[i] * sum;
        s += cs[i] * sum;
        d += cd[i] * (a - b);
      }
      let v = 0.5 * (Math.abs(s) + Math.abs(d)); // max(|y 1/4|, |y 3/4|)
      const h = Math.abs(yh);
      if (h > v) v = h;
      if (x0 > v) v = x0;
      if (v > floor && v > peaks[k]) peaks[k] = v;
    }
  }
}
