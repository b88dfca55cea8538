import type { BiquadCoeffs } from './biquad.js';

/**
 * ITU-R BS.1770-4 K-weighting (stage 1 "spherical head" high shelf, stage 2 RLB high-pass),
 * derived for any sample rate from its analog prototype by the bilinear transform, prewarped at
 * each section's centre frequency.
 *
 * The analog prototype of a section is H(S) = (Vh S^2 + Vb S / Q + G0) / (S^2 + S / Q + 1),
 * S = s / (2 pi f0). Its parameters below are the exact inverse of the bilinear transform of the
 * 48 kHz coefficient tables of BS.1770-4 (Tables 1 and 2): solving the five table values for
 * (f0, Q, Vh, Vb, G0) gives these figures (the same ones libebur128 uses, first published by
 * Brecht De Man), and discretising them again at 48 kHz gives the tables back to ~1e-14.
 *
 * The RLB stage of the table has numerator [1, -2, 1] unnormalised, so its passband gain at 48 kHz
 * is 1 + K/Q + K^2 = 1.0049949 (+0.0433 dB). BS.1770 asks other rates to "provide the same
 * frequency response that the specified filter provides at 48 kHz", so that gain is part of the
 * prototype here (RLB_VH). libebur128 and ffmpeg keep [1, -2, 1] at every rate instead, so their
 * passband gain drifts with the rate (+0.047 dB at 44.1 kHz, +0.022 dB at 96 kHz).
 */

/** Lowest sample rate the coefficients are derived for, in Hz. */
export const MIN_SAMPLE_RATE = 8000;
/** Highest sample rate the coefficients are derived for, in Hz. */
export const MAX_SAMPLE_RATE = 192000;

/** Analog prototype of one second-order section: f0 in Hz, Q, and the numerator gains (linear). */
export interface AnalogSection {
  readonly f0Hz: number;
  readonly q: number;
  /** Numerator gain of S^2 (the gain far above f0). */
  readonly vh: number;
  /** Numerator gain of S / Q (the band term). */
  readonly vb: number;
  /** Numerator constant (the gain far below f0). */
  readonly g0: number;
}

const SHELF_GAIN_DB = 3.999843853973347;
const SHELF_VH = Math.pow(10, SHELF_GAIN_DB / 20);

/** Stage 1 prototype: high shelf at ~1681.97 Hz, Q ~0.7072, +4.0 dB above it (the head model). */
export const SHELF_PROTOTYPE: AnalogSection = {
  f0Hz: 1681.974450955533,
  q: 0.7071752369554196,
  vh: SHELF_VH,
  vb: Math.pow(SHELF_VH, 0.4996667741545416),
  g0: 1,
};

const RLB_F0 = 38.13547087602444;
const RLB_Q = 0.5003270373238773;
const RLB_K48 = Math.tan((Math.PI * RLB_F0) / 48000);

/** Stage 2 prototype: RLB high-pass at ~38.14 Hz, Q ~0.5003, passband gain 1.004995 (as the 48 kHz table). */
export const RLB_PROTOTYPE: AnalogSection = {
  f0Hz: RLB_F0,
  q: RLB_Q,
  vh: 1 + RLB_K48 / RLB_Q + RLB_K48 * RLB_K48,
  vb: 0,
  g0: 0,
};

/** The BS.1770-4 Table 1 coefficients (stage 1 at 48 kHz), for tests and documentation. */
export const BS1770_SHELF_48K: BiquadCoeffs = {
  b0: 1.53512485958697, b1: -2.69169618940638, b2: 1.19839281085285,
  a1: -1.69065929318241, a2: 0.73248077421585,
};

/** The BS.1770-4 Table 2 coefficients (stage 2 at 48 kHz), for tests and documentation. */
export const BS1770_RLB_48K: BiquadCoeffs = {
  b0: 1.0, b1: -2.0, b2: 1.0,
  a1: -1.99004745483398, a2: 0.99007225036621,
};

/** Bilinear transform of an analog section at `sampleRate` Hz, prewarped so f0 maps exactly. */
export function bilinearSection(p: AnalogSection, sampleRate: number): BiquadCoeffs {
  const k = Math.tan((Math.PI * p.f0Hz) / sampleRate);
  const kq = k / p.q;
  const k2 = k * k;
  const a0 = 1 + kq + k2;
  return {
    b0: (p.vh + p.vb * kq + p.g0 * k2) / a0,
    b1: (2 * (p.g0 * k2 - p.vh)) / a0,
    b2: (p.vh - p.vb * kq + p.g0 * k2) / a0,
    a1: (2 * (k2 - 1)) / a0,
    a2: (1 - kq + k2) / a0,
  };
}

/** The two K-weighting stages for one sample rate. */
export interface KWeighting {
  readonly shelf: BiquadCoeffs;
  readonly highpass: BiquadCoeffs;
}

