import { IntervalPeakScanner, INTERVAL_REACH } from '../dsp/truePeakIntervals.js';
import { dbToGain } from './gain.js';
import { LimiterEnvelope } from './limiterEnvelope.js';
import type { RenderStage } from './stage.js';

/**
 * True-peak-aware look-ahead limiter, linked over every channel.
 *
 * 1. Input gain, then for every sample interval the 4x-oversampled peak over all channels (the BS.1770
 *    interpolator that ama's meters use, see IntervalPeakScanner) and the gain r <= 1 it needs to sit
 *    at the target: the ceiling minus marginDb (0.1 dB by default).
 * 2. Gain envelope (LimiterEnvelope), as deficits 1 - gain: a sliding maximum over L + 2K samples
 *    (L the look-ahead, K = 16 the interpolator's half length), a one-pole release towards unity gain
 *    (linear, time constant releaseMs), then two moving averages of about L/2 samples each (an
 *    S-shaped attack of L samples, no steps, so no clicks). Every gain inside the interpolator's reach
 *    of an interval is then at most that interval's r: a moving average of values each <= r stays
 *    <= r. Around a lone peak the gain is flat over +-K samples, so the output's true peak there is
 *    exactly the target; where gains vary inside the reach, the margin absorbs the small difference.
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
  private readonly scanner = new IntervalPeakScanner();
  private readonly envelope: LimiterEnvelope;
  private bufs: Float64Array[];
  private work = new Float64Array(0);

  /** At `sampleRate` Hz for `channels` channels (1..8). Settings are assumed valid (see src/render/plan.ts). */
  constructor(sampleRate: number, channels: number, s: LimiterSettings) {
    const lookahead = Math.max(MIN_LOOKAHEAD_FRAMES, Math.round((s.lookaheadMs * sampleRate) / 1000));
    this.channels = channels;
    this.inputGain = dbToGain(s.inputGainDb);
    this.target = dbToGain(s.ceilingDbtp - (s.marginDb ?? 0.1));
    this.latencyFrames = INTERVAL_REACH.after + lookahead - 1 + K;
    const releaseCoeff = s.releaseMs > 0 ? Math.exp(-1000 / (s.releaseMs * sampleRate)) : 0;
    const a = Math.ceil(lookahead / 2);
    this.envelope = new LimiterEnvelope(lookahead + 2 * K, releaseCoeff, a, lookahead - a + 1);
    this.bufs = Array.from({ length: channels }, () => new Float64Array(this.latencyFrames));
    this.label = `limiter ${s.inputGainDb >= 0 ? '+' : ''}${s.inputGainDb} dB into ${s.ceilingDbtp} dBTP`;
  }

  process(block: Float64Array[], n: number): void {
    const D = this.latencyFrames;
    if (this.bufs[0].length < D + n) this.bufs = this.bufs.map((b) => grow(b, D + n, D));
    if (this.work.length < n) this.work = new Float64Array(n);
    const work = this.work;
    work.fill(0, 0, n);
    for (let c = 0; c < this.channels; c++) {
      const buf = this.bufs[c], x = block[c], g = this.inputGain;
      for (let i = 0; i < n; i++) buf[D + i] = g * x[i];
      // Interval k of this block sits 16 samples back, where its interpolator's reach ends at the newest
      // sample; the loudest channel wins (later channels only compute intervals that could beat it).
      this.scanner.scan(buf, D - INTERVAL_REACH.after, n, this.target, work);
    }
    this.envelope.run(work, n, this.target); // peaks in, gains of the samples due out
    for (let c = 0; c < this.channels; c++) {
      const buf = this.bufs[c], y = block[c];
      for (let k = 0; k < n; k++) y[k] = work[k] * buf[k];
      buf.copyWithin(0, n, D + n);
    }
  }
}

function grow(buf: Float64Array, length: number, keep: number): Float64Array {
  const next = new Float64Array(length);
  next.set(buf.subarray(0, keep));
  return next;
}
