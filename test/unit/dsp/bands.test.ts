import { describe, expect, it } from 'vitest';
import {
  bandCount, bandsFromEdges, fractionalOctaveBands, ISO_THIRD_OCTAVE_NOMINAL_HZ, mapBinsToBands, OCTAVE_RATIO,
  sixthOctaveBands, sumBands, thirdOctaveBands,
} from '../../../src/dsp/bands.js';

describe('fractional-octave bands (IEC 61260-1 base-10)', () => {
  it('gives the 31 ISO 1/3-octave bands, 20 Hz..20 kHz, with exact base-10 edges', () => {
    const b = thirdOctaveBands();
    expect(bandCount(b)).toBe(31);
    expect(b.nominalHz).toEqual(ISO_THIRD_OCTAVE_NOMINAL_HZ);
    const i1k = b.nominalHz.indexOf(1000);
    expect(b.centerHz[i1k]).toBeCloseTo(1000, 9);
    expect(b.lowHz[i1k]).toBeCloseTo(1000 * 10 ** -0.05, 9);
    expect(b.highHz[i1k]).toBeCloseTo(1000 * 10 ** 0.05, 9);
    for (let i = 1; i < 31; i++) {
      expect(b.lowHz[i]).toBeCloseTo(b.highHz[i - 1], 9); // contiguous
      expect(b.centerHz[i] / b.centerHz[i - 1]).toBeCloseTo(OCTAVE_RATIO ** (1 / 3), 12);
      expect(Math.abs(Math.log(b.centerHz[i] / b.nominalHz[i]))).toBeLessThan(0.02); // nominal within 2 %
    }
  });

  it('splits each 1/3-octave band into exactly two 1/6-octave bands (even-b centres)', () => {
    const third = thirdOctaveBands();
    const sixth = sixthOctaveBands();
    expect(bandCount(sixth)).toBe(62);
    for (let i = 0; i < 31; i++) {
      expect(sixth.lowHz[2 * i]).toBeCloseTo(third.lowHz[i], 9);
      expect(sixth.highHz[2 * i]).toBeCloseTo(sixth.lowHz[2 * i + 1], 9);
      expect(sixth.highHz[2 * i + 1]).toBeCloseTo(third.highHz[i], 9);
      expect(Math.sqrt(sixth.centerHz[2 * i] * sixth.centerHz[2 * i + 1])).toBeCloseTo(third.centerHz[i], 6);
    }
    expect(bandCount(fractionalOctaveBands(1))).toBe(10); // octaves 31.5 Hz..16 kHz fit in 17.8 Hz..22.4 kHz
  });

  it('maps bins with fractional edge weights: a flat spectrum gives each band its width in bins', () => {
    const fs = 48000, n = 16384, bins = n / 2 + 1, df = fs / n;
    const ones = new Float64Array(bins).fill(1);
    for (const set of [thirdOctaveBands(), sixthOctaveBands(), bandsFromEdges([20, 60, 250])]) {
      const map = mapBinsToBands(set, df, bins);
      const out = new Float64Array(bandCount(set));
      sumBands(map, ones, out);
      for (let i = 0; i < out.length; i++) {
        expect(out[i]).toBeCloseTo((set.highHz[i] - set.lowHz[i]) / df, 9); // even at 20 Hz, 1/6 oct: 0.8 bins
      }
    }
  });

  it('marks bands above Nyquist as unmeasurable and clips the band that straddles it', () => {
    const fs = 32000, n = 8192, bins = n / 2 + 1, df = fs / n;
    const set = thirdOctaveBands();
    const map = mapBinsToBands(set, df, bins);
    const i20k = set.nominalHz.indexOf(20000);
    const i16k = set.nominalHz.indexOf(16000);
    expect(map.firstBin[i20k]).toBe(-1);
    expect(map.coveredHz[i16k]).toBeCloseTo(16000 - set.lowHz[i16k], 6);
    const out = new Float64Array(31);
    sumBands(map, new Float64Array(bins).fill(1), out);
    expect(out[i20k]).toBe(0);
  });

  it('refuses edges that do not rise', () => {
    expect(() => bandsFromEdges([100, 50])).toThrow(/rising/);
  });
});
