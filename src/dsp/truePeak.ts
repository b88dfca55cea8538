import { TAPS_PER_PHASE, foldedBranches, l1Norm, outerL1, oversamplingFactor } from './truePeakFilter.js';

export { TAPS_PER_PHASE, oversamplingFactor } from './truePeakFilter.js';

/**
 * Streaming true-peak detector (ITU-R BS.1770-4 Annex 2) over the filter of truePeakFilter.ts.
 *
 * Symmetry halves the work: the 1/2 branch is symmetric and the 3/4 branch is the 1/4 branch
 * mirrored, so with p_i = u_i + u_{T-1-i}, d_i = u_i - u_{T-1-i} over the window u, one pass gives
 * y_1/2 = sum h_i p_i, S = y_1/4 + y_3/4 = sum cs_i p_i, D = y_1/4 - y_3/4 = sum cd_i d_i, and
 * max(|y_1/4|, |y_3/4|) = (|S| + |D|) / 2.
 *
 * Skipping that keeps the result exact. An output is a dot product of a branch's taps with T input
 * samples, so |y| <= sum_i |c_i| |u_i|. Three bounds, cheapest first, each compared with the peak
 * found so far (which already holds every input sample, phase 0 being the identity):
 *  1. per chunk of CHUNK = 16 intervals: (max |x| over the 47 samples the chunk reads) * (largest L1
 *     norm of a branch, ~2.5): the whole chunk is skipped;
 *  2. per interval: |exact sum over the nearest tap pair| + (L1 of the other taps) * (that max |x|);
 *  3. per interval: the same with the two nearest pairs.
 * Only an interval that passes none of them gets its full dot products. Every L1 figure carries a
 * 1e-9 relative margin, far above the ~1e-15 rounding of a 32-term dot product, so a skipped output
 * could not have raised the computed peak. On programme material bound 1 skips most chunks once the
 * loud passages have set the peak; on stationary white noise bounds 2 and 3 leave ~0.3% of the
 * intervals to compute. The maxima come from one pass over the block, 16 samples per cell, with a
 * branch-free max ((a + b + |a - b|) / 2): compare-and-branch mispredicts on noise and cost 5x more.
 *
 * Streaming: the last T-1 input samples are kept, so the interval between x[n] and x[n+1] is
 * evaluated once x[n + T/2] has arrived (a latency of T/2 samples, 0.33 ms at 48 kHz). The stream is
 * taken to be preceded by silence; the last T/2 intervals of what has arrived wait for more input.
 */

/** Output intervals per chunk of bound 1, and input samples per cell of the maxima pass. */
const CHUNK = 16;
/** Input samples kept from one block to the next. */
const HIST = TAPS_PER_PHASE - 1;
const MARGIN = 1e-9;

/** Streaming true-peak detector for one channel. process() allocates only when a larger block arrives. */
export class TruePeakDetector {
  /** Oversampling factor, 2 or 4. */
  readonly factor: 2 | 4;
  private readonly hh: Float64Array; // 1/2 branch, first half (symmetric)
  private readonly cs: Float64Array; // 1/4 branch folded: c_i + c_{T-1-i}
  private readonly cd: Float64Array; // 1/4 branch folded: c_i - c_{T-1-i}
  private readonly l1Bound: number;
  private readonly halfBeyond1: number;
  private readonly quarterBeyond1: number;
  private readonly halfBeyond2: number;
  private readonly quarterBeyond2: number;
  private buf: Float32Array;
  private cells: Float64Array;
  private peakLinear = 0;
  private intervals = 0;
  private computed = 0;
  private lastComputed = 0;

