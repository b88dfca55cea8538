import { describe, expect, it } from 'vitest';
import { TruePeakDetector } from '../../../src/dsp/truePeak.js';
import { TAPS_PER_PHASE, kernel, oversamplingFactor, phaseTaps } from '../../../src/dsp/truePeakFilter.js';
import { applyFades, concat, pinkNoise, silence, sine, whiteNoise } from '../../../src/audio/generate.js';

const H = TAPS_PER_PHASE / 2;

/** Magnitude (dB) of the branch at offset frac for a tone of f cycles per input sample. */
function branchGainDb(frac: number, f: number): number {
  const taps = phaseTaps(frac);
  let re = 0, im = 0;
  for (let i = 0; i < taps.length; i++) {
    const t = frac + H - 1 - i; // distance from input sample i to the interpolated point
    re += taps[i] * Math.cos(2 * Math.PI * f * t);
    im += taps[i] * Math.sin(2 * Math.PI * f * t);
  }
  return 20 * Math.log10(Math.hypot(re, im));
}

/** Brute force: every branch of every interval, straight dot products, silence before and after. */
function bruteTruePeak(x: Float32Array, factor: number): number {
  const taps = Array.from({ length: factor - 1 }, (_, k) => phaseTaps((k + 1) / factor));
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  // Only intervals the streaming detector has evaluated: up to x.length - H - 1.
  for (let n = -H; n < x.length - H; n++) {
    for (const t of taps) {
      let y = 0;
      for (let i = 0; i < TAPS_PER_PHASE; i++) {
        const j = n - H + 1 + i;
        if (j >= 0 && j < x.length) y += t[i] * x[j];
      }
      peak = Math.max(peak, Math.abs(y));
    }
  }
  return peak;
}

function streamed(x: Float32Array, fs: number, blockSizes: number[]): number {
  const d = new TruePeakDetector(fs);
  for (let at = 0, k = 0; at < x.length; k++) {
    const n = Math.min(blockSizes[k % blockSizes.length], x.length - at);
    d.process(x.subarray(at, at + n));
    at += n;
  }
  return d.peak;
}

const dbtp = (v: number) => 20 * Math.log10(v);

describe('true-peak filter', () => {
  it('oversamples 4x below 96 kHz and 2x from 96 to 192 kHz', () => {
    expect(oversamplingFactor(44100)).toBe(4);
    expect(oversamplingFactor(88200)).toBe(4);
    expect(oversamplingFactor(96000)).toBe(2);
    expect(oversamplingFactor(192000)).toBe(2);
  });

  it('passes every phase within 0.04 dB from DC to 0.45 fs (ripple and image leakage together)', () => {
    let worst = 0;
    for (const frac of [0.25, 0.5, 0.75]) {
      for (let f = 0; f <= 0.45; f += 0.0025) worst = Math.max(worst, Math.abs(branchGainDb(frac, f)));
    }
    expect(worst).toBeLessThan(0.04);
  });

  it('is a Nyquist filter: phase 0 is the identity and each phase has unit DC gain', () => {
    expect(kernel(0)).toBe(1);
    for (let k = 1; k < H; k++) {
      expect(kernel(k)).toBe(0);
      expect(kernel(-k)).toBe(0);
    }
    for (const frac of [0.25, 0.5, 0.75]) expect(phaseTaps(frac).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});

describe('TruePeakDetector', () => {
  const cases: Array<[string, number, Float32Array]> = [
    ['white noise', 48000, whiteNoise({ rmsDbfs: -20, durationSec: 0.5, sampleRate: 48000, seed: 3 })[0]],
    ['pink noise bursts', 44100, concat([
      pinkNoise({ rmsDbfs: -30, durationSec: 0.2, sampleRate: 44100, seed: 4 }),
      silence(0.05, 44100),
      pinkNoise({ rmsDbfs: -12, durationSec: 0.2, sampleRate: 44100, seed: 5 }),
      pinkNoise({ rmsDbfs: -40, durationSec: 0.2, sampleRate: 44100, seed: 6 }),
    ])[0]],
    ['tone near 0.45 fs at 2x', 96000, sine({ frequencyHz: 43000, amplitude: 0.9, durationSec: 0.2, sampleRate: 96000, phaseRad: 0.3 })[0]],
    ['single impulse', 48000, (() => { const x = new Float32Array(1000); x[500] = 1; return x; })()],
    ['alternating full scale', 48000, Float32Array.from({ length: 400 }, (_, i) => (i % 2 ? 1 : -1) * (i > 100 && i < 300 ? 1 : 0))],
  ];

  it.each(cases)('finds the same peak as brute-force interpolation (%s), block size regardless', (_name, fs, x) => {
    const expected = bruteTruePeak(x, oversamplingFactor(fs));
    for (const sizes of [[x.length], [1], [7, 480, 1], [16384], [33, 17]]) {
      const got = streamed(x, fs, sizes);
      expect(Math.abs(got - expected) / expected).toBeLessThan(1e-12);
    }
  });

  it('is never below the sample peak, and reads inter-sample peaks (fs/4 at 45 degrees: -9.03 dBFS samples, -6.02 dBTP)', () => {
    for (const fs of [44100, 48000, 96000]) {
      const x = applyFades(sine({ frequencyHz: fs / 4, amplitude: 0.5, durationSec: 0.5, sampleRate: fs, phaseRad: Math.PI / 4 }), fs, 0.01)[0];
      const d = new TruePeakDetector(fs);
      d.process(x);
      expect(dbtp(d.peak)).toBeCloseTo(-6.02, 1);
      let sp = 0;
      for (const v of x) sp = Math.max(sp, Math.abs(v));
      expect(dbtp(sp)).toBeCloseTo(-9.03, 1);
    }
  });

  it('starts from silence and forgets on reset()', () => {
    const d = new TruePeakDetector(48000);
    expect(d.peak).toBe(0);
    d.process(new Float32Array([0.5, -0.25]));
    d.process(new Float32Array(64));
    expect(d.peak).toBeGreaterThanOrEqual(0.5);
    d.reset();
    d.process(new Float32Array(100));
    expect(d.peak).toBe(0);
  });
});
