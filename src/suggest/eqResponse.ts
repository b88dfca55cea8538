import { biquadMagnitudeDb, type BiquadCoeffs } from '../dsp/biquad.js';
import type { EqBandType } from './types.js';

/**
 * Magnitude responses of the EQ band shapes ama proposes, from the RBJ "Audio EQ Cookbook" formulas
 * (the same biquads src/render applies), evaluated analytically so the EQ fit can model a band
 * without filtering audio. Shelves use the cookbook's Q form; q = 1/sqrt(2) is the slope S = 1.
 */

/** One EQ band as the fit sees it; gainDb is ignored for a high-pass. */
export interface EqBand {
  type: EqBandType;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

/** Highest centre frequency a band may have, as a share of the sample rate (keeps w0 clear of Nyquist). */
const MAX_F0_SHARE = 0.45;

/** RBJ cookbook coefficients of a band at `sampleRate` Hz, a0-normalised. */
export function rbjCoefficients(band: EqBand, sampleRate: number): BiquadCoeffs {
  const f0 = Math.min(band.frequencyHz, MAX_F0_SHARE * sampleRate);
  const w = (2 * Math.PI * f0) / sampleRate;
  const cos = Math.cos(w);
  const alpha = Math.sin(w) / (2 * band.q);
  const A = 10 ** (band.gainDb / 40);
  const norm = (b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): BiquadCoeffs =>
    ({ b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 });
  switch (band.type) {
    case 'peaking':
      return norm(1 + alpha * A, -2 * cos, 1 - alpha * A, 1 + alpha / A, -2 * cos, 1 - alpha / A);
    case 'lowShelf': {
      const sq = 2 * Math.sqrt(A) * alpha;
      return norm(
        A * (A + 1 - (A - 1) * cos + sq), 2 * A * (A - 1 - (A + 1) * cos), A * (A + 1 - (A - 1) * cos - sq),
        A + 1 + (A - 1) * cos + sq, -2 * (A - 1 + (A + 1) * cos), A + 1 + (A - 1) * cos - sq,
      );
    }
    case 'highShelf': {
      const sq = 2 * Math.sqrt(A) * alpha;
      return norm(
        A * (A + 1 + (A - 1) * cos + sq), -2 * A * (A - 1 + (A + 1) * cos), A * (A + 1 + (A - 1) * cos - sq),
        A + 1 - (A - 1) * cos + sq, 2 * (A - 1 - (A + 1) * cos), A + 1 - (A - 1) * cos - sq,
      );
    }
    case 'highPass':
      return norm((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
  }
}

/** The band's gain at one frequency, dB (floored at -120 dB, where a high-pass reaches DC). */
export function bandResponseDb(band: EqBand, freqHz: number, sampleRate: number): number {
  return Math.max(-120, biquadMagnitudeDb(rbjCoefficients(band, sampleRate), Math.min(freqHz, sampleRate / 2), sampleRate));
}

/** Points per band at which a band-averaged response is sampled: centre and +-1/3 of the half-width, in octaves. */
const SUB_POINTS = [-1 / 3, 0, 1 / 3];

/**
 * The band's gain averaged in power over a fractional-octave analysis band (what a band level
 * measured after the filter would show), dB. `widthOct`: the analysis band's width in octaves.
 */
export function bandAveragedResponseDb(band: EqBand, centerHz: number, widthOct: number, sampleRate: number): number {
  const c = rbjCoefficients(band, sampleRate);
  let p = 0;
  for (const x of SUB_POINTS) {
    const f = Math.min(centerHz * 2 ** ((x * widthOct) / 2), sampleRate / 2);
    p += 10 ** (biquadMagnitudeDb(c, f, sampleRate) / 10);
  }
  return Math.max(-120, 10 * Math.log10(p / SUB_POINTS.length));
}