  /** A detector for a stream at `sampleRate` Hz (8000..192000). */
  constructor(sampleRate: number) {
    this.factor = oversamplingFactor(sampleRate);
    const { half, quarter, hh, cs, cd } = foldedBranches();
    this.hh = hh;
    this.cs = cs;
    this.cd = cd;
    const q = this.factor === 4;
    const l1Max = q ? Math.max(l1Norm(half), l1Norm(quarter)) : l1Norm(half);
    const eps = l1Max * MARGIN;
    this.l1Bound = l1Max + eps;
    this.halfBeyond1 = outerL1(half, 1) + eps;
    this.quarterBeyond1 = q ? outerL1(quarter, 1) + eps : 0;
    this.halfBeyond2 = outerL1(half, 2) + eps;
    this.quarterBeyond2 = q ? outerL1(quarter, 2) + eps : 0;
    this.buf = new Float32Array(HIST);
    this.cells = new Float64Array(0);
  }

  /** Highest absolute value of the oversampled signal so far, linear (0..+inf, 1 = full scale). */
  get peak(): number {
    return this.peakLinear;
  }

  /** Fraction of intervals whose full dot products were computed (0..1), for benchmarks. */
  get computedFraction(): number {
    return this.intervals === 0 ? 0 : this.computed / this.intervals;
  }

  /** Forgets the peak and the history, as a new stream. */
  reset(): void {
    this.buf.fill(0);
    this.peakLinear = 0;
    this.intervals = 0;
    this.computed = 0;
  }

  /** Feeds x[0..n) (default all of x), the next samples of the stream: finite values (NaN/Inf replaced by 0). */
  process(x: Float32Array, n: number = x.length): void {
    if (n <= 0) return;
    const H = TAPS_PER_PHASE / 2;
    const len = HIST + n;
    if (this.buf.length < len) this.grow(len);
    const buf = this.buf;
    if (n === x.length) buf.set(x, HIST);
    else for (let i = 0; i < n; i++) buf[HIST + i] = x[i];
    let peak = this.fillCells(len);
    const cells = this.cells, l1Bound = this.l1Bound;
    const quarter = this.factor === 4;
    // Intervals m in [H-1, H-1+n) are ready: interval m (between buf[m] and buf[m+1]) reads
    // buf[m-H+1 .. m+H], so chunk [m0, m0+16) reads cells (m0-H+1)/16 .. (m0+15+H)/16.
    const mEnd = H - 1 + n;
    let computed = 0;
    for (let m0 = H - 1; m0 < mEnd; m0 += CHUNK) {
      const m1 = m0 + CHUNK < mEnd ? m0 + CHUNK : mEnd;
      let mx = 0;
      for (let c = ((m0 - H + 1) / CHUNK) | 0, last = ((m1 - 1 + H) / CHUNK) | 0; c <= last; c++) {
        const v = cells[c];
        mx = 0.5 * (mx + v + Math.abs(mx - v)); // branch-free max, as in fillCells
      }
      if (mx * l1Bound <= peak) continue;
      peak = quarter ? this.scanQuarter(m0, m1, mx, peak) : this.scanHalf(m0, m1, mx, peak);
      computed += this.lastComputed;
    }
    this.intervals += n;
    this.computed += computed;
    this.peakLinear = peak;
    buf.copyWithin(0, n, len);
  }

  /** Max |x| per CHUNK samples of buf[0..len) into cells; returns the peak so far including them. */
  private fillCells(len: number): number {
    const buf = this.buf, cells = this.cells;
    const whole = len - (len % CHUNK);
    let peak = this.peakLinear;
    let c = 0;
    for (let i = 0; i < whole; i += CHUNK) {
      // Branch-free max: (a + b + |a - b|) / 2, exact for float32 inputs up to a 2^29 ratio and
      // otherwise within 1 ulp, which the bounds' margin covers.
      let m = 0;
      for (let k = i; k < i + CHUNK; k += 4) {
        const a = Math.abs(buf[k]), b = Math.abs(buf[k + 1]);
        const d = Math.abs(buf[k + 2]), e = Math.abs(buf[k + 3]);
        const ab = a + b + Math.abs(a - b), de = d + e + Math.abs(d - e);
        const v = 0.25 * (ab + de + Math.abs(ab - de));
        m = 0.5 * (m + v + Math.abs(m - v));
      }
      cells[c++] = m;
      if (m > peak) peak = m;
    }
    if (whole < len) {
      let m = 0;
      for (let k = whole; k < len; k++) {
        const a = Math.abs(buf[k]);
        if (a > m) m = a;
      }
      cells[c] = m;
      if (m > peak) peak = m;
    }
    return peak;
  }

