import { describe, expect, it } from 'vitest';
import { profileOf, shapedNoise, sine, whiteNoise } from './signals.js';

const fs = 48000;
const EDGES = [20, 60, 250, 500, 2000, 5000, 10000, 20000];
const NAMES = ['sub', 'bass', 'lowMids', 'mids', 'presence', 'brilliance', 'air'] as const;

describe('tonal descriptors', () => {
  it('white noise: +3.01 dB/octave tilt, centroid mid-range, shares in proportion to bandwidth', () => {
    const x = whiteNoise(fs * 30, 1, 0.1);
    const y = whiteNoise(fs * 30, 2, 0.1);
    const d = profileOf([x, y], fs).descriptors;
    expect(d.tiltDbPerOctave!).toBeCloseTo(3.01, 1);
    // Uniform density over the analysed range 17.78 Hz..22.39 kHz: the centroid is its middle.
    expect(d.centroidHz! / ((17.78 + 22387) / 2)).toBeCloseTo(1, 2);
    let sum = 0;
    NAMES.forEach((name, i) => {
      const want = (EDGES[i + 1] - EDGES[i]) / (20000 - 20);
      expect(Math.abs(d.energyShare[name]! - want)).toBeLessThan(Math.max(0.002, 0.03 * want));
      sum += d.energyShare[name]!;
    });
    expect(sum).toBeCloseTo(1, 3);
  });

  it('pink noise: flat tilt and shares in proportion to log bandwidth', () => {
    const n = 2 ** 21;
    const d = profileOf([shapedNoise(n, fs, 3, -1, 0.1, 5, 23900)], fs).descriptors;
    expect(Math.abs(d.tiltDbPerOctave!)).toBeLessThan(0.1);
    NAMES.forEach((name, i) => {
      const want = Math.log(EDGES[i + 1] / EDGES[i]) / Math.log(1000);
      expect(Math.abs(d.energyShare[name]! - want)).toBeLessThan(0.03 * want);
    });
  });

  it('brown noise (-6 dB/octave power density): tilt -3.01 dB/octave in 1/3-octave bands', () => {
    const n = 2 ** 21;
    const d = profileOf([shapedNoise(n, fs, 4, -2, 0.1, 5, 23900)], fs).descriptors;
    expect(d.tiltDbPerOctave!).toBeCloseTo(-3.01, 1);
  });

  it('a 1 kHz sine: centroid 1 kHz, all energy in the mids', () => {
    const x = sine(fs * 5, fs, 1000, 0.3);
    const d = profileOf([x, x], fs).descriptors;
    expect(d.centroidHz!).toBeCloseTo(1000, -1);
    expect(d.energyShare.mids!).toBeGreaterThan(0.999);
  });
});
