import { Fft } from '../dsp/fft.js';
import { medianAcross, TimeMedian } from '../dsp/runningMedian.js';
import { makeWindow } from '../dsp/window.js';
import { AmaError } from '../util/errors.js';

/**
 * The built-in `dsp` separator's work: one STFT of the stereo pair, four soft masks per bin that sum
 * to one, and the inverse STFT of three masked stems; the fourth (other) is the mix minus those three,
 * so the stems sum back to the mix to float rounding.
 *
 * Masks, per bin k of frame t:
 * - harmonic H / percussive P = 1 - H: Wiener-style masks from a median across time (sustained
 *   partials) and a median across frequency (broadband clicks and hits), after Fitzgerald (2010).
 * - bass = H x low(f): harmonic content under ~100 Hz, faded out by ~200 Hz.
 * - vocals = H x (1 - low(f)) x band(f) x centre^gamma: harmonic content in the voice's range that
 *   sits in the centre. centre = 2|<L R*>| / (<|L|^2> + <|R|^2>) over five frames is 1 for a source
 *   that is identical in both channels, sin(2 theta) for one panned by constant-power angle theta,
 *   and small for decorrelated (reverberant, wide) content (Avendano and Jot's similarity, with
 *   short-time coherence folded in).
 * - drums = P; other = the rest (harmonic off-centre content, and everything above the voice band).
 * Mono input counts as perfectly centred: with no stereo cue, the vocal stem takes every harmonic
 * part of the voice's range.
 *
 * Analysis and synthesis windows are both sqrt(periodic Hann) at 75 % overlap (their product sums to
 * 2), and the input is padded so that every sample is covered by four frames: reconstruction is exact
 * at the edges too. No allocation happens per frame.
 *
 * Output streams: the stems are overlap-added into one frame's worth of samples, and the hop that no
 * later frame overlaps goes to a sink after each frame. A caller that wants whole stems copies the
 * chunks out (./dsp.ts); one that only measures them (the live worker) never holds more than a frame
 * of each.
 */

/** Version of the masks below; part of the stem cache key. Bump on any change of what they compute. */
export const DSP_ENGINE_VERSION = 'dsp-2';

/** Frames in the time median (odd); ~180 ms at 48 kHz with a 512-sample hop. */
const TIME_MEDIAN = 17;
/** Bins in the frequency median (odd); ~400 Hz at 48 kHz with 2048-point frames. */
const FREQ_MEDIAN = 17;
/** Frames each side of the centre frame over which the stereo statistics are averaged. */
const CENTRE_HALF = 2;
/** Exponent on the centre measure: a source panned +-0.25 keeps ~62 %, +-0.4 ~28 %, +-0.6 ~7 % in vocals (reverberant leads are far from perfectly coherent). */
const CENTRE_GAMMA = 6;
/** Bass band: full below BASS_FULL_HZ, none above BASS_NONE_HZ (raised-cosine fade between). */
const BASS_FULL_HZ = 100;
const BASS_NONE_HZ = 200;
/** Voice band: fades in up to VOICE_LOW_HZ and out from VOICE_HIGH_HZ to VOICE_TOP_HZ. */
const VOICE_LOW_HZ = 200;
const VOICE_HIGH_HZ = 7000;
const VOICE_TOP_HZ = 12000;

/** Frame length for a sample rate: ~43 ms (2048 at 44.1/48 kHz), a power of two. */
export function dspFrameSize(sampleRate: number): number {
  let n = 256;
  while (n < 0.04 * sampleRate) n *= 2;
  return n;
}

/** Raised-cosine step: 0 at or below a, 1 at or above b. */
function rise(f: number, a: number, b: number): number {
  if (f <= a) return 0;
  if (f >= b) return 1;
  return 0.5 - 0.5 * Math.cos((Math.PI * (f - a)) / (b - a));
}

/** Planar stems of one separation (or of a chunk of it), one array per input channel each. */
export interface DspStems {
  vocals: Float32Array[];
  drums: Float32Array[];
  bass: Float32Array[];
  other: Float32Array[];
}

/**
 * Receives finished samples start..start+length-1 of every stem, at index 0..length-1 of each chunk
 * array (length <= hop). Chunks come in order, cover the input once, and are reused after the call.
 */
export type DspStemSink = (start: number, length: number, chunk: Readonly<DspStems>) => void;

/**
 * Every buffer of a DspSeparation at one sample rate (about 1.5 MB at 48 kHz, stereo), so that
 * separations run one after another (the live worker, one every few seconds) share them instead of
 * leaving megabytes of garbage each, which a worker's small heap would collect only late.
 */
