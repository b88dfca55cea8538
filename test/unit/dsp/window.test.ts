import { describe, expect, it } from 'vitest';
import { binPowerScale, enbwBins, makeWindow, windowPowerSum, windowSum } from '../../../src/dsp/window.js';

describe('windows', () => {
  it('periodic Hann: zero at 0, one at N/2, sum N/2, power sum 3N/8, ENBW 1.5 bins', () => {
    const n = 1024;
    const w = makeWindow('hann', n);
    expect(w[0]).toBe(0);
    expect(w[n / 2]).toBeCloseTo(1, 15);
    expect(w[n / 4]).toBeCloseTo(w[(3 * n) / 4], 12); // DFT-even symmetry about N/2
    expect(windowSum(w)).toBeCloseTo(n / 2, 9);
    expect(windowPowerSum(w)).toBeCloseTo((3 * n) / 8, 9);
    expect(enbwBins(w)).toBeCloseTo(1.5, 9);
    expect(binPowerScale(w)).toBeCloseTo(2 / (n * ((3 * n) / 8)), 18);
  });

  it('Hamming and Blackman-Harris have their textbook ENBW (1.363 and 2.004 bins)', () => {
    expect(enbwBins(makeWindow('hamming', 4096))).toBeCloseTo(1.363, 3);
    expect(enbwBins(makeWindow('blackman-harris', 4096))).toBeCloseTo(2.004, 3);
  });

  it('refuses a window shorter than two samples', () => {
    expect(() => makeWindow('hann', 1)).toThrow(/>= 2/);
  });
});
