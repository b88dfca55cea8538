import { describe, expect, it } from 'vitest';
import { profileOf, shapedNoise } from './signals.js';

const fs = 48000;
const n = 2 ** 20; // 21.8 s
const x = shapedNoise(n, fs, 21, -1, 0.1);
const y = shapedNoise(n, fs, 22, -1, 0.1);

describe('stereo image', () => {
  it('identical channels: correlation 1, no side, no mono loss, said so', () => {
    const p = profileOf([x, x], fs);
    expect(p.stereo.correlation).toBe(1);
    expect(p.stereo.sideToMidDb).toBe(-120);
    expect(p.stereo.monoLossDb).toBe(0);
    expect(p.stereo.note).toMatch(/identical/);
    for (const b of p.tonal.thirdOctave) expect(b.sideDb!).toBeLessThanOrEqual(-100);
    for (const b of p.stereo.bands) expect(b.correlation).toBe(1);
  });

  it('one channel polarity-inverted: correlation -1 and total cancellation on fold-down (capped at 120 dB)', () => {
    const inv = x.map((v) => -v);
    const p = profileOf([x, inv], fs);
    expect(p.stereo.correlation).toBe(-1);
    expect(p.stereo.monoLossDb).toBe(120);
    expect(p.stereo.sideToMidDb).toBe(120);
    expect(p.stereo.sideShare).toBe(1);
    for (const b of p.stereo.bands) expect(b.correlation).toBe(-1);
  });

  it('uncorrelated equal channels: correlation ~0, side = mid, and the 3.01 dB mono loss of incoherent sums', () => {
    const p = profileOf([x, y], fs);
    expect(Math.abs(p.stereo.correlation!)).toBeLessThan(0.02);
    expect(p.stereo.monoLossDb!).toBeCloseTo(3.01, 1);
    expect(Math.abs(p.stereo.sideToMidDb!)).toBeLessThan(0.1);
    expect(Math.abs(p.stereo.balanceDb!)).toBeLessThan(0.1);
  });

  it('a source hard left: pan -1 everywhere, balance at the -120 dB cap, correlation not measurable', () => {
    const p = profileOf([x, new Float32Array(n)], fs);
    expect(p.stereo.balanceDb).toBe(-120);
    expect(p.stereo.correlation).toBeNull();
    expect(p.stereo.note).toMatch(/silent/);
    for (const b of p.stereo.bands.filter((b) => b.centerHz >= 40)) expect(b.pan).toBe(-1);
    // Left only: M = S = L/2, so side and mid are equal.
    expect(p.stereo.sideToMidDb!).toBeCloseTo(0, 3);
  });

  it.each([-0.75, -0.25, 0.5, 1])('a constant-power (sin/cos) pan at %f reads back as that pan, with its balance', (pan) => {
    const theta = ((pan + 1) * Math.PI) / 4;
    const p = profileOf([x.map((v) => v * Math.cos(theta)), x.map((v) => v * Math.sin(theta))], fs);
    for (const b of p.stereo.bands.filter((b) => b.centerHz >= 40)) expect(b.pan!).toBeCloseTo(pan, 3);
    const wantBalance = Math.min(120, 20 * Math.log10(Math.tan(theta)));
    expect(p.stereo.balanceDb!).toBeCloseTo(wantBalance, 2);
  });

  it('mono bass under a wide top: low end correlation 1, highs near 0, per band', () => {
    const bass = shapedNoise(n, fs, 30, -1, 0.1, 20, 120);
    const topL = shapedNoise(n, fs, 31, -1, 0.05, 1000, 20000);
    const topR = shapedNoise(n, fs, 32, -1, 0.05, 1000, 20000);
    const p = profileOf([bass.map((v, i) => v + topL[i]), bass.map((v, i) => v + topR[i])], fs);
    expect(p.stereo.lowEnd.correlation!).toBeGreaterThan(0.999);
    expect(p.stereo.lowEnd.sideToMidDb!).toBeLessThan(-30);
    expect(p.stereo.lowEnd.maxHz).toBeCloseTo(158.5, 1);
    const band = (hz: number) => p.stereo.bands.find((b) => b.centerHz === hz)!;
    expect(band(63).correlation!).toBeGreaterThan(0.999);
    expect(Math.abs(band(4000).correlation!)).toBeLessThan(0.05);
    expect(band(4000).sideToMidDb!).toBeCloseTo(0, 0);
  });

  it('mono input: width zero, flagged and explained', () => {
    const p = profileOf([x], fs);
    expect(p.stereo.monoInput).toBe(true);
    expect(p.stereo.note).toMatch(/Mono input/);
    expect(p.stereo.sideToMidDb).toBe(-120);
    expect(p.stereo.sideShare).toBe(0);
    expect(p.stereo.correlation).toBe(1);
    expect(p.notes.join(' ')).toMatch(/dual mono/);
    for (const b of p.tonal.thirdOctave) expect(b.sideDb).toBe(-120);
    // Dual mono: the same tonal balance as the stereo file with two identical channels.
    const dual = profileOf([x, x], fs);
    p.tonal.thirdOctave.forEach((b, i) => expect(b.midDb).toBe(dual.tonal.thirdOctave[i].midDb));
  });
});
