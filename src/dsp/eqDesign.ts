import type { BiquadCoeffs } from './biquad.js';
import { biquadMagnitudeDb } from './biquad.js';
import { highpassCoefficients } from './crossover.js';
import { AmaError } from '../util/errors.js';

/**
 * Parametric EQ designs from R. Bristow-Johnson's Audio EQ Cookbook (bilinear transform with the
 * centre/corner frequency prewarped), computed per sample rate in doubles, a0 normalised to 1.
 *
 * Q convention, shared with the `eqBand` params of src/suggest/types.ts: `q` is the cookbook's Q,
 * alpha = sin(w0) / (2 Q), for every shape.
 * - peaking: bandwidth between the points where the dB gain is half the peak gain, as the cookbook
 *   defines it; a band with gain -g is the exact inverse of the same band with +g.
 * - shelves: f0 is the shelf midpoint (gain there is half the shelf gain in dB). The cookbook's
 *   slope S relates to Q by 1/Q^2 = (A + 1/A)(1/S - 1) + 2 with A = 10^(gainDb/40), so Q = 1/sqrt(2)
 *   is S = 1 (the steepest shelf with no overshoot) at every gain; Q above that overshoots
 *   (a bump before the shelf), below it is gentler. shelfQFromSlope / shelfSlopeFromQ convert.
 * - high-pass: second-order, 12 dB/octave; Q = 1/sqrt(2) is Butterworth (-3.01 dB at f0). gainDb is ignored.
 */

/** Shapes of a parametric band (the same names as EqBandType in src/suggest/types.ts). */
export type EqShape = 'peaking' | 'lowShelf' | 'highShelf' | 'highPass';

/** One parametric band: shape, frequency (Hz, 0 < f < fs/2), gain (dB) and cookbook Q (> 0). */
export interface EqBandDesign {
  type: EqShape;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

function prepare(freqHz: number, q: number, sampleRate: number): { w0: number; cos: number; alpha: number } {
  if (!(sampleRate > 0 && Number.isFinite(sampleRate))) {
    throw new AmaError('BAD_OPTION', `sampleRate must be a positive number of Hz, got ${sampleRate}`);
  }
  if (!(freqHz > 0 && freqHz < sampleRate / 2)) {
    throw new AmaError('BAD_OPTION', `EQ frequency must be within (0, ${sampleRate / 2}) Hz at ${sampleRate} Hz, got ${freqHz}`);
  }
  if (!(q > 0 && Number.isFinite(q))) throw new AmaError('BAD_OPTION', `EQ Q must be a positive number, got ${q}`);
  const w0 = (2 * Math.PI * freqHz) / sampleRate;
  return { w0, cos: Math.cos(w0), alpha: Math.sin(w0) / (2 * q) };
}

function gainFactor(gainDb: number): number {
  if (!Number.isFinite(gainDb)) throw new AmaError('BAD_OPTION', `EQ gain must be a finite number of dB, got ${gainDb}`);
  return 10 ** (gainDb / 40);
}

/** Peaking (bell) band at `freqHz` Hz, `gainDb` dB at the centre, cookbook Q; unity far from f0. */
export function peakingCoeffs(freqHz: number, gainDb: number, q: number, sampleRate: number): BiquadCoeffs {
  const A = gainFactor(gainDb);
  const { cos, alpha } = prepare(freqHz, q, sampleRate);
  const a0 = 1 + alpha / A;
  return {
    b0: (1 + alpha * A) / a0,
    b1: (-2 * cos) / a0,
    b2: (1 - alpha * A) / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha / A) / a0,
  };
}

/** Low shelf: `gainDb` dB at DC, half of it (in dB) at the midpoint `freqHz`, unity at Nyquist; Q as above. */
export function lowShelfCoeffs(freqHz: number, gainDb: number, q: number, sampleRate: number): BiquadCoeffs {
  const A = gainFactor(gainDb);
  const { cos, alpha } = prepare(freqHz, q, sampleRate);
  const sq = 2 * Math.sqrt(A) * alpha;
  const a0 = A + 1 + (A - 1) * cos + sq;
  return {
    b0: (A * (A + 1 - (A - 1) * cos + sq)) / a0,
    b1: (2 * A * (A - 1 - (A + 1) * cos)) / a0,
    b2: (A * (A + 1 - (A - 1) * cos - sq)) / a0,
    a1: (-2 * (A - 1 + (A + 1) * cos)) / a0,
    a2: (A + 1 + (A - 1) * cos - sq) / a0,
  };
}

