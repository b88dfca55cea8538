import { channelWeight } from '../audio/layout.js';
import type { AudioBlock, ChannelRole } from '../audio/types.js';
import { createKWeightingState, kWeightedSumOfSquares, kWeightedSumOfSquares2, kWeighting, type KWeighting, type KWeightingState } from '../dsp/kweighting.js';
import { energyToLufs } from './loudnessGating.js';

/** The fast-moving figures of a live meter, LUFS (null before the first evaluation or in silence). */
export interface MomentaryReading {
  momentaryLufs: number | null;
  shortTermLufs: number | null;
  momentaryMaxLufs: number | null;
  shortTermMaxLufs: number | null;
}

/**
 * Momentary (400 ms) and short-term (3 s) loudness and their maxima, evaluated at 100 Hz exactly as
 * LoudnessMeter does (the same K-weighting functions, channel pairing, 10 ms sub-block boundaries
 * and window divisors, so the figures are equal to the meter's to the last bit), and nothing else.
 * It exists because LoudnessMeter.read() also recomputes the integrated loudness and LRA from their
 * whole history (a sort of every 3 s value): 0.3 ms after a minute, 14 ms after an hour, which at
 * 10 Hz would take 14 % of a core. The LiveAnalyzer reads this at 10 Hz and the full meter at a
 * bounded rate. Cost: one more K-weighting pass (about 1 % of a core for 48 kHz stereo).
 */
export class MomentaryTracker {
  private readonly kw: KWeighting;
  private readonly weights: Float64Array;
  private readonly active: Int32Array;
  private readonly state: KWeightingState[];
  private readonly pair = new Float64Array(2);
  private readonly ring = new Float64Array(300);
  private readonly src: Float32Array[];
  private clean: Float32Array[] = [];
  private frames = 0;
  private subBlocks = 0;
  private nextBoundary: number;
  private subEnergy = 0;
  private momentary = -1;
  private shortTerm = -1;
  private momentaryMax = -1;
  private shortTermMax = -1;

  /** For a stream at `sampleRate` Hz with these channel roles (the LoudnessMeter validates both). */
  constructor(private readonly sampleRate: number, layout: readonly ChannelRole[]) {
    this.kw = kWeighting(sampleRate);
    this.weights = Float64Array.from(layout, channelWeight);
    this.active = Int32Array.from(layout.flatMap((role, c) => (channelWeight(role) !== 0 ? [c] : [])));
    this.state = layout.map(() => createKWeightingState());
    this.src = layout.map(() => EMPTY);
    this.nextBoundary = this.boundary(1);
  }

  private boundary(k: number): number {
    return Math.round((k * this.sampleRate) / 100);
  }

  /** Feeds the next block (the same blocks as the meter's). Allocates nothing after the first blocks. */
  process(block: AudioBlock): void {
    const n = block[0]?.length ?? 0;
    for (let c = 0; c < block.length; c++) this.src[c] = this.finite(c, block[c], n);
    let pos = 0;
    while (pos < n) {
      const take = Math.min(this.nextBoundary - this.frames, n - pos);
      this.subEnergy += this.energy(pos, pos + take);
      pos += take;
      this.frames += take;
      if (this.frames === this.nextBoundary) this.complete();
    }
    for (let c = 0; c < this.src.length; c++) this.src[c] = EMPTY;
  }

  /** The figures now. */
  read(): MomentaryReading {
    const lufs = (e: number) => (e > 0 ? energyToLufs(e) : null);
    return { momentaryLufs: lufs(this.momentary), shortTermLufs: lufs(this.shortTerm), momentaryMaxLufs: lufs(this.momentaryMax), shortTermMaxLufs: lufs(this.shortTermMax) };
  }

  /** The samples with NaN/Inf read as 0, as the meter does (its count is the meter's to report). */
  private finite(c: number, x: Float32Array, n: number): Float32Array {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i] * x[i];
    if (sum - sum === 0) return x;
    if (!this.clean[c] || this.clean[c].length < n) this.clean[c] = new Float32Array(n);
    const y = this.clean[c];
    for (let i = 0; i < n; i++) y[i] = x[i] - x[i] === 0 ? x[i] : 0;
    return y;
  }

  private energy(start: number, end: number): number {
    const active = this.active, w = this.weights, st = this.state, src = this.src, pair = this.pair;
    let e = 0, i = 0;
    for (; i + 1 < active.length; i += 2) {
      const a = active[i], b = active[i + 1];
      kWeightedSumOfSquares2(this.kw, st[a], st[b], src[a], src[b], start, end, pair);
      e += w[a] * pair[0] + w[b] * pair[1];
    }
    if (i < active.length) e += w[active[i]] * kWeightedSumOfSquares(this.kw, st[active[i]], src[active[i]], start, end);
    return e;
  }

  private complete(): void {
    const k = ++this.subBlocks;
    const ring = this.ring;
    ring[(k - 1) % 300] = this.subEnergy;
    this.subEnergy = 0;
    this.nextBoundary = this.boundary(k + 1);
    let m = 0;
    for (let j = k - 40; j < k; j++) m += ring[(j + 300) % 300];
    let s = 0;
    for (let j = 0; j < 300; j++) s += ring[j];
    this.momentary = m / (this.frames - this.boundary(k - 40));
    this.shortTerm = s / (this.frames - this.boundary(k - 300));
    if (this.momentary > this.momentaryMax) this.momentaryMax = this.momentary;
    if (this.shortTerm > this.shortTermMax) this.shortTermMax = this.shortTerm;
  }
}

const EMPTY = new Float32Array(0);
