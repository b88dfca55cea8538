import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/audio/generate.js';
import { stftSizeFor } from '../../../src/analysis/profile/framing.js';
import { kWeightingPowerTable } from '../../../src/analysis/profile/kWeighting.js';
import { Stft } from '../../../src/dsp/stft.js';
import { StemFeatureMeter, stemFeatures, type PowerSums } from '../../../src/separation/features.js';
import { STEM_OCTAVES_HZ, StemsProfileSchema } from '../../../src/separation/stemSchema.js';
import { STEM_NAMES, type StemSet } from '../../../src/separation/types.js';

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

describe('streaming per-stem features (StemFeatureMeter)', () => {
  // The figures' definition: one streaming STFT over each whole signal at the profile's frame size.
  const referenceSums = (x: readonly Float32Array[], rate: number): PowerSums => {
    const { size, hop } = stftSizeFor(rate);
    const bins = size / 2 + 1, binHz = rate / size;
    const kw = kWeightingPowerTable(bins, binHz, rate);
    const s: PowerSums = { kWeighted: 0, octaves: new Float64Array(STEM_OCTAVES_HZ.length), mid: 0, side: 0, cross: 0 };
    new Stft({ size, hop }, rate).process(x[0], x.length > 1 ? x[1] : null, (fr) => {
      for (let k = 0; k < bins; k++) {
        const p = fr.midPower[k] + fr.sidePower[k];
        s.kWeighted += kw[k] * p;
        const band = k === 0 ? -1 : STEM_OCTAVES_HZ.findIndex((c) => k * binHz >= c / Math.SQRT2 && k * binHz < c * Math.SQRT2);
        if (band >= 0) s.octaves[band] += p;
        s.mid += fr.midPower[k]; s.side += fr.sidePower[k]; s.cross += fr.crossPower[k];
      }
    });
    return s;
  };
  const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300);
  const expectSums = (a: PowerSums | null, b: PowerSums) => {
    expect(a).not.toBeNull();
    for (const k of ['kWeighted', 'mid', 'side', 'cross'] as const) near(a![k], b[k]);
    b.octaves.forEach((x, i) => near(a!.octaves[i], x));
  };

  const rate = 44100;
  const n = rate * 2 + 12345; // not a whole number of hops
  const cases = [1, 2].map((channels) => {
    const stems = Object.fromEntries(STEM_NAMES.map((name, s) => [name, Array.from({ length: channels }, (_, c) => {
      const r = mulberry32(10 * s + c + 1);
      return Float32Array.from({ length: n }, (_, i) => 0.2 * (2 * r() - 1) * (1 + Math.sin(i / (500 + 300 * s))) + 0.1 * Math.sin(i * 0.01 * (s + 1)));
    })])) as StemSet['stems'];
    const mix = Array.from({ length: channels }, (_, c) => stems.vocals[c].map((_, i) => STEM_NAMES.reduce((a, name) => a + stems[name][c][i], 0)));
    return { channels, mix, set: { sampleRate: rate, stems } satisfies StemSet };
  });

  for (const { channels, mix, set } of cases) {
    for (const chunk of [1, 37, 1001, 8191, 20011]) {
      it(`equals stemFeatures() on whole stems, ${channels === 1 ? 'mono' : 'stereo'}, chunks of ${chunk}`, () => {
        const meter = new StemFeatureMeter(rate);
        for (let from = 0; from < n; from += chunk) {
          const len = Math.min(chunk, n - from);
          meter.push('mix', mix, from, len);
          for (const name of STEM_NAMES) meter.push(name, set.stems[name], from, len);
        }
        expectSums(meter.sums('mix'), referenceSums(mix, rate));
        for (const name of STEM_NAMES) expectSums(meter.sums(name), referenceSums(set.stems[name], rate));
        expect(meter.result('dsp', channels)).toEqual(stemFeatures(mix, set, 'dsp'));
      });
    }
  }

  it('forgets everything on reset (a meter reused for the next window)', () => {
    const meter = new StemFeatureMeter(rate);
    const [mono, stereo] = cases;
    meter.push('mix', mono.mix, 0, n);
    for (const name of STEM_NAMES) meter.push(name, mono.set.stems[name], 0, 777);
    meter.reset();
    meter.push('mix', stereo.mix, 0, n);
    for (const name of STEM_NAMES) meter.push(name, stereo.set.stems[name], 0, n);
    expect(meter.result('dsp', 2)).toEqual(stemFeatures(stereo.mix, stereo.set, 'dsp'));
  });

  it('reads a signal shorter than one frame, or never fed, as silent, as stemFeatures() does', () => {
    const short = () => [new Float32Array(100).fill(0.5)];
    const set: StemSet = { sampleRate: rate, stems: { vocals: short(), drums: short(), bass: short(), other: short() } };
    const meter = new StemFeatureMeter(rate);
    meter.push('mix', short(), 0, 100);
    meter.push('vocals', short(), 0, 100);
    const f = meter.result('dsp', 1);
    expect(f).toEqual(stemFeatures(short(), set, 'dsp'));
    expect(f.stems.vocals.levelDb).toBeNull();
    expect(f.stems.drums.levelDb).toBeNull();
  });
});
