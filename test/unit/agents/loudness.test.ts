import { describe, expect, it } from 'vitest';
import { agent } from '../../../agents/loudness.js';
import { applyMove } from '../../../src/suggest/predict.js';
import { balancedRefs, inputFor, opts, track } from '../suggest/fixtures.js';

// References at -14.5 and -13.5 LUFS (mean -14), true peak -1 dBTP.
const refs = balancedRefs();

describe('loudness agent', () => {
  it('proposes nothing within 0.5 LU of the target and under the ceiling, and says so', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -14.3, truePeakDbtp: -1.5 }), refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.within).toEqual(['integratedLufs', 'truePeakDbtp']);
    expect(r.notes.join(' ')).toMatch(/on target.*-14\.3 LUFS/);
  });

  it('proposes a plain gain to the references mean when the peak stays under the ceiling', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -20, truePeakDbtp: -9 }), refs), opts());
    expect(r.suggestions).toHaveLength(1);
    const [s] = r.suggestions;
    expect(s).toMatchObject({ key: 'loudness:master:gain', kind: 'gain', scope: 'master', params: { gainDb: 6 } });
    expect(s.rationale).toMatch(/Raise the master by 6\.0 dB.*-20\.0 LUFS.*-14\.0 LUFS/);
    expect(s.predicted!.before).toBeCloseTo(6, 1);
    expect(s.predicted!.after).toBeCloseTo(0, 1);
    expect(s.confidence).toBeGreaterThan(0.8);
  });

  it('proposes a true-peak limiter instead when the gain would cross the ceiling', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -20, truePeakDbtp: -3 }), refs), opts());
    expect(r.suggestions).toHaveLength(1);
    const [s] = r.suggestions;
    expect(s).toMatchObject({ key: 'loudness:master:limiter', kind: 'limiter', params: { inputGainDb: 6, ceilingDbtp: -1 } });
    expect(s.evidence.limitingDb).toBeCloseTo(4, 5); // -3 + 6 = +3 dBTP, 4 dB over -1
    const after = applyMove(inputFor(track({ lufs: -20, truePeakDbtp: -3 }), refs).mix, s);
    expect(after.loudness.truePeakDbtp).toBe(-1);
    expect(after.loudness.integratedLufs).toBeCloseTo(-14, 5);
    expect(s.predicted!.after).toBeLessThan(0.1);
  });

  it('steers to --target-lufs and honours another ceiling', () => {
    const r = agent.evaluate(inputFor(track({ lufs: -10, truePeakDbtp: -0.5 }), refs), opts({ loudnessTargetLufs: -16, ceilingDbtp: -2 }));
    expect(r.suggestions[0]).toMatchObject({ kind: 'gain', params: { gainDb: -6 } });
    expect(r.suggestions[0].rationale).toMatch(/Lower the master by 6\.0 dB.*target is -16\.0 LUFS/);
    const loud = agent.evaluate(inputFor(track({ lufs: -16, truePeakDbtp: -1.5 }), refs), opts({ loudnessTargetLufs: -16, ceilingDbtp: -2 }));
    expect(loud.suggestions[0]).toMatchObject({ kind: 'limiter', params: { inputGainDb: 0, ceilingDbtp: -2 } });
    expect(loud.within).toEqual(['integratedLufs']);
  });

  it('says why it proposes nothing for a silent mix', () => {
    const silent = track();
    silent.loudness.integratedLufs = null;
    const r = agent.evaluate(inputFor(silent, refs), opts());
    expect(r.suggestions).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/silent/);
  });
});
