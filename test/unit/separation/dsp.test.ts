import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/audio/generate.js';
import { DspSeparator, separateDsp, separateDspSync } from '../../../src/separation/dsp.js';
import { sdrDb } from '../../../src/separation/sdr.js';
import { STEM_NAMES } from '../../../src/separation/types.js';
import { captured, constructedMix } from './signals.js';

const maxSumError = (mix: Float32Array[], stems: Record<string, Float32Array[]>) => {
  let worst = 0;
  mix.forEach((x, c) => {
    for (let i = 0; i < x.length; i++) {
      const s = STEM_NAMES.reduce((a, n) => a + stems[n][c][i], 0);
      worst = Math.max(worst, Math.abs(s - x[i]));
    }
  });
  return worst;
};

describe('dsp separator on constructed signals', () => {
  const c = constructedMix(6, 48000);
  const { stems } = separateDspSync(c.mix, c.sampleRate);

  it('puts a centred harmonic tone mostly in vocals', () => {
    expect(captured(c.tone, stems.vocals)).toBeGreaterThan(0.8);
    for (const other of ['drums', 'bass', 'other'] as const) expect(captured(c.tone, stems[other])).toBeLessThan(0.1);
    expect(sdrDb(c.tone, stems.vocals)!).toBeGreaterThan(10);
  });

  it('puts panned noise bursts mostly in drums', () => {
    expect(captured(c.bursts, stems.drums)).toBeGreaterThan(0.85);
    for (const other of ['vocals', 'bass', 'other'] as const) expect(captured(c.bursts, stems[other])).toBeLessThan(0.1);
    expect(sdrDb(c.bursts, stems.drums)!).toBeGreaterThan(10);
  });

  it('puts a low sine mostly in bass', () => {
    expect(captured(c.low, stems.bass)).toBeGreaterThan(0.95);
    expect(sdrDb(c.low, stems.bass)!).toBeGreaterThan(20);
  });

  it('returns stems that sum back to the mix, at its length and channel count', () => {
    for (const n of STEM_NAMES) {
      expect(stems[n]).toHaveLength(2);
      expect(stems[n][0]).toHaveLength(c.mix[0].length);
    }
    expect(maxSumError(c.mix, stems)).toBeLessThan(1e-6);
  });

  it('reconstructs any signal exactly when summed, edges included (random stereo noise, odd length)', () => {
    const rnd = mulberry32(3);
    const mix = [0, 1].map(() => Float32Array.from({ length: 12345 }, () => 2 * rnd() - 1));
    const set = separateDspSync(mix, 44100);
    expect(maxSumError(mix, set.stems)).toBeLessThan(1e-5);
    // And the masked stems are not all in one place: random noise is mostly "percussive" and "other".
    expect(Math.abs(captured(mix, set.stems.other)) + Math.abs(captured(mix, set.stems.drums))).toBeGreaterThan(0.5);
  });
});

describe('dsp separator edge cases', () => {
  it('separates mono input into mono stems that sum back', () => {
    const c = constructedMix(2, 44100);
    const mono = [c.mix[0]];
    const set = separateDspSync(mono, 44100);
    expect(set.stems.bass).toHaveLength(1);
    expect(maxSumError(mono, set.stems)).toBeLessThan(1e-6);
    expect(captured([c.low[0]], set.stems.bass)).toBeGreaterThan(0.9);
  });

  it('gives silent stems for silence and empty stems for empty input', () => {
    const set = separateDspSync([new Float32Array(48000), new Float32Array(48000)], 48000);
    for (const n of STEM_NAMES) expect(set.stems[n][0].every((x) => x === 0)).toBe(true);
    const empty = separateDspSync([new Float32Array(0)], 48000);
    expect(empty.stems.vocals[0]).toHaveLength(0);
  });

  it('treats non-finite samples as silence instead of spreading NaN', () => {
    const x = Float32Array.from({ length: 9600 }, (_, i) => Math.sin(i / 10));
    x[5000] = NaN;
    const set = separateDspSync([x], 48000);
    for (const n of STEM_NAMES) expect(set.stems[n][0].every(Number.isFinite)).toBe(true);
  });

  it('refuses bad input with a sentence that names the fix', () => {
    expect(() => separateDspSync([new Float32Array(10), new Float32Array(10), new Float32Array(10)], 48000)).toThrow(/mono or stereo.*fold/);
    expect(() => separateDspSync([new Float32Array(10), new Float32Array(9)], 48000)).toThrow(/same length/);
    expect(() => separateDspSync([new Float32Array(10)], 100)).toThrow(/sample rate/);
  });

  it('reports progress up to 1 and honours abort', async () => {
    const c = constructedMix(3, 48000);
    const seen: number[] = [];
    await separateDsp(c.mix, 48000, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    const ac = new AbortController();
    const p = separateDsp(c.mix, 48000, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('is the same as the synchronous path, and closes', async () => {
    const c = constructedMix(1, 48000);
    const sep = new DspSeparator();
    const a = await sep.separate(c.mix, 48000);
    const b = separateDspSync(c.mix, 48000);
    expect(a.stems.vocals[1]).toEqual(b.stems.vocals[1]);
    await sep.close();
    await expect(sep.separate(c.mix, 48000)).rejects.toThrow(/closed/);
  });
});
