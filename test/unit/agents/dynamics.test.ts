import { describe, expect, it } from 'vitest';
import { agent, designCompressor } from '../../../agents/dynamics.js';
import { applyMove, compressorEffect } from '../../../src/suggest/predict.js';
import type { Suggestion } from '../../../src/suggest/types.js';
import { balancedRefs, inputFor, opts, track } from '../suggest/fixtures.js';

// References: -14.5/-13.5 LUFS at -1 dBTP (PLR 13.5/12.5), crest 10/10.6, PSR 8/8.5.
const refs = balancedRefs();
type Comp = Extract<Suggestion, { kind: 'compressor' }>;

describe('dynamics agent', () => {
  it('proposes nothing when the dynamics lie inside the envelope', () => {
    const r = agent.evaluate(inputFor(track({ crestDb: 10.3, psrDb: 8.2 }), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toEqual(expect.arrayContaining(['plrDb', 'psrDb', 'crestDb', 'crestLowDb', 'loudnessRangeLu']));
  });

  it('proposes a bus compressor that closes the gap when the mix is more dynamic', () => {
    const mix = track({ lufs: -18, truePeakDbtp: -1, crestDb: 15, psrDb: 12, transientsPerSec: 6 });
    const input = inputFor(mix, refs);
    const r = agent.evaluate(input, opts());
    const s = r.suggestions.find((x): x is Comp => x.kind === 'compressor')!;
    expect(s.key).toBe('dynamics:master:compressor');
    const gap = s.evidence.gapDb!;
    expect(gap).toBeGreaterThan(3);
    expect(s.params.ratio).toBeGreaterThanOrEqual(2);
    expect(s.params.thresholdDb).toBeLessThan(mix.profile.dynamics.samplePeakDbfs!);
    expect(s.params).toMatchObject({ attackMs: 10, releaseMs: 100 }); // dense transients
    // The model says the peaks come down by the gap relative to the body, and the distance shrinks.
    const after = applyMove(mix, s);
    expect(mix.profile.dynamics.crestDb! - after.profile.dynamics.crestDb!).toBeCloseTo(gap, 1);
    expect(s.predicted!.after).toBeLessThan(s.predicted!.before / 2);
  });

  it('designs thresholds that reach the requested drop, raising the ratio when needed', () => {
    for (const gap of [1, 3, 5, 8]) {
      const c = designCompressor(-1, -15, gap, { attackMs: 10, releaseMs: 100 });
      const e = compressorEffect(-1, -15, c);
      expect(e.peakDb - e.bodyDb).toBeCloseTo(gap, 1);
      expect(c.makeupDb).toBeCloseTo(e.bodyDb, 1);
    }
  });

  it('says to back off compression when the mix is flatter, without a compressor', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -9, truePeakDbtp: -1, crestDb: 6, psrDb: 5 }), refs), opts());
    expect(r.suggestions.map((s) => [s.key, s.kind])).toEqual([['dynamics:master:backoff', 'note']]);
    expect(r.suggestions[0].rationale).toMatch(/Back off .* flatter than the references, PLR 8\.0 against 12\.5\.\.13\.5 dB/);
  });

  it('compresses one band when only its crest stands out', () => {
    const r = agent.evaluate(inputFor(track({ crestDb: 10.3, crestLowDb: 14 }), refs), opts());
    expect(r.suggestions).toHaveLength(1);
    const s = r.suggestions[0] as Comp;
    expect(s.key).toBe('dynamics:master:compressor@low');
    expect(s.params.highHz).toBe(200);
    expect(s.params.lowHz).toBeUndefined();
    expect(s.predicted!.after).toBeLessThan(s.predicted!.before);
  });

  it('levels a loudness range wider than the references when the peaks match', () => {
    const r = agent.evaluate(inputFor(track({ crestDb: 10.3, loudnessRangeLu: 12 }), refs), opts());
    expect(r.suggestions.map((s) => s.key)).toEqual(['dynamics:master:leveller']);
    expect(r.suggestions[0].predicted!.after).toBeLessThan(r.suggestions[0].predicted!.before);
  });
});
