import { AmaError } from '../util/errors.js';

/** Analysis windows ama knows: periodic (DFT-even) forms, the right choice for spectral analysis. */
export type WindowKind = 'hann' | 'hamming' | 'blackman-harris';

/** Periodic window of the given kind and length (>= 2 samples), values 0..1. */
export function makeWindow(kind: WindowKind, size: number): Float64Array {
  if (!Number.isInteger(size) || size < 2) {
    throw new AmaError('BAD_OPTION', `Window length must be an integer >= 2, got ${size}.`);
  }
  const w = new Float64Array(size);
  const step = (2 * Math.PI) / size;
  for (let n = 0; n < size; n++) {
    const x = step * n;
    switch (kind) {
      case 'hann': w[n] = 0.5 - 0.5 * Math.cos(x); break;
      case 'hamming': w[n] = 0.54 - 0.46 * Math.cos(x); break;
      case 'blackman-harris':
        w[n] = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
        break;
    }
  }
  return w;
}

/** Sum of the window's samples (coherent gain times length), unitless, > 0. */
export function windowSum(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}

/** Sum of the squared samples: the window's power normalisation (Parseval), unitless, > 0. */
export function windowPowerSum(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * w[i];
  return s;
}

/** Equivalent noise bandwidth in bins: N * sum(w^2) / sum(w)^2 (1.5 for Hann). */
export function enbwBins(w: Float64Array): number {
  const s = windowSum(w);
  return (w.length * windowPowerSum(w)) / (s * s);
}

/**
 * Factor that turns |X[k]|^2 of a windowed N-point frame into one-sided mean-square power per bin
 * (full-scale units^2): 2 / (N * sum(w^2)) for 0 < k < N/2, half that for DC and Nyquist. Summing
 * the scaled bins of a band gives the mean-square power of the signal's content in that band.
 */
export function binPowerScale(w: Float64Array): number {
  return 2 / (w.length * windowPowerSum(w));
}
