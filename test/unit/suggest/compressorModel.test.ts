import { describe, expect, it } from 'vitest';
import { designCompressor } from '../../../agents/dynamics.js';
import { renderSuggestions } from '../../../src/render/index.js';
import { compressorOnProgramme, programmeLevels } from '../../../src/suggest/compressorModel.js';
import { applyMove } from '../../../src/suggest/predict.js';
import type { ParamsByKind, Suggestion } from '../../../src/suggest/types.js';
import { music, sug } from '../render/helpers.js';
import { measure } from './fixtures.js';

// The programme model against ama's own render, measured back with the meter and the profile
// analyzer, on the demo band (unlimited, peaks at -1 dBFS). The model is calibrated on the efficacy
// corpus (bench/compressorModel.ts: loudness mean error 0.4 dB, max 2.1); on the demo band, whose
// peaks stand less far over its loudness, it takes up to ~1.6 dB too much loudness off (PLR within
// 0.5 dB). Hence 2 dB on loudness, 1 dB on PLR; the old model was off by 5 dB on a leveller and had
// the PLR of a 10 ms attack going the wrong way.

const fs = 48000;
const x = music(fs, 16, 5, -1);
const before = measure(x, fs);
const levels = programmeLevels(before)!;
const comp = (p: ParamsByKind['compressor']): Suggestion => sug('compressor', p, 'master', 'dynamics:master:compressor');

function check(p: ParamsByKind['compressor']) {
  const s = comp({ ...p, makeupDb: 0 });
  const predicted = applyMove(before, s).loudness;
  const after = measure(renderSuggestions(x, fs, [s]).audio, fs).loudness;
  const d = (a: typeof after, k: 'integratedLufs' | 'plrDb') => (a[k] as number) - (before.loudness[k] as number);
  return { predI: d(predicted, 'integratedLufs'), measI: d(after, 'integratedLufs'), predPlr: d(predicted, 'plrDb'), measPlr: d(after, 'plrDb') };
}

describe('compressor programme model', () => {
  it('predicts the loudness and PLR change of the dynamics agent\'s instant-attack designs within 2 and 1 dB, PLR down as designed', () => {
    for (const gap of [2, 3]) {
      const d = designCompressor(levels, gap, 100)!;
      const r = check(d.params);
      console.log(`gap ${gap}: ${d.params.ratio}:1 @ ${d.params.thresholdDb} dBFS, loudness ${r.predI.toFixed(2)} predicted / ${r.measI.toFixed(2)} measured, PLR ${r.predPlr.toFixed(2)} / ${r.measPlr.toFixed(2)} dB`);
      expect(Math.abs(r.predI - r.measI)).toBeLessThan(2);
      expect(Math.abs(r.predPlr - r.measPlr)).toBeLessThan(1);
      expect(r.measPlr).toBeLessThan(-gap / 2);
    }
  });

  it('knows that a 10 ms attack lets the peaks through: the PLR does not come down, the loudness does', () => {
    const d = designCompressor(levels, 3, 100)!;
    const r = check({ ...d.params, attackMs: 10 });
    console.log(`10 ms attack: loudness ${r.predI.toFixed(2)} / ${r.measI.toFixed(2)}, PLR ${r.predPlr.toFixed(2)} / ${r.measPlr.toFixed(2)} dB`);
    expect(r.measI).toBeLessThan(-0.5);
    expect(r.measPlr).toBeGreaterThan(0);
    expect(r.predPlr).toBeGreaterThan(0);
    expect(Math.abs(r.predI - r.measI)).toBeLessThan(2);
  });

  it('reads a peak-detecting threshold set at the median loudness as what it is: several dB off the whole programme', () => {
    // The leveller ama used to propose (3:1 from the median short-term loudness, 30 ms attack).
    const r = check({ thresholdDb: levels.shortTerm.p50Lufs, ratio: 3, attackMs: 30, releaseMs: 400, kneeDb: 10, makeupDb: 0 });
    console.log(`leveller at the median: loudness ${r.predI.toFixed(2)} / ${r.measI.toFixed(2)} dB`);
    expect(r.measI).toBeLessThan(-4);
    expect(Math.abs(r.predI - r.measI)).toBeLessThan(2);
  });

  it('takes nothing off below the threshold and everything is finite on silence', () => {
    const quietLevels = { shortTerm: { p10Lufs: -60, p50Lufs: -56, p90Lufs: -53, p95Lufs: -52 }, shortTermMaxLufs: -50, samplePeakDbfs: -40 };
    const e = compressorOnProgramme(quietLevels, { thresholdDb: -10, ratio: 4, attackMs: 0, releaseMs: 100, kneeDb: 6, makeupDb: 0 });
    expect(e.loudnessDb).toBeCloseTo(0, 6);
    expect(e.peakDb).toBeCloseTo(0, 6);
    const silent = measure([new Float32Array(fs), new Float32Array(fs)], fs);
    expect(programmeLevels(silent)).toBeNull();
  });
});
