import { ThreeWaySplitter } from '../../dsp/crossover.js';
import { BucketGatedSum, type GateOptions } from './gatedSum.js';
import { powerRatioDb, round } from './db.js';

/** Crest factors and peak density of the programme. */
export interface CrestReading {
  /** Sample peak of either channel, dBFS; null in digital silence. */
  samplePeakDbfs: number | null;
  /** RMS of the mean channel power over the gated 400 ms blocks, dBFS; null in silence. */
  rmsDbfs: number | null;
  /** samplePeak minus gated RMS, dB (3.01 for a sine); null in silence. */
  crestDb: number | null;
  /** Crest of the mid signal below the low crossover (LR4, 200 Hz), dB; null when the band is silent. */
  crestLowDb: number | null;
  /** Crest of the mid signal between the crossovers (200 Hz..4 kHz), dB; null when silent. */
  crestMidDb: number | null;
  /** Crest of the mid signal above the high crossover (4 kHz), dB; null when silent. */
  crestHighDb: number | null;
  /** Share of active 10 ms windows whose peak is within 1 dB of the track's sample peak, 0..1 (limited masters: high); null in silence. */
  nearPeakShare: number | null;
}

/** Gate of the crest RMS: 400 ms blocks at -70 dBFS absolute, -20 dB relative (mean channel power). */
export const CREST_GATE: Readonly<GateOptions> = { absoluteDb: -70, relativeDb: -20 };
const BLOCK_SEC = 0.4;
const WINDOW_SEC = 0.01;
const HIST_FLOOR_DB = -120;
const HIST_STEP_DB = 0.1;
const HIST_BINS = 1300; // -120..+10 dBFS
const NEAR_PEAK_DB = 1;
const ACTIVE_RANGE_DB = 20;
const CHUNK = 1024;

/**
 * Time-domain dynamics: sample peak and gated RMS overall (both channels) and in three bands of the
 * mid signal (a mono fold-down, so band figures match what a bus compressor on the sum would see),
 * and a histogram of 10 ms window peaks. Constant memory; allocates nothing per block.
 */
export class CrestAnalyzer {
  private readonly splitter: ThreeWaySplitter;
  private readonly gated = new BucketGatedSum(4, CREST_GATE);
  private readonly blockVector = new Float64Array(4);
  private readonly peaks = new Float64Array(4);
  private readonly hist = new Float64Array(HIST_BINS);
  private readonly mid = new Float64Array(CHUNK);
  private readonly low = new Float64Array(CHUNK);
  private readonly band = new Float64Array(CHUNK);
  private readonly high = new Float64Array(CHUNK);
  private readonly blockLength: number;
  private readonly windowLength: number;
  private blockFill = 0;
  private windowFill = 0;
  private windowPeak = 0;
  private readonly acc = new Float64Array(4);

  /** At `sampleRate` Hz with crossovers at 200 Hz and 4 kHz. */
  constructor(sampleRate: number) {
    this.splitter = new ThreeWaySplitter(sampleRate, 200, 4000);
    this.blockLength = Math.round(BLOCK_SEC * sampleRate);
    this.windowLength = Math.max(1, Math.round(WINDOW_SEC * sampleRate));
  }

  /** Feeds `length` samples of left (or mono) and right (null for mono). */
  process(left: Float32Array, right: Float32Array | null, length = left.length): void {
    for (let start = 0; start < length; start += CHUNK) {
      const end = Math.min(length, start + CHUNK);
      const n = end - start;
      const m = this.mid;
      if (right) for (let i = 0; i < n; i++) m[i] = (left[start + i] + right[start + i]) * 0.5;
      else for (let i = 0; i < n; i++) m[i] = left[start + i];
      this.splitter.process(m, 0, n, this.low, this.band, this.high);
      this.chunk(left, right, start, n);
    }
  }

