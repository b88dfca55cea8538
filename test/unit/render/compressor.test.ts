import { describe, expect, it } from 'vitest';
import { compressorGainDb, CompressorStage, type CompressorSettings } from '../../../src/render/compressor.js';
import { renderSuggestions } from '../../../src/render/index.js';
import { ampDb, amplitudeAt, bandLevels, noise, profile, rms, sug, tone } from './helpers.js';

const fs = 48000;
const BASE: CompressorSettings = { thresholdDb: -20, ratio: 4, attackMs: 5, releaseMs: 80, kneeDb: 6, makeupDb: 0 };

/** Runs a compressor stage over planar float32 audio (blocks of 1000) and returns float64 output. */
function run(settings: CompressorSettings, audio: Float32Array[]): Float64Array[] {
  const st = new CompressorStage(fs, audio.length, settings);
  const out = audio.map((c) => Float64Array.from(c));
  for (let s = 0; s < out[0].length; s += 1000) {
    const m = Math.min(1000, out[0].length - s);
    st.process(out.map((c) => c.subarray(s, s + m)), m);
  }
  return out;
}

describe('compressor static curve', () => {
  it('is the soft-knee curve: 0 below the knee, (1/R - 1) * over above it, continuous in value and slope', () => {
    expect(compressorGainDb(-40, -20, 4, 6)).toBe(0);
    expect(compressorGainDb(-23, -20, 4, 6)).toBe(0);
    expect(compressorGainDb(-8, -20, 4, 0)).toBeCloseTo(-9, 12);
    expect(compressorGainDb(-20, -20, 4, 6)).toBeCloseTo(-0.75 * 9 / 12, 12); // knee centre: (1/R - 1) (W/2)^2 / 2W
    for (const edge of [-23, -17]) {
      const e = 1e-7;
      expect(compressorGainDb(edge - e, -20, 4, 6)).toBeCloseTo(compressorGainDb(edge + e, -20, 4, 6), 6);
      const slope = (x: number): number => (compressorGainDb(x + e, -20, 4, 6) - compressorGainDb(x - e, -20, 4, 6)) / (2 * e);
      expect(slope(edge - 1e-4)).toBeCloseTo(slope(edge + 1e-4), 3);
    }
  });

  it.each(['rms', 'peak'] as const)('measured with steady 1 kHz sines (%s detector), gives the curve\'s gain reduction within 0.5 dB', (detector) => {
    let worst = 0;
    for (const levelDb of [-35, -26, -22, -20, -18, -14, -8, -2]) {
      // levelDb is the detector's reading: RMS for 'rms' (peak 3.01 dB higher), the peak for 'peak'.
      const amp = 10 ** ((levelDb + (detector === 'rms' ? 3.0103 : 0)) / 20);
      const x = tone(fs, fs, 1000, amp);
      const y = run({ ...BASE, detector }, [x, x])[0];
      const measured = ampDb(rms(y, fs / 2) / rms(x, fs / 2));
      const want = compressorGainDb(levelDb, BASE.thresholdDb, BASE.ratio, BASE.kneeDb);
      worst = Math.max(worst, Math.abs(measured - want));
      expect(measured).toBeCloseTo(want, 0);
    }
    console.log(`static curve (${detector}): worst error ${worst.toFixed(3)} dB`);
    expect(worst).toBeLessThan(0.5);
  });

  it('adds make-up gain and links the channels on the louder one', () => {
    const loud = tone(fs, fs, 1000, 10 ** ((-8 + 3.0103) / 20)), quiet = tone(fs, fs, 1000, 0.01);
    const [yl, yq] = run({ ...BASE, kneeDb: 0, makeupDb: 3, detector: 'rms' }, [loud, quiet]);
    expect(ampDb(rms(yl, fs / 2) / rms(loud, fs / 2))).toBeCloseTo(-9 + 3, 1);
    expect(ampDb(rms(yq, fs / 2) / rms(quiet, fs / 2))).toBeCloseTo(-9 + 3, 1);
  });
});

/** The gain applied at each sample, in dB, read where |x| is at least 30% of the tone's amplitude `amp(i)` (NaN elsewhere). */
function gainTrack(x: Float32Array, y: Float64Array, amp: (i: number) => number): Float64Array {
  return Float64Array.from(y, (v, i) => (Math.abs(x[i]) > 0.3 * amp(i) ? ampDb(v / x[i]) : NaN));
}
/** The gain track near sample i: the first readable value from i on. */
function at(g: Float64Array, i: number): number {
  while (Number.isNaN(g[i])) i++;
  return g[i];
}
/** First time (ms after `from`) the gain track crosses `level` dB in direction `sign`. */
function crossing(g: Float64Array, from: number, level: number, sign: 1 | -1): number {
  for (let i = from; i < g.length; i++) if (!Number.isNaN(g[i]) && sign * (g[i] - level) >= 0) return ((i - from) / fs) * 1000;
  return Infinity;
}

