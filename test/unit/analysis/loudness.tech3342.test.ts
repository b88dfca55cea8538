import { describe, expect, it } from 'vitest';
import { loudnessRange } from '../../../src/analysis/loudnessGating.js';
import { RATES, measure, meterOver, toneSequence } from './loudnessHelpers.js';

/*
 * EBU Tech 3342 (2023), Table 1 "Minimum requirements test signals", as read in the Tech 3342 PDF:
 *  1  stereo 1 kHz sine, in phase, 20 s at -20 dBFS then 20 s at -30 dBFS          LRA = 10 +-1 LU
 *  2  as 1 with -20 and -15 dBFS                                                 LRA =  5 +-1 LU
 *  3  as 1 with -40 and -20 dBFS                                                 LRA = 20 +-1 LU
 *  4  five 20 s tones at -50, -35, -20, -35, -50 dBFS                            LRA = 15 +-1 LU
 * "The expected response is unchanged if the test signal is repeated one or more times."
 * Percentiles: as the MATLAB reference in Tech 3342 section 5 (nearest rank, round((n-1) p/100 + 1)).
 */

const CASES: Array<[caseNo: number, segments: Array<[number, number]>, lraLu: number]> = [
  [1, [[-20, 20], [-30, 20]], 10],
  [2, [[-20, 20], [-15, 20]], 5],
  [3, [[-40, 20], [-20, 20]], 20],
  [4, [[-50, 20], [-35, 20], [-20, 20], [-35, 20], [-50, 20]], 15],
];

describe.each(RATES)('EBU Tech 3342 at %i Hz', (fs) => {
  it.each(CASES)('case %i reads the expected LRA +-1 LU', (_c, segments, lra) => {
    const r = measure(toneSequence(segments, fs), fs);
    expect(Math.abs(r.loudnessRangeLu! - lra)).toBeLessThanOrEqual(1);
  });
});

it('case 1 repeated twice reads the same LRA (Tech 3342: "unchanged if repeated")', () => {
  const fs = 48000;
  const once = measure(toneSequence(CASES[0][1], fs), fs).loudnessRangeLu!;
  const twice = measure(toneSequence([...CASES[0][1], ...CASES[0][1]], fs), fs).loudnessRangeLu!;
  expect(Math.abs(twice - once)).toBeLessThanOrEqual(0.1);
  expect(Math.abs(twice - 10)).toBeLessThanOrEqual(1);
});

it('records short-term values at 10 Hz from the first complete 3 s window on', () => {
  const fs = 48000;
  const meter = meterOver(toneSequence([[-20, 20], [-30, 20]], fs), fs);
  const st = meter.shortTermHistory();
  expect(st.length).toBe(371); // 3.0 s, 3.1 s, ..., 40.0 s
  expect(st[0]).toBeCloseTo(-20, 0);
  expect(st[st.length - 1]).toBeCloseTo(-30, 0);
});

describe('loudnessRange (the Tech 3342 statistics alone)', () => {
  it('gates at -70 LUFS absolute and 20 LU below the power mean, then takes the 10th and 95th percentiles', () => {
    // 100 values from -30 to -10.2 LUFS, plus values the gates must drop.
    const v = [...Array.from({ length: 100 }, (_, i) => -30 + 0.2 * i), -80, -Infinity, -55];
    const lra = loudnessRange(Float64Array.from(v), v.length)!;
    // nearest rank: sorted[round(99 * 0.10)] = sorted[10] = -28, sorted[round(99 * 0.95)] = sorted[94] = -11.2
    expect(lra).toBeCloseTo(-11.2 - -28, 9);
  });

  it('is null when nothing passes the absolute gate', () => {
    expect(loudnessRange(Float64Array.from([-80, -Infinity]), 2)).toBeNull();
    expect(loudnessRange(new Float64Array(0), 0)).toBeNull();
  });
});
