/**
 * Second-order IIR sections (biquads) in transposed direct form II, computed in doubles.
 *
 * Convention: H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), a0 normalised to 1,
 * the sign convention of ITU-R BS.1770's tables. State lives in a Float64Array so a filter can run
 * over a stream block by block with no allocation.
 */

/** Normalised biquad coefficients (a0 = 1); dimensionless, any finite values. */
export interface BiquadCoeffs {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Filter memory of one biquad for one channel: [s1, s2] of the transposed direct form II, in signal units. */
export type BiquadState = Float64Array;

/** A fresh, zeroed state (the filter starts from silence). */
export function createBiquadState(): BiquadState {
  return new Float64Array(2);
}

/**
 * Filters input[start..end) into output[start..end), carrying `state` across calls. Input is
 * float32 audio (nominal full scale +-1), output float64; input and output may not alias.
 */
export function biquadProcess(
  c: BiquadCoeffs,
  state: BiquadState,
  input: Float32Array,
  output: Float64Array,
  start: number,
  end: number,
): void {
  const b0 = c.b0, b1 = c.b1, b2 = c.b2, a1 = c.a1, a2 = c.a2;
  let s1 = state[0], s2 = state[1];
  for (let i = start; i < end; i++) {
    const x = input[i];
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    output[i] = y;
  }
  state[0] = s1;
  state[1] = s2;
}

/**
 * Same as biquadProcess for a float64 signal (a second stage after a first); in place is allowed
 * (input === output). Kept as a separate function so each stays monomorphic for the JIT.
 */
export function biquadProcess64(
  c: BiquadCoeffs,
  state: BiquadState,
  input: Float64Array,
  output: Float64Array,
  start: number,
  end: number,
): void {
  const b0 = c.b0, b1 = c.b1, b2 = c.b2, a1 = c.a1, a2 = c.a2;
  let s1 = state[0], s2 = state[1];
  for (let i = start; i < end; i++) {
    const x = input[i];
    const y = b0 * x + s1;
    s1 = b1 * x - a1 * y + s2;
    s2 = b2 * x - a2 * y;
    output[i] = y;
  }
  state[0] = s1;
  state[1] = s2;
}

/** Magnitude response |H(e^jw)| in dB at `freqHz` for sample rate `sampleRate` Hz (0 <= freqHz <= fs/2). */
export function biquadMagnitudeDb(c: BiquadCoeffs, freqHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const cos1 = Math.cos(w), sin1 = Math.sin(w);
  const cos2 = Math.cos(2 * w), sin2 = Math.sin(2 * w);
  const nRe = c.b0 + c.b1 * cos1 + c.b2 * cos2;
  const nIm = -(c.b1 * sin1 + c.b2 * sin2);
  const dRe = 1 + c.a1 * cos1 + c.a2 * cos2;
  const dIm = -(c.a1 * sin1 + c.a2 * sin2);
  return 10 * Math.log10((nRe * nRe + nIm * nIm) / (dRe * dRe + dIm * dIm));
}
