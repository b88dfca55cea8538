import { AmaError } from '../util/errors.js';
import { Fft, isPowerOfTwo } from './fft.js';
import { binPowerScale, makeWindow, type WindowKind } from './window.js';

/** Frame length and hop of a short-time Fourier transform. */
export interface StftOptions {
  /** Frame length N in samples, a power of two >= 4. */
  size: number;
  /** Hop H in samples, 1..size. */
  hop: number;
  /** Analysis window; Hann by default. */
  window?: WindowKind;
  /** Also fill the complex spectra (midRe..sideIm) of each frame; off by default (power only is faster). */
  keepComplex?: boolean;
}

/**
 * One analysed frame of mid M = (L+R)/2 and side S = (L-R)/2. The object and its arrays are reused
 * for every frame: read them inside the callback, copy what must be kept. Arrays have `bins` = N/2+1
 * entries, bin k at k * binHz.
 */
export class StftFrame {
  /** Frame number from 0. */
  index = 0;
  /** Index of the frame's first sample in the stream (samples since the first block). */
  startSample = 0;
  /** Frame length N in samples. */
  readonly size: number;
  /** Number of one-sided bins, N/2 + 1. */
  readonly bins: number;
  /** Bin spacing in Hz (sampleRate / N) once the sample rate is known; 1/N of the rate otherwise. */
  binHz: number;
  /** Mid spectrum, real part: unscaled FFT of the windowed frame (filled only with `keepComplex`). */
  readonly midRe: Float64Array;
  /** Mid spectrum, imaginary part. */
  readonly midIm: Float64Array;
  /** Side spectrum, real part (all zero for mono input). */
  readonly sideRe: Float64Array;
  /** Side spectrum, imaginary part. */
  readonly sideIm: Float64Array;
  /** |M[k]|^2 as one-sided mean-square power per bin (full scale^2): band sums give band power. */
  readonly midPower: Float64Array;
  /** |S[k]|^2, same scaling as midPower. */
  readonly sidePower: Float64Array;
  /** Re(M[k] conj S[k]), same scaling; |L|^2 = mid+side+2x, |R|^2 = mid+side-2x, Re(L R*) = mid-side. */
  readonly crossPower: Float64Array;

  constructor(size: number, binHz: number) {
    this.size = size;
    this.bins = size / 2 + 1;
    this.binHz = binHz;
    const n = this.bins;
    this.midRe = new Float64Array(n); this.midIm = new Float64Array(n);
    this.sideRe = new Float64Array(n); this.sideIm = new Float64Array(n);
    this.midPower = new Float64Array(n); this.sidePower = new Float64Array(n); this.crossPower = new Float64Array(n);
  }
}

function checkFraming({ size, hop }: StftOptions): { size: number; hop: number } {
  if (!isPowerOfTwo(size) || size < 4) {
    throw new AmaError('BAD_OPTION', `STFT size must be a power of two >= 4, got ${size}.`);
  }
  if (!Number.isInteger(hop) || hop < 1 || hop > size) {
    throw new AmaError('BAD_OPTION', `STFT hop must be an integer in [1, ${size}], got ${hop}.`);
  }
  return { size, hop };
}

/** Receives each completed frame; the frame object is reused after the call returns. */
export type FrameSink = (frame: StftFrame) => void;

/**
 * Streaming STFT over planar blocks of any size: frames of N samples every H samples, with the
 * history carried across blocks. Mid and side come from ONE complex FFT per frame: M is packed as
 * the real part and S as the imaginary part, and the two spectra are separated with conjugate
 * symmetry (M[k] = (Z[k] + conj Z[N-k]) / 2, S[k] = (Z[k] - conj Z[N-k]) / 2i). The first frame
 * starts at sample 0; a tail shorter than a hop at the end of the stream is not analysed.
 */
export class Stft {
  /** Frame length N in samples. */
  readonly size: number;
  /** Hop H in samples. */
  readonly hop: number;
  private readonly fft: Fft;
  private readonly window: Float64Array;
  // The last N samples, interleaved as [m0, s0, m1, s1, ...] (the FFT's complex layout) in a ring
  // (no shifting after a frame), so that windowing and packing are two multiplies over contiguous
  // memory by the window repeated per pair.
  private readonly hist: Float64Array;
  /** Ring position (samples) where the next sample is written; the oldest sample when the ring is full. */
  private write = 0;
  private readonly window2: Float64Array;
  private readonly packed: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly frame: StftFrame;
  private readonly scale: number;
  private readonly keepComplex: boolean;
  private fill = 0;
  private consumed = 0;
  private frames = 0;

