import { describe, expect, it } from 'vitest';
import { renderSuggestions } from '../../../src/render/index.js';
import { LimiterStage } from '../../../src/render/limiter.js';
import type { ParamsByKind } from '../../../src/suggest/types.js';
import { meter, music, noise, sug, tone } from './helpers.js';

type Params = ParamsByKind['limiter'];
const limit = (p: Params) => sug('limiter', p, 'master', 'loudness:master:limiter');

describe('true-peak limiter', () => {
  it.each([
    [48000, -1, 5, 50],
    [48000, -0.3, 1.5, 200],
    [44100, -1, 3, 80],
    [96000, -2, 5, 50],
  ])('holds the meter\'s true peak of loud music driven +10 dB at or under the ceiling (%i Hz, %f dBTP, %f ms look-ahead, %f ms release)', (fs, ceiling, lookaheadMs, releaseMs) => {
    const x = music(fs, 8, 3, -3);
    const before = meter(x, fs);
    const { audio } = renderSuggestions(x, fs, [limit({ inputGainDb: 10, ceilingDbtp: ceiling, releaseMs, lookaheadMs })]);
    const after = meter(audio, fs);
    console.log(`${fs} Hz: true peak ${before.truePeakDbtp?.toFixed(2)} + 10 dB -> ${after.truePeakDbtp?.toFixed(3)} dBTP (ceiling ${ceiling}); loudness ${before.integratedLufs?.toFixed(2)} -> ${after.integratedLufs?.toFixed(2)} LUFS`);
    expect(after.truePeakDbtp as number).toBeLessThanOrEqual(ceiling);
    expect(after.truePeakDbtp as number).toBeGreaterThan(ceiling - 0.3); // it does limit to the ceiling, not far below
    expect(after.integratedLufs as number).toBeGreaterThan((before.integratedLufs as number) + 5); // and it does get louder
  });

  it('catches inter-sample peaks: a tone at fs/4 with 45 degrees of phase, and driven white noise', () => {
    const fs = 48000;
    const t = tone(fs * 2, fs, fs / 4, 0.5, Math.PI / 4); // samples at +-0.354, true peak 0.5
    const w = noise(fs * 2, 9, 0.3);
    for (const x of [t, w]) {
      const { audio } = renderSuggestions([x, x], fs, [limit({ inputGainDb: 12, ceilingDbtp: -1, releaseMs: 60, lookaheadMs: 2 })]);
      expect(meter(audio, fs).truePeakDbtp as number).toBeLessThanOrEqual(-1);
    }
  });

  it('passes material below the ceiling unchanged and aligned (latency compensated), within 1e-6', () => {
    const fs = 48000;
    const x = music(fs, 4, 5, -8);
    expect(meter(x, fs).truePeakDbtp as number).toBeLessThan(-1.5);
    const { audio } = renderSuggestions(x, fs, [limit({ inputGainDb: 0, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 5 })]);
    let err = 0;
    for (let c = 0; c < 2; c++) for (let i = 0; i < x[0].length; i++) err = Math.max(err, Math.abs(audio[c][i] - x[c][i]));
    expect(audio[0].length).toBe(x[0].length);
    expect(err).toBeLessThan(1e-6);
  });

  it('changes its gain smoothly: no step larger than a look-ahead ramp allows, no clicks', () => {
    const fs = 48000;
    const x = music(fs, 4, 7, -3);
    const lookaheadMs = 5;
    const { audio } = renderSuggestions(x, fs, [limit({ inputGainDb: 12, ceilingDbtp: -1, releaseMs: 50, lookaheadMs })]);
    const g0 = 10 ** (12 / 20);
    // The gain read back as y / (g0 x) where x is not tiny; its largest change between neighbours.
    let worst = 0, prev = NaN;
    for (let i = 0; i < x[0].length; i++) {
      const g = Math.abs(x[0][i]) > 0.01 ? audio[0][i] / (g0 * x[0][i]) : NaN;
      if (!Number.isNaN(g) && !Number.isNaN(prev)) worst = Math.max(worst, Math.abs(g - prev));
      prev = g;
    }
    // An S-shaped ramp over L = 240 samples moves at most ~2/L of its depth per sample.
    console.log(`largest gain change between samples: ${worst.toExponential(2)} (2/L = ${(2 / 240).toExponential(2)})`);
    expect(worst).toBeLessThan(2 / ((lookaheadMs * fs) / 1000));
  });

  it('reports its latency: look-ahead plus 31 frames of interpolator reach and hold', () => {
    const st = new LimiterStage(48000, 2, { inputGainDb: 0, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 5 });
    expect(st.latencyFrames).toBe(240 + 31);
    // An impulse comes out exactly latencyFrames later, unchanged.
    const block = [new Float64Array(600), new Float64Array(600)];
    block[0][10] = 0.5;
    st.process(block, 600);
    expect(block[0][10 + 271]).toBe(0.5);
    expect(block[0].reduce((s, v) => s + Math.abs(v), 0)).toBe(0.5);
  });
});
