import { describe, expect, it } from 'vitest';
import { applyFades, concat, sine } from '../../../src/audio/generate.js';
import { RATES, measure, readingsEvery10ms, repeat, toneSequence } from './loudnessHelpers.js';

/*
 * EBU Tech 3341 (v4, November 2023), Table 1 "Minimum requirements test signals", synthesised here
 * instead of read from EBU's files. Definitions as read in the Tech 3341 PDF:
 *  1  stereo 1 kHz sine, -23.0 dBFS per-channel peak, in phase, 20 s      M, S, I = -23.0 +-0.1 LUFS
 *  2  as 1 at -33.0 dBFS                                                   M, S, I = -33.0 +-0.1
 *  3  -36 / -23 / -36 dBFS for 10 / 60 / 10 s                              I = -23.0 +-0.1
 *  4  -72 / -36 / -23 / -36 / -72 dBFS for 10 / 10 / 60 / 10 / 10 s        I = -23.0 +-0.1
 *  5  -26 / -20 / -26 dBFS for 20 / 20.1 / 20 s                            I = -23.0 +-0.1
 *  6  5.0 sine, 1 kHz, 20 s: L, R -28; C -24; Ls, Rs -30 dBFS              I = -23.0 +-0.1
 *  9  (1.34 s at -20, 1.66 s at -30 dBFS) repeated 5 times                 S = -23.0 +-0.1, constant after 3 s
 * 12  (0.18 s at -20, 0.22 s at -30 dBFS) repeated 25 times                M = -23.0 +-0.1, constant after 1 s
 * 15  stereo sine fs/4, amplitude 0.50 FFS, phase 0 deg, 10 ms fade in/out  max true peak -6.0 +0.2/-0.4 dBTP
 * 16  fs/4, 0.50 FFS, phase 45 deg                                        -6.0 +0.2/-0.4 dBTP
 * 17  fs/6, 0.50 FFS, phase 60 deg                                        -6.0 +0.2/-0.4 dBTP
 * 18  fs/8, 0.50 FFS, phase 67.5 deg                                      -6.0 +0.2/-0.4 dBTP
 * 19  fs/4, 1.41 FFS, phase 45 deg                                        +3.0 +0.2/-0.4 dBTP
 * The true-peak cases are defined relative to fs ("fs/4 denotes 12 kHz for 48 kHz, etc."), so they
 * hold at every rate: at 96 kHz (2x oversampling) fs/4 at 45 deg, fs/6 at 60 deg and fs/8 at 67.5
 * deg all put a crest on a half-sample point, as they put one on a quarter-sample point at 4x.
 */

const LOUDNESS_TOL = 0.1;

describe.each(RATES)('EBU Tech 3341 at %i Hz', (fs) => {
  it('case 1: stereo 1 kHz at -23 dBFS reads M, S, I = -23.0', () => {
    const r = measure(toneSequence([[-23, 20]], fs), fs);
    for (const v of [r.integratedLufs, r.momentaryMaxLufs, r.shortTermMaxLufs, r.momentaryLufs, r.shortTermLufs]) {
      expect(Math.abs(v! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
    }
  });

  it('case 2: stereo 1 kHz at -33 dBFS reads M, S, I = -33.0', () => {
    const r = measure(toneSequence([[-33, 20]], fs), fs);
    for (const v of [r.integratedLufs, r.momentaryMaxLufs, r.shortTermMaxLufs, r.momentaryLufs, r.shortTermLufs]) {
      expect(Math.abs(v! + 33)).toBeLessThanOrEqual(LOUDNESS_TOL);
    }
  });

  it('case 3: -36/-23/-36 dBFS for 10/60/10 s reads I = -23.0 (relative gate)', () => {
    const r = measure(toneSequence([[-36, 10], [-23, 60], [-36, 10]], fs), fs);
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  it('case 4: -72/-36/-23/-36/-72 dBFS for 10/10/60/10/10 s reads I = -23.0 (both gates)', () => {
    const r = measure(toneSequence([[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]], fs), fs);
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  it('case 5: -26/-20/-26 dBFS for 20/20.1/20 s reads I = -23.0', () => {
    const r = measure(toneSequence([[-26, 20], [-20, 20.1], [-26, 20]], fs), fs);
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  it('case 6: 5.0 sine, L/R -28, C -24, Ls/Rs -30 dBFS reads I = -23.0 (surrounds weighted 1.41)', () => {
    const level = [-28, -28, -24, -30, -30];
    const block = level.map((amplitudeDbfs) => sine({ frequencyHz: 1000, amplitudeDbfs, durationSec: 20, sampleRate: fs })[0]);
    const r = measure(block, fs, ['L', 'R', 'C', 'Ls', 'Rs']);
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  it('case 9: 5 x (1.34 s at -20, 1.66 s at -30 dBFS) keeps S at -23.0 at every 10 ms from 3 s on', () => {
    const block = toneSequence(repeat<[number, number]>([[-20, 1.34], [-30, 1.66]], 5), fs);
    const after3s = readingsEvery10ms(block, fs).filter(({ t }) => t >= 3 - 1e-9);
    expect(after3s.length).toBeGreaterThan(1000);
    for (const { r } of after3s) expect(Math.abs(r.shortTermLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  it('case 12: 25 x (0.18 s at -20, 0.22 s at -30 dBFS) keeps M at -23.0 at every 10 ms from 1 s on', () => {
    const block = toneSequence(repeat<[number, number]>([[-20, 0.18], [-30, 0.22]], 25), fs);
    const after1s = readingsEvery10ms(block, fs).filter(({ t }) => t >= 1 - 1e-9);
    expect(after1s.length).toBeGreaterThan(850);
    for (const { r } of after1s) expect(Math.abs(r.momentaryLufs! + 23)).toBeLessThanOrEqual(LOUDNESS_TOL);
  });

  const truePeakCases: Array<[caseNo: number, divisor: number, phaseDeg: number, amplitude: number, expectedDbtp: number]> = [
    [15, 4, 0, 0.5, -6.0],
    [16, 4, 45, 0.5, -6.0],
    [17, 6, 60, 0.5, -6.0],
    [18, 8, 67.5, 0.5, -6.0],
    [19, 4, 45, 1.41, 3.0],
  ];
  it.each(truePeakCases)('case %i: stereo sine at fs/%i, phase %f deg, amplitude %f FFS reads %f dBTP +0.2/-0.4', (_c, div, deg, amp, expected) => {
    const tone = sine({ frequencyHz: fs / div, amplitude: amp, durationSec: 1, sampleRate: fs, channels: 2, phaseRad: (deg * Math.PI) / 180 });
    const r = measure(applyFades(tone, fs, 0.01), fs);
    expect(r.truePeakDbtp!).toBeGreaterThanOrEqual(expected - 0.4);
    expect(r.truePeakDbtp!).toBeLessThanOrEqual(expected + 0.2);
    for (const ch of r.channels) expect(ch.truePeakDbtp).toBe(r.truePeakDbtp);
  });
});

it('case 16 also shows why a sample-peak meter is not enough: samples peak 3 dB below the true peak', () => {
  const fs = 48000;
  const tone = sine({ frequencyHz: fs / 4, amplitude: 0.5, durationSec: 1, sampleRate: fs, channels: 2, phaseRad: Math.PI / 4 });
  const r = measure(concat([applyFades(tone, fs, 0.01)]), fs);
  expect(r.samplePeakDbfs!).toBeCloseTo(-9.03, 1);
  expect(r.truePeakDbtp!).toBeCloseTo(-6.02, 1);
});
