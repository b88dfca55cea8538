import { describe, expect, it } from 'vitest';
import { biquadProcess64, createBiquadState } from '../../../src/dsp/biquad.js';
import { BiquadCascade } from '../../../src/dsp/biquadCascade.js';
import { highShelfCoeffs, lowShelfCoeffs, peakingCoeffs } from '../../../src/dsp/eqDesign.js';

const fs = 48000;
const SECTIONS = [peakingCoeffs(300, 4, 1, fs), lowShelfCoeffs(100, -3, 0.7071, fs), highShelfCoeffs(9000, 2, 0.7071, fs), peakingCoeffs(40, 6, 8, fs), peakingCoeffs(2500, -5, 3, fs)];

function signal(n: number): Float64Array {
  let s = 7;
  return Float64Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5);
}

describe('BiquadCascade', () => {
  it.each([1, 2, 5])('matches %i transposed-form-II sections run one after another, across odd block sizes', (count) => {
    const x = signal(20000);
    const want = Float64Array.from(x);
    for (const c of SECTIONS.slice(0, count)) biquadProcess64(c, createBiquadState(), want, want, 0, want.length);
    const cascade = new BiquadCascade(SECTIONS.slice(0, count));
    const st = cascade.createState();
    const got = Float64Array.from(x);
    for (let s = 0, b = 1; s < got.length; s += b, b = (b * 7) % 1013 + 1) {
      const view = got.subarray(s, Math.min(got.length, s + b));
      cascade.process(view, st, view.length);
    }
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    expect(err).toBeLessThan(1e-10); // rounding of two float64 forms, with a Q 8 band at 40 Hz
  });

  it('filters two channels at once exactly as one at a time, and either method can continue the other', () => {
    const x = signal(9000), y = signal(9000).reverse();
    const c = new BiquadCascade(SECTIONS);
    const want = [Float64Array.from(x), Float64Array.from(y)];
    const s0 = c.createState(), s1 = c.createState();
    c.process(want[0], s0, 9000);
    c.process(want[1], s1, 9000);
    const got = [Float64Array.from(x), Float64Array.from(y)];
    const t0 = c.createState(), t1 = c.createState();
    c.processStereo(got[0].subarray(0, 3000), got[1].subarray(0, 3000), t0, t1, 3000);
    c.process(got[0].subarray(3000, 6000), t0, 3000);
    c.process(got[1].subarray(3000, 6000), t1, 3000);
    c.processStereo(got[0].subarray(6000), got[1].subarray(6000), t0, t1, 3000);
    expect(got[0]).toEqual(want[0]);
    expect(got[1]).toEqual(want[1]);
  });

  it('is the identity with no sections, and decays to exact zeros after the signal stops', () => {
    const x = signal(100);
    const id = new BiquadCascade([]);
    const y = Float64Array.from(x);
    id.process(y, id.createState(), y.length);
    expect(y).toEqual(x);
    const c = new BiquadCascade(SECTIONS);
    const st = c.createState();
    c.process(Float64Array.from(x), st, x.length);
    const tail = new Float64Array(48000 * 20);
    c.process(tail, st, tail.length);
    expect(st.every((v) => v === 0)).toBe(true);
  });
});
