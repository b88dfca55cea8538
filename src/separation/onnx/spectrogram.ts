import { Fft } from '../../dsp/fft.js';
import { makeWindow } from '../../dsp/window.js';

/**
 * The STFT and inverse STFT of the separation models' contracts, written for ama (n_fft 4096, hop
 * 1024, periodic Hann). Two real channels (left, right) share each complex FFT: left is packed as
 * the real part and right as the imaginary part, and conjugate symmetry separates (or joins) them.
 *
 * Frame j of a "framed" signal covers samples [start + j*hop, start + j*hop + N) of the signal
 * padded by reflection (the edge sample is not repeated, like torch's 'reflect'); both the demucs
 * and the Open-Unmix framings below are instances of it.
 */

/** FFT length of both contracts, samples. */
export const N_FFT = 4096;
/** Hop of both contracts, samples. */
export const HOP = 1024;

/** x[i] for any integer i, reflected at both ends (edge not repeated), repeated reflection for short x. */
function reflectAt(x: Float32Array, i: number): number {
  const n = x.length;
  if (n === 1) return x[0];
  const period = 2 * (n - 1);
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? x[k] : x[period - k];
}

/** Reusable buffers for one FFT size. */
export class SpecWorkspace {
  readonly fft = new Fft(N_FFT);
  readonly window = makeWindow('hann', N_FFT);
  readonly a = new Float64Array(2 * N_FFT);
  readonly b = new Float64Array(2 * N_FFT);
}

/**
 * Complex spectra of `frames` frames of a stereo pair, frame j starting at sample `first + j*HOP`
 * (negative or past the end: reflected), scaled by `scale`. Bins 0..bins-1 are written to
 * `out(ch, reim, bin, frame, value)` callers' layout through the index function `at`.
 */
export function analyse(
  left: Float32Array,
  right: Float32Array,
  first: number,
  frames: number,
  bins: number,
  scale: number,
  out: Float32Array,
  at: (ch: number, reim: number, bin: number, frame: number) => number,
  ws: SpecWorkspace,
): void {
  const N = N_FFT;
  const { fft, window, a, b } = ws;
  const n = left.length;
  for (let j = 0; j < frames; j++) {
    const s0 = first + j * HOP;
    const inside = s0 >= 0 && s0 + N <= n;
    for (let i = 0; i < N; i++) {
      const w = window[i];
      const t = s0 + i;
      a[2 * i] = (inside ? left[t] : reflectAt(left, t)) * w;
      a[2 * i + 1] = (inside ? right[t] : reflectAt(right, t)) * w;
    }
    fft.forward(a, b);
    for (let k = 0; k < bins; k++) {
      // Z = L + iR: L[k] = (Z[k] + conj Z[N-k]) / 2, R[k] = (Z[k] - conj Z[N-k]) / 2i.
      const m = k === 0 ? 0 : N - k;
      const zr = b[2 * k], zi = b[2 * k + 1], cr = b[2 * m], ci = b[2 * m + 1];
      out[at(0, 0, k, j)] = 0.5 * (zr + cr) * scale;
      out[at(0, 1, k, j)] = 0.5 * (zi - ci) * scale;
      out[at(1, 0, k, j)] = 0.5 * (zi + ci) * scale;
      out[at(1, 1, k, j)] = 0.5 * (cr - zr) * scale;
    }
  }
}

/**
 * Windowed overlap-add of the inverse of stereo spectra (bins 0..bins-1 given, the rest zero):
 * frame j is placed at output sample `first + j*HOP` times `scale`, added into `outL`/`outR`
 * (which cover samples 0..length-1; parts outside are dropped). The caller divides by the window
 * envelope (windowEnvelope).
 */
export function synthesise(
  frames: number,
  bins: number,
  scale: number,
  read: (ch: number, reim: number, bin: number, frame: number) => number,
  first: number,
  outL: Float64Array,
  outR: Float64Array,
  ws: SpecWorkspace,
): void {
  const N = N_FFT;
  const { fft, window, a, b } = ws;
  const n = outL.length;
  for (let j = 0; j < frames; j++) {
    a.fill(0);
    for (let k = 0; k < bins; k++) {
      const lr = read(0, 0, k, j), li = read(0, 1, k, j), rr = read(1, 0, k, j), ri = read(1, 1, k, j);
      // Z[k] = L[k] + i R[k]; Z[N-k] = conj L[k] + i conj R[k], so ifft(Z) = l + i r.
      a[2 * k] = lr - ri;
      a[2 * k + 1] = li + rr;
      if (k > 0 && k < N / 2) {
        const m = N - k;
        a[2 * m] = lr + ri;
        a[2 * m + 1] = rr - li;
      }
    }
    // Bins 0 and N/2 of a real signal are real: keep only their real parts, as irfft does.
    a[0] = read(0, 0, 0, j);
    a[1] = read(1, 0, 0, j);
    if (bins > N / 2) {
      a[N] = read(0, 0, N / 2, j);
      a[N + 1] = read(1, 0, N / 2, j);
    }
    fft.inverse(a, b);
    const s0 = first + j * HOP;
    const i0 = Math.max(0, -s0);
    const i1 = Math.min(N, n - s0);
    for (let i = i0; i < i1; i++) {
      const w = window[i] * scale;
      outL[s0 + i] += b[2 * i] * w;
      outR[s0 + i] += b[2 * i + 1] * w;
    }
  }
}

/**
 * Sum of the squared window over every frame position f*HOP + offset (f = 0..frames-1) at each
 * output sample 0..length-1: the divisor of windowed overlap-add.
 */
export function windowEnvelope(length: number, frames: number, offset: number, ws: SpecWorkspace): Float64Array {
  const env = new Float64Array(length);
  const w = ws.window;
  for (let f = 0; f < frames; f++) {
    const s0 = offset + f * HOP;
    const i0 = Math.max(0, -s0);
    const i1 = Math.min(N_FFT, length - s0);
    for (let i = i0; i < i1; i++) env[s0 + i] += w[i] * w[i];
  }
  return env;
}
