import { describe, expect, it } from 'vitest';
import { biquadMagnitudeDb, biquadProcess, biquadProcess64, createBiquadState } from '../../../src/dsp/biquad.js';
import type { BiquadCoeffs } from '../../../src/dsp/biquad.js';

// A resonant low-pass (RBJ cookbook, 1 kHz, Q 2, 48 kHz): poles near the unit circle expose state errors.
const w0 = (2 * Math.PI * 1000) / 48000;
const alpha = Math.sin(w0) / (2 * 2);
const a0 = 1 + alpha;
const LP: BiquadCoeffs = {
  b0: (1 - Math.cos(w0)) / 2 / a0,
  b1: (1 - Math.cos(w0)) / a0,
  b2: (1 - Math.cos(w0)) / 2 / a0,
  a1: (-2 * Math.cos(w0)) / a0,
  a2: (1 - alpha) / a0,
};

/** Direct form I, written out independently: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]. */
function directForm1(c: BiquadCoeffs, x: Float32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length; n++) {
    const x1 = n > 0 ? x[n - 1] : 0, x2 = n > 1 ? x[n - 2] : 0;
    const y1 = n > 0 ? y[n - 1] : 0, y2 = n > 1 ? y[n - 2] : 0;
    y[n] = c.b0 * x[n] + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
  }
  return y;
}

function noise(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

describe('biquad', () => {
  it('matches a direct-form-I recursion sample for sample', () => {
    const x = noise(5000);
    const y = new Float64Array(x.length);
    biquadProcess(LP, createBiquadState(), x, y, 0, x.length);
    const ref = directForm1(LP, x);
    for (let i = 0; i < x.length; i++) expect(y[i]).toBeCloseTo(ref[i], 12);
  });

  it('carries its state across blocks: any split gives the same output', () => {
    const x = noise(3001);
    const whole = new Float64Array(x.length);
    biquadProcess(LP, createBiquadState(), x, whole, 0, x.length);
    const split = new Float64Array(x.length);
    const st = createBiquadState();
    for (const [a, b] of [[0, 1], [1, 480], [480, 481], [481, 3001]]) biquadProcess(LP, st, x, split, a, b);
    expect(Array.from(split)).toEqual(Array.from(whole));
  });

  it('runs a float64 second stage in place', () => {
    const x = noise(2000);
    const y = new Float64Array(x.length);
    biquadProcess(LP, createBiquadState(), x, y, 0, x.length);
    const expected = directForm1(LP, Float32Array.from(y));
    biquadProcess64(LP, createBiquadState(), y, y, 0, y.length);
    // expected was fed float32-rounded input, so compare loosely
    for (let i = 0; i < y.length; i += 97) expect(y[i]).toBeCloseTo(expected[i], 6);
  });

  it('reports its magnitude response: 0 dB at DC and +6.02 dB (Q = 2) at the corner', () => {
    expect(biquadMagnitudeDb(LP, 0, 48000)).toBeCloseTo(0, 9);
    expect(biquadMagnitudeDb(LP, 1000, 48000)).toBeCloseTo(20 * Math.log10(2), 6);
  });
});
