import { describe, expect, it } from 'vitest';
import { kWeightingPower } from '../../../../src/analysis/profile/kWeighting.js';

// The two biquads printed in ITU-R BS.1770-4 for 48 kHz (Table 1 and Table 2).
const SHELF = { b: [1.53512485958697, -2.69169618940638, 1.19839281085285], a: [1, -1.69065929318241, 0.73248077421585] };
const RLB = { b: [1, -2, 1], a: [1, -1.99004745483398, 0.99007225036621] };

function power(c: { b: number[]; a: number[] }, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const ev = (q: number[]): number => {
    const re = q[0] + q[1] * Math.cos(w) + q[2] * Math.cos(2 * w);
    const im = -(q[1] * Math.sin(w) + q[2] * Math.sin(2 * w));
    return re * re + im * im;
  };
  return ev(c.b) / ev(c.a);
}

describe('kWeightingPower', () => {
  it.each([20, 40, 100, 500, 997, 1500, 3000, 10000, 20000])('matches the standard 48 kHz filters at %i Hz within 0.01 dB', (f) => {
    const want = 10 * Math.log10(power(SHELF, f, 48000) * power(RLB, f, 48000));
    expect(10 * Math.log10(kWeightingPower(f, 48000))).toBeCloseTo(want, 2);
  });

  it('makes a 997 Hz full-scale sine in one channel read -3.01 LUFS with the -0.691 offset', () => {
    const lufs = -0.691 + 10 * Math.log10(0.5 * kWeightingPower(997, 48000));
    expect(lufs).toBeCloseTo(-3.01, 2);
  });

  it('is 0 at DC and about +4 dB high up, at any rate', () => {
    expect(kWeightingPower(0, 44100)).toBe(0);
    expect(10 * Math.log10(kWeightingPower(10000, 44100))).toBeCloseTo(4, 0);
    expect(10 * Math.log10(kWeightingPower(10000, 96000))).toBeCloseTo(4, 0);
  });
});