  constructor(options: StftOptions, sampleRate = 0) {
    const { size, hop } = checkFraming(options);
    this.size = size;
    this.hop = hop;
    this.fft = new Fft(size);
    this.window = makeWindow(options.window ?? 'hann', size);
    this.scale = binPowerScale(this.window);
    this.hist = new Float64Array(2 * size);
    this.window2 = new Float64Array(2 * size);
    for (let i = 0; i < size; i++) this.window2[2 * i] = this.window2[2 * i + 1] = this.window[i];
    this.packed = new Float64Array(2 * size);
    this.spectrum = new Float64Array(2 * size);
    this.frame = new StftFrame(size, sampleRate > 0 ? sampleRate / size : 1 / size);
    this.keepComplex = options.keepComplex ?? false;
  }

  /** Frames emitted so far. */
  get frameCount(): number {
    return this.frames;
  }

  /**
   * Feeds `length` samples of a block: `left` (or the mono channel) and `right` (null for mono, which
   * gives a zero side). Calls `sink` once per completed frame, in order. Allocates nothing.
   */
  process(left: Float32Array, right: Float32Array | null, sink: FrameSink, length = left.length): void {
    const N = this.size;
    const h = this.hist;
    let pos = 0;
    while (pos < length) {
      // Up to the end of the frame, of the block, or of the ring, whichever comes first.
      const n = Math.min(N - this.fill, length - pos, N - this.write);
      let f = 2 * this.write;
      const end = pos + n;
      if (right) {
        for (let i = pos; i < end; i++, f += 2) {
          const l = left[i];
          const r = right[i];
          h[f] = (l + r) * 0.5;
          h[f + 1] = (l - r) * 0.5;
        }
      } else {
        for (let i = pos; i < end; i++, f += 2) {
          h[f] = left[i];
          h[f + 1] = 0;
        }
      }
      this.fill += n;
      this.consumed += n;
      this.write = (this.write + n) % N;
      pos = end;
      if (this.fill === N) {
        this.emit(sink);
        this.fill = N - this.hop;
      }
    }
  }

  /** Forgets all history, as if no sample had been fed. */
  reset(): void {
    this.fill = 0;
    this.consumed = 0;
    this.frames = 0;
    this.write = 0;
    this.hist.fill(0);
  }

  private emit(sink: FrameSink): void {
    const N = this.size;
    const w = this.window2;
    const z = this.packed;
    const h = this.hist;
    // The ring is full: the frame's first sample is the oldest, at the write position.
    const split = 2 * (N - this.write);
    for (let i = 0, t = 2 * this.write; i < split; i++, t++) z[i] = h[t] * w[i];
    for (let i = split, t = 0; i < 2 * N; i++, t++) z[i] = h[t] * w[i];
    this.fft.forward(z, this.spectrum);
    this.separate();
    // A frame whose side samples are all exactly zero (mono, identical channels) gets an exactly
    // zero side, not the ~1e-35 of rounding in the separation. Stereo frames exit at once.
    let silentSide = true;
    for (let i = 1; i < 2 * N; i += 2) if (h[i] !== 0) { silentSide = false; break; }
    if (silentSide) this.zeroSide();
    const fr = this.frame;
    fr.index = this.frames++;
    fr.startSample = this.consumed - N;
    sink(fr);
  }

  private zeroSide(): void {
    const f = this.frame;
    f.sidePower.fill(0);
    f.crossPower.fill(0);
    if (this.keepComplex) { f.sideRe.fill(0); f.sideIm.fill(0); }
  }

