import { AmaError } from '../../util/errors.js';
import type { StemName } from '../types.js';
import type { RunHooks } from './demucs.js';
import { analyse, HOP, N_FFT, synthesise, SpecWorkspace, windowEnvelope } from './spectrogram.js';

/**
 * The host side of the Open-Unmix contract: the magnitude STFT each target model takes
 * ([1,2,2049,T] at 44.1 kHz, n_fft 4096, hop 1024, Hann, centred, not normalized, as torch.stft
 * with center=True), and soft masks that turn the targets' magnitude estimates into stems with the
 * mixture's phase.
 */

/** One-sided bins of the contract. */
export const UMX_BINS = N_FFT / 2 + 1;
/** Keeps the masks finite where every estimate is zero. */
const EPS = 1e-10;

/** The target models: each maps a magnitude [1,2,2049,T] to its estimate of the same shape. */
export interface UmxRunner {
  readonly targets: StemName[];
  run(target: StemName, magnitude: Float32Array, frames: number): Promise<Float32Array>;
}

/** Frames of the centred STFT of `length` samples. */
export function umxFrames(length: number): number {
  return Math.floor(length / HOP) + 1;
}

/** Index of (channel, re/im, bin, frame) in a complex spectrogram laid out [2][2][2049][T]. */
function complexIndex(T: number) {
  return (ch: number, reim: number, k: number, j: number) => ((ch * 2 + reim) * UMX_BINS + k) * T + j;
}

/**
 * Separates 44.1 kHz stereo audio: per target, the stem is the mixture's STFT times a Wiener-style
 * soft mask est^2 / sum(est^2) over the targets, inverted with the mixture phase. Returns [left,
 * right] per target, the input's length.
 */
export async function separateUmx(left: Float32Array, right: Float32Array, runner: UmxRunner, hooks: RunHooks = {}): Promise<Partial<Record<StemName, Float32Array[]>>> {
  const L = left.length;
  if (L === 0) return Object.fromEntries(runner.targets.map((t) => [t, [new Float32Array(0), new Float32Array(0)]]));
  const T = umxFrames(L);
  const ws = new SpecWorkspace();
  const idx = complexIndex(T);
  const mix = new Float32Array(4 * UMX_BINS * T);
  analyse(left, right, -N_FFT / 2, T, UMX_BINS, 1, mix, idx, ws);
  const mag = new Float32Array(2 * UMX_BINS * T);
  for (let ch = 0; ch < 2; ch++) {
    for (let k = 0; k < UMX_BINS; k++) {
      for (let j = 0; j < T; j++) {
        const re = mix[idx(ch, 0, k, j)], im = mix[idx(ch, 1, k, j)];
        mag[(ch * UMX_BINS + k) * T + j] = Math.hypot(re, im);
      }
    }
  }
  const estimates: Float32Array[] = [];
  for (let t = 0; t < runner.targets.length; t++) {
    hooks.checkAbort?.();
    const est = await runner.run(runner.targets[t], mag, T);
    if (est.length !== mag.length) {
      throw new AmaError('MODEL_CONTRACT', `The Open-Unmix model for ${runner.targets[t]} returned ${est.length} values for a [1,2,${UMX_BINS},${T}] input; it must return the same shape. Export it again as models/README.md shows.`);
    }
    estimates.push(est);
    hooks.onProgress?.(((t + 1) / (runner.targets.length + 1)));
  }
  const power = new Float32Array(mag.length);
  for (const est of estimates) for (let i = 0; i < est.length; i++) power[i] += est[i] * est[i];
  const env = windowEnvelope(L, T, -N_FFT / 2, ws);
  const out: Partial<Record<StemName, Float32Array[]>> = {};
  for (let t = 0; t < runner.targets.length; t++) {
    const est = estimates[t];
    const read = (ch: number, reim: number, k: number, j: number) => {
      const m = (ch * UMX_BINS + k) * T + j;
      const e = est[m];
      return (mix[idx(ch, reim, k, j)] * e * e) / (power[m] + EPS);
    };
    const l = new Float64Array(L);
    const r = new Float64Array(L);
    synthesise(T, UMX_BINS, 1, read, -N_FFT / 2, l, r, ws);
    const fl = new Float32Array(L);
    const fr = new Float32Array(L);
    for (let i = 0; i < L; i++) {
      fl[i] = l[i] / env[i];
      fr[i] = r[i] / env[i];
    }
    out[runner.targets[t]] = [fl, fr];
  }
  hooks.onProgress?.(1);
  return out;
}
