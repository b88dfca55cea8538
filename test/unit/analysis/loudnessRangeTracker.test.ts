import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { loudnessRange, LoudnessRangeTracker } from '../../../src/analysis/loudnessGating.js';
import { mulberry32 } from '../../../src/audio/generate.js';
import { whiteNoise } from './profile/signals.js';

describe('LoudnessRangeTracker', () => {
  it('equals the batch Tech 3342 computation to the last bit after every value, gates and ties included', () => {
    const rand = mulberry32(7);
    const tracker = new LoudnessRangeTracker();
    const values: number[] = [];
    for (let i = 0; i < 3000; i++) {
      // Music-like short-term values with silences (-Infinity), values under the absolute gate, and exact repeats.
      const r = rand();
      const v = r < 0.05 ? -Infinity : r < 0.1 ? -75 - 10 * rand() : r < 0.15 ? -23 : -40 + 30 * rand() * rand();
      values.push(v);
      tracker.push(v);
      expect(tracker.value()).toBe(loudnessRange(Float64Array.from(values), values.length));
    }
  });

  it('reads null until a value passes the gates', () => {
    const t = new LoudnessRangeTracker();
    expect(t.value()).toBeNull();
    t.push(-Infinity);
    t.push(-80);
    expect(t.value()).toBeNull();
    t.push(-20);
    expect(t.value()).toBe(0);
  });

  it("keeps LoudnessMeter.read()'s LRA equal to the batch figure over the meter's own short-term history", () => {
    const fs = 8000;
    const meter = new LoudnessMeter({ sampleRate: fs, layout: ['L', 'R'] });
    for (let s = 0; s < 40; s++) {
      const gain = 0.02 + 0.5 * Math.abs(Math.sin(s / 3)); // a level that moves second by second
      const block = [0, 1].map((c) => whiteNoise(fs, 100 * s + c, gain));
      meter.process(block);
      const st = meter.shortTermHistory();
      expect(meter.read().loudnessRangeLu).toBe(loudnessRange(st, st.length));
    }
    expect(meter.read().loudnessRangeLu!).toBeGreaterThan(3);
  });
});