  private chunk(left: Float32Array, right: Float32Array | null, start: number, n: number): void {
    // Locals, not typed-array slots, in the per-sample loop: this is a hot path. The loop runs in
    // segments that end at the next 10 ms window or 400 ms block boundary, so the inner loop has no
    // counters or bookkeeping branches (same sums in the same order as one loop with counters).
    const acc = this.acc;
    const pk = this.peaks;
    const { low, band, high } = this;
    let a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    let p1 = pk[1], p2 = pk[2], p3 = pk[3];
    let wPeak = this.windowPeak;
    let wFill = this.windowFill;
    let bFill = this.blockFill;
    const wLen = this.windowLength;
    const bLen = this.blockLength;
    const r = right ?? left;
    for (let i = 0; i < n;) {
      const seg = Math.min(n - i, wLen - wFill, bLen - bFill);
      const end = i + seg;
      for (let j = start + i; i < end; i++, j++) {
        const xl = left[j];
        const xr = r[j];
        // Math.abs, not a sign test: a branch on the sign of audio mispredicts half the time.
        const al = Math.abs(xl);
        const ar = Math.abs(xr);
        if (al > wPeak) wPeak = al;
        if (ar > wPeak) wPeak = ar;
        a0 += (xl * xl + xr * xr) * 0.5;
        const lo = low[i], md = band[i], hi = high[i];
        a1 += lo * lo; a2 += md * md; a3 += hi * hi;
        const alo = Math.abs(lo), amd = Math.abs(md), ahi = Math.abs(hi);
        if (alo > p1) p1 = alo;
        if (amd > p2) p2 = amd;
        if (ahi > p3) p3 = ahi;
      }
      wFill += seg;
      bFill += seg;
      if (wFill === wLen) {
        if (wPeak > pk[0]) pk[0] = wPeak;
        this.addWindow(wPeak);
        wFill = 0;
        wPeak = 0;
      }
      if (bFill === bLen) {
        const bv = this.blockVector;
        bv[0] = a0 / bLen; bv[1] = a1 / bLen; bv[2] = a2 / bLen; bv[3] = a3 / bLen;
        a0 = a1 = a2 = a3 = 0;
        this.gated.add(bv, bv[0] > 0 ? 10 * Math.log10(bv[0]) : -Infinity);
        bFill = 0;
      }
    }
    if (wPeak > pk[0]) pk[0] = wPeak;
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
    pk[1] = p1; pk[2] = p2; pk[3] = p3;
    this.windowPeak = wPeak;
    this.windowFill = wFill;
    this.blockFill = bFill;
  }

  private addWindow(peak: number): void {
    if (!(peak > 0)) return;
    const db = 20 * Math.log10(peak);
    const i = Math.max(0, Math.min(HIST_BINS - 1, Math.floor((db - HIST_FLOOR_DB) / HIST_STEP_DB)));
    this.hist[i]++;
  }

  /** A fresh reading. The unfinished 400 ms block and 10 ms window at the end are not counted. */
  read(): CrestReading {
    const power = new Float64Array(4);
    const totals = this.gated.sum(power);
    const frames = totals.gatedFrames;
    const peakDb = this.peaks[0] > 0 ? 20 * Math.log10(this.peaks[0]) : null;
    const crest = (j: number): number | null =>
      frames > 0 ? round(powerRatioDb(this.peaks[j] * this.peaks[j], power[j] / frames)) : null;
    return {
      samplePeakDbfs: round(peakDb),
      rmsDbfs: round(totals.gatedLevelDb),
      crestDb: crest(0),
      crestLowDb: crest(1),
      crestMidDb: crest(2),
      crestHighDb: crest(3),
      nearPeakShare: peakDb === null ? null : round(this.nearPeakShare(peakDb), 4),
    };
  }

  private nearPeakShare(peakDb: number): number | null {
    let near = 0, active = 0;
    for (let i = 0; i < HIST_BINS; i++) {
      const top = HIST_FLOOR_DB + (i + 1) * HIST_STEP_DB;
      if (top > peakDb - ACTIVE_RANGE_DB) active += this.hist[i];
      if (top > peakDb - NEAR_PEAK_DB) near += this.hist[i];
    }
    return active > 0 ? near / active : null;
  }
}