export class DspWorkspace {
  readonly sampleRate: number;
  /** Frame length N and hop N / 4, samples; one-sided bins N / 2 + 1. */
  readonly size: number;
  readonly hop: number;
  readonly bins: number;
  readonly fft: Fft;
  readonly window: Float64Array;
  readonly packed: Float64Array;
  readonly spectrum: Float64Array;
  readonly mag: Float64Array;
  readonly scratch: Float64Array;
  readonly timeMedian: TimeMedian;
  // Rings of TIME_MEDIAN frames: spectra of L and R, the frequency median, stereo statistics.
  readonly lRe: Float64Array; readonly lIm: Float64Array;
  readonly rRe: Float64Array; readonly rIm: Float64Array;
  readonly perc: Float64Array;
  readonly pLL: Float64Array; readonly pRR: Float64Array;
  readonly xRe: Float64Array; readonly xIm: Float64Array;
  /** Per bin: the bass band's share and the voice band's. */
  readonly low: Float64Array;
  readonly voice: Float64Array;
  readonly mask: Float64Array;
  /** Overlap-add accumulators of vocals, drums and bass, per channel (two), N samples each. */
  readonly acc: Float32Array[][];
  /** The other stem of one hop, per channel (two). */
  readonly other: Float32Array[];

  constructor(sampleRate: number) {
    this.sampleRate = sampleRate;
    const N = (this.size = dspFrameSize(sampleRate));
    const H = (this.hop = N / 4);
    const bins = (this.bins = N / 2 + 1);
    this.fft = new Fft(N);
    this.window = makeWindow('hann', N).map((w) => Math.sqrt(w));
    this.packed = new Float64Array(2 * N);
    this.spectrum = new Float64Array(2 * N);
    this.mag = new Float64Array(bins);
    this.scratch = new Float64Array(FREQ_MEDIAN);
    this.timeMedian = new TimeMedian(bins, TIME_MEDIAN);
    const ring = () => new Float64Array(TIME_MEDIAN * bins);
    this.lRe = ring(); this.lIm = ring(); this.rRe = ring(); this.rIm = ring();
    this.perc = ring(); this.pLL = ring(); this.pRR = ring(); this.xRe = ring(); this.xIm = ring();
    this.mask = new Float64Array(3 * bins);
    const binHz = sampleRate / N;
    this.low = new Float64Array(bins);
    this.voice = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      const f = k * binHz;
      this.low[k] = 1 - rise(f, BASS_FULL_HZ, BASS_NONE_HZ);
      this.voice[k] = rise(f, BASS_FULL_HZ, VOICE_LOW_HZ) * (1 - rise(f, VOICE_HIGH_HZ, VOICE_TOP_HZ));
    }
    this.acc = [0, 1, 2].map(() => [new Float32Array(N), new Float32Array(N)]);
    this.other = [new Float32Array(H), new Float32Array(H)];
  }

  /** Zeroes what a separation reads before it writes: the rings, the time median and the accumulators. */
  clear(): void {
    for (const r of [this.lRe, this.lIm, this.rRe, this.rIm, this.perc, this.pLL, this.pRR, this.xRe, this.xIm]) r.fill(0);
    this.timeMedian.reset();
    for (const a of this.acc.flat()) a.fill(0);
  }
}

/**
 * One separation of a whole buffer, run in steps (`step`) so that the caller can yield, report
 * progress and abort between them. Construct with a sink, call `step` until it returns true.
 */
export class DspSeparation {
  /** Frame length N, samples. */
  readonly size: number;
  /** Hop, samples (N / 4). */
  readonly hop: number;
  /** Frames to run in all (input frames plus the time median's look-ahead). */
  readonly totalFrames: number;
  private readonly sink: DspStemSink;
  /** Vocals, drums and bass of samples frameStart..frameStart+N-1 of the frame being synthesised, per channel. */
  private readonly acc: DspStems;
  /** The chunk handed to the sink: the first hop of `acc`, and other = mix - the three. */
  private readonly chunk: DspStems;
  /** Every array of `acc`. */
  private readonly accArrays: Float32Array[];
  private readonly input: readonly Float32Array[];
  private readonly frames: number;
  private readonly bins: number;
  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly packed: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly mag: Float64Array;
  private readonly scratch: Float64Array;
  private readonly timeMedian: TimeMedian;
  // Rings of TIME_MEDIAN frames: spectra of L and R, the frequency median, stereo statistics.
  private readonly lRe: Float64Array; private readonly lIm: Float64Array;
  private readonly rRe: Float64Array; private readonly rIm: Float64Array;
  private readonly perc: Float64Array;
  private readonly pLL: Float64Array; private readonly pRR: Float64Array;
  private readonly xRe: Float64Array; private readonly xIm: Float64Array;
  private readonly low: Float64Array;
  private readonly voice: Float64Array;
  private readonly mask: Float64Array;
  private t = 0;

