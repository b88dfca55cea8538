import { describe, expect, it } from 'vitest';
import { THIRD_OCTAVE } from '../../../src/analysis/profile/spectralFrame.js';
import { biquadMagnitudeDb } from '../../../src/dsp/biquad.js';
import { eqBandCoeffs } from '../../../src/dsp/eqDesign.js';
import { renderSuggestions } from '../../../src/render/index.js';
import type { ParamsByKind } from '../../../src/suggest/types.js';
import { bandLevels, noise, profile, sug } from './helpers.js';

const fs = 48000;
type Band = ParamsByKind['eqBand'];
const SIX: Band[] = [
  { type: 'highPass', frequencyHz: 30, gainDb: 0, q: 0.7071 },
  { type: 'lowShelf', frequencyHz: 120, gainDb: 4, q: 0.7071 },
  { type: 'peaking', frequencyHz: 400, gainDb: -5, q: 1 },
  { type: 'peaking', frequencyHz: 2500, gainDb: 3, q: 1.4 },
  { type: 'highShelf', frequencyHz: 8000, gainDb: -4, q: 0.7071 },
  { type: 'peaking', frequencyHz: 12000, gainDb: 2, q: 0.7 },
];
const formulaDb = (bands: Band[], f: number): number => bands.reduce((s, b) => s + biquadMagnitudeDb(eqBandCoeffs(b, fs), f, fs), 0);
/** The exact band level change for white noise: |H|^2 averaged over the band's frequencies. */
function bandAverageDb(bands: Band[], lo: number, hi: number): number {
  let p = 0;
  const steps = 400;
  for (let k = 0; k < steps; k++) p += 10 ** (formulaDb(bands, lo + ((k + 0.5) * (hi - lo)) / steps) / 10);
  return 10 * Math.log10(p / steps);
}

describe('EQ render', () => {
  const n = fs * 20;
  const left = noise(n, 1), right = noise(n, 2);
  const before = profile([left, right], fs);

  it('changes white noise as the RBJ formula says: 1/3-octave differences within 0.5 dB of |H| at the centres, 0.1 dB of the band average', () => {
    const out = renderSuggestions([left, right], fs, SIX.map((b, i) => sug('eqBand', b, 'master', `eq:${i}`))).audio;
    const a = bandLevels(before), b = bandLevels(profile(out, fs));
    let worstCentre = 0, worstAverage = 0;
    for (let i = 0; i < THIRD_OCTAVE.nominalHz.length; i++) {
      const nominal = THIRD_OCTAVE.nominalHz[i];
      if (nominal < 40) continue; // white noise has too little power in the lowest bands to read a -20 dB difference well
      const measured = (b.get(nominal) as number) - (a.get(nominal) as number);
      worstCentre = Math.max(worstCentre, Math.abs(measured - formulaDb(SIX, THIRD_OCTAVE.centerHz[i])));
      worstAverage = Math.max(worstAverage, Math.abs(measured - bandAverageDb(SIX, THIRD_OCTAVE.lowHz[i], THIRD_OCTAVE.highHz[i])));
    }
    console.log(`EQ on white noise: worst |measured - |H(centre)|| ${worstCentre.toFixed(3)} dB, worst |measured - band average| ${worstAverage.toFixed(3)} dB`);
    expect(worstCentre).toBeLessThan(0.5);
    expect(worstAverage).toBeLessThan(0.1);
  });

  it('cancels a peaking band with the same band at -g: within 0.1 dB per band and 1e-6 per sample', () => {
    const up = sug('eqBand', { type: 'peaking', frequencyHz: 900, gainDb: 6, q: 2 }, 'master', 'up');
    const down = sug('eqBand', { type: 'peaking', frequencyHz: 900, gainDb: -6, q: 2 }, 'master', 'down');
    const out = renderSuggestions([left, right], fs, [up, down]).audio;
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(out[0][i] - left[i]), Math.abs(out[1][i] - right[i]));
    const a = bandLevels(before), b = bandLevels(profile(out, fs));
    let worst = 0;
    for (const [f, v] of a) worst = Math.max(worst, Math.abs((b.get(f) as number) - v));
    console.log(`peaking +6/-6 dB: worst band difference ${worst.toFixed(4)} dB, worst sample difference ${err.toExponential(2)}`);
    expect(worst).toBeLessThan(0.1);
    expect(err).toBeLessThan(1e-6);
  });

  it('filters only the side for a side-scoped band: mid untouched to float32 precision, side changed by the formula', () => {
    const band: Band = { type: 'highShelf', frequencyHz: 3000, gainDb: 5, q: 0.7071 };
    const out = renderSuggestions([left, right], fs, [sug('eqBand', band, 'side')]).audio;
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs((out[0][i] + out[1][i]) / 2 - (left[i] + right[i]) / 2));
    expect(err).toBeLessThan(1e-6);
    const a = bandLevels(before, 'sideDb'), b = bandLevels(profile(out, fs), 'sideDb');
    for (const f of [100, 1000, 3150, 10000]) {
      const i = THIRD_OCTAVE.nominalHz.indexOf(f);
      const want = bandAverageDb([band], THIRD_OCTAVE.lowHz[i], THIRD_OCTAVE.highHz[i]);
      expect((b.get(f) as number) - (a.get(f) as number)).toBeCloseTo(want, 1);
    }
  });

  it('filters only the mid for a mid-scoped band, and a mono input as all mid (side bands skipped with a note)', () => {
    const band: Band = { type: 'peaking', frequencyHz: 1000, gainDb: -6, q: 1 };
    const out = renderSuggestions([left, right], fs, [sug('eqBand', band, 'mid')]).audio;
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs((out[0][i] - out[1][i]) / 2 - (left[i] - right[i]) / 2));
    expect(err).toBeLessThan(1e-6);
    const mono = renderSuggestions([left], fs, [sug('eqBand', band, 'mid'), sug('eqBand', band, 'side', 'side-band')]);
    const stereoMid = renderSuggestions([left, left], fs, [sug('eqBand', band, 'master')]).audio[0];
    expect(mono.audio[0].every((v, i) => v === stereoMid[i])).toBe(true);
    expect(mono.notes.join(' ')).toMatch(/side-band.*mono/);
  });
});
