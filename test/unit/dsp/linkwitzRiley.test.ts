import { describe, expect, it } from 'vitest';
import { biquadMagnitudeDb } from '../../../src/dsp/biquad.js';
import { BandSplitter, firstOrderAllpassCoeffs, lr2HighpassCoeffs } from '../../../src/dsp/linkwitzRiley.js';
import type { BiquadCoeffs } from '../../../src/dsp/biquad.js';

const fs = 48000;

/** Complex response of a biquad at f. */
function resp(c: BiquadCoeffs, f: number): [number, number] {
  const w = (2 * Math.PI * f) / fs;
  const nr = c.b0 + c.b1 * Math.cos(w) + c.b2 * Math.cos(2 * w), ni = -(c.b1 * Math.sin(w) + c.b2 * Math.sin(2 * w));
  const dr = 1 + c.a1 * Math.cos(w) + c.a2 * Math.cos(2 * w), di = -(c.a1 * Math.sin(w) + c.a2 * Math.sin(2 * w));
  const d = dr * dr + di * di;
  return [(nr * dr + ni * di) / d, (ni * dr - nr * di) / d];
}

/** Impulse responses of the splitter's two outputs, and their DFT at f (complex). */
function splitterResponse(sp: BandSplitter, n = 1 << 16): { ap: Float64Array; band: Float64Array } {
  const ap = new Float64Array(n), band = new Float64Array(n);
  ap[0] = 1;
  sp.process(ap, band, sp.createState(), n);
  return { ap, band };
}
function dft(h: Float64Array, f: number): [number, number] {
  let re = 0, im = 0;
  for (let i = 0; i < h.length; i++) {
    const ph = (2 * Math.PI * f * i) / fs;
    re += h[i] * Math.cos(ph);
    im -= h[i] * Math.sin(ph);
  }
  return [re, im];
}

// Bilinear LR4 magnitudes from the analog prototype: |LP|^2 = (1/(1+r^4))^2 with r the prewarped ratio.
function lr4(f: number, fc: number): { lp: number; hp: number } {
  const r = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs);
  return { lp: 1 / (1 + r ** 4), hp: r ** 4 / (1 + r ** 4) };
}

describe('BandSplitter (LR4 band + matching all-pass)', () => {
  const FREQS = [30, 100, 250, 500, 1000, 2000, 4000, 8000, 16000];

  it('passes x through a flat all-pass and the band with the LR4 magnitude, in phase with it', () => {
    const { ap, band } = splitterResponse(new BandSplitter(fs, 500, 4000));
    for (const f of FREQS) {
      const A = dft(ap, f), B = dft(band, f);
      expect(20 * Math.log10(Math.hypot(...A))).toBeCloseTo(0, 6);
      expect(Math.hypot(...B)).toBeCloseTo(lr4(f, 500).hp * lr4(f, 4000).lp, 6);
      // In phase: the band is a non-negative multiple of the all-passed signal.
      const cross = A[0] * B[0] + A[1] * B[1], det = A[0] * B[1] - A[1] * B[0];
      expect(cross).toBeGreaterThanOrEqual(-1e-9);
      expect(Math.abs(det)).toBeLessThan(1e-6);
    }
  });

  it('reports its band magnitude, and the peak of it, as the filter has it', () => {
    const sp = new BandSplitter(fs, 1000, 4000);
    const { band } = splitterResponse(sp);
    for (const f of FREQS) expect(sp.bandGain(f)).toBeCloseTo(Math.hypot(...dft(band, f)), 6);
    expect(sp.peakBandGain()).toBeCloseTo(0.886, 2); // two octaves: 0.94 * 0.94 at the centre
    expect(new BandSplitter(fs, null, 4000).peakBandGain()).toBeCloseTo(1, 6);
  });

  it('so scaling the band by g gives g inside it and 1 far outside, and sums back flat at g = 1', () => {
    const { ap, band } = splitterResponse(new BandSplitter(fs, 1000, 4000));
    const g = 2; // +6.02 dB
    const out = ap.map((v, i) => v + (g - 1) * band[i]);
    const db = (f: number): number => 20 * Math.log10(Math.hypot(...dft(out, f)));
    expect(db(2000)).toBeCloseTo(20 * Math.log10(1 + (g - 1) * lr4(2000, 1000).hp * lr4(2000, 4000).lp), 6);
    expect(db(2000)).toBeGreaterThan(5.5);
    expect(Math.abs(db(100))).toBeLessThan(0.01);
    expect(Math.abs(db(20000))).toBeLessThan(0.05);
  });

  it('runs from DC or to Nyquist when an edge is missing, and refuses edges that do not rise', () => {
    const low = splitterResponse(new BandSplitter(fs, null, 300));
    expect(Math.hypot(...dft(low.band, 30))).toBeCloseTo(lr4(30, 300).lp, 6);
    expect(Math.hypot(...dft(low.band, 3000))).toBeLessThan(1e-3);
    const high = splitterResponse(new BandSplitter(fs, 5000, 30000));
    expect(Math.hypot(...dft(high.band, 15000))).toBeCloseTo(lr4(15000, 5000).hp, 6); // 30 kHz > 0.45 fs: no upper edge
    const all = splitterResponse(new BandSplitter(fs, 0, null));
    expect(all.band[0]).toBe(1);
    expect(all.ap[0]).toBe(1);
    expect(() => new BandSplitter(fs, 4000, 1000)).toThrow(/rise/);
  });
});

describe('LR2 high-pass and its all-pass', () => {
  it('is 12 dB/octave, -6.02 dB at the crossover, and in phase with the first-order all-pass', () => {
    const hp = lr2HighpassCoeffs(120, fs), ap = firstOrderAllpassCoeffs(120, fs);
    expect(biquadMagnitudeDb(hp, 120, fs)).toBeCloseTo(-6.0206, 3);
    expect(biquadMagnitudeDb(hp, 15, fs) - biquadMagnitudeDb(hp, 30, fs)).toBeCloseTo(-12, 0);
    for (const f of [10, 60, 120, 240, 1000, 10000]) {
      expect(biquadMagnitudeDb(ap, f, fs)).toBeCloseTo(0, 9);
      const [hr, hi] = resp(hp, f), [ar, ai] = resp(ap, f);
      expect(Math.abs(hr * ai - hi * ar)).toBeLessThan(1e-12); // parallel
      expect(hr * ar + hi * ai).toBeGreaterThan(0); // same direction
    }
  });
});