describe('compressor timing', () => {
  it.each(['rms', 'peak'] as const)('%s detector: a gain-reduction step reaches 63 percent in attackMs and recovers 63 percent in releaseMs, within 20 percent', (detector) => {
    const attackMs = 20, releaseMs = 150;
    // A 2 kHz tone 26 dB below the threshold, 20 dB above it from 0.5 s, below again from 1.5 s.
    const step = (i: number): number => (i >= fs / 2 && i < 1.5 * fs ? 10 ** (-10 / 20) : 10 ** (-56 / 20));
    const x = Float32Array.from({ length: 3 * fs }, (_, i) => step(i) * Math.sin(2 * Math.PI * ((i * 2000 / fs) % 1)));
    const s: CompressorSettings = { thresholdDb: -30, ratio: 10, attackMs, releaseMs, kneeDb: 0, makeupDb: 0, detector };
    const g = gainTrack(x, run(s, [x])[0], step);
    const full = at(g, Math.round(1.49 * fs));
    // 20 dB over in peak (17 in RMS) at 10:1.
    expect(full).toBeCloseTo(detector === 'peak' ? -18 : -15.3, 1);
    const tA = crossing(g, fs / 2, 0.632 * full, -1);
    const tR = crossing(g, 1.5 * fs, 0.368 * full, 1);
    // The peak detector's release runs through its attack smoothing too: two poles in series.
    const series = (t: number): number => (releaseMs * Math.exp(-t / releaseMs) - attackMs * Math.exp(-t / attackMs)) / (releaseMs - attackMs);
    let wantR = releaseMs;
    if (detector === 'peak') while (series(wantR) > Math.exp(-1)) wantR += 0.1;
    console.log(`${detector}: full reduction ${full.toFixed(2)} dB, attack 63% at ${tA.toFixed(1)} ms (set ${attackMs}), release 63% at ${tR.toFixed(1)} ms (model ${wantR.toFixed(1)}, set ${releaseMs})`);
    expect(tA / attackMs).toBeGreaterThan(0.8);
    expect(tA / attackMs).toBeLessThan(1.2);
    expect(tR / wantR).toBeGreaterThan(0.8);
    expect(tR / wantR).toBeLessThan(1.2);
  });
});

describe('band compressor', () => {
  it('sums back flat when idle: within 0.1 dB per 1/3 octave on noise, 0.01 dB on sines', () => {
    const n = fs * 10;
    const l = noise(n, 3), r = noise(n, 4);
    const idle = sug('compressor', { thresholdDb: 0, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 6, makeupDb: 0, lowHz: 200, highHz: 2000 });
    const out = renderSuggestions([l, r], fs, [idle]).audio;
    const a = bandLevels(profile([l, r], fs)), b = bandLevels(profile(out, fs));
    let worst = 0;
    for (const [f, v] of a) if (f >= 31.5) worst = Math.max(worst, Math.abs((b.get(f) as number) - v));
    let worstSine = 0;
    for (const f of [50, 200, 632, 2000, 8000]) {
      const x = tone(fs, fs, f, 0.1);
      const y = renderSuggestions([x], fs, [idle]).audio[0];
      worstSine = Math.max(worstSine, Math.abs(ampDb(rms(y, fs / 2) / rms(x, fs / 2))));
    }
    console.log(`idle band compressor: worst 1/3-octave change ${worst.toFixed(4)} dB, worst sine change ${worstSine.toFixed(5)} dB`);
    expect(worst).toBeLessThan(0.1);
    expect(worstSine).toBeLessThan(0.01);
  });

  it('compresses only its band: a loud 1 kHz tone in 300-3000 Hz is reduced, a 60 Hz tone beside it is not', () => {
    const n = 2 * fs;
    const lo = tone(n, fs, 60, 0.3), mid = tone(n, fs, 1000, 0.3);
    const x = lo.map((v, i) => v + mid[i]);
    const s = sug('compressor', { thresholdDb: -30, ratio: 4, attackMs: 5, releaseMs: 50, kneeDb: 0, makeupDb: 0, lowHz: 300, highHz: 3000 });
    const y = renderSuggestions([x], fs, [s]).audio[0];
    const from = fs, to = 2 * fs;
    const changeLo = ampDb(amplitudeAt(y, fs, 60, from, to) / 0.3);
    const changeMid = ampDb(amplitudeAt(y, fs, 1000, from, to) / 0.3);
    // The LR4 band passes the 1 kHz tone with gain hb (from the prototype), the (default, peak)
    // detector reads that peak, and the output is the tone plus (g - 1) times its band part.
    const r = (f: number, fc: number): number => (Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * fc) / fs)) ** 4;
    const hb = (r(1000, 300) / (1 + r(1000, 300))) * (1 / (1 + r(1000, 3000)));
    const g = 10 ** (compressorGainDb(ampDb(0.3 * hb), -30, 4, 0) / 20);
    const want = ampDb(1 + (g - 1) * hb);
    console.log(`band compressor: 60 Hz ${changeLo.toFixed(3)} dB, 1 kHz ${changeMid.toFixed(3)} dB (curve ${want.toFixed(3)})`);
    expect(Math.abs(changeLo)).toBeLessThan(0.1);
    expect(Math.abs(changeMid - want)).toBeLessThan(0.5);
    expect(changeMid).toBeLessThan(-10);
  });
});
