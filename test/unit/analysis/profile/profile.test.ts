import { describe, expect, it } from 'vitest';
import { parseMixProfile, ProfileAnalyzer, stftSizeFor } from '../../../../src/analysis/profile/index.js';
import { MixProfileSchema } from '../../../../src/analysis/profileSchema.js';
import { AmaError } from '../../../../src/util/errors.js';
import { profileOf, shapedNoise, whiteNoise } from './signals.js';

const fs = 48000;
const n = 2 ** 19; // 10.9 s
const L = shapedNoise(n, fs, 41, -1.2, 0.1);
const R = shapedNoise(n, fs, 42, -0.8, 0.08);

describe('ProfileAnalyzer', () => {
  it('picks frames of >= 1/3 s (bins <= 3 Hz) at every rate, hop N/2', () => {
    expect(stftSizeFor(48000)).toEqual({ size: 16384, hop: 8192 });
    expect(stftSizeFor(44100)).toEqual({ size: 16384, hop: 8192 });
    expect(stftSizeFor(96000)).toEqual({ size: 32768, hop: 16384 });
    expect(stftSizeFor(22050).size).toBe(8192);
    for (const rate of [8000, 16000, 32000, 44100, 48000, 88200, 96000, 192000]) {
      expect(rate / stftSizeFor(rate).size).toBeLessThanOrEqual(3);
    }
  });

  it('gives a profile that the schema accepts, survives JSON, and carries the required tonal shape', () => {
    const p = profileOf([L, R], fs);
    expect(() => MixProfileSchema.parse(p)).not.toThrow();
    expect(JSON.parse(JSON.stringify(p))).toEqual(p); // no NaN or Infinity anywhere
    expect(p.version).toBe(1);
    expect(p.tonal.thirdOctave).toHaveLength(31);
    expect(Object.keys(p.tonal.thirdOctave[0]).sort()).toEqual(['centerHz', 'midDb', 'sideDb']);
    expect(p.tonal.sixthOctave).toHaveLength(62);
    expect(parseMixProfile(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('is deterministic and independent of block size', () => {
    const a = profileOf([L, R], fs, 4096);
    const b = profileOf([L, R], fs, 4096);
    const c = profileOf([L, R], fs, 997);
    const d = profileOf([L, R], fs, 48000);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(d).toEqual(a);
  });

  it('reports silence as null figures with a note, never NaN', () => {
    const z = new Float32Array(fs * 5);
    const p = profileOf([z, z], fs);
    expect(() => MixProfileSchema.parse(p)).not.toThrow();
    expect(p.tonal.referenceLufs).toBeNull();
    expect(p.tonal.thirdOctave.every((b) => b.midDb === null && b.sideDb === null)).toBe(true);
    expect(p.descriptors.tiltDbPerOctave).toBeNull();
    expect(p.stereo.correlation).toBeNull();
    expect(p.dynamics.crestDb).toBeNull();
    expect(p.dynamics.samplePeakDbfs).toBeNull();
    expect(p.notes.join(' ')).toMatch(/Silent/);
  });

  it('says when the input is too short for one frame', () => {
    const x = whiteNoise(fs / 10, 1);
    const p = profileOf([x, x], fs);
    expect(p.notes.join(' ')).toMatch(/Too short/);
    expect(p.tonal.referenceLufs).toBeNull();
    expect(() => MixProfileSchema.parse(p)).not.toThrow();
  });

  it('marks bands above Nyquist as not measurable at low sample rates', () => {
    const rate = 32000;
    const x = whiteNoise(rate * 5, 2);
    const p = profileOf([x, x], rate);
    const b20k = p.tonal.thirdOctave.find((b) => b.centerHz === 20000)!;
    expect(b20k.midDb).toBeNull();
    expect(p.tonal.thirdOctave.find((b) => b.centerHz === 10000)!.midDb).not.toBeNull();
    expect(() => MixProfileSchema.parse(p)).not.toThrow();
  });

  it('folds 5.1 down to L/R: centre-only is mono, LFE is dropped', () => {
    const layout = ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'] as const;
    const z = new Float32Array(n);
    const centre = profileOf([z, z, L, z, z, z], fs, 4096, undefined, [...layout]);
    expect(centre.stereo.correlation).toBe(1);
    expect(centre.channels).toBe(6);
    const lfe = profileOf([z, z, z, L, z, z], fs, 4096, undefined, [...layout]);
    expect(lfe.tonal.referenceLufs).toBeNull();
    const surroundLeft = profileOf([z, z, z, z, L, z], fs, 4096, undefined, [...layout]);
    expect(surroundLeft.stereo.balanceDb).toBe(-120);
  });

  it('can follow only the last seconds (live view), giving the figures of a profile of exactly those frames', () => {
    const white = whiteNoise(n, 5, 0.1);
    const a = new ProfileAnalyzer({ sampleRate: fs, channels: 1, layout: ['mono'], recentSec: 5 });
    const all = new Float32Array(2 * n);
    all.set(L, 0);
    all.set(white, n);
    for (let s = 0; s < all.length; s += 4096) a.process([all.subarray(s, s + 4096)]);
    const live = a.read();
    expect(live.notes.join(' ')).toMatch(/last 5 s/);
    expect(live.descriptors.tiltDbPerOctave!).toBeCloseTo(3.01, 0); // the white tail only
    // The ring keeps ceil(5 s / hop) = 30 frames; frames start at multiples of the hop (8192), and
    // 2n is one too, so those frames are exactly the frames of a profile of the last 29 hops + 1.
    const { size, hop } = stftSizeFor(fs);
    const frames = Math.ceil((5 * fs) / hop);
    const tail = all.subarray(all.length - size - (frames - 1) * hop);
    const ref = profileOf([tail], fs);
    live.tonal.thirdOctave.forEach((b, i) => expect(Math.abs(b.midDb! - ref.tonal.thirdOctave[i].midDb!)).toBeLessThan(0.002));
    expect(live.descriptors.centroidHz!).toBeCloseTo(ref.descriptors.centroidHz!, 0);
    expect(live.tonal.referenceLufs!).toBeCloseTo(ref.tonal.referenceLufs!, 2);
  });

  it('refuses impossible formats with AmaError', () => {
    expect(() => new ProfileAnalyzer({ sampleRate: 1000, channels: 2, layout: ['L', 'R'] })).toThrow(AmaError);
    expect(() => new ProfileAnalyzer({ sampleRate: 48000, channels: 2, layout: ['L'] })).toThrow(/match the layout/);
    const a = new ProfileAnalyzer({ sampleRate: 48000, channels: 2, layout: ['L', 'R'] });
    expect(() => a.process([L])).toThrow(/2 channels/);
    expect(() => parseMixProfile({ version: 2 })).toThrow(/version/);
  });
});