/** High shelf: unity at DC, half of `gainDb` (in dB) at the midpoint `freqHz`, `gainDb` at Nyquist; Q as above. */
export function highShelfCoeffs(freqHz: number, gainDb: number, q: number, sampleRate: number): BiquadCoeffs {
  const A = gainFactor(gainDb);
  const { cos, alpha } = prepare(freqHz, q, sampleRate);
  const sq = 2 * Math.sqrt(A) * alpha;
  const a0 = A + 1 - (A - 1) * cos + sq;
  return {
    b0: (A * (A + 1 + (A - 1) * cos + sq)) / a0,
    b1: (-2 * A * (A - 1 + (A + 1) * cos)) / a0,
    b2: (A * (A + 1 + (A - 1) * cos - sq)) / a0,
    a1: (2 * (A - 1 - (A + 1) * cos)) / a0,
    a2: (A + 1 - (A - 1) * cos - sq) / a0,
  };
}

/** Second-order (12 dB/octave) high-pass at `freqHz` Hz; Q 0.7071 is Butterworth (-3.01 dB at the corner). */
export function highPassCoeffs(freqHz: number, q: number, sampleRate: number): BiquadCoeffs {
  prepare(freqHz, q, sampleRate); // validates with the EQ's own messages
  return highpassCoefficients(freqHz, sampleRate, q); // the cookbook design shared with the crossovers
}

/** Coefficients of one parametric band at `sampleRate` Hz. Throws AmaError BAD_OPTION on invalid values. */
export function eqBandCoeffs(band: EqBandDesign, sampleRate: number): BiquadCoeffs {
  switch (band.type) {
    case 'peaking': return peakingCoeffs(band.frequencyHz, band.gainDb, band.q, sampleRate);
    case 'lowShelf': return lowShelfCoeffs(band.frequencyHz, band.gainDb, band.q, sampleRate);
    case 'highShelf': return highShelfCoeffs(band.frequencyHz, band.gainDb, band.q, sampleRate);
    case 'highPass': return highPassCoeffs(band.frequencyHz, band.q, sampleRate);
    default: throw new AmaError('BAD_OPTION', `EQ band type must be peaking, lowShelf, highShelf or highPass, got ${JSON.stringify((band as { type: unknown }).type)}`);
  }
}

/** Cookbook Q of a shelf with slope S (0 < S, S = 1 steepest without overshoot) and gain `gainDb`. */
export function shelfQFromSlope(slope: number, gainDb: number): number {
  const A = 10 ** (gainDb / 40);
  const inv = (A + 1 / A) * (1 / slope - 1) + 2;
  if (!(slope > 0) || !(inv > 0)) throw new AmaError('BAD_OPTION', `Shelf slope ${slope} is too steep for ${gainDb} dB; use a slope of at most 1 or less gain`);
  return 1 / Math.sqrt(inv);
}

/** Cookbook shelf slope S (> 0) of a shelf with Q `q` and gain `gainDb`: the inverse of shelfQFromSlope (Q 0.7071 gives S = 1). */
export function shelfSlopeFromQ(q: number, gainDb: number): number {
  const A = 10 ** (gainDb / 40);
  return 1 / (1 + (1 / (q * q) - 2) / (A + 1 / A));
}

/** Magnitude response of a band at `freqHz` (0..fs/2), dB, from its exact biquad. */
export function eqBandMagnitudeDb(band: EqBandDesign, freqHz: number, sampleRate: number): number {
  return biquadMagnitudeDb(eqBandCoeffs(band, sampleRate), freqHz, sampleRate);
}

/** Magnitude response of a cascade of biquads at `freqHz` (0..fs/2), dB (the sum of the sections' dB). */
export function cascadeMagnitudeDb(sections: readonly BiquadCoeffs[], freqHz: number, sampleRate: number): number {
  let db = 0;
  for (const c of sections) db += biquadMagnitudeDb(c, freqHz, sampleRate);
  return db;
}