  private separate(): void {
    const N = this.size;
    const half = N / 2;
    const Z = this.spectrum;
    const { midRe, midIm, sideRe, sideIm, midPower, sidePower, crossPower } = this.frame;
    const c = this.scale;
    const keep = this.keepComplex;
    for (let k = 0; k <= half; k++) {
      // Bin 0 and N/2 pair with themselves (bin N is bin 0). No modulo: it is an integer division.
      const j = k === 0 ? 0 : 2 * (N - k);
      const a = Z[2 * k], b = Z[2 * k + 1], cr = Z[j], d = Z[j + 1];
      const mr = (a + cr) * 0.5, mi = (b - d) * 0.5, sr = (b + d) * 0.5, si = (cr - a) * 0.5;
      if (keep) { midRe[k] = mr; midIm[k] = mi; sideRe[k] = sr; sideIm[k] = si; }
      midPower[k] = (mr * mr + mi * mi) * c;
      sidePower[k] = (sr * sr + si * si) * c;
      crossPower[k] = (mr * sr + mi * si) * c;
    }
    // DC and Nyquist have no mirror image in the one-sided spectrum: half the interior scale.
    midPower[0] *= 0.5; sidePower[0] *= 0.5; crossPower[0] *= 0.5;
    midPower[half] *= 0.5; sidePower[half] *= 0.5; crossPower[half] *= 0.5;
  }
}

/**
 * Streaming STFT of ONE signal (the mid of a stereo pair, or a mono channel) that computes two
 * consecutive frames with each complex FFT: frame t is packed as the real part and frame t+1 (a hop
 * later) as the imaginary part, and their spectra are separated with conjugate symmetry. Yields only
 * power spectra, for detectors that need many short frames (onsets), at half the FFT cost.
 */
export class PairedStft {
  /** Frame length N in samples. */
  readonly size: number;
  /** Hop H between consecutive frames, samples. */
  readonly hop: number;
  /** One-sided power of the current frame, scaled as StftFrame.midPower; reused for every frame. */
  readonly power: Float64Array;
  private readonly second: Float64Array;
  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly hist: Float64Array;
  private readonly packed: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly scale: number;
  private fill = 0;

  constructor(options: StftOptions) {
    const { size, hop } = checkFraming(options);
    this.size = size;
    this.hop = hop;
    this.fft = new Fft(size);
    this.window = makeWindow(options.window ?? 'hann', size);
    this.scale = binPowerScale(this.window);
    this.hist = new Float64Array(size + hop);
    this.packed = new Float64Array(2 * size);
    this.spectrum = new Float64Array(2 * size);
    this.power = new Float64Array(size / 2 + 1);
    this.second = new Float64Array(size / 2 + 1);
  }

  /**
   * Feeds `length` samples of (left + right) / 2, or of `left` alone when right is null, and calls
   * `sink` with `this.power` once per frame, in order (frames come in pairs). Allocates nothing.
   */
  process(left: Float32Array, right: Float32Array | null, sink: (power: Float64Array) => void, length = left.length): void {
    const span = this.size + this.hop;
    const h = this.hist;
    let pos = 0;
    while (pos < length) {
      const n = Math.min(span - this.fill, length - pos);
      const end = pos + n;
      let f = this.fill;
      if (right) for (let i = pos; i < end; i++, f++) h[f] = (left[i] + right[i]) * 0.5;
      else for (let i = pos; i < end; i++, f++) h[f] = left[i];
      this.fill = f;
      pos = end;
      if (this.fill === span) {
        this.emit(sink);
        h.copyWithin(0, 2 * this.hop, span);
        this.fill = span - 2 * this.hop;
      }
    }
  }

  private emit(sink: (power: Float64Array) => void): void {
    const N = this.size;
    const H = this.hop;
    const w = this.window;
    const z = this.packed;
    const h = this.hist;
    for (let i = 0; i < N; i++) {
      z[2 * i] = h[i] * w[i];
      z[2 * i + 1] = h[i + H] * w[i];
    }
    this.fft.forward(z, this.spectrum);
    const Z = this.spectrum;
    const half = N / 2;
    const c = this.scale;
    const p = this.power;
    const q = this.second;
    for (let k = 0; k <= half; k++) {
      const j = k === 0 ? 0 : 2 * (N - k);
      const a = Z[2 * k], b = Z[2 * k + 1], cr = Z[j], d = Z[j + 1];
      const ar = a + cr, ai = b - d, br = b + d, bi = cr - a;
      p[k] = (ar * ar + ai * ai) * 0.25 * c;
      q[k] = (br * br + bi * bi) * 0.25 * c;
    }
    p[0] *= 0.5; p[half] *= 0.5; q[0] *= 0.5; q[half] *= 0.5;
    sink(p);
    p.set(q);
    sink(p);
  }
}
