import { describe, expect, it } from 'vitest';
import { scaleSuggestion } from '../../../src/suggest/amount.js';
import { gainReductionDb } from '../../../src/suggest/predict.js';
import type { Suggestion } from '../../../src/suggest/types.js';

const base = { agent: 'eq', scope: 'master', confidence: 0.8, rationale: 'Because.', evidence: {} } as const;
const make = <S extends Suggestion>(s: Omit<S, keyof typeof base>): Suggestion => ({ ...base, ...s } as Suggestion);

describe('amount scaling', () => {
  it('halves every gain-like move at 50 %', () => {
    const cases: Suggestion[] = [
      make({ key: 'g', kind: 'gain', params: { gainDb: 6.2 } }),
      make({ key: 'e', kind: 'eqBand', params: { type: 'peaking', frequencyHz: 1000, gainDb: -4.4, q: 1.4 } }),
      make({ key: 'w', kind: 'width', params: { lowHz: 200, highHz: 16000, sideGainDb: 3 } }),
      make({ key: 'b', kind: 'balance', params: { balanceDb: -1.2 } }),
      make({ key: 's', kind: 'stemGain', params: { gainDb: 2 } }),
    ];
    const halves = cases.map((s) => scaleSuggestion(s, 50)!);
    expect(halves.map((s) => s.params)).toEqual([
      { gainDb: 3.1 },
      { type: 'peaking', frequencyHz: 1000, gainDb: -2.2, q: 1.4 },
      { lowHz: 200, highHz: 16000, sideGainDb: 1.5 },
      { balanceDb: -0.6 },
      { gainDb: 1 },
    ]);
    expect(halves[0].rationale).toMatch(/Scaled to 50 % \(the figures in this sentence are the full move.s\)\.$/);
  });

  it('scales the limiter drive but not its ceiling', () => {
    const s = scaleSuggestion(make({ key: 'l', kind: 'limiter', params: { inputGainDb: 8, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 1.5 } }), 25)!;
    expect(s.params).toEqual({ inputGainDb: 2, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 1.5 });
  });

  it('scales a compressor so that its gain reduction at every level is the share of the full one', () => {
    const full = { thresholdDb: -20, ratio: 4, attackMs: 10, releaseMs: 100, kneeDb: 0, makeupDb: 3 };
    const half = scaleSuggestion(make({ key: 'c', kind: 'compressor', params: full }), 50)!;
    if (half.kind !== 'compressor') throw new Error('kind changed');
    expect(half.params.thresholdDb).toBe(-20);
    expect(half.params.makeupDb).toBe(1.5);
    for (const level of [-15, -10, 0]) {
      expect(gainReductionDb(level, -20, half.params.ratio)).toBeCloseTo(gainReductionDb(level, -20, 4) / 2, 1);
    }
  });

  it('moves high-pass and mono frequencies toward 20 Hz geometrically, and drops what becomes nothing', () => {
    const hp = scaleSuggestion(make({ key: 'h', kind: 'eqBand', params: { type: 'highPass', frequencyHz: 80, gainDb: 0, q: 0.71 } }), 50)!;
    expect(hp.params).toMatchObject({ frequencyHz: 40 });
    const mono = scaleSuggestion(make({ key: 'm', kind: 'monoBelow', params: { frequencyHz: 180 } }), 50)!;
    expect(mono.params).toEqual({ frequencyHz: 60 });
    expect(scaleSuggestion(make({ key: 'm', kind: 'monoBelow', params: { frequencyHz: 180 } }), 0)).toBeNull();
    expect(scaleSuggestion(make({ key: 'g', kind: 'gain', params: { gainDb: 3 } }), 0)).toBeNull();
    const note = make({ key: 'n', kind: 'note', params: {} });
    expect(scaleSuggestion(note, 0)).toBe(note);
  });
});
