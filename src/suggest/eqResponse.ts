import { biquadMagnitudeDb, type BiquadCoeffs } from '../dsp/biquad.js';
import { eqBandCoeffs, type EqBandDesign } from '../dsp/eqDesign.js';

/**
 * Magnitude responses of the EQ bands ama proposes, computed analytically from the same RBJ cookbook
 * biquads src/render applies (src/dsp/eqDesign.ts), so the EQ fit can model a band without
 * filtering audio. Shelves use the cookbook's Q form; q = 1/sqrt(2) is the slope S = 1.
 */

/** One EQ band as the fit sees it (the eqBand params); gainDb is ignored for a high-pass. */
export type EqBand = EqBandDesign;

/** Highest centre frequency a band may have, as a share of the sample rate (keeps w0 clear of Nyquist). */
const MAX_F0_SHARE = 0.45;

/** RBJ cookbook coefficients of a band at `sampleRate` Hz, a0-normalised; the frequency is kept under 0.45 fs. */
export function rbjCoefficients(band: EqBand, sampleRate: number): BiquadCoeffs {
  return eqBandCoeffs({ ...band, frequencyHz: Math.min(band.frequencyHz, MAX_F0_SHARE * sampleRate) }, sampleRate);
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
