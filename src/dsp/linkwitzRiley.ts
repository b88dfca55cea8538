import type { BiquadCoeffs } from './biquad.js';
import { BiquadCascade } from './biquadCascade.js';
import { allpassCoefficients, biquadPowerResponse, lowpassCoefficients } from './crossover.js';
import { AmaError } from '../util/errors.js';

/**
 * Phase-coherent band splits for rendering: a band can be changed and put back with the rest of
 * the signal without comb filtering, because the band and its complement are in phase everywhere.
 *
 * LR4 (24 dB/octave): low-pass and high-pass are squared Butterworth sections, and LP4 + HP4 is the
 * second-order all-pass AP2 with the Butterworth poles. Both LP4 and HP4 have exactly the phase of
 * AP2, so the band between two crossovers, HP4(lo) LP4(hi), has the phase of AP2(lo) AP2(hi), and
 * "all-passed signal + (g - 1) * band" scales the band by g with a flat, ripple-free sum at g = 1.
 *
 * LR2 (12 dB/octave): HP1^2 - LP1^2 = AP1 (first-order all-pass) for first-order Butterworth
 * sections, and HP1^2 has exactly the phase of AP1: a signal high-passed by HP1^2 stays in phase
 * with another passed through AP1. -6.02 dB at the crossover. All designs are bilinear, prewarped.
 */

/** Crossovers at or above this fraction of the sample rate are not used (the band runs to Nyquist). */
export const MAX_CROSSOVER_FRACTION = 0.45;

const IDENTITY: BiquadCoeffs = { b0: 1, b1: 0, b2: 0, a1: 0, a2: 0 };
const ZERO: BiquadCoeffs = { b0: 0, b1: 0, b2: 0, a1: 0, a2: 0 };

function prewarp(cutoffHz: number, sampleRate: number): number {
  if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2)) {
    throw new AmaError('BAD_OPTION', `Crossover frequency must be within (0, ${sampleRate / 2}) Hz, got ${cutoffHz}`);
  }
  return Math.tan((Math.PI * cutoffHz) / sampleRate);
}

/** LR2 high-pass (first-order Butterworth squared, 12 dB/octave, -6.02 dB at `cutoffHz`) as one biquad. */
export function lr2HighpassCoeffs(cutoffHz: number, sampleRate: number): BiquadCoeffs {
  const k = prewarp(cutoffHz, sampleRate);
  const b = 1 / (1 + k), a = (k - 1) / (k + 1);
  return { b0: b * b, b1: -2 * b * b, b2: b * b, a1: 2 * a, a2: a * a };
}

/** First-order all-pass with the pole of the LR2 pair at `cutoffHz` (|H| = 1; -1 at DC, +1 at Nyquist). */
export function firstOrderAllpassCoeffs(cutoffHz: number, sampleRate: number): BiquadCoeffs {
  const k = prewarp(cutoffHz, sampleRate);
  return { b0: (1 - k) / (1 + k), b1: -1, b2: 0, a1: (k - 1) / (k + 1), a2: 0 };
}

/**
 * Splits a signal into an LR4 band [lowHz, highHz] and the all-passed whole: process() turns x into
 * AP2(lowHz) AP2(highHz) x in place and writes HP4(lowHz) LP4(highHz) x into `band`, so
 * x_out + (g - 1) band scales the band by g. lowHz null (or <= 0): the band starts at DC; highHz
 * null (or >= 0.45 fs): it runs to Nyquist. Six biquads per sample, direct form I, float64.
 */
export class BandSplitter {
  /** Lower crossover in Hz, or null for none. */
  readonly lowHz: number | null;
  /** Upper crossover in Hz, or null for none. */
  readonly highHz: number | null;
  private readonly lpLo: BiquadCoeffs;
  private readonly apLo: BiquadCoeffs;
  private readonly lpHi: BiquadCoeffs;
  private readonly apHi: BiquadCoeffs;
  private readonly sampleRate: number;

  /** At `sampleRate` Hz; throws AmaError BAD_OPTION when lowHz >= highHz or lowHz >= 0.45 fs. */
  constructor(sampleRate: number, lowHz: number | null, highHz: number | null) {
    const lo = lowHz !== null && lowHz > 0 ? lowHz : null;
    const hi = highHz !== null && highHz < MAX_CROSSOVER_FRACTION * sampleRate ? highHz : null;
    if (lo !== null && lo >= MAX_CROSSOVER_FRACTION * sampleRate) {
      throw new AmaError('BAD_OPTION', `Band must start below ${MAX_CROSSOVER_FRACTION * sampleRate} Hz at ${sampleRate} Hz, got ${lo} Hz`);
    }
    if (lowHz !== null && highHz !== null && !(lowHz < highHz)) {
      throw new AmaError('BAD_OPTION', `Band edges must rise: low ${lowHz} Hz must be below high ${highHz} Hz`);
    }
    this.lowHz = lo;
    this.highHz = hi;
    this.sampleRate = sampleRate;
    // No lower crossover: the low part is zero and the rest is x. No upper one: the band is the rest.
    this.lpLo = lo === null ? ZERO : lowpassCoefficients(lo, sampleRate);
    this.apLo = lo === null ? IDENTITY : allpassCoefficients(lo, sampleRate);
    this.lpHi = hi === null ? IDENTITY : lowpassCoefficients(hi, sampleRate);
    this.apHi = hi === null ? IDENTITY : allpassCoefficients(hi, sampleRate);
  }

