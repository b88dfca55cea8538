import { describe, expect, it } from 'vitest';
import { sdrDb, sdrPerStem } from '../../../src/separation/sdr.js';

describe('sdrDb', () => {
  const s = [Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7))];
  it('is the energy ratio of source to error: a half-amplitude estimate is 6.02 dB', () => {
    expect(sdrDb(s, [s[0].map((x) => 0.5 * x)])!).toBeCloseTo(20 * Math.log10(2), 3);
  });
  it('is 0 dB for silence as the estimate, capped for a perfect one, null for a silent source', () => {
    expect(sdrDb(s, [new Float32Array(1000)])!).toBeCloseTo(0, 6);
    expect(sdrDb(s, s)).toBe(100);
    expect(sdrDb([new Float32Array(5)], [new Float32Array(5)])).toBeNull();
  });
  it('adds a known error: source plus noise at -20 dB gives 20 dB', () => {
    const noise = s[0].map((_, i) => (i % 2 ? 1 : -1));
    let ps = 0, pn = 0;
    for (let i = 0; i < 1000; i++) { ps += s[0][i] ** 2; pn += noise[i] ** 2; }
    const k = Math.sqrt(ps / pn / 100);
    expect(sdrDb(s, [s[0].map((x, i) => x + k * noise[i])])!).toBeCloseTo(20, 3);
  });
  it('refuses estimates of another shape, and averages per stem', () => {
    expect(() => sdrDb(s, [new Float32Array(3)])).toThrow(/shape/);
    const r = sdrPerStem({ a: s, b: undefined }, { a: [s[0].map((x) => 0.5 * x)], b: s });
    expect(r.perStem.b).toBeNull();
    expect(r.meanDb!).toBeCloseTo(6.02, 2);
  });
});
