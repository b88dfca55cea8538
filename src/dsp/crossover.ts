import { AmaError } from '../util/errors.js';
import type { BiquadCoeffs } from './biquad.js';

/** Normalised biquad coefficients (a0 = 1): the one coefficient type of src/dsp/biquad.ts. */
export type BiquadCoefficients = BiquadCoeffs;

function checkCutoff(cutoffHz: number, sampleRate: number): void {
  if (!(cutoffHz > 0 && cutoffHz < sampleRate / 2)) {
    throw new AmaError('BAD_OPTION', `Crossover frequency must be in (0, ${sampleRate / 2}) Hz, got ${cutoffHz}.`);
  }
}

/** Second-order low-pass (RBJ cookbook, bilinear with prewarping); Q 0.7071 gives Butterworth. */
export function lowpassCoefficients(cutoffHz: number, sampleRate: number, q = Math.SQRT1_2): BiquadCoefficients {
  checkCutoff(cutoffHz, sampleRate);
  const w0 = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b1 = (1 - cos) / a0;
  return { b0: b1 / 2, b1, b2: b1 / 2, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** Second-order high-pass (RBJ cookbook); Q 0.7071 gives Butterworth. */
export function highpassCoefficients(cutoffHz: number, sampleRate: number, q = Math.SQRT1_2): BiquadCoefficients {
  checkCutoff(cutoffHz, sampleRate);
  const w0 = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b0 = (1 + cos) / 2 / a0;
  return { b0, b1: -2 * b0, b2: b0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** Second-order all-pass (RBJ cookbook): |H| = 1, phase of a Butterworth pair; Q 0.7071 matches LR4 at cutoffHz. */
export function allpassCoefficients(cutoffHz: number, sampleRate: number, q = Math.SQRT1_2): BiquadCoefficients {
  checkCutoff(cutoffHz, sampleRate);
  const w0 = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const a1 = (-2 * cos) / a0;
  const a2 = (1 - alpha) / a0;
  return { b0: a2, b1: a1, b2: 1, a1, a2 };
}

/** Power response |H(f)|^2 of a biquad at frequency f (Hz), unitless, >= 0. */
export function biquadPowerResponse(c: BiquadCoefficients, freqHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2, ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2, di = -(c.a1 * s1 + c.a2 * s2);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/**
 * Three-way Linkwitz-Riley (4th order, 24 dB/octave) band splitter: low below `lowHz`, mid between,
 * high above `highHz`. An LR4 low-pass is two identical Butterworth biquads (-6 dB at the
 * crossover), and LR4 low-pass + LR4 high-pass = the all-pass with the Butterworth poles, so each
 * high-pass is computed as all-pass minus low-pass (three biquads per split instead of four, exact
 * by the same bilinear transform). The high branch of the first split feeds the second (a tree).
 * Band phase is not compensated: outputs are for level statistics, not for summing.
 */
export class ThreeWaySplitter {
  /** Lower crossover, Hz. */
  readonly lowHz: number;
  /** Upper crossover, Hz. */
  readonly highHz: number;
  private readonly lp1: BiquadCoefficients;
  private readonly ap1: BiquadCoefficients;
  private readonly lp2: BiquadCoefficients;
  private readonly ap2: BiquadCoefficients;
  // Direct form I state: the last two inputs and outputs of every stage.
  private readonly state = new Float64Array(16);
  private readonly sampleRate: number;

  constructor(sampleRate: number, lowHz = 200, highHz = 4000) {
    if (!(lowHz < highHz)) {
      throw new AmaError('BAD_OPTION', `Crossovers must rise: low ${lowHz} Hz must be below high ${highHz} Hz.`);
    }
    this.lowHz = lowHz;
    this.highHz = highHz;
    this.sampleRate = sampleRate;
    this.lp1 = lowpassCoefficients(lowHz, sampleRate);
    this.ap1 = allpassCoefficients(lowHz, sampleRate);
    this.lp2 = lowpassCoefficients(highHz, sampleRate);
    this.ap2 = allpassCoefficients(highHz, sampleRate);
  }

  /**
   * Splits input[start..end) into low, mid and high, written at the same indices minus `start`
   * (outputs need end - start entries). State carries across calls. Allocates nothing.
   */
  process(input: Float32Array | Float64Array, start: number, end: number,
    low: Float64Array, mid: Float64Array, high: Float64Array): void {
    // Direct form I with coefficients and state in locals: the feedback path of each biquad is one
    // multiply and one subtraction long, about half that of transposed form II, and this loop is
    // bound by that latency (it is the hot path of the dynamics analysis). Float64 throughout.
    const st = this.state;
    const { b0: Lb0, b1: Lb1, b2: Lb2, a1: La1, a2: La2 } = this.lp1;
    const { b0: Pb0, b1: Pb1, a1: Pa1, a2: Pa2 } = this.ap1;
    const { b0: Mb0, b1: Mb1, b2: Mb2, a1: Ma1, a2: Ma2 } = this.lp2;
    const { b0: Qb0, b1: Qb1, a1: Qa1, a2: Qa2 } = this.ap2;
    let x1 = st[0], x2 = st[1], u1 = st[2], u2 = st[3], l1 = st[4], l2 = st[5], a1 = st[6], a2 = st[7];
    let r1 = st[8], r2 = st[9], v1 = st[10], v2 = st[11], m1 = st[12], m2 = st[13], b1 = st[14], b2 = st[15];
    for (let i = start, o = 0; i < end; i++, o++) {
      const x = input[i];
      const u = (Lb0 * x + Lb1 * x1 + Lb2 * x2 - La2 * u2) - La1 * u1; // LR4 low-pass, first half
      const l = (Lb0 * u + Lb1 * u1 + Lb2 * u2 - La2 * l2) - La1 * l1; // second half: low band
      const a = (Pb0 * x + Pb1 * x1 + x2 - Pa2 * a2) - Pa1 * a1; // all-pass (b2 = 1)
      const r = a - l; // LR4 high-pass = all-pass - LR4 low-pass
      const v = (Mb0 * r + Mb1 * r1 + Mb2 * r2 - Ma2 * v2) - Ma1 * v1;
      const m = (Mb0 * v + Mb1 * v1 + Mb2 * v2 - Ma2 * m2) - Ma1 * m1; // mid band
      const b = (Qb0 * r + Qb1 * r1 + r2 - Qa2 * b2) - Qa1 * b1;
      low[o] = l;
      mid[o] = m;
      high[o] = b - m; // high band
      x2 = x1; x1 = x; u2 = u1; u1 = u; l2 = l1; l1 = l; a2 = a1; a1 = a;
      r2 = r1; r1 = r; v2 = v1; v1 = v; m2 = m1; m1 = m; b2 = b1; b1 = b;
    }
    st[0] = x1; st[1] = x2; st[2] = u1; st[3] = u2; st[4] = l1; st[5] = l2; st[6] = a1; st[7] = a2;
    st[8] = r1; st[9] = r2; st[10] = v1; st[11] = v2; st[12] = m1; st[13] = m2; st[14] = b1; st[15] = b2;
  }

  /** Power response of the low, mid and high outputs at a frequency (Hz), unitless, for tests and plots. */
  powerResponse(freqHz: number): { low: number; mid: number; high: number } {
    const fs = this.sampleRate;
    const lp1 = biquadPowerResponse(this.lp1, freqHz, fs) ** 2;
    const hp1 = biquadPowerResponse(highpassCoefficients(this.lowHz, fs), freqHz, fs) ** 2;
    const lp2 = biquadPowerResponse(this.lp2, freqHz, fs) ** 2;
    const hp2 = biquadPowerResponse(highpassCoefficients(this.highHz, fs), freqHz, fs) ** 2;
    return { low: lp1, mid: hp1 * lp2, high: hp1 * hp2 };
  }

  /** Clears the filter memory. */
  reset(): void {
    this.state.fill(0);
  }
}
