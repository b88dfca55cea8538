// Tests of src/audio/generate.ts (the test-signal generators the loudness tests are built on).
import { describe, expect, it } from 'vitest';
import {
  applyFades,
  concat,
  dbToLinear,
  frameCount,
  mulberry32,
  pinkFilterMagnitudeDb,
  pinkNoise,
  silence,
  sine,
  whiteNoise,
} from '../../../src/audio/generate.js';

const rmsDb = (x: Float32Array) => 10 * Math.log10(x.reduce((s, v) => s + v * v, 0) / x.length);
const peak = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('sine', () => {
  it('has the requested peak, frequency, phase and length on every channel', () => {
    const [l, r] = sine({ frequencyHz: 1000, amplitudeDbfs: -23, durationSec: 1, sampleRate: 48000, channels: 2, phaseRad: Math.PI / 2 });
    expect(l.length).toBe(48000);
    expect(r).toEqual(l);
    expect(peak(l)).toBeCloseTo(dbToLinear(-23), 6);
    expect(l[0]).toBeCloseTo(dbToLinear(-23), 6); // starts at its crest
    expect(rmsDb(l)).toBeCloseTo(-23 - 10 * Math.log10(2), 4);
    let crossings = 0;
    for (let i = 1; i < l.length; i++) if (l[i - 1] < 0 && l[i] >= 0) crossings++;
    expect(crossings).toBe(1000);
  });

  it('takes a linear amplitude, and keeps full phase precision over long tones', () => {
    const x = sine({ frequencyHz: 12000, amplitude: 0.5, durationSec: 600, sampleRate: 48000 })[0];
    // fs/4 from phase 0: exactly 0, 0.5, 0, -0.5 (to float32 rounding) ten minutes in.
    const at = x.length - 4;
    expect(Array.from(x.subarray(at, at + 4)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 0.5, 0, -0.5]);
  });
});

describe('noise', () => {
  it('is deterministic per seed, independent per channel, and exactly at the requested RMS', () => {
    for (const gen of [whiteNoise, pinkNoise]) {
      const a = gen({ rmsDbfs: -20, durationSec: 2, sampleRate: 44100, channels: 2, seed: 7 });
      const b = gen({ rmsDbfs: -20, durationSec: 2, sampleRate: 44100, channels: 2, seed: 7 });
      const c = gen({ rmsDbfs: -20, durationSec: 2, sampleRate: 44100, channels: 2, seed: 8 });
      expect(a).toEqual(b);
      expect(a[0]).not.toEqual(c[0]);
      for (const ch of a) expect(rmsDb(ch)).toBeCloseTo(-20, 4);
      let dot = 0;
      for (let i = 0; i < a[0].length; i++) dot += a[0][i] * a[1][i];
      expect(Math.abs(dot / a[0].length) / dbToLinear(-20) ** 2).toBeLessThan(0.05);
      const same = gen({ rmsDbfs: -20, durationSec: 0.1, sampleRate: 44100, channels: 2, seed: 7, correlated: true });
      expect(same[1]).toEqual(same[0]);
    }
  });

  it('pinks within 0.07 dB of -3.01 dB/octave from 9.2 Hz * fs/44.1 kHz to fs/2', () => {
    for (const fs of [44100, 48000, 96000]) {
      const ref = pinkFilterMagnitudeDb(1000, fs);
      for (let f = (9.2 * fs) / 44100; f <= fs / 2; f *= 1.01) {
        const ideal = -10 * Math.log10(f / 1000);
        expect(Math.abs(pinkFilterMagnitudeDb(f, fs) - ref - ideal)).toBeLessThan(0.07);
      }
    }
  });

  it('puts less energy in the highs than white noise (the generator really pinks)', () => {
    const diffRatio = (x: Float32Array) => {
      let d = 0, s = 0;
      for (let i = 1; i < x.length; i++) {
        d += (x[i] - x[i - 1]) ** 2;
        s += x[i] ** 2;
      }
      return d / s;
    };
    const white = whiteNoise({ rmsDbfs: -20, durationSec: 2, sampleRate: 48000 })[0];
    const pink = pinkNoise({ rmsDbfs: -20, durationSec: 2, sampleRate: 48000 })[0];
    expect(diffRatio(white)).toBeCloseTo(2, 1);
    expect(diffRatio(pink)).toBeLessThan(0.5);
  });

  it('draws uniform numbers in [0, 1) from mulberry32', () => {
    const r = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const v = r();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(sum / 10000).toBeCloseTo(0.5, 1);
  });
});

describe('sequences', () => {
  it('joins segments, makes silence, and fades linearly in place', () => {
    const s = concat([sine({ frequencyHz: 100, amplitude: 1, durationSec: 0.5, sampleRate: 8000, channels: 2 }), silence(0.25, 8000, 2)]);
    expect(s).toHaveLength(2);
    expect(s[0].length).toBe(6000);
    expect(peak(s[0].subarray(4000))).toBe(0);
    const ones = [new Float32Array(1000).fill(1)];
    applyFades(ones, 1000, 0.1);
    expect(ones[0][0]).toBe(0);
    expect(ones[0][50]).toBeCloseTo(0.5, 6);
    expect(ones[0][500]).toBe(1);
    expect(ones[0][999]).toBeCloseTo(0, 6);
  });

  it('refuses impossible arguments with the valid range in the message', () => {
    expect(() => frameCount(-1, 48000)).toThrow(/durationSec must be a finite number >= 0, got -1/);
    expect(() => sine({ frequencyHz: 30000, durationSec: 1, sampleRate: 48000 })).toThrow(/frequencyHz must be within \[0, sampleRate \/ 2 = 24000\] Hz, got 30000/);
    expect(() => silence(1, 48000, 0)).toThrow(/channels must be an integer within \[1, 32\], got 0/);
    expect(() => concat([silence(1, 8000, 1), silence(1, 8000, 2)])).toThrow(/every block must have 1 channels/);
  });
});
