import { IntervalPeakScanner, INTERVAL_REACH } from '../dsp/truePeakIntervals.js';
import { dbToGain } from './gain.js';
import type { RenderStage } from './stage.js';

/**
 * True-peak-aware look-ahead limiter, linked over every channel.
 *
 * 1. Input gain, then for every sample interval the 4x-oversampled peak over all channels (the BS.1770
 *    interpolator that ama's meters use, see IntervalPeakScanner) and the gain r <= 1 it needs to sit
 *    at the target: the ceiling minus marginDb (0.1 dB by default).
 * 2. Gain envelope, as deficits 1 - gain: a sliding maximum over L + 2K samples (L the look-ahead,
 *    K = 16 the interpolator's half length), a one-pole release towards unity gain (linear, time
 *    constant releaseMs), then two moving averages of L/2 samples each (an S-shaped attack of L
 *    samples, no steps, so no clicks). Every gain inside the interpolator's reach of an interval is
 *    then at most that interval's r: a moving average of values each <= r stays <= r. Around a lone
 *    peak the gain is flat over +-K samples, so the output's true peak there is exactly the target.
 * 3. Output = gain * input delayed by latencyFrames = L + 31 (16 samples of interpolator look-ahead
 *    plus L - 1 + K of hold); the render chain removes that delay offline.
 * Below the target nothing is touched: the gain is exactly 1 and the output is the delayed input.
 */

/** Limiter settings, units in the names (the `limiter` params of src/suggest/types.ts, plus the margin). */
export interface LimiterSettings {
  /** Gain before the limiter, dB. */
  inputGainDb: number;
  /** Ceiling for the output's true peak, dBTP. */
  ceilingDbtp: number;
  /** Release time constant, ms (>= 0). */
  releaseMs: number;
  /** Look-ahead and attack time, ms (>= 0; at least MIN_LOOKAHEAD_FRAMES frames are used). */
  lookaheadMs: number;
  /** Safety margin under the ceiling, dB (>= 0); default 0.1. */
  marginDb?: number;
}

/** Shortest look-ahead, frames: a shorter attack would be a near-step in gain. */
export const MIN_LOOKAHEAD_FRAMES = 8;
const K = INTERVAL_REACH.after;

/** The limiter as a render stage for `channels` channels. */
export class LimiterStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames: number;
  private readonly channels: number;
  private readonly inputGain: number;
  private readonly target: number;
  private readonly window: number;
  private readonly releaseCoeff: number;
  private readonly scanner = new IntervalPeakScanner();
  private bufs: Float64Array[];
  private peaks = new Float64Array(0);
  // Sliding maximum of deficits: a monotonic deque in a power-of-two ring.
  private readonly dqVal: Float64Array;
  private readonly dqIdx: Float64Array;
  private readonly dqMask: number;
  private dqHead = 0;
  private dqTail = 0;
  private t = 0;
  private released = 0;
  private readonly ma1: MovingAverage;
  private readonly ma2: MovingAverage;

  /** At `sampleRate` Hz for `channels` channels (1..8). Settings are assumed valid (see src/render/plan.ts). */
  constructor(sampleRate: number, channels: number, s: LimiterSettings) {
    const lookahead = Math.max(MIN_LOOKAHEAD_FRAMES, Math.round((s.lookaheadMs * sampleRate) / 1000));
    this.channels = channels;
    this.inputGain = dbToGain(s.inputGainDb);
    this.target = dbToGain(s.ceilingDbtp - (s.marginDb ?? 0.1));
    this.window = lookahead + 2 * K;
    this.latencyFrames = INTERVAL_REACH.after + lookahead - 1 + K;
    this.releaseCoeff = s.releaseMs > 0 ? Math.exp(-1000 / (s.releaseMs * sampleRate)) : 0;
    const cap = 2 ** Math.ceil(Math.log2(this.window + 2));
    this.dqVal = new Float64Array(cap);
    this.dqIdx = new Float64Array(cap);
    this.dqMask = cap - 1;
    const l1 = Math.ceil(lookahead / 2);
    this.ma1 = new MovingAverage(l1);
    this.ma2 = new MovingAverage(lookahead - l1 + 1);
    this.bufs = Array.from({ length: channels }, () => new Float64Array(this.latencyFrames));
    this.label = `limiter ${s.inputGainDb >= 0 ? '+' : ''}${s.inputGainDb} dB into ${s.ceilingDbtp} dBTP`;
  }

  process(block: Float64Array[], n: number): void {
    const D = this.latencyFrames;
    if (this.bufs[0].length < D + n) this.bufs = this.bufs.map((b) => grow(b, D + n, D));
    if (this.peaks.length < n) this.peaks = new Float64Array(n);
    const peaks = this.peaks, target = this.target;
    peaks.fill(0, 0, n);
    for (let c = 0; c < this.channels; c++) {
      const buf = this.bufs[c], x = block[c], g = this.inputGain;
      for (let i = 0; i < n; i++) buf[D + i] = g * x[i];
      // Interval k of this block sits 16 samples back, where its interpolator's reach ends at the newest sample.
      this.scanner.scan(buf, D - INTERVAL_REACH.after, n, target, peaks);
    }
    const gain = peaks; // reused: interval k's peak becomes the gain of the output sample due at step k
    for (let k = 0; k < n; k++) {
      const p = peaks[k];
      gain[k] = 1 - this.envelope(p > target ? 1 - target / p : 0);
    }
    for (let c = 0; c < this.channels; c++) {
      const buf = this.bufs[c], y = block[c];
      for (let k = 0; k < n; k++) y[k] = gain[k] * buf[k];
      buf.copyWithin(0, n, D + n);
    }
  }

  /** Pushes the next interval's deficit (1 - needed gain); returns the deficit of the output sample due now. */
  private envelope(deficit: number): number {
    const val = this.dqVal, idx = this.dqIdx, mask = this.dqMask, t = this.t++;
    while (this.dqTail > this.dqHead && val[(this.dqTail - 1) & mask] <= deficit) this.dqTail--;
    val[this.dqTail & mask] = deficit;
    idx[this.dqTail & mask] = t;
    this.dqTail++;
    while (idx[this.dqHead & mask] <= t - this.window) this.dqHead++;
    const held = val[this.dqHead & mask];
    let rel = this.released * this.releaseCoeff;
    if (rel < 1e-12) rel = 0;
    this.released = held > rel ? held : rel;
    return this.ma2.push(this.ma1.push(this.released));
  }
}

/** Running mean of the last `length` values, exact (0) once they are all 0. */
class MovingAverage {
  private readonly ring: Float64Array;
  private pos = 0;
  private sum = 0;
  private nonZero = 0;

  constructor(private readonly length: number) {
    this.ring = new Float64Array(length);
  }

  push(v: number): number {
    const old = this.ring[this.pos];
    this.ring[this.pos] = v;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    this.nonZero += (v !== 0 ? 1 : 0) - (old !== 0 ? 1 : 0);
    this.sum = this.nonZero === 0 ? 0 : this.sum + v - old;
    return this.sum / this.length;
  }
}

function grow(buf: Float64Array, length: number, keep: number): Float64Array {
  const next = new Float64Array(length);
  next.set(buf.subarray(0, keep));
  return next;
}
