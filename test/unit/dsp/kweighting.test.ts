import { describe, expect, it } from 'vitest';
import { biquadMagnitudeDb, biquadProcess, biquadProcess64, createBiquadState } from '../../../src/dsp/biquad.js';
import type { BiquadCoeffs } from '../../../src/dsp/biquad.js';
import {
  BS1770_RLB_48K,
  BS1770_SHELF_48K,
  RLB_PROTOTYPE,
  SHELF_PROTOTYPE,
  createKWeightingState,
  kWeightedSumOfSquares,
  kWeightedSumOfSquares2,
  kWeighting,
} from '../../../src/dsp/kweighting.js';
import type { KWeighting } from '../../../src/dsp/kweighting.js';

const KEYS = ['b0', 'b1', 'b2', 'a1', 'a2'] as const;

function responseDb(k: KWeighting, f: number, fs: number): number {
  return biquadMagnitudeDb(k.shelf, f, fs) + biquadMagnitudeDb(k.highpass, f, fs);
}

/** Inverse bilinear transform of a biquad designed with prewarping at f0 (see kweighting.ts). */
function analogOf(c: BiquadCoeffs, fs: number) {
  const k2 = (1 + c.a1 + c.a2) / (1 - c.a1 + c.a2);
  const a0 = 4 / (1 - c.a1 + c.a2);
  const kq = ((1 - c.a2) * a0) / 2;
  return {
    f0Hz: (fs / Math.PI) * Math.atan(Math.sqrt(k2)),
    q: Math.sqrt(k2) / kq,
    vh: ((c.b0 - c.b1 + c.b2) * a0) / 4,
    g0: ((c.b0 + c.b1 + c.b2) * a0) / (4 * k2),
  };
}

function noise(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

describe('K-weighting', () => {
  it('reproduces the ITU-R BS.1770-4 48 kHz tables (Tables 1 and 2) to 1e-8', () => {
    const k = kWeighting(48000);
    for (const key of KEYS) {
      expect(Math.abs(k.shelf[key] - BS1770_SHELF_48K[key])).toBeLessThan(1e-8);
      expect(Math.abs(k.highpass[key] - BS1770_RLB_48K[key])).toBeLessThan(1e-8);
    }
  });

  it('uses the analog prototype that the 48 kHz tables are the bilinear transform of', () => {
    const shelf = analogOf(BS1770_SHELF_48K, 48000);
    expect(shelf.f0Hz).toBeCloseTo(SHELF_PROTOTYPE.f0Hz, 6);
    expect(shelf.q).toBeCloseTo(SHELF_PROTOTYPE.q, 9);
    expect(shelf.vh).toBeCloseTo(SHELF_PROTOTYPE.vh, 9);
    expect(shelf.g0).toBeCloseTo(1, 9);
    expect(SHELF_PROTOTYPE.f0Hz).toBeCloseTo(1681.97, 2);
    expect(20 * Math.log10(SHELF_PROTOTYPE.vh)).toBeCloseTo(4.0, 3);
    const rlb = analogOf(BS1770_RLB_48K, 48000);
    expect(rlb.f0Hz).toBeCloseTo(RLB_PROTOTYPE.f0Hz, 6);
    expect(rlb.q).toBeCloseTo(RLB_PROTOTYPE.q, 9);
    expect(rlb.vh).toBeCloseTo(RLB_PROTOTYPE.vh, 9);
    expect(RLB_PROTOTYPE.f0Hz).toBeCloseTo(38.14, 2);
    expect(RLB_PROTOTYPE.q).toBeCloseTo(0.5003, 4);
  });

  it('gives every rate from 44.1 to 192 kHz the 48 kHz response within 0.01 dB up to 20 kHz', () => {
    const ref = kWeighting(48000);
    for (const fs of [44100, 88200, 96000, 176400, 192000]) {
      const k = kWeighting(fs);
      for (let f = 10; f <= Math.min(20000, 0.45 * fs); f *= 1.05) {
        expect(Math.abs(responseDb(k, f, fs) - responseDb(ref, f, 48000))).toBeLessThan(0.01);
      }
    }
  });

  it('stays within 0.3 dB of the 48 kHz response at 8, 22.05 and 32 kHz (bilinear warping near Nyquist)', () => {
    const ref = kWeighting(48000);
    for (const fs of [8000, 22050, 32000]) {
      const k = kWeighting(fs);
      for (let f = 10; f <= 0.45 * fs; f *= 1.05) {
        expect(Math.abs(responseDb(k, f, fs) - responseDb(ref, f, 48000))).toBeLessThan(0.3);
      }
      expect(Math.abs(responseDb(k, 1000, fs) - responseDb(ref, 1000, 48000))).toBeLessThan(0.21);
    }
  });

  it('has the familiar shape: ~+0.7 dB at 1 kHz, ~+4 dB at 10 kHz, strongly cut at 20 Hz', () => {
    const k = kWeighting(48000);
    expect(responseDb(k, 1000, 48000)).toBeCloseTo(0.698, 2);
    expect(responseDb(k, 10000, 48000)).toBeGreaterThan(3.9);
    expect(responseDb(k, 20, 48000)).toBeLessThan(-10);
  });

  it('fused sums of squares equal the two stages run one after the other, for one or two channels', () => {
    const fs = 44100;
    const k = kWeighting(fs);
    const x = noise(10000, 1), y = noise(10000, 2);
    const tmp = new Float64Array(x.length);
    biquadProcess(k.shelf, createBiquadState(), x, tmp, 0, x.length);
    biquadProcess64(k.highpass, createBiquadState(), tmp, tmp, 0, x.length);
    let ref = 0;
    for (const v of tmp) ref += v * v;
    const st = createKWeightingState();
    const fused = kWeightedSumOfSquares(k, st, x, 0, 4410) + kWeightedSumOfSquares(k, st, x, 4410, x.length);
    expect(fused / ref).toBeCloseTo(1, 12);

    const sa = createKWeightingState(), sb = createKWeightingState(), out = new Float64Array(2);
    kWeightedSumOfSquares2(k, sa, sb, x, y, 0, 4410, out);
    let a = out[0], b = out[1];
    kWeightedSumOfSquares2(k, sa, sb, x, y, 4410, x.length, out);
    a += out[0];
    b += out[1];
    expect(a).toBe(fused);
    expect(b / kWeightedSumOfSquares(k, createKWeightingState(), y, 0, y.length)).toBeCloseTo(1, 12);
  });

  it('refuses rates outside 8..192 kHz with the range in the message', () => {
    expect(() => kWeighting(7999)).toThrow(/within \[8000, 192000\] Hz, got 7999/);
    expect(() => kWeighting(Number.NaN)).toThrow(RangeError);
  });
});
