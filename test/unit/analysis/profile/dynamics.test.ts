import { describe, expect, it } from 'vitest';
import { filter, highShelf, profileOf, rng, shapedNoise, sine, whiteNoise } from './signals.js';
import { shortTermPercentiles } from '../../../../src/analysis/profile/shortTerm.js';

const fs = 48000;

/** Drum-like hits: exponentially decaying noise bursts every `periodSec`, over a quiet noise bed. */
function hits(sec: number, periodSec: number, seed: number, bed = 0.003): Float32Array {
  const out = whiteNoise(fs * sec, seed, bed);
  const u = rng(seed + 1);
  for (let t = 0.05; t < sec - 0.3; t += periodSec) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.25; i++) out[s0 + i] += 0.7 * Math.exp(-i / (0.04 * fs)) * (2 * u() - 1);
  }
  return out;
}

function fadeIn(x: Float32Array, sec: number): Float32Array {
  const m = Math.round(sec * fs);
  return x.map((v, i) => (i < m ? v * 0.5 * (1 - Math.cos((Math.PI * i) / m)) : v));
}

describe('dynamics', () => {
  it('a sine has a crest of 3.01 dB and every 10 ms window at its peak', () => {
    const x = sine(fs * 5, fs, 1000, 0.5);
    const d = profileOf([x, x], fs).dynamics;
    expect(d.samplePeakDbfs!).toBeCloseTo(-6.02, 2);
    expect(d.rmsDbfs!).toBeCloseTo(-9.03, 2);
    expect(d.crestDb!).toBeCloseTo(3.01, 2);
    expect(d.nearPeakShare).toBe(1);
  });

  it('a square wave has a crest of 0 dB', () => {
    const x = Float32Array.from({ length: fs * 3 }, (_, i) => (Math.floor(i / 24) % 2 ? 0.4 : -0.4));
    expect(profileOf([x, x], fs).dynamics.crestDb!).toBeCloseTo(0, 2);
  });

  it.each([[60, 'crestLowDb'], [1000, 'crestMidDb'], [10000, 'crestHighDb']] as const)(
    'a %i Hz sine shows a 3.01 dB crest in its own band (%s)', (f, key) => {
      // 20 s with a 0.1 s fade-in, so that filter start-up neither overshoots nor weighs on the RMS.
      const x = fadeIn(sine(fs * 20, fs, f, 0.5), 0.1);
      expect(profileOf([x, x], fs).dynamics[key]!).toBeCloseTo(3.01, 1);
    });

  it('a hard-clipped copy of a drum-like signal has a lower crest and more windows at its peak', () => {
    const x = hits(20, 0.5, 7);
    const clipped = x.map((v) => Math.max(-0.1, Math.min(0.1, v)));
    const a = profileOf([x, x], fs).dynamics;
    const b = profileOf([clipped, clipped], fs).dynamics;
    expect(b.crestDb!).toBeLessThan(a.crestDb! - 6);
    expect(b.crestMidDb!).toBeLessThan(a.crestMidDb! - 3);
    expect(b.nearPeakShare!).toBeGreaterThan(a.nearPeakShare! * 2);
  });

  it('a simple feed-forward compressor also lowers the crest', () => {
    const x = hits(20, 0.5, 9);
    // Peak detector with instant attack (a slow attack would let transients through and RAISE the
    // crest) and a 10 ms release, shorter than the 40 ms decay of the hits (a release longer than the
    // note only turns it down as a whole, shape and crest unchanged); 6:1 above -30 dBFS.
    let env = 0;
    const rel = Math.exp(-1 / (0.01 * fs));
    const y = x.map((v) => {
      const a = Math.abs(v);
      env = a > env ? a : rel * env + (1 - rel) * a;
      const over = 20 * Math.log10(env + 1e-12) + 30;
      return over > 0 ? v * 10 ** ((-over * (1 - 1 / 6)) / 20) : v;
    });
    expect(profileOf([y, y], fs).dynamics.crestDb!).toBeLessThan(profileOf([x, x], fs).dynamics.crestDb! - 3);
  });

  it.each([2, 4, 8])('counts %i onsets per second in a train of hits', (rate) => {
    const d = profileOf([hits(20, 1 / rate, 3)].flatMap((h) => [h, h]), fs).dynamics;
    expect(d.transientsPerSec!).toBeGreaterThan(rate * 0.9);
    expect(d.transientsPerSec!).toBeLessThan(rate * 1.1);
  });

  it('still counts hits that rise only ~8 dB above a loud noise bed', () => {
    const d = profileOf([hits(20, 0.25, 4, 0.15)].flatMap((h) => [h, h]), fs).dynamics;
    expect(d.transientsPerSec!).toBeGreaterThan(4 * 0.9);
    expect(d.transientsPerSec!).toBeLessThan(4 * 1.1);
  });

  it('counts band-limited hits in a mix: kick-like thumps (2/s) and hi-hat-like ticks (4/s) over pink noise 10 dB down', () => {
    const n = 2 ** 20;
    const kick = shapedNoise(n, fs, 9, -1, 0.1 * 10 ** (-10 / 20));
    const hat = shapedNoise(n, fs, 10, -1, 0.1 * 10 ** (-10 / 20));
    const air = filter(whiteNoise(n, 11, 0.3), highShelf(6000, 20, fs));
    let kicks = 0, hats = 0;
    for (let t = 0.05; t < n / fs - 0.3; t += 0.5, kicks++) {
      const s0 = Math.round(t * fs); // a 150 -> 50 Hz pitch drop, 80 ms decay: energy below 200 Hz only
      for (let i = 0; i < fs * 0.3; i++) kick[s0 + i] += 0.5 * Math.sin((2 * Math.PI * (50 + 100 * Math.exp(-i / (0.02 * fs))) * i) / fs) * Math.exp(-i / (0.08 * fs));
    }
    for (let t = 0.05; t < n / fs - 0.3; t += 0.25, hats++) {
      const s0 = Math.round(t * fs); // high-shelved noise, 10 ms decay
      for (let i = 0; i < fs * 0.05; i++) hat[s0 + i] += 0.1 * air[s0 + i] * Math.exp(-i / (0.01 * fs));
    }
    for (const [x, count] of [[kick, kicks], [hat, hats]] as const) {
      const d = profileOf([x, x], fs).dynamics;
      const rate = count / (n / fs);
      expect(d.transientsPerSec!).toBeGreaterThan(rate * 0.9);
      expect(d.transientsPerSec!).toBeLessThan(rate * 1.1);
    }
  });

  it('finds (almost) no onsets in steady noise', () => {
    const n = 2 ** 20;
    const d = profileOf([shapedNoise(n, fs, 5, -1, 0.1), shapedNoise(n, fs, 6, -1, 0.1)], fs).dynamics;
    expect(d.transientsPerSec!).toBeLessThan(0.5);
    const w = profileOf([whiteNoise(fs * 20, 8, 0.1), whiteNoise(fs * 20, 9, 0.1)], fs).dynamics;
    expect(w.transientsPerSec!).toBeLessThan(0.5);
  });

  it('passes the meter figures through and computes gated short-term percentiles', () => {
    const ramp = Array.from({ length: 201 }, (_, i) => -30 + (20 * i) / 200); // -30..-10 LUFS
    const history = Float64Array.from([...ramp, -Infinity, -75, -60, -60]); // gated out: -inf, -75 (abs), -60 (rel)
    const x = sine(fs * 2, fs, 440, 0.1);
    const d = profileOf([x, x], fs, 4096, { integratedLufs: -14.2, loudnessRangeLu: 6.5, plrDb: 9.1, psrDb: Number.NaN, shortTermHistory: history }).dynamics;
    expect(d.integratedLufs).toBe(-14.2);
    expect(d.loudnessRangeLu).toBe(6.5);
    expect(d.plrDb).toBe(9.1);
    expect(d.psrDb).toBeNull();
    expect(d.shortTerm).toEqual({ p10Lufs: -28, p50Lufs: -20, p90Lufs: -12, p95Lufs: -11 });
    expect(d.shortTermPeakSpreadLu).toBe(9);
    expect(shortTermPercentiles(Float64Array.of(-Infinity, -80))).toBeNull();
    expect(profileOf([x, x], fs).dynamics.shortTerm).toBeNull();
  });
});