  /**
   * `workspace`: buffers at this sample rate to use (cleared first) instead of new ones, for a caller
   * that runs separations one after another; never two at once on one workspace.
   */
  constructor(channels: readonly Float32Array[], sampleRate: number, sink: DspStemSink, workspace = new DspWorkspace(sampleRate)) {
    if (workspace.sampleRate !== sampleRate) {
      throw new AmaError('INTERNAL', `a dsp workspace made for ${workspace.sampleRate} Hz cannot separate ${sampleRate} Hz audio; make one for that rate`);
    }
    workspace.clear();
    this.input = channels;
    this.sink = sink;
    const n = channels[0].length;
    const ws = workspace;
    const N = (this.size = ws.size);
    const H = (this.hop = ws.hop);
    this.bins = ws.bins;
    // Frame t covers padded samples [t H, t H + N), padded = N - H zeros, then the input.
    this.frames = Math.ceil((n + N - H) / H);
    this.totalFrames = this.frames + (TIME_MEDIAN >> 1);
    ({ fft: this.fft, window: this.window, packed: this.packed, spectrum: this.spectrum, mag: this.mag, scratch: this.scratch } = ws);
    ({ timeMedian: this.timeMedian, lRe: this.lRe, lIm: this.lIm, rRe: this.rRe, rIm: this.rIm, perc: this.perc } = ws);
    ({ pLL: this.pLL, pRR: this.pRR, xRe: this.xRe, xIm: this.xIm, mask: this.mask, low: this.low, voice: this.voice } = ws);
    const ch = channels.length;
    this.acc = { vocals: ws.acc[0].slice(0, ch), drums: ws.acc[1].slice(0, ch), bass: ws.acc[2].slice(0, ch), other: [] };
    this.chunk = { ...this.acc, other: ws.other.slice(0, ch) };
    this.accArrays = [...this.acc.vocals, ...this.acc.drums, ...this.acc.bass];
  }

  /** Frames done so far, 0..totalFrames. */
  get done(): number {
    return this.t;
  }

  /** Runs up to `maxFrames` more frames; true when the separation is complete. */
  step(maxFrames: number): boolean {
    const half = TIME_MEDIAN >> 1;
    const end = Math.min(this.totalFrames, this.t + maxFrames);
    for (; this.t < end; this.t++) {
      const t = this.t;
      this.analyse(t);
      if (t >= half) this.synthesise(t - half);
    }
    return this.t >= this.totalFrames;
  }

  /** STFT of frame t (zeros past the input) into the rings; the medians advance by one frame. */
  private analyse(t: number): void {
    const N = this.size, H = this.hop, bins = this.bins;
    const z = this.packed, w = this.window;
    const left = this.input[0], right = this.input[1] ?? this.input[0];
    const n = left.length;
    const start = t * H - (N - H);
    for (let i = 0; i < N; i++) {
      const s = start + i;
      let l = 0, r = 0;
      if (t < this.frames && s >= 0 && s < n) {
        l = left[s]; r = right[s];
        if (!Number.isFinite(l)) l = 0;
        if (!Number.isFinite(r)) r = 0;
      }
      z[2 * i] = l * w[i];
      z[2 * i + 1] = r * w[i];
    }
    this.fft.forward(z, this.spectrum);
    const Z = this.spectrum;
    const o = (t % TIME_MEDIAN) * bins;
    const mag = this.mag;
    for (let k = 0; k < bins; k++) {
      const j = k === 0 ? 0 : 2 * (N - k);
      const a = Z[2 * k], b = Z[2 * k + 1], c = Z[j], d = Z[j + 1];
      const lr = (a + c) * 0.5, li = (b - d) * 0.5, rr = (b + d) * 0.5, ri = (c - a) * 0.5;
      this.lRe[o + k] = lr; this.lIm[o + k] = li; this.rRe[o + k] = rr; this.rIm[o + k] = ri;
      const pl = lr * lr + li * li, pr = rr * rr + ri * ri;
      this.pLL[o + k] = pl; this.pRR[o + k] = pr;
      this.xRe[o + k] = lr * rr + li * ri; this.xIm[o + k] = li * rr - lr * ri;
      mag[k] = Math.sqrt(pl + pr);
    }
    medianAcross(mag, bins, FREQ_MEDIAN, this.perc.subarray(o, o + bins), this.scratch);
    this.timeMedian.push(mag);
  }

