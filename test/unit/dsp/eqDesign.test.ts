import { describe, expect, it } from 'vitest';
import { biquadMagnitudeDb } from '../../../src/dsp/biquad.js';
import {
  cascadeMagnitudeDb, eqBandCoeffs, eqBandMagnitudeDb, highPassCoeffs, highShelfCoeffs, lowShelfCoeffs,
  peakingCoeffs, shelfQFromSlope, shelfSlopeFromQ, type EqBandDesign,
} from '../../../src/dsp/eqDesign.js';

// The cookbook's analog prototypes (normalised to w0 = 1), evaluated at the prewarped frequency the
// bilinear transform maps f to: |H(e^jw)| = |H_a(j tan(pi f/fs) / tan(pi f0/fs))|. Independent of src/.
type Poly = [number, number, number]; // c2 s^2 + c1 s + c0
function analogDb(num: Poly, den: Poly, f: number, f0: number, fs: number): number {
  const w = Math.tan((Math.PI * f) / fs) / Math.tan((Math.PI * f0) / fs);
  const mag2 = (p: Poly): number => (p[2] - p[0] * w * w) ** 2 + (p[1] * w) ** 2;
  return 10 * Math.log10(mag2(num) / mag2(den));
}
function prototype(b: EqBandDesign): { num: Poly; den: Poly } {
  const A = 10 ** (b.gainDb / 40), q = b.q, r = Math.sqrt(A) / q;
  switch (b.type) {
    case 'peaking': return { num: [1, A / q, 1], den: [1, 1 / (A * q), 1] };
    case 'lowShelf': return { num: [A, A * r, A * A], den: [A, r, 1] };
    case 'highShelf': return { num: [A * A, A * r, A], den: [1, r, A] };
    case 'highPass': return { num: [1, 0, 0], den: [1, 1 / q, 1] };
  }
}

const BANDS: EqBandDesign[] = [
  { type: 'peaking', frequencyHz: 250, gainDb: -4.5, q: 1.2 },
  { type: 'peaking', frequencyHz: 3000, gainDb: 6, q: 4 },
  { type: 'lowShelf', frequencyHz: 120, gainDb: 5, q: Math.SQRT1_2 },
  { type: 'lowShelf', frequencyHz: 300, gainDb: -3, q: 0.5 },
  { type: 'highShelf', frequencyHz: 8000, gainDb: -6, q: Math.SQRT1_2 },
  { type: 'highShelf', frequencyHz: 5000, gainDb: 3, q: 1 },
  { type: 'highPass', frequencyHz: 40, gainDb: 0, q: Math.SQRT1_2 },
  { type: 'highPass', frequencyHz: 90, gainDb: 0, q: 1.3 },
];

describe('RBJ cookbook EQ designs', () => {
  it.each([44100, 48000, 96000])('match the analog prototypes through the prewarped bilinear map at %i Hz (1e-6 dB)', (fs) => {
    for (const b of BANDS) {
      const { num, den } = prototype(b);
      for (const f of [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 20000]) {
        expect(eqBandMagnitudeDb(b, f, fs)).toBeCloseTo(analogDb(num, den, f, b.frequencyHz, fs), 6);
      }
    }
  });

  it('hits the defining points: peak gain at f0, half the shelf gain at the midpoint, -3.01 dB Butterworth corner', () => {
    const fs = 48000;
    expect(biquadMagnitudeDb(peakingCoeffs(1000, 7, 2, fs), 1000, fs)).toBeCloseTo(7, 10);
    expect(biquadMagnitudeDb(lowShelfCoeffs(200, 6, 0.7071, fs), 200, fs)).toBeCloseTo(3, 10);
    expect(biquadMagnitudeDb(lowShelfCoeffs(200, 6, 0.7071, fs), 0, fs)).toBeCloseTo(6, 10);
    expect(biquadMagnitudeDb(lowShelfCoeffs(200, 6, 0.7071, fs), fs / 2, fs)).toBeCloseTo(0, 6);
    expect(biquadMagnitudeDb(highShelfCoeffs(6000, -4, 0.7071, fs), 6000, fs)).toBeCloseTo(-2, 10);
    expect(biquadMagnitudeDb(highShelfCoeffs(6000, -4, 0.7071, fs), fs / 2, fs)).toBeCloseTo(-4, 10);
    expect(biquadMagnitudeDb(highPassCoeffs(80, Math.SQRT1_2, fs), 80, fs)).toBeCloseTo(-3.0103, 4);
    // 12 dB/octave well below the corner.
    const hp = highPassCoeffs(400, Math.SQRT1_2, fs);
    expect(biquadMagnitudeDb(hp, 25, fs) - biquadMagnitudeDb(hp, 50, fs)).toBeCloseTo(-12.04, 1);
  });

  it('makes a peaking band with -g the exact inverse of +g', () => {
    const fs = 48000;
    const up = peakingCoeffs(700, 5.5, 1.7, fs), down = peakingCoeffs(700, -5.5, 1.7, fs);
    for (let f = 10; f < 24000; f *= 1.3) expect(cascadeMagnitudeDb([up, down], f, fs)).toBeCloseTo(0, 10);
  });

  it('relates shelf Q and slope as the cookbook does: Q = 1/sqrt(2) is S = 1 at every gain', () => {
    for (const g of [-12, -3, 0.5, 6, 15]) {
      expect(shelfQFromSlope(1, g)).toBeCloseTo(Math.SQRT1_2, 12);
      expect(shelfSlopeFromQ(Math.SQRT1_2, g)).toBeCloseTo(1, 12);
      for (const s of [0.3, 0.6, 0.9]) expect(shelfSlopeFromQ(shelfQFromSlope(s, g), g)).toBeCloseTo(s, 10);
    }
    // Gentler slope, gentler transition: the gain 1 octave below a high shelf's midpoint is further from 0 dB.
    const fs = 48000;
    const steep = highShelfCoeffs(4000, 8, shelfQFromSlope(1, 8), fs), soft = highShelfCoeffs(4000, 8, shelfQFromSlope(0.4, 8), fs);
    expect(biquadMagnitudeDb(soft, 2000, fs)).toBeGreaterThan(biquadMagnitudeDb(steep, 2000, fs));
    expect(() => shelfQFromSlope(6, 12)).toThrow(/slope/);
  });

  it('refuses frequencies outside (0, fs/2), non-positive Q and unknown shapes, with the fix in the message', () => {
    expect(() => peakingCoeffs(30000, 3, 1, 48000)).toThrow(/within \(0, 24000\) Hz/);
    expect(() => lowShelfCoeffs(100, 3, 0, 48000)).toThrow(/positive/);
    expect(() => highShelfCoeffs(100, NaN, 1, 48000)).toThrow(/finite/);
    expect(() => eqBandCoeffs({ type: 'bell' as never, frequencyHz: 1000, gainDb: 1, q: 1 }, 48000)).toThrow(/peaking, lowShelf/);
  });
});
