import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import type { LoudnessReading } from '../../../src/analysis/loudness.js';
import { AmaError } from '../../../src/util/errors.js';
import { concat, pinkNoise, silence, sine, whiteNoise } from '../../../src/audio/generate.js';
import type { ChannelRole } from '../../../src/audio/types.js';
import { measure, meterOver, toneSequence } from './loudnessHelpers.js';

/** Every number anywhere in the reading, for "no NaN, no infinity" checks. */
function numbers(r: LoudnessReading): number[] {
  const top = Object.values(r).filter((v): v is number => typeof v === 'number');
  const per = r.channels.flatMap((c) => [c.samplePeakDbfs, c.truePeakDbtp, c.rmsDbfs].filter((v): v is number => v !== null));
  return [...top, ...per];
}

const LOUDNESS_KEYS = ['integratedLufs', 'loudnessRangeLu', 'momentaryLufs', 'shortTermLufs', 'momentaryMaxLufs', 'shortTermMaxLufs'] as const;

describe('LoudnessMeter edge cases', () => {
  it('reads digital silence as nulls (no loudness, no peaks), never NaN or -Infinity', () => {
    const r = measure(silence(5, 48000, 2), 48000);
    for (const k of LOUDNESS_KEYS) expect(r[k]).toBeNull();
    for (const k of ['truePeakDbtp', 'samplePeakDbfs', 'rmsDbfs', 'crestDb', 'plrDb', 'psrDb'] as const) expect(r[k]).toBeNull();
    expect(r.durationSec).toBe(5);
    expect(r.nonFiniteSamples).toBe(0);
    expect(r.channels).toEqual([
      { role: 'L', samplePeakDbfs: null, truePeakDbtp: null, rmsDbfs: null },
      { role: 'R', samplePeakDbfs: null, truePeakDbtp: null, rmsDbfs: null },
    ]);
  });

  it('reads a -80 dBFS tone: momentary about -80 LUFS, but nothing passes the -70 LUFS gate', () => {
    const r = measure(toneSequence([[-80, 10]], 48000), 48000);
    expect(r.integratedLufs).toBeNull();
    expect(r.loudnessRangeLu).toBeNull();
    expect(r.plrDb).toBeNull();
    expect(r.momentaryLufs!).toBeCloseTo(-80, 1);
    expect(r.shortTermMaxLufs!).toBeCloseTo(-80, 1);
    expect(r.truePeakDbtp!).toBeCloseTo(-80, 1);
    expect(numbers(r).every(Number.isFinite)).toBe(true);
  });

  it('gives no integrated loudness for 0.3 s (no complete 400 ms block), but a momentary reading over the partial window', () => {
    const meter = meterOver(toneSequence([[-23, 0.3]], 48000), 48000);
    const r = meter.read();
    expect(r.integratedLufs).toBeNull();
    expect(meter.blockLoudnessHistory().length).toBe(0);
    expect(meter.gateThresholdLufs()).toBeNull();
    // 0.3 s of tone in a 0.4 s window that began in silence: 10 log10(0.3 / 0.4) below -23.
    expect(r.momentaryMaxLufs!).toBeCloseTo(-23 + 10 * Math.log10(0.3 / 0.4), 1);
    expect(r.durationSec).toBeCloseTo(0.3, 9);
  });

  it('counts a mono channel once (weight 1.0): a -23 dBFS mono tone reads -26 LUFS', () => {
    const r = measure(sine({ frequencyHz: 1000, amplitudeDbfs: -23, durationSec: 10, sampleRate: 44100 }), 44100, ['mono']);
    expect(r.integratedLufs!).toBeCloseTo(-23 - 10 * Math.log10(2), 1);
    expect(r.channels).toHaveLength(1);
  });

  it('leaves LFE out of loudness (Tech 3341 case 6 plus a loud LFE) but keeps its peak', () => {
    const fs = 48000;
    const levels: Array<[ChannelRole, number, number]> = [['L', -28, 1000], ['R', -28, 1000], ['C', -24, 1000], ['LFE', -3, 50], ['Ls', -30, 1000], ['Rs', -30, 1000]];
    const block = levels.map(([, amplitudeDbfs, frequencyHz]) => sine({ frequencyHz, amplitudeDbfs, durationSec: 20, sampleRate: fs })[0]);
    const r = measure(block, fs, levels.map(([role]) => role));
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThanOrEqual(0.1);
    expect(r.truePeakDbtp!).toBeCloseTo(-3, 1);
    expect(r.channels[3].role).toBe('LFE');
    expect(r.channels[3].samplePeakDbfs!).toBeCloseTo(-3, 1);
  });

  it('counts NaN and Inf samples, and measures the rest as if they were 0', () => {
    const fs = 48000;
    const clean = whiteNoise({ rmsDbfs: -20, durationSec: 6, sampleRate: fs, channels: 2, seed: 11 });
    const dirty = clean.map((x) => x.slice());
    const bad: Array<[number, number, number]> = [[0, 100, Number.NaN], [1, 2000, Number.POSITIVE_INFINITY], [0, 150000, Number.NEGATIVE_INFINITY], [1, 150001, Number.NaN]];
    for (const [c, i, v] of bad) {
      dirty[c][i] = v;
      clean[c][i] = 0;
    }
    const r = measure(dirty, fs);
    const ref = measure(clean, fs);
    expect(r.nonFiniteSamples).toBe(4);
    expect(ref.nonFiniteSamples).toBe(0);
    expect(numbers(r).every(Number.isFinite)).toBe(true);
    expect({ ...r, nonFiniteSamples: 0 }).toEqual(ref);
  });

  it('gives the same figures whatever the block size (1 frame, odd sizes, 10 ms, whole)', () => {
    const fs = 44100;
    const block = concat([pinkNoise({ rmsDbfs: -18, durationSec: 4, sampleRate: fs, channels: 2, seed: 2 }), silence(0.5, fs, 2), toneSequence([[-30, 1]], fs)]);
    const ref = meterOver(block, fs, ['L', 'R'], block[0].length).read();
    for (const size of [1, 7, 441, 4096]) {
      const r = meterOver(block, fs, ['L', 'R'], size).read();
      for (const k of [...LOUDNESS_KEYS, 'truePeakDbtp', 'samplePeakDbfs', 'rmsDbfs'] as const) expect(r[k]!).toBeCloseTo(ref[k]!, 9);
    }
  });

  it('grows its scratch when a larger block arrives after small ones', () => {
    const fs = 48000;
    const block = whiteNoise({ rmsDbfs: -20, durationSec: 3, sampleRate: fs, channels: 2, seed: 5 });
    const meter = new LoudnessMeter({ sampleRate: fs, layout: ['L', 'R'] });
    const cuts = [0, 10, 500, 100000, 100001, block[0].length];
    for (let i = 1; i < cuts.length; i++) meter.process(block.map((x) => x.subarray(cuts[i - 1], cuts[i])));
    const r = meter.read(), ref = measure(block, fs);
    for (const k of [...LOUDNESS_KEYS, 'truePeakDbtp', 'samplePeakDbfs', 'rmsDbfs'] as const) expect(r[k]!).toBeCloseTo(ref[k]!, 9);
  });

  it('reports plain RMS, crest, PLR and PSR: a full-scale sine has RMS -3.01 dBFS and crest 3.01 dB', () => {
    const r = measure(sine({ frequencyHz: 997, amplitude: 1, durationSec: 10, sampleRate: 48000, channels: 2 }), 48000);
    expect(r.rmsDbfs!).toBeCloseTo(-3.01, 2);
    expect(r.crestDb!).toBeCloseTo(3.01, 2);
    expect(r.plrDb!).toBeCloseTo(r.truePeakDbtp! - r.integratedLufs!, 12);
    expect(r.psrDb!).toBeCloseTo(r.truePeakDbtp! - r.shortTermMaxLufs!, 12);
    expect(r.channels[0].rmsDbfs!).toBeCloseTo(-3.01, 2);
  });

  it('exposes the block history, the relative gate and the short-term history for the spectral profile', () => {
    const fs = 48000;
    const meter = meterOver(toneSequence([[-36, 10], [-23, 20]], fs), fs);
    const blocks = meter.blockLoudnessHistory();
    expect(blocks.length).toBe(297); // 400 ms blocks ending at 0.4, 0.5, ..., 30.0 s
    expect(blocks[0]).toBeCloseTo(-36, 0);
    expect(blocks[blocks.length - 1]).toBeCloseTo(-23, 0);
    const r = meter.read();
    // Relative gate = (loudness of the blocks above -70 LUFS) - 10 LU.
    const absGated = 10 * Math.log10(blocks.reduce((s, l) => s + 10 ** (l / 10), 0) / blocks.length);
    expect(meter.gateThresholdLufs()!).toBeCloseTo(absGated - 10, 9);
    expect(r.integratedLufs!).toBeCloseTo(-23, 1);
    expect(meter.shortTermHistory().length).toBe(271);
  });

  it('keeps hours cheap: an 11-minute 8 kHz stream grows its history past the first allocation', () => {
    const fs = 8000;
    const meter = meterOver(sine({ frequencyHz: 440, amplitudeDbfs: -20, durationSec: 660, sampleRate: fs }), fs, ['mono'], 65536);
    expect(meter.blockLoudnessHistory().length).toBe(6597);
    expect(meter.read().integratedLufs!).toBeCloseTo(meter.blockLoudnessHistory()[3000], 6);
  });

  it('returns a fresh object from read()', () => {
    const meter = meterOver(toneSequence([[-23, 2]], 48000), 48000);
    const a = meter.read();
    a.channels[0].role = 'C';
    a.integratedLufs = 0;
    expect(meter.read().channels[0].role).toBe('L');
    expect(meter.read().integratedLufs).not.toBe(0);
  });

  it('refuses bad options and mismatched blocks with a message that says the fix', () => {
    const make = (sampleRate: number, layout: ChannelRole[]) => () => new LoudnessMeter({ sampleRate, layout });
    expect(make(4000, ['L', 'R'])).toThrow(/sampleRate must be a number within \[8000, 192000\] Hz, got 4000/);
    expect(make(48000, [])).toThrow(/layout must list the role of each channel/);
    expect(make(48000, ['L', 'X' as ChannelRole])).toThrow(/layout\[1\] must be one of/);
    const meter = new LoudnessMeter({ sampleRate: 48000, layout: ['L', 'R'] });
    expect(() => meter.process([new Float32Array(10)])).toThrow(AmaError);
    expect(() => meter.process([new Float32Array(10)])).toThrow(/block has 1 channels but the meter was built for 2/);
    expect(() => meter.process([new Float32Array(10), new Float32Array(9)])).toThrow(/equal lengths/);
  });
});
