import { describe, expect, it } from 'vitest';
import { ThreeWaySplitter } from '../../../src/dsp/crossover.js';

// Steady-state power gain of each band for a sine, measured after the filters settle.
function bandGains(fs: number, f: number): { low: number; mid: number; high: number } {
  const sp = new ThreeWaySplitter(fs, 200, 4000);
  const n = fs; // 1 s
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / fs));
  const lo = new Float64Array(n), md = new Float64Array(n), hi = new Float64Array(n);
  for (let s = 0; s < n; s += 1000) sp.process(x, s, Math.min(n, s + 1000), lo.subarray(s), md.subarray(s), hi.subarray(s));
  const tail = (y: Float64Array): number => {
    let p = 0;
    const from = n / 2, count = n - from;
    for (let i = from; i < n; i++) p += y[i] * y[i];
    return p / count / 0.5; // relative to the sine's power
  };
  return { low: tail(lo), mid: tail(md), high: tail(hi) };
}

// Bilinear-transformed LR4 (2nd-order Butterworth squared), from the analog prototype:
// |LP|^2 = (1/(1+r^4))^2 and |HP|^2 = (r^4/(1+r^4))^2 with r the prewarped frequency ratio.
function lr4(f: number, fc: number, fs: number): { lp: number; hp: number } {
  const r = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs);
  return { lp: 1 / (1 + r ** 4) ** 2, hp: r ** 8 / (1 + r ** 4) ** 2 };
}

describe('ThreeWaySplitter (LR4 at 200 Hz and 4 kHz)', () => {
  const fs = 48000;
  it.each([50, 150, 200, 400, 1000, 3000, 4000, 8000, 15000])('band gains at %i Hz follow the LR4 magnitude within 0.05 dB', (f) => {
    const g = bandGains(fs, f);
    const a = lr4(f, 200, fs);
    const b = lr4(f, 4000, fs);
    const want = { low: a.lp, mid: a.hp * b.lp, high: a.hp * b.hp };
    for (const band of ['low', 'mid', 'high'] as const) {
      const wantDb = 10 * Math.log10(want[band]);
      if (wantDb < -60) expect(10 * Math.log10(g[band] + 1e-30)).toBeLessThan(-55);
      else expect(10 * Math.log10(g[band])).toBeCloseTo(wantDb, 1);
    }
  });

  it('crosses over at -6 dB per side, as a Linkwitz-Riley must', () => {
    const g = bandGains(fs, 200);
    expect(10 * Math.log10(g.low)).toBeCloseTo(-6.02, 1);
    expect(10 * Math.log10(g.mid)).toBeCloseTo(-6.02, 1);
  });

  it('reports its own power response consistently with the LR4 formula', () => {
    const sp = new ThreeWaySplitter(fs);
    const r = sp.powerResponse(1000);
    expect(r.mid).toBeCloseTo(lr4(1000, 200, fs).hp * lr4(1000, 4000, fs).lp, 9);
    expect(() => new ThreeWaySplitter(fs, 4000, 200)).toThrow(/rise/);
  });
});