/** K-weighting coefficients for `sampleRate` Hz (integer or not, 8000..192000); throws RangeError outside. */
export function kWeighting(sampleRate: number): KWeighting {
  if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
    throw new RangeError(`sampleRate must be within [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}] Hz, got ${sampleRate}`);
  }
  return { shelf: bilinearSection(SHELF_PROTOTYPE, sampleRate), highpass: bilinearSection(RLB_PROTOTYPE, sampleRate) };
}

/** Filter memory of both stages for one channel: [shelf s1, s2, high-pass s1, s2]. */
export type KWeightingState = Float64Array;

/** A fresh, zeroed K-weighting state (the stream starts from silence). */
export function createKWeightingState(): KWeightingState {
  return new Float64Array(4);
}

// State magnitudes below this are flushed to zero at the end of each call: JavaScript cannot turn on
// flush-to-zero, and an IIR decaying into subnormal doubles after a signal stops runs ~100x slower.
// 1e-25 of full scale is -500 dB, far below anything a reading can show.
const FLUSH = 1e-25;

/**
 * K-weights x[start..end) (float32, full scale +-1) through both stages, carrying `state`, and
 * returns the sum of the squared filtered samples (not divided by the count). No output array:
 * loudness needs only this energy, and fusing the two stages keeps every value in a register.
 */
export function kWeightedSumOfSquares(
  k: KWeighting,
  state: KWeightingState,
  x: Float32Array,
  start: number,
  end: number,
): number {
  const p = k.shelf, r = k.highpass;
  const pb0 = p.b0, pb1 = p.b1, pb2 = p.b2, pa1 = p.a1, pa2 = p.a2;
  const rb0 = r.b0, rb1 = r.b1, rb2 = r.b2, ra1 = r.a1, ra2 = r.a2;
  let s1 = state[0], s2 = state[1], t1 = state[2], t2 = state[3];
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    const y = pb0 * v + s1;
    s1 = pb1 * v - pa1 * y + s2;
    s2 = pb2 * v - pa2 * y;
    const z = rb0 * y + t1;
    t1 = rb1 * y - ra1 * z + t2;
    t2 = rb2 * y - ra2 * z;
    sum += z * z;
  }
  state[0] = Math.abs(s1) < FLUSH ? 0 : s1;
  state[1] = Math.abs(s2) < FLUSH ? 0 : s2;
  state[2] = Math.abs(t1) < FLUSH ? 0 : t1;
  state[3] = Math.abs(t2) < FLUSH ? 0 : t2;
  return sum;
}

/**
 * kWeightedSumOfSquares for two channels at once (same rate and range): the two filter chains are
 * independent, so interleaving them hides the latency of each recursion (about 1.5x faster per
 * channel). Writes the two sums of squares into out[0] and out[1].
 */
export function kWeightedSumOfSquares2(
  k: KWeighting,
  stateA: KWeightingState,
  stateB: KWeightingState,
  xa: Float32Array,
  xb: Float32Array,
  start: number,
  end: number,
  out: Float64Array,
): void {
  const p = k.shelf, r = k.highpass;
  const pb0 = p.b0, pb1 = p.b1, pb2 = p.b2, pa1 = p.a1, pa2 = p.a2;
  const rb0 = r.b0, rb1 = r.b1, rb2 = r.b2, ra1 = r.a1, ra2 = r.a2;
  let s1 = stateA[0], s2 = stateA[1], t1 = stateA[2], t2 = stateA[3];
  let u1 = stateB[0], u2 = stateB[1], v1 = stateB[2], v2 = stateB[3];
  let sumA = 0, sumB = 0;
  for (let i = start; i < end; i++) {
    const va = xa[i], vb = xb[i];
    const ya = pb0 * va + s1;
    s1 = pb1 * va - pa1 * ya + s2;
    s2 = pb2 * va - pa2 * ya;
    const yb = pb0 * vb + u1;
    u1 = pb1 * vb - pa1 * yb + u2;
    u2 = pb2 * vb - pa2 * yb;
    const za = rb0 * ya + t1;
    t1 = rb1 * ya - ra1 * za + t2;
    t2 = rb2 * ya - ra2 * za;
    const zb = rb0 * yb + v1;
    v1 = rb1 * yb - ra1 * zb + v2;
    v2 = rb2 * yb - ra2 * zb;
    sumA += za * za;
    sumB += zb * zb;
  }
  stateA[0] = Math.abs(s1) < FLUSH ? 0 : s1;
  stateA[1] = Math.abs(s2) < FLUSH ? 0 : s2;
  stateA[2] = Math.abs(t1) < FLUSH ? 0 : t1;
  stateA[3] = Math.abs(t2) < FLUSH ? 0 : t2;
  stateB[0] = Math.abs(u1) < FLUSH ? 0 : u1;
  stateB[1] = Math.abs(u2) < FLUSH ? 0 : u2;
  stateB[2] = Math.abs(v1) < FLUSH ? 0 : v1;
  stateB[3] = Math.abs(v2) < FLUSH ? 0 : v2;
  out[0] = sumA;
  out[1] = sumB;
}