  /** Fresh, zeroed memory for one channel. */
  createState(): Float64Array {
    return new Float64Array(16);
  }

  /** Magnitude of the band output at `freqHz` (0..fs/2), 0..1: |HP4(lo)| |LP4(hi)| = (1 - |LP2(lo)|^2) |LP2(hi)|^2. */
  bandGain(freqHz: number): number {
    const fs = this.sampleRate;
    return (1 - biquadPowerResponse(this.lpLo, freqHz, fs)) * biquadPowerResponse(this.lpHi, freqHz, fs);
  }

  /** Largest band magnitude between the edges (1 for a band open at either end; 0.89 for two octaves), 0..1. */
  peakBandGain(): number {
    const lo = this.lowHz ?? this.sampleRate / 1e4, hi = this.highHz ?? this.sampleRate / 2;
    let peak = 0;
    for (let k = 0; k <= 256; k++) peak = Math.max(peak, this.bandGain(lo * (hi / lo) ** (k / 256)));
    return peak;
  }

  /** The all-pass that process() applies to x, as a cascade for channels that are not split. */
  allpass(): BiquadCascade {
    return new BiquadCascade([this.apLo, this.apHi].filter((c) => c !== IDENTITY));
  }

  /** sig[0..n) becomes the all-passed signal (in place); band[0..n) gets the band. Allocates nothing. */
  process(sig: Float64Array, band: Float64Array, st: Float64Array, n: number): void {
    const { b0: Lb0, b1: Lb1, b2: Lb2, a1: La1, a2: La2 } = this.lpLo;
    const { b0: Pb0, b1: Pb1, b2: Pb2, a1: Pa1, a2: Pa2 } = this.apLo;
    const { b0: Mb0, b1: Mb1, b2: Mb2, a1: Ma1, a2: Ma2 } = this.lpHi;
    const { b0: Qb0, b1: Qb1, b2: Qb2, a1: Qa1, a2: Qa2 } = this.apHi;
    let x1 = st[0], x2 = st[1], u1 = st[2], u2 = st[3], l1 = st[4], l2 = st[5], a1 = st[6], a2 = st[7];
    let r1 = st[8], r2 = st[9], v1 = st[10], v2 = st[11], m1 = st[12], m2 = st[13], q1 = st[14], q2 = st[15];
    for (let i = 0; i < n; i++) {
      const x = sig[i];
      const u = (Lb0 * x + Lb1 * x1 + Lb2 * x2 - La2 * u2) - La1 * u1; // LP4(lo), first half
      const l = (Lb0 * u + Lb1 * u1 + Lb2 * u2 - La2 * l2) - La1 * l1; // LP4(lo)
      const a = (Pb0 * x + Pb1 * x1 + Pb2 * x2 - Pa2 * a2) - Pa1 * a1; // AP2(lo)
      const r = a - l; // HP4(lo) = AP2(lo) - LP4(lo)
      const v = (Mb0 * r + Mb1 * r1 + Mb2 * r2 - Ma2 * v2) - Ma1 * v1;
      const m = (Mb0 * v + Mb1 * v1 + Mb2 * v2 - Ma2 * m2) - Ma1 * m1; // band: LP4(hi) HP4(lo)
      const q = (Qb0 * a + Qb1 * a1 + Qb2 * a2 - Qa2 * q2) - Qa1 * q1; // AP2(hi) AP2(lo)
      x2 = x1; x1 = x; u2 = u1; u1 = u; l2 = l1; l1 = l; a2 = a1; a1 = a;
      r2 = r1; r1 = r; v2 = v1; v1 = v; m2 = m1; m1 = m; q2 = q1; q1 = q;
      sig[i] = q;
      band[i] = m;
    }
    st[0] = x1; st[1] = x2; st[2] = u1; st[3] = u2; st[4] = l1; st[5] = l2; st[6] = a1; st[7] = a2;
    st[8] = r1; st[9] = r2; st[10] = v1; st[11] = v2; st[12] = m1; st[13] = m2; st[14] = q1; st[15] = q2;
    for (let i = 0; i < 16; i++) if (Math.abs(st[i]) < 1e-25) st[i] = 0;
  }
}
