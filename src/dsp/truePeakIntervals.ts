import { TAPS_PER_PHASE, foldedBranches, l1Norm, outerL1 } from './truePeakFilter.js';

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
    const { half, quarter, hh, cs, cd } = foldedBranches();
    this.hh = hh;
    this.cs = cs;
    this.cd = cd;
    const l1 = Math.max(l1Norm(half), l1Norm(quarter));
    this.l1Bound = l1 * (1 + MARGIN);
    this.halfBeyond1 = outerL1(half, 1) * (1 + MARGIN) + l1 * MARGIN;
    this.quarterBeyond1 = outerL1(quarter, 1) * (1 + MARGIN) + l1 * MARGIN;
  }

  /**
   * For k in [0, n): interval p = start + k (between buf[p] and buf[p+1]); where its true peak v
   * exceeds both `floor` (linear) and peaks[k], peaks[k] = v exactly; elsewhere peaks[k] is left as
   * is. So scanning channel after channel into the same peaks leaves their maximum wherever it is
   * above the floor. buf must hold buf[start - 15 .. start + n + 15].
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
    // The taps as locals, and the 16 folded products written out: no loop or index arithmetic in the
    // one place this scanner spends its time on loud material.
    const hh0 = hh[0], hh1 = hh[1], hh2 = hh[2], hh3 = hh[3], hh4 = hh[4], hh5 = hh[5], hh6 = hh[6], hh7 = hh[7];
    const hh8 = hh[8], hh9 = hh[9], hh10 = hh[10], hh11 = hh[11], hh12 = hh[12], hh13 = hh[13], hh14 = hh[14], hh15 = hh[15];
    const cs0 = cs[0], cs1 = cs[1], cs2 = cs[2], cs3 = cs[3], cs4 = cs[4], cs5 = cs[5], cs6 = cs[6], cs7 = cs[7];
    const cs8 = cs[8], cs9 = cs[9], cs10 = cs[10], cs11 = cs[11], cs12 = cs[12], cs13 = cs[13], cs14 = cs[14], cs15 = cs[15];
    const cd0 = cd[0], cd1 = cd[1], cd2 = cd[2], cd3 = cd[3], cd4 = cd[4], cd5 = cd[5], cd6 = cd[6], cd7 = cd[7];
    const cd8 = cd[8], cd9 = cd[9], cd10 = cd[10], cd11 = cd[11], cd12 = cd[12], cd13 = cd[13], cd14 = cd[14], cd15 = cd[15];
    for (let k = k0; k < k1; k++) {
      const p = start + k;
      const a0 = buf[p], b0 = buf[p + 1];
      const x0 = Math.abs(a0);
      // An interval matters only above the floor and above what an earlier channel found there.
      const f = peaks[k] > floor ? peaks[k] : floor;
      const ps = Math.abs(a0 + b0), ns = Math.abs(a0 - b0);
      // Bound 2: the nearest tap pair exactly, the other taps at most their L1 norm times mx.
      if (x0 <= f && h0 * ps + rh <= f && s0 * ps + d0 * ns + rq <= 2 * f) continue;
      const base = p - H + 1;
      const u0 = buf[base + 0], u1 = buf[base + 1], u2 = buf[base + 2], u3 = buf[base + 3];
      const u4 = buf[base + 4], u5 = buf[base + 5], u6 = buf[base + 6], u7 = buf[base + 7];
      const u8 = buf[base + 8], u9 = buf[base + 9], u10 = buf[base + 10], u11 = buf[base + 11];
      const u12 = buf[base + 12], u13 = buf[base + 13], u14 = buf[base + 14], u15 = buf[base + 15];
      const v0 = buf[base + 31], v1 = buf[base + 30], v2 = buf[base + 29], v3 = buf[base + 28];
      const v4 = buf[base + 27], v5 = buf[base + 26], v6 = buf[base + 25], v7 = buf[base + 24];
      const v8 = buf[base + 23], v9 = buf[base + 22], v10 = buf[base + 21], v11 = buf[base + 20];
      const v12 = buf[base + 19], v13 = buf[base + 18], v14 = buf[base + 17], v15 = buf[base + 16];
      const yh =
        hh0 * (u0 + v0) + hh1 * (u1 + v1) + hh2 * (u2 + v2) + hh3 * (u3 + v3) +
        hh4 * (u4 + v4) + hh5 * (u5 + v5) + hh6 * (u6 + v6) + hh7 * (u7 + v7) +
        hh8 * (u8 + v8) + hh9 * (u9 + v9) + hh10 * (u10 + v10) + hh11 * (u11 + v11) +
        hh12 * (u12 + v12) + hh13 * (u13 + v13) + hh14 * (u14 + v14) + hh15 * (u15 + v15);
      const s =
        cs0 * (u0 + v0) + cs1 * (u1 + v1) + cs2 * (u2 + v2) + cs3 * (u3 + v3) +
        cs4 * (u4 + v4) + cs5 * (u5 + v5) + cs6 * (u6 + v6) + cs7 * (u7 + v7) +
        cs8 * (u8 + v8) + cs9 * (u9 + v9) + cs10 * (u10 + v10) + cs11 * (u11 + v11) +
        cs12 * (u12 + v12) + cs13 * (u13 + v13) + cs14 * (u14 + v14) + cs15 * (u15 + v15);
      const d =
        cd0 * (u0 - v0) + cd1 * (u1 - v1) + cd2 * (u2 - v2) + cd3 * (u3 - v3) +
        cd4 * (u4 - v4) + cd5 * (u5 - v5) + cd6 * (u6 - v6) + cd7 * (u7 - v7) +
        cd8 * (u8 - v8) + cd9 * (u9 - v9) + cd10 * (u10 - v10) + cd11 * (u11 - v11) +
        cd12 * (u12 - v12) + cd13 * (u13 - v13) + cd14 * (u14 - v14) + cd15 * (u15 - v15);
      let v = 0.5 * (Math.abs(s) + Math.abs(d)); // max(|y 1/4|, |y 3/4|)
      const h = Math.abs(yh);
      if (h > v) v = h;
      if (x0 > v) v = x0;
      if (v > f) peaks[k] = v;
    }
  }
}
