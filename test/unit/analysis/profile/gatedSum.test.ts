import { describe, expect, it } from 'vitest';
import { BucketGatedSum, RecentGatedSum } from '../../../../src/analysis/profile/gatedSum.js';

describe('gated sums', () => {
  const gate = { absoluteDb: -70, relativeDb: -20 };

  it('drop frames below -70 and more than 20 dB below the mean of the rest (buckets and ring agree)', () => {
    const bucket = new BucketGatedSum(2, gate);
    const ring = new RecentGatedSum(2, 100, gate);
    const frames: Array<[number, number]> = [[-20, 1], [-21, 2], [-19, 3], [-60, 100], [-80, 1000], [-Infinity, 5000]];
    for (const [level, v] of frames) {
      bucket.add(Float64Array.of(v, 1), level);
      ring.add(Float64Array.of(v, 1), level);
    }
    for (const s of [bucket, ring]) {
      const out = new Float64Array(2);
      const t = s.sum(out);
      expect(t.frames).toBe(6);
      expect(t.gatedFrames).toBe(3);
      expect(out[0]).toBe(6);
      expect(out[1]).toBe(3);
      // Mean of -20, -21, -19 dB in energy, within the bucket width.
      const want = 10 * Math.log10((10 ** -2 + 10 ** -2.1 + 10 ** -1.9) / 3);
      expect(t.gatedLevelDb!).toBeCloseTo(want, 1);
      // Relative gate from the four frames above -70 dB.
      const meanAbs = 10 * Math.log10((10 ** -2 + 10 ** -2.1 + 10 ** -1.9 + 10 ** -6) / 4);
      expect(t.relativeGateDb!).toBeCloseTo(meanAbs - 20, 6);
    }
  });

  it('report null levels when nothing passes, and the ring forgets old frames', () => {
    const ring = new RecentGatedSum(1, 2, gate);
    const out = new Float64Array(1);
    expect(ring.sum(out).gatedLevelDb).toBeNull();
    ring.add(Float64Array.of(1), -10);
    ring.add(Float64Array.of(2), -10);
    ring.add(Float64Array.of(4), -10);
    expect(ring.sum(out).gatedFrames).toBe(2);
    expect(out[0]).toBe(6);
    expect(() => new RecentGatedSum(1, 0)).toThrow(/at least one frame/);
  });
});
