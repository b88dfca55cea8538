import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/audio/generate.js';
import { medianAcross, TimeMedian } from '../../../src/dsp/runningMedian.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe('running medians', () => {
  it('TimeMedian equals a sorted median of the last k frames (zeros before the start)', () => {
    const rnd = mulberry32(11);
    const k = 5, bins = 3;
    const tm = new TimeMedian(bins, k);
    const frames: Float64Array[] = [];
    for (let t = 0; t < 40; t++) {
      const f = Float64Array.from({ length: bins }, () => Math.round(rnd() * 20)); // ties on purpose
      frames.push(f);
      tm.push(f);
      for (let b = 0; b < bins; b++) {
        const win = Array.from({ length: k }, (_, j) => (t - j >= 0 ? frames[t - j][b] : 0));
        expect(tm.median[b]).toBe(median(win));
      }
    }
  });
  it('medianAcross equals a sorted median of each zero-padded neighbourhood', () => {
    const rnd = mulberry32(5);
    const n = 30, k = 7, h = 3;
    const x = Float64Array.from({ length: n }, () => Math.round(rnd() * 10));
    const out = new Float64Array(n);
    medianAcross(x, n, k, out, new Float64Array(k));
    for (let i = 0; i < n; i++) {
      const win = Array.from({ length: k }, (_, j) => (i - h + j >= 0 && i - h + j < n ? x[i - h + j] : 0));
      expect(out[i]).toBe(median(win));
    }
  });
});
