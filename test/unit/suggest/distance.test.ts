import { describe, expect, it } from 'vitest';
import { distanceToTarget, tonalDistanceDb } from '../../../src/reference/distance.js';
import { filter, peaking, shapedNoise } from '../analysis/profile/signals.js';
import { measure, targetOf, track } from './fixtures.js';

const refs = [track(), track()];
const target = targetOf(refs);
const bump = (hz: number, gainDb: number, widthOct = 0.5) => (f: number) => gainDb * Math.exp(-0.5 * (Math.log2(f / hz) / widthOct) ** 2);

describe('distance to the target', () => {
  it('is zero for a mix equal to the references, except for the loudness it is asked about', () => {
    expect(distanceToTarget(track(), target)).toEqual({ tonalDb: 0, stereoDb: 0, dynamicsDb: 0, loudnessLu: 0, truePeakOverDb: 0 });
    const d = distanceToTarget(track({ lufs: -20, truePeakDbtp: 0.5 }), target, { loudnessTargetLufs: -16, ceilingDbtp: -1 });
    expect(d.loudnessLu).toBeCloseTo(4, 10);
    expect(d.truePeakOverDb).toBeCloseTo(1.5, 10);
  });

  it('does not count a pure level change as a tonal or stereo difference', () => {
    const d = distanceToTarget(track({ lufs: -22, truePeakDbtp: -9 }), target);
    expect(d.tonalDb).toBeCloseTo(0, 10);
    expect(d.stereoDb).toBeCloseTo(0, 10);
    expect(d.loudnessLu).toBeCloseTo(8, 10);
  });

  it('measures a tonal bump as the RMS of its shape about the mean', () => {
    const shape = bump(1000, 6);
    const mix = track({ midShape: shape });
    // The expected value from the 1/3-octave bands 40 Hz..16 kHz, offset removed.
    const third = mix.profile.tonal.thirdOctave.filter((b) => b.centerHz >= 40 && b.centerHz <= 16000);
    const ref = refs[0].profile.tonal.thirdOctave;
    const dev = third.map((b) => b.midDb! - ref.find((x) => x.centerHz === b.centerHz)!.midDb!);
    const mean = dev.reduce((a, x) => a + x, 0) / dev.length;
    const rms = Math.sqrt(dev.reduce((a, x) => a + (x - mean) ** 2, 0) / dev.length);
    expect(tonalDistanceDb(mix, target)).toBeCloseTo(rms, 10);
    expect(rms).toBeGreaterThan(1.5);
  });

  it('measures a wider image in dB of side-to-mid, and ignores differences below -30 dB', () => {
    const wide = distanceToTarget(track({ widthDb: (f) => (f < 120 ? -25 : -3) }), target);
    expect(wide.stereoDb!).toBeGreaterThan(4);
    const monoRefs = targetOf([track({ widthDb: (f) => (f < 120 ? -35 : -9) })]);
    expect(distanceToTarget(track({ widthDb: (f) => (f < 120 ? -45 : -9) }), monoRefs).stereoDb!).toBeLessThan(0.1);
    expect(distanceToTarget(track({ widthDb: (f) => (f < 120 ? -15 : -9) }), monoRefs).stereoDb!).toBeGreaterThan(1);
  });

  it('reads crest, PLR and PSR for the dynamics distance', () => {
    const d = distanceToTarget(track({ crestDb: 13, psrDb: 11, lufs: -17 }), target);
    expect(d.dynamicsDb).toBeCloseTo(3, 5); // each of the three is 3 dB over
  });

  it('on measured audio: a gain change leaves the tonal distance at zero, a filter does not', () => {
    const fs = 48000;
    const x = shapedNoise(2 ** 18, fs, 5, -1, 0.1, 20, 20000);
    const y = shapedNoise(2 ** 18, fs, 6, -1, 0.1, 20, 20000);
    const t = targetOf([measure([x, y], fs)]);
    const louder = measure([x.map((v) => v * 2), y.map((v) => v * 2)], fs);
    expect(distanceToTarget(louder, t).tonalDb!).toBeLessThan(0.05);
    expect(distanceToTarget(louder, t).loudnessLu!).toBeCloseTo(6.02, 1);
    const q = peaking(2000, 6, 1.4, fs);
    expect(distanceToTarget(measure([filter(x, q), filter(y, q)], fs), t).tonalDb!).toBeGreaterThan(1);
  });
});