  /** Masks of centre frame c (the time median now covers c-8..c+8), overlap-add of three stems, and the finished hop to the sink. */
  private synthesise(c: number): void {
    const bins = this.bins;
    const o = (c % TIME_MEDIAN) * bins;
    const harm = this.timeMedian.median;
    const m = this.mask;
    for (let k = 0; k < bins; k++) {
      const h = harm[k], p = this.perc[o + k];
      const h2 = h * h, p2 = p * p;
      const H = h2 + p2 > 0 ? h2 / (h2 + p2) : 0.5;
      let sl = 0, sr = 0, xr = 0, xi = 0;
      for (let d = -CENTRE_HALF; d <= CENTRE_HALF; d++) {
        const q = (((c + d) % TIME_MEDIAN) + TIME_MEDIAN) % TIME_MEDIAN * bins + k;
        sl += this.pLL[q]; sr += this.pRR[q]; xr += this.xRe[q]; xi += this.xIm[q];
      }
      const centre = sl + sr > 0 ? Math.min(1, (2 * Math.sqrt(xr * xr + xi * xi)) / (sl + sr)) : 0;
      const low = this.low[k];
      m[k] = H * (1 - low) * this.voice[k] * centre ** CENTRE_GAMMA; // vocals
      m[bins + k] = 1 - H; // drums
      m[2 * bins + k] = H * low; // bass
    }
    this.overlapAdd(c, o, 0, this.acc.vocals);
    this.overlapAdd(c, o, bins, this.acc.drums);
    this.overlapAdd(c, o, 2 * bins, this.acc.bass);
    this.emit(c);
  }

  /** Inverse FFT of the masked L and R spectra (packed as one complex signal) added into `out` (samples of frame c at index 0..N-1). */
  private overlapAdd(c: number, o: number, mo: number, out: Float32Array[]): void {
    const N = this.size, H = this.hop, bins = this.bins, half = N / 2;
    const W = this.packed, m = this.mask;
    for (let k = 0; k < bins; k++) {
      const g = m[mo + k];
      const lr = this.lRe[o + k] * g, li = this.lIm[o + k] * g, rr = this.rRe[o + k] * g, ri = this.rIm[o + k] * g;
      // Y = YL + i YR; the mirrored bins hold conj(YL) + i conj(YR), so both halves stay real signals.
      W[2 * k] = lr - ri; W[2 * k + 1] = li + rr;
      if (k > 0 && k < half) { W[2 * (N - k)] = lr + ri; W[2 * (N - k) + 1] = rr - li; }
    }
    this.fft.inverse(W, this.spectrum);
    const y = this.spectrum, w = this.window;
    const start = c * H - (N - H);
    const outL = out[0], outR = out[1];
    const n = this.input[0].length;
    const i0 = Math.max(0, -start), i1 = Math.min(N, n - start);
    // The two windows' product sums to 2 over the four overlapping frames.
    if (outR) {
      for (let i = i0; i < i1; i++) { const g = 0.5 * w[i]; outL[i] += g * y[2 * i]; outR[i] += g * y[2 * i + 1]; }
    } else {
      for (let i = i0; i < i1; i++) outL[i] += 0.5 * w[i] * y[2 * i];
    }
  }

  /**
   * Samples start..start+H-1 of frame c are final (frame c+1 starts H later): other = mix - vocals -
   * drums - bass over them (non-finite input samples count as silence), the chunk to the sink (the
   * padding before the input and past its end is left out), then the accumulators move on by H.
   */
  private emit(c: number): void {
    const N = this.size, H = this.hop;
    const start = c * H - (N - H);
    const n = this.input[0].length;
    const length = Math.min(H, n - start);
    const { vocals, drums, bass, other } = this.chunk;
    if (start >= 0 && length > 0) {
      for (let ch = 0; ch < this.input.length; ch++) {
        const x = this.input[ch], o = other[ch], v = vocals[ch], d = drums[ch], b = bass[ch];
        for (let i = 0; i < length; i++) {
          const s = Number.isFinite(x[start + i]) ? x[start + i] : 0;
          o[i] = s - v[i] - d[i] - b[i];
        }
      }
      this.sink(start, length, this.chunk);
    }
    for (const a of this.accArrays) { a.copyWithin(0, H, N); a.fill(0, N - H, N); }
  }
}
