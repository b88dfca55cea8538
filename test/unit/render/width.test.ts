import { describe, expect, it, onTestFinished } from 'vitest';
import { THIRD_OCTAVE } from '../../../src/analysis/profile/spectralFrame.js';
import { renderSuggestions } from '../../../src/render/index.js';
import { bandLevels, meter, noise, profile, sug } from './helpers.js';

const fs = 48000;
const n = fs * 12;

/** One-pole-pair low-pass (4th order, cascaded RC at fcHz), for building band-limited test noise. */
function lowpass(x: Float32Array, fcHz: number): Float32Array {
  const a = Math.exp((-2 * Math.PI * fcHz) / fs);
  const y = Float32Array.from(x);
  for (let pass = 0; pass < 4; pass++) {
    let s = 0;
    for (let i = 0; i < y.length; i++) y[i] = s = (1 - a) * y[i] + a * s;
  }
  return y;
}

// LR4 prototype magnitude of the band [lo, hi] at f, and the side gain it gives with g.
const r4 = (f: number, fc: number): number => (Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs)) ** 4;
const bandGain = (f: number, lo: number, hi: number): number => (r4(f, lo) / (1 + r4(f, lo))) * (1 / (1 + r4(f, hi)));

describe('width, mono-below and balance', () => {
  // Independent noise in L and R: mid and side of equal power, 0 dB side-to-mid in every band.
  const left = noise(n, 21), right = noise(n, 22);
  const before = profile([left, right], fs);

  it('width +6 dB in 1-4 kHz raises sideToMidDb by ~6 dB inside, as the LR4 band predicts everywhere, within 0.5 dB of 0 far outside, mid untouched', () => {
    const { audio } = renderSuggestions([left, right], fs, [sug('width', { lowHz: 1000, highHz: 4000, sideGainDb: 6 })]);
    const after = profile(audio, fs);
    // The band is normalised to peak at the full +6 dB: k = (g - 1) / max |band|.
    let peak = 0;
    for (let j = 0; j <= 256; j++) peak = Math.max(peak, bandGain(1000 * 4 ** (j / 256), 1000, 4000));
    const kBand = (10 ** (6 / 20) - 1) / peak;
    const change = new Map(after.stereo.bands.map((b, i) => [b.centerHz, (b.sideToMidDb as number) - (before.stereo.bands[i].sideToMidDb as number)]));
    const rows: string[] = [];
    onTestFinished(() => console.log(`width +6 dB 1-4 kHz, sideToMidDb change per band (measured/theory): ${rows.join(' ')}`));
    for (let i = 0; i < THIRD_OCTAVE.nominalHz.length; i++) {
      const f = THIRD_OCTAVE.nominalHz[i], c = change.get(f) as number;
      if (f < 31.5) continue;
      // Theory for white noise: |1 + k band|^2 averaged over the 1/3-octave band.
      let p = 0;
      for (let k = 0; k < 200; k++) {
        const fk = THIRD_OCTAVE.lowHz[i] + ((k + 0.5) * (THIRD_OCTAVE.highHz[i] - THIRD_OCTAVE.lowHz[i])) / 200;
        p += (1 + kBand * bandGain(fk, 1000, 4000)) ** 2 / 200;
      }
      rows.push(`${f}:${c.toFixed(2)}/${(10 * Math.log10(p)).toFixed(2)}`);
      expect(Math.abs(c - 10 * Math.log10(p))).toBeLessThan(0.3);
      if (f >= 1600 && f <= 2500) expect(Math.abs(c - 6)).toBeLessThan(0.5);
      // An octave or more from both crossovers (LR4 at 1 kHz is still +0.5 dB at 500 Hz on a +6 dB move).
      if (f <= 400 || f >= 10000) expect(Math.abs(c)).toBeLessThan(0.5);
    }
    const mb = bandLevels(before), ma = bandLevels(after);
    for (const [f, v] of mb) if (f >= 31.5) expect(Math.abs((ma.get(f) as number) - v)).toBeLessThan(0.02);
  });

  it('keeps a hard-panned source where it is: at 0 dB width is an all-pass on every channel, and R stays silent', () => {
    const silent = new Float32Array(n);
    const { audio } = renderSuggestions([left, silent], fs, [sug('width', { lowHz: 300, highHz: 3000, sideGainDb: 0 }), sug('monoBelow', { frequencyHz: 100 })]);
    let pr = 0;
    for (const v of audio[1].subarray(0, fs * 2)) pr = Math.max(pr, Math.abs(v));
    // monoBelow does move the lowest part of a hard-left source to the centre, so only check above it.
    const after = profile(audio, fs);
    for (const b of after.stereo.bands) if (b.centerHz >= 1000) expect(b.pan as number).toBeLessThan(-0.99);
    const plain = renderSuggestions([left, silent], fs, [sug('width', { lowHz: 300, highHz: 3000, sideGainDb: 0 })]).audio[1];
    expect(plain.every((v) => Math.abs(v) < 1e-7)).toBe(true);
  });

  it('monoBelow 120 Hz makes a wide low end mono: lowEnd correlation from ~0 to ~1, the rest unchanged', () => {
    // Decorrelated sub-bass below ~45 Hz in L and R, plus wide (independent) content above.
    const subL = lowpass(noise(n, 31, 0.5), 45), subR = lowpass(noise(n, 32, 0.5), 45);
    const l = subL.map((v, i) => v + left[i] * 0.3), r = subR.map((v, i) => v + right[i] * 0.3);
    const pre = profile([l, r], fs);
    const { audio } = renderSuggestions([l, r], fs, [sug('monoBelow', { frequencyHz: 120 })]);
    const post = profile(audio, fs);
    console.log(`monoBelow 120 Hz: lowEnd correlation ${pre.stereo.lowEnd.correlation} -> ${post.stereo.lowEnd.correlation}, sideToMid ${pre.stereo.lowEnd.sideToMidDb} -> ${post.stereo.lowEnd.sideToMidDb} dB`);
    expect(Math.abs(pre.stereo.lowEnd.correlation as number)).toBeLessThan(0.2);
    expect(post.stereo.lowEnd.correlation as number).toBeGreaterThan(0.95);
    // Above it, side is only lowered by the LR2 slope, |HP1^2|^2 = (r^2 / (1 + r^2))^2: -0.13 dB at 1 kHz, -0.03 dB at 2 kHz.
    for (let i = 0; i < pre.stereo.bands.length; i++) {
      const f = THIRD_OCTAVE.centerHz[i];
      if (f < 500) continue;
      const r2 = (Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * 120) / fs)) ** 2;
      const want = 20 * Math.log10(r2 / (1 + r2));
      expect((post.stereo.bands[i].sideToMidDb as number) - (pre.stereo.bands[i].sideToMidDb as number)).toBeCloseTo(want, 1);
    }
  });

  it('balance moves balanceDb by the amount, left down and right up by half each', () => {
    for (const balanceDb of [3, -4.5]) {
      const { audio } = renderSuggestions([left, right], fs, [sug('balance', { balanceDb })]);
      const after = profile(audio, fs);
      expect((after.stereo.balanceDb as number) - (before.stereo.balanceDb as number)).toBeCloseTo(balanceDb, 2);
      const m0 = meter([left, right], fs), m1 = meter(audio, fs);
      const chDb = (m: typeof m0, c: number): number => m.channels[c].rmsDbfs as number;
      expect(chDb(m1, 0) - chDb(m0, 0)).toBeCloseTo(-balanceDb / 2, 3);
      expect(chDb(m1, 1) - chDb(m0, 1)).toBeCloseTo(balanceDb / 2, 3);
    }
  });
});
