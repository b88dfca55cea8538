import { describe, expect, it } from 'vitest';
import { DspStemFeatures, separateDspSync } from '../../../src/separation/dsp.js';
import { DspSeparation, DspWorkspace, dspFrameSize } from '../../../src/separation/dspEngine.js';
import { stemFeatures } from '../../../src/separation/features.js';
import { STEM_NAMES } from '../../../src/separation/types.js';
import { constructedMix } from './signals.js';

describe('dsp separation streaming its output', () => {
  const c = constructedMix(1.3, 48000);

  it('hands each sample to the sink once, in order, in chunks of at most a hop', () => {
    const n = c.mix[0].length, hop = dspFrameSize(48000) / 4;
    const chunks: [number, number][] = [];
    new DspSeparation(c.mix, 48000, (start, length) => chunks.push([start, length])).step(Number.MAX_SAFE_INTEGER);
    let next = 0;
    for (const [start, length] of chunks) {
      expect(start).toBe(next);
      expect(length).toBeGreaterThan(0);
      expect(length).toBeLessThanOrEqual(hop);
      next += length;
    }
    expect(next).toBe(n);
  });

  it('gives the same stems on a reused workspace as on a new one', () => {
    const ws = new DspWorkspace(48000);
    const other = constructedMix(0.7, 48000, 99);
    new DspSeparation(other.mix, 48000, () => undefined, ws).step(Number.MAX_SAFE_INTEGER);
    const fresh = separateDspSync(c.mix, 48000).stems;
    const reused = STEM_NAMES.map(() => c.mix.map((x) => new Float32Array(x.length)));
    new DspSeparation(c.mix, 48000, (start, length, chunk) => {
      STEM_NAMES.forEach((name, s) => chunk[name].forEach((x, ch) => reused[s][ch].set(x.subarray(0, length), start)));
    }, ws).step(Number.MAX_SAFE_INTEGER);
    STEM_NAMES.forEach((name, s) => expect(reused[s]).toEqual(fresh[name]));
  });

  it('refuses a workspace made for another sample rate', () => {
    expect(() => new DspSeparation(c.mix, 44100, () => undefined, new DspWorkspace(48000))).toThrow(/48000 Hz/);
  });

  it('measures the stems as they come out exactly as stemFeatures() measures the whole stems, job after job', () => {
    const measurer = new DspStemFeatures();
    const stereo = c.mix, mono = [c.mix[0]], slow = constructedMix(1.1, 44100, 3).mix;
    for (const [mix, rate] of [[stereo, 48000], [mono, 48000], [slow, 44100], [stereo, 48000]] as const) {
      expect(measurer.measure(mix, rate)).toEqual(stemFeatures(mix, separateDspSync(mix, rate), 'dsp'));
    }
  });
});
