import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/audio/generate.js';
import { stemFeatures } from '../../../src/separation/features.js';
import { StemsProfileSchema } from '../../../src/separation/stemSchema.js';
import type { StemSet } from '../../../src/separation/types.js';

const N = 48000 * 3;
const noise = (seed: number, gain = 0.1) => { const r = mulberry32(seed); return Float32Array.from({ length: N }, () => gain * (2 * r() - 1)); };
const add = (...xs: Float32Array[][]) => [0, 1].map((c) => xs[0][c].map((_, i) => xs.reduce((a, x) => a + x[c][i], 0)));
const silent = () => [new Float32Array(N), new Float32Array(N)];

describe('per-stem features', () => {
  // vocals: centred noise; drums: hard-left noise of the same power; bass: nothing; other: a 1 kHz sine on the right.
  const v = noise(1); const vocals = [v, v];
  const drums = [noise(2), new Float32Array(N)];
  const tone = Float32Array.from({ length: N }, (_, i) => 0.05 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  const other = [new Float32Array(N), tone];
  const mix = add(vocals, drums, other);
  const set: StemSet = { sampleRate: 48000, stems: { vocals, drums, bass: silent(), other } };
  const f = stemFeatures(mix, set, 'dsp');

  it('validates against its schema', () => {
    expect(StemsProfileSchema.safeParse(f).success).toBe(true);
  });

  it('measures each stem against the mix by K-weighted energy (independent sources add in power)', () => {
    // vocals: both channels, drums: one, same white spectrum: vocals carry twice the drums' energy.
    expect(f.stems.vocals.levelDb! - f.stems.drums.levelDb!).toBeCloseTo(10 * Math.log10(2), 1);
    const share = (db: number) => 10 ** (db / 10);
    expect(share(f.stems.vocals.levelDb!) + share(f.stems.drums.levelDb!) + share(f.stems.other.levelDb!)).toBeCloseTo(1, 1);
    expect(f.stems.bass.levelDb).toBeNull();
  });

  it('reads width and pan: centred is mono at pan 0, hard left is side = mid at pan -1', () => {
    expect(f.stems.vocals.sideToMidDb).toBeLessThan(-60);
    expect(f.stems.vocals.pan).toBeCloseTo(0, 2);
    expect(f.stems.drums.sideToMidDb).toBeCloseTo(0, 1);
    expect(f.stems.drums.pan).toBeCloseTo(-1, 2);
    expect(f.stems.other.pan).toBeCloseTo(1, 2);
  });

  it('puts a 1 kHz tone in the 1 kHz octave', () => {
    const o = f.stems.other.octaves;
    expect(o.find((b) => b.centerHz === 1000)!.levelDb!).toBeGreaterThan(-0.5);
    for (const b of o.filter((b) => b.centerHz !== 1000)) expect(b.levelDb!).toBeLessThan(-30);
  });
});
