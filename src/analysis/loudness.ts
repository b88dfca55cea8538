import type { AudioBlock, ChannelRole } from '../audio/types.js';
import { channelWeight } from '../audio/layout.js';
import { GrowableFloat64 } from '../dsp/growable.js';
import { createKWeightingState, kWeighting, kWeightedSumOfSquares, kWeightedSumOfSquares2, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../dsp/kweighting.js';
import type { KWeighting, KWeightingState } from '../dsp/kweighting.js';
import { TruePeakDetector } from '../dsp/truePeak.js';
import { AmaError } from '../util/errors.js';
import { energyToLufs, gatedLoudness, LoudnessRangeTracker } from './loudnessGating.js';
import { type LoudnessReading, buildReading } from './loudnessReading.js';

export type { LoudnessReading, ChannelPeaks } from './loudnessReading.js';

/**
 * ITU-R BS.1770-4 / EBU R128 (Tech 3341, 3342) loudness and peak meter over a stream of blocks.
 *
 * Timing: K-weighted, channel-weighted energy is summed per 10 ms sub-block, sub-block k ending at
 * frame round(k * fs / 100), so every rate works (22.05 kHz alternates 220 and 221 frames). At every
 * sub-block boundary (100 Hz) the momentary (last 40 sub-blocks, 400 ms) and short-term (last 300,
 * 3 s) loudness are evaluated; their maxima are taken over all evaluations. Windows are divided by
 * their exact frame count, and the stream is taken to be preceded by silence, so the first
 * evaluations (before 400 ms / 3 s) read the partial window over its full length, as a live meter.
 * Every 10 sub-blocks (100 ms): a complete 400 ms gating block (75% overlap) is stored for the
 * integrated loudness, and once 3 s have passed, the short-term value is stored for LRA (10 Hz).
 * Incomplete blocks at the end are not used (BS.1770-4). Storage: 16 bytes per 100 ms (~0.6 MB/hour).
 *
 * Channel weights come from channelWeight(): 1.0 front, 1.41 surround, LFE excluded (its peaks and RMS
 * are still reported). Loudness = -0.691 + 10 log10(sum_i G_i z_i).
 *
 * Non-finite input (NaN, +-Inf) is counted in nonFiniteSamples and replaced by 0 everywhere, so the
 * other figures stay finite; a caller must refuse to report loudness when that count is above 0.
 *
 * process() does not allocate, except to grow scratch space when a block larger than any before
 * arrives, and to double the histories (every ~10 minutes of audio, then rarer).
 */
export class LoudnessMeter {
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** Speaker role of each channel. */
  readonly layout: readonly ChannelRole[];
  private readonly weights: Float64Array;
  /** Channels with a non-zero loudness weight (all but LFE). */
  private readonly active: Int32Array;
  private readonly pairSums = new Float64Array(2);
  private readonly kw: KWeighting;
  private readonly kwState: KWeightingState[];
  private readonly tp: TruePeakDetector[];
  private readonly samplePeak: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly src: Float32Array[];
  private clean: Float32Array[] = [];
  private frames = 0;
  private nonFinite = 0;
  // 10 ms sub-blocks: completed count, frame where the current one ends, its energy so far.
  private subBlocks = 0;
  private nextBoundary: number;
  private subEnergy = 0;
  private readonly ring = new Float64Array(300);
  private momentary = -1; // latest mean-square energies; -1: not evaluated yet
  private shortTerm = -1;
  private momentaryMax = -1;
  private shortTermMax = -1;
  private readonly blocks = new GrowableFloat64(6000);
  private readonly shortTerms = new GrowableFloat64(6000);
  /** The LRA kept current as short-term values arrive, so read() stays cheap after hours (live meters read it at 10 Hz). */
  private readonly lra = new LoudnessRangeTracker();

  /** Validates the options; throws AmaError BAD_OPTION with the fix in its message. */
  constructor(opts: { sampleRate: number; layout: ChannelRole[] }) {
    const { sampleRate, layout } = opts ?? ({} as { sampleRate: number; layout: ChannelRole[] });
    if (typeof sampleRate !== 'number' || !(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
      throw new AmaError('BAD_OPTION', `sampleRate must be a number within [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}] Hz, got ${String(sampleRate)}; resample the audio or pass the stream's real rate`);
    }
    if (!Array.isArray(layout) || layout.length < 1 || layout.length > 32) {
      throw new AmaError('BAD_OPTION', `layout must list the role of each channel (1 to 32 entries), got ${Array.isArray(layout) ? `${layout.length} entries` : String(layout)}; use defaultLayout(channels)`);
    }
    layout.forEach((role, i) => {
      if (!ROLES.has(role)) {
        throw new AmaError('BAD_OPTION', `layout[${i}] must be one of ${[...ROLES].join(', ')}, got ${JSON.stringify(role)}`);
      }
    });
    this.sampleRate = sampleRate;
    this.layout = [...layout];
    const n = layout.length;
    this.weights = Float64Array.from(layout, channelWeight);
    this.active = Int32Array.from(layout.flatMap((role, c) => (channelWeight(role) !== 0 ? [c] : [])));
    this.kw = kWeighting(sampleRate);
    this.kwState = Array.from({ length: n }, createKWeightingState);
    this.tp = Array.from({ length: n }, () => new TruePeakDetector(sampleRate));
    this.samplePeak = new Float64Array(n);
    this.sumSquares = new Float64Array(n);
    this.src = Array.from({ length: n }, () => EMPTY);
    this.nextBoundary = this.boundary(1);
  }

  /** Frame index where 10 ms sub-block k begins (k may be negative: the silence before the stream). */
  private boundary(k: number): number {
    return Math.round((k * this.sampleRate) / 100);
  }

  /** Feeds the next block (one Float32Array per channel of the layout, all the same length). */
  process(block: AudioBlock): void {
    const nCh = this.weights.length;
    if (block.length !== nCh) {
      throw new AmaError('BAD_FORMAT', `block has ${block.length} channels but the meter was built for ${nCh} (${this.layout.join(' ')}); build one LoudnessMeter per stream format`);
    }
    const n = block[0].length;
    for (let c = 1; c < nCh; c++) {
      if (block[c].length !== n) {
        throw new AmaError('BAD_FORMAT', `block channels must have equal lengths, got ${n} frames in channel 0 and ${block[c].length} in channel ${c}`);
      }
    }
    if (n === 0) return;
    for (let c = 0; c < nCh; c++) {
      this.src[c] = this.scan(c, block[c], n);
      this.tp[c].process(this.src[c], n);
    }
    let pos = 0;
    while (pos < n) {
      const take = Math.min(this.nextBoundary - this.frames, n - pos);
      this.subEnergy += this.weightedEnergy(pos, pos + take);
      pos += take;
      this.frames += take;
      if (this.frames === this.nextBoundary) this.completeSubBlock();
    }
    for (let c = 0; c < nCh; c++) this.src[c] = EMPTY; // hold no reference to the caller's audio
  }

  /** Channel-weighted K-filtered sum of squares of frames [start, end), channels taken in pairs. */
  private weightedEnergy(start: number, end: number): number {
    const active = this.active, w = this.weights, st = this.kwState, src = this.src, pair = this.pairSums;
    let e = 0, i = 0;
    for (; i + 1 < active.length; i += 2) {
      const a = active[i], b = active[i + 1];
      kWeightedSumOfSquares2(this.kw, st[a], st[b], src[a], src[b], start, end, pair);
      e += w[a] * pair[0] + w[b] * pair[1];
    }
    if (i < active.length) {
      const a = active[i];
      e += w[a] * kWeightedSumOfSquares(this.kw, st[a], src[a], start, end);
    }
    return e;
  }

  /** Peak and sum of squares of one channel; returns the samples to use (NaN/Inf replaced by 0). */
  private scan(c: number, x: Float32Array, n: number): Float32Array {
    let peak = this.samplePeak[c], sum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const a = Math.abs(v);
      if (a > peak) peak = a;
      sum += v * v;
    }
    if (sum - sum === 0) {
      // Finite sum: every sample was finite (a NaN or an Inf would have made it NaN or Infinity).
      this.samplePeak[c] = peak;
      this.sumSquares[c] += sum;
      return x;
    }
    if (!this.clean[c] || this.clean[c].length < n) this.clean[c] = new Float32Array(n);
    const y = this.clean[c];
    peak = this.samplePeak[c];
    sum = 0;
    for (let i = 0; i < n; i++) {
      let v = x[i];
      if (v - v !== 0) {
        this.nonFinite++;
        v = 0;
      }
      y[i] = v;
      const a = Math.abs(v);
      if (a > peak) peak = a;
      sum += v * v;
    }
    this.samplePeak[c] = peak;
    this.sumSquares[c] += sum;
    return y;
  }

  private completeSubBlock(): void {
    const k = ++this.subBlocks;
    const ring = this.ring;
    ring[(k - 1) % 300] = this.subEnergy;
    this.subEnergy = 0;
    this.nextBoundary = this.boundary(k + 1);
    // Sub-blocks before the stream are silence: the ring starts zeroed.
    let m = 0;
    for (let j = k - 40; j < k; j++) m += ring[(j + 300) % 300];
    let s = 0;
    for (let j = 0; j < 300; j++) s += ring[j];
    const frames = this.frames;
    const mEnergy = m / (frames - this.boundary(k - 40));
    const sEnergy = s / (frames - this.boundary(k - 300));
    this.momentary = mEnergy;
    this.shortTerm = sEnergy;
    if (mEnergy > this.momentaryMax) this.momentaryMax = mEnergy;
    if (sEnergy > this.shortTermMax) this.shortTermMax = sEnergy;
    if (k % 10 === 0) {
      if (k >= 40) this.blocks.push(mEnergy);
      if (k >= 300) {
        this.shortTerms.push(sEnergy);
        this.lra.push(energyToLufs(sEnergy));
      }
    }
  }

  /**
   * Every figure so far, as a fresh plain object (null where there is no measurable value). Cheap
   * enough for a live meter at 10 Hz: the LRA is kept current incrementally, and the integrated
   * loudness is two passes over 16 bytes per 100 ms of history (about 50 us after an hour).
   */
  read(): LoudnessReading {
    const gated = gatedLoudness(this.blocks.data, this.blocks.length);
    return buildReading({
      integratedLufs: gated.integratedLufs,
      loudnessRangeLu: this.lra.value(),
      momentaryEnergy: this.momentary,
      shortTermEnergy: this.shortTerm,
      momentaryMaxEnergy: this.momentaryMax,
      shortTermMaxEnergy: this.shortTermMax,
      layout: this.layout,
      samplePeak: this.samplePeak,
      // The detector's cell maxima may round by 1 ulp; the true peak is never below the sample peak.
      truePeak: this.tp.map((d, c) => Math.max(d.peak, this.samplePeak[c])),
      sumSquares: this.sumSquares,
      frames: this.frames,
      sampleRate: this.sampleRate,
      nonFiniteSamples: this.nonFinite,
    });
  }

  /** Loudness of each complete 400 ms gating block, one per 100 ms step, in LUFS (-Infinity when silent). */
  blockLoudnessHistory(): Float64Array {
    return toLufs(this.blocks);
  }

  /** Relative gate of the integrated loudness in LUFS (integrated - 10 LU before relative gating), or null. */
  gateThresholdLufs(): number | null {
    return gatedLoudness(this.blocks.data, this.blocks.length).relativeGateLufs;
  }

  /** Short-term (3 s) loudness at 10 Hz from the first complete window on, in LUFS (-Infinity when silent). */
  shortTermHistory(): Float64Array {
    return toLufs(this.shortTerms);
  }
}

const ROLES: ReadonlySet<ChannelRole> = new Set<ChannelRole>(['L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lb', 'Rb', 'other', 'mono']);
const EMPTY = new Float32Array(0);

function toLufs(g: GrowableFloat64): Float64Array {
  const out = g.toArray();
  for (let i = 0; i < out.length; i++) out[i] = energyToLufs(out[i]);
  return out;
}
