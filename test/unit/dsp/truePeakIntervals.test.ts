import { describe, expect, it } from 'vitest';
import { TruePeakDetector } from '../../../src/dsp/truePeak.js';
import { IntervalPeakScanner } from '../../../src/dsp/truePeakIntervals.js';
import { phaseTaps, TAPS_PER_PHASE } from '../../../src/dsp/truePeakFilter.js';

/** Brute force: every interval's three interpolated points from the full tap sets, and the sample. */
function bruteForce(x: Float64Array, p: number): number {
  let v = Math.abs(x[p]);
  for (const frac of [0.25, 0.5, 0.75]) {
    const taps = phaseTaps(frac);
    let y = 0;
    for (let i = 0; i < TAPS_PER_PHASE; i++) y += taps[i] * x[p - TAPS_PER_PHASE / 2 + 1 + i];
    v = Math.max(v, Math.abs(y));
  }
  return v;
}

function signal(n: number, seed: number): Float64Array {
  let s = seed;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    // Bursts: quiet stretches with loud, sharp events, where bounds must not hide a peak.
    x[i] = (s / 2 ** 32 - 0.5) * (i % 400 < 30 ? 1.8 : 0.05) + 0.7 * Math.sin(i * 2.9);
  }
  return x;
}

describe('IntervalPeakScanner', () => {
  it('finds every interval peak above the floor exactly, and only those', () => {
    const x = signal(6000, 11);
    const sc = new IntervalPeakScanner();
    const start = 16, n = x.length - 40;
    for (const floor of [0, 0.5, 0.9, 1.2]) {
      const peaks = new Float64Array(n);
      sc.scan(x, start, n, floor, peaks);
      let above = 0;
      for (let k = 0; k < n; k++) {
        const want = bruteForce(x, start + k);
        if (want > floor) {
          above++;
          expect(peaks[k]).toBeCloseTo(want, 12);
        } else expect(peaks[k]).toBe(0);
      }
      if (floor === 0.9) expect(above).toBeGreaterThan(0);
    }
  });

  it('agrees with the TruePeakDetector of the meters on the maximum', () => {
    const x = signal(48000, 5);
    const sc = new IntervalPeakScanner();
    const padded = new Float64Array(x.length + 64);
    padded.set(x, 32);
    const peaks = new Float64Array(x.length + 16);
    sc.scan(padded, 32 - 16, peaks.length, 0, peaks);
    const det = new TruePeakDetector(48000);
    det.process(Float32Array.from(padded.subarray(32 - 16)));
    // The scanner reads float64, the detector float32: equal to float32 precision.
    expect(Math.max(...peaks)).toBeCloseTo(det.peak, 6);
  });
});
