import { describe, expect, it } from 'vitest';
import { renderSuggestions } from '../../../src/render/index.js';
import { renderWithLevelTrim } from '../../../src/render/levelTrim.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { meter, music, sug } from './helpers.js';

const fs = 48000;
const CEILING = -1;
const LAYOUT: ['L', 'R'] = ['L', 'R'];

/** Loud music through a true-peak limiter driven 8 dB: a limited master whose true peak sits at the ceiling. */
function limitedMaster(): Float32Array[] {
  const x = music(fs, 8, 3, -3);
  return renderSuggestions(x, fs, [sug('limiter', { inputGainDb: 8, ceilingDbtp: CEILING, releaseMs: 50, lookaheadMs: 1.5 })]).audio;
}

// The width stage's band split is an all-pass on mid and side: a lower side shifts the phase of what
// the limiter had flattened, and limited peaks grow back over the ceiling.
const narrower = sug('width', { lowHz: 36, highHz: 17952, sideGainDb: -6 }, 'master', 'stereo:master:width');
const limiters = (list: Suggestion[]) => list.filter((s) => s.kind === 'limiter');

describe('renderWithLevelTrim', () => {
  const x = limitedMaster();
  const before = meter(x, fs);
  const plain = meter(renderSuggestions(x, fs, [narrower]).audio, fs);

  it('a width move on limited material pushes the true peak over the ceiling when rendered alone (the case to fix)', () => {
    expect(before.truePeakDbtp as number).toBeLessThanOrEqual(CEILING);
    expect(plain.truePeakDbtp as number).toBeGreaterThan(CEILING + 0.3);
  });

  it('with the level left alone (no intended loudness), adds a 0 dB limiter and ends at or under the ceiling, loudness within 0.3 LU of the plain render', () => {
    const r = renderWithLevelTrim(x, fs, LAYOUT, [narrower], { intendedLufs: null, ceilingDbtp: CEILING });
    const after = meter(r.rendered.audio, fs);
    expect(after.truePeakDbtp as number).toBeLessThanOrEqual(CEILING);
    expect(r.measured.truePeakDbtp).toBeCloseTo(after.truePeakDbtp as number, 6);
    expect(limiters(r.final)).toHaveLength(1);
    expect(limiters(r.final)[0].params).toMatchObject({ inputGainDb: 0, ceilingDbtp: CEILING });
    expect(r.trimDb).toBe(0);
    expect(Math.abs((after.integratedLufs as number) - (plain.integratedLufs as number))).toBeLessThan(0.3);
    expect(r.rendered.notes.join(' ')).toMatch(/over the -1 dBTP ceiling: a true-peak limiter with 0 dB drive was added/);
  });

  it('with an intended loudness, meets it within 0.1 LU and holds the ceiling, turning the gain into a limiter', () => {
    const intendedLufs = (before.integratedLufs as number) + 1;
    const moves = [narrower, sug('gain', { gainDb: 1 }, 'master', 'loudness:master:gain')].map((s) => (s.kind === 'gain' ? { ...s, agent: 'loudness' as const } : s));
    const r = renderWithLevelTrim(x, fs, LAYOUT, moves, { intendedLufs, ceilingDbtp: CEILING });
    const after = meter(r.rendered.audio, fs);
    expect(after.truePeakDbtp as number).toBeLessThanOrEqual(CEILING);
    expect(Math.abs((after.integratedLufs as number) - intendedLufs)).toBeLessThanOrEqual(0.1);
    expect(limiters(r.final).map((s) => s.key)).toEqual(['loudness:master:limiter']);
    expect(r.final.some((s) => s.kind === 'gain')).toBe(false);
  });

  it('leaves a render alone when it is under the ceiling and no level is asked for: one pass, the same audio', () => {
    const quiet = x.map((ch) => ch.map((v) => v * 0.5));
    const r = renderWithLevelTrim(quiet, fs, LAYOUT, [narrower], { intendedLufs: null, ceilingDbtp: CEILING });
    expect(r.passes).toBe(1);
    expect(r.final).toEqual([narrower]);
    expect(r.rendered.notes).toEqual([]);
    const ref = renderSuggestions(quiet, fs, [narrower]).audio;
    expect(r.rendered.audio[0].every((v, i) => v === ref[0][i])).toBe(true);
  });
});
