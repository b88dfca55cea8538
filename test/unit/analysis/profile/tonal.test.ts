import { describe, expect, it } from 'vitest';
import { absoluteMid, filter, highShelf, lowShelf, peaking, powerAt, profileOf, shapedNoise, sine, whiteNoise } from './signals.js';
import type { MixProfile } from '../../../../src/analysis/profileSchema.js';
import { thirdOctaveBands } from '../../../../src/dsp/bands.js';

const THIRD = thirdOctaveBands();
const bandsAbove = (p: MixProfile, minHz: number) => p.tonal.thirdOctave.filter((b) => b.centerHz >= minHz);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('tonal balance', () => {
  // Pink noise has equal power in bands of equal relative width: every 1/3-octave band the same.
  it.each([44100, 48000, 96000])('reads pink noise as flat (+-0.5 dB) in every 1/3-octave band from 40 Hz at %i Hz', (fs) => {
    const n = 2 ** Math.round(Math.log2(fs * 30));
    const left = shapedNoise(n, fs, 1, -1, 0.1, 5, fs / 2 - 100);
    const right = shapedNoise(n, fs, 2, -1, 0.1, 5, fs / 2 - 100);
    const p = profileOf([left, right], fs);
    const bands = bandsAbove(p, 40).filter((b) => b.centerHz < fs / 2 / 1.13);
    const mid = bands.map((b) => b.midDb as number);
    const side = bands.map((b) => b.sideDb as number);
    const m = median(mid);
    for (const v of mid) expect(Math.abs(v - m)).toBeLessThan(0.5);
    for (const v of side) expect(Math.abs(v - median(side))).toBeLessThan(0.5);
    // The 1/6-octave bands, half as wide, are flat too from 80 Hz (3 dB below the 1/3-octave level).
    const sixth = p.tonal.sixthOctave.filter((b) => b.centerHz >= 80 && b.centerHz < fs / 2 / 1.13).map((b) => b.midDb as number);
    for (const v of sixth) expect(v - (m - 3.01)).toBeLessThan(0.5);
    for (const v of sixth) expect(v - (m - 3.01)).toBeGreaterThan(-0.5);
  });

  it.each([63, 1000, 10000])('puts a %i Hz sine in its band, at its power, with neighbours > 20 dB lower', (nominal) => {
    const fs = 48000;
    const i = THIRD.nominalHz.indexOf(nominal);
    const f = THIRD.centerHz[i];
    const amp = 0.25;
    const x = sine(fs * 10, fs, f, amp);
    const p = profileOf([x, x], fs);
    const level = absoluteMid(p, nominal);
    expect(level).toBeCloseTo(20 * Math.log10(amp) - 3.0103, 1); // mean square A^2/2
    expect(absoluteMid(p, THIRD.nominalHz[i - 1])).toBeLessThan(level - 20);
    expect(absoluteMid(p, THIRD.nominalHz[i + 1])).toBeLessThan(level - 20);
  });

  it('uses BS.1770 loudness as its 0 dB: a 997 Hz sine at -20 dBFS in both channels reads -20 LUFS', () => {
    const fs = 48000;
    const x = sine(fs * 5, fs, 997, 0.1);
    expect(profileOf([x, x], fs).tonal.referenceLufs).toBeCloseTo(-20, 1);
  });

  it('sees a filter as its band-averaged |H|^2 (peaking, high and low shelf, RBJ), within 0.5 dB per band', () => {
    const fs = 48000;
    const x = whiteNoise(fs * 30, 5, 0.1);
    const eqs = [peaking(1000, 9, 1.4, fs), highShelf(6000, 6, fs), lowShelf(120, -8, fs)];
    let y = x;
    for (const q of eqs) y = filter(y, q);
    const plain = profileOf([x, x], fs);
    const eqd = profileOf([y, y], fs);
    for (let i = 0; i < THIRD.nominalHz.length; i++) {
      const nominal = THIRD.nominalHz[i];
      if (nominal < 40) continue;
      // White input: average |H|^2 uniformly over the band's frequencies.
      const steps = 400;
      let sum = 0;
      for (let s = 0; s < steps; s++) {
        const f = THIRD.lowHz[i] + ((s + 0.5) / steps) * (THIRD.highHz[i] - THIRD.lowHz[i]);
        sum += eqs.reduce((g, q) => g * powerAt(q, f, fs), 1);
      }
      const want = 10 * Math.log10(sum / steps);
      const got = absoluteMid(eqd, nominal) - absoluteMid(plain, nominal);
      expect(Math.abs(got - want), `${nominal} Hz: got ${got.toFixed(2)} dB, filter ${want.toFixed(2)} dB`).toBeLessThan(0.5);
    }
  });

  it('is normalised to loudness: the same track 12 dB quieter has the same band levels', () => {
    const fs = 48000;
    const n = 2 ** 20;
    const x = shapedNoise(n, fs, 9, -1.5, 0.2);
    const quiet = x.map((v) => v / 4);
    const a = profileOf([x, x], fs);
    const b = profileOf([quiet, quiet], fs);
    expect(b.tonal.referenceLufs! - a.tonal.referenceLufs!).toBeCloseTo(-12.04, 1);
    a.tonal.thirdOctave.forEach((band, i) => expect(b.tonal.thirdOctave[i].midDb!).toBeCloseTo(band.midDb!, 2));
  });

  it('is weighted to the programme: a quiet passage and silence do not change it', () => {
    const fs = 48000;
    const n = 2 ** 20; // 21.8 s
    const loud = shapedNoise(n, fs, 4, -1, 0.1);
    const quietTone = sine(fs * 40, fs, 100, 0.1 * 10 ** (-27 / 20) * Math.SQRT2); // 27 dB below, 40 s
    const silence = new Float32Array(fs * 20);
    const joined = new Float32Array(n + quietTone.length + silence.length);
    joined.set(loud, 0);
    joined.set(quietTone, n);
    const ref = profileOf([loud, loud], fs);
    const p = profileOf([joined, joined], fs);
    p.tonal.thirdOctave.forEach((band, i) => {
      if (band.centerHz >= 40) expect(band.midDb!).toBeCloseTo(ref.tonal.thirdOctave[i].midDb!, 1);
    });
    expect(p.programmeSec).toBeGreaterThan(21);
    expect(p.programmeSec).toBeLessThan(23);
    expect(p.analysedSec).toBeCloseTo(joined.length / fs, 3);
  });
});