  /**
   * Peak of the 1/2, 1/4 and 3/4 branches over intervals [m0, m1), at least `peak`; mx bounds |x|
   * over everything they read. Bounds 2 and 3 screen each interval before its full dot products.
   */
  private scanQuarter(m0: number, m1: number, mx: number, peak: number): number {
    const buf = this.buf, hh = this.hh, cs = this.cs, cd = this.cd;
    const H = TAPS_PER_PHASE / 2, T1 = TAPS_PER_PHASE - 1;
    const h0 = Math.abs(hh[H - 1]), s0 = Math.abs(cs[H - 1]), d0 = Math.abs(cd[H - 1]);
    const rh = this.halfBeyond1 * mx, rq = 2 * this.quarterBeyond1 * mx;
    const hf = this.halfBeyond2 * mx, qf = this.quarterBeyond2 * mx;
    let computed = 0;
    let tH = peak - rh, tQ = 2 * peak - rq;
    let b0 = buf[m0];
    for (let m = m0; m < m1; m++) {
      const a0 = b0;
      b0 = buf[m + 1];
      const p0 = Math.abs(a0 + b0), n0 = Math.abs(a0 - b0);
      if (h0 * p0 <= tH && s0 * p0 + d0 * n0 <= tQ) continue;
      // Bound 3: the two nearest pairs, exact.
      const a1 = buf[m - 1], b1 = buf[m + 2];
      const p1 = a1 + b1, p01 = a0 + b0;
      const yh2 = hh[H - 1] * p01 + hh[H - 2] * p1;
      const s2 = cs[H - 1] * p01 + cs[H - 2] * p1;
      const d2 = cd[H - 1] * (a0 - b0) + cd[H - 2] * (a1 - b1);
      if (Math.abs(yh2) + hf <= peak && 0.5 * (Math.abs(s2) + Math.abs(d2)) + qf <= peak) continue;
      computed++;
      const base = m - H + 1;
      let yh = 0, s = 0, d = 0;
      for (let i = 0; i < H; i++) {
        const a = buf[base + i], b = buf[base + T1 - i];
        const p = a + b;
        yh += hh[i] * p;
        s += cs[i] * p;
        d += cd[i] * (a - b);
      }
      const q = 0.5 * (Math.abs(s) + Math.abs(d));
      const h = Math.abs(yh);
      if (q > peak) peak = q;
      if (h > peak) peak = h;
      tH = peak - rh;
      tQ = 2 * peak - rq;
    }
    this.lastComputed = computed;
    return peak;
  }

  /** As scanQuarter for the 1/2 branch alone (2x oversampling). */
  private scanHalf(m0: number, m1: number, mx: number, peak: number): number {
    const buf = this.buf, hh = this.hh;
    const H = TAPS_PER_PHASE / 2, T1 = TAPS_PER_PHASE - 1;
    const h0 = Math.abs(hh[H - 1]);
    const rh = this.halfBeyond1 * mx;
    const hf = this.halfBeyond2 * mx;
    let computed = 0;
    for (let m = m0; m < m1; m++) {
      const p01 = buf[m] + buf[m + 1];
      if (h0 * Math.abs(p01) + rh <= peak) continue;
      if (Math.abs(hh[H - 1] * p01 + hh[H - 2] * (buf[m - 1] + buf[m + 2])) + hf <= peak) continue;
      computed++;
      const base = m - H + 1;
      let yh = 0;
      for (let i = 0; i < H; i++) yh += hh[i] * (buf[base + i] + buf[base + T1 - i]);
      const h = Math.abs(yh);
      if (h > peak) peak = h;
    }
    this.lastComputed = computed;
    return peak;
  }

  private grow(len: number): void {
    const next = new Float32Array(len);
    next.set(this.buf.subarray(0, HIST));
    this.buf = next;
    this.cells = new Float64Array(Math.ceil(len / CHUNK) + 1);
  }
}
