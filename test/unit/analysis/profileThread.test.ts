import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFileWith } from '../../../src/analysis/analyzeFile.js';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { ProfileAnalyzer, ProfilePartsAnalyzer, type ProfilePart } from '../../../src/analysis/profile/index.js';
import { ProfileThread, SLOT_FRAMES } from '../../../src/analysis/profile/thread.js';
import { openAudioFile } from '../../../src/audio/decode.js';
import type { ChannelRole } from '../../../src/audio/types.js';
import { AmaError } from '../../../src/util/errors.js';
import { evalLaunch, tsWorkerLaunch } from '../../helpers/tsWorker.js';
import { rng, whiteNoise, writeFloatWav } from './profile/signals.js';

const fs = 48000;
const launch = tsWorkerLaunch('src/analysis/profile/worker.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'ama-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Programme-like test audio: noise sections at different levels, a quiet intro, a silent gap,
 * decaying hits (onsets), and partly decorrelated channels (some side), for `channels` channels.
 */
function programme(sec: number, channels: number, seed: number): Float32Array[] {
  const n = Math.round(sec * fs);
  const base = whiteNoise(n, seed, 0.1);
  const u = rng(seed + 1);
  const out = Array.from({ length: channels }, (_, c) => {
    const own = whiteNoise(n, seed + 10 + c, 0.04);
    return Float32Array.from(base, (v, i) => v + own[i]);
  });
  const gainAt = (i: number): number => {
    const t = i / fs;
    if (t < 2) return 0.01; // quiet intro
    if (t >= 5 && t < 6) return 0; // digital silence
    return [1, 0.3, 0.8, 0.15][Math.floor(t / 4) % 4];
  };
  for (let i = 0; i < n; i++) {
    const g = gainAt(i);
    for (const ch of out) ch[i] *= g;
  }
  for (let t = 2.1; t < sec - 0.3; t += 0.37) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.2; i++) {
      const hit = 0.5 * Math.exp(-i / (0.03 * fs)) * (2 * u() - 1);
      for (const ch of out) ch[s0 + i] += hit;
    }
  }
  return out;
}

function layoutFor(channels: number): ChannelRole[] {
  if (channels === 1) return ['mono'];
  if (channels === 2) return ['L', 'R'];
  return ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'];
}

/** The profile of a file as ProfileAnalyzer computes it in this thread, with the meter's figures. */
async function inThreadProfile(file: string) {
  const source = await openAudioFile(file);
  const f = source.format;
  const meter = new LoudnessMeter({ sampleRate: f.sampleRate, layout: f.layout });
  const profiler = new ProfileAnalyzer({ sampleRate: f.sampleRate, channels: f.channels, layout: f.layout });
  for await (const block of source.blocks()) {
    meter.process(block);
    profiler.process(block);
  }
  return profiler.read({ ...meter.read(), shortTermHistory: meter.shortTermHistory() });
}

describe('profile in a worker thread', () => {
  it.each([
    [2, 35],
    [1, 12],
    [6, 8],
  ])('gives, for %i channels (%i s), exactly the profile of ProfileAnalyzer run in-thread', async (channels, sec) => {
    const file = path.join(dir, `programme-${channels}ch.wav`);
    writeFloatWav(file, programme(sec, channels, 100 + channels), fs);
    const expected = await inThreadProfile(file);
    const inline = await analyzeFileWith(file, {}, { threading: 'inline' });
    const threaded = await analyzeFileWith(file, {}, { threading: 'worker', launch });
    expect(inline.profile).toEqual(expected);
    expect(threaded).toEqual(inline);
    // The material exercises what the parts measure, so equality means something.
    expect(expected.dynamics.transientsPerSec).toBeGreaterThan(1);
    expect(expected.tonal.referenceLufs).not.toBeNull();
    expect(expected.dynamics.crestLowDb).not.toBeNull();
  });

  it('gives the same readings as the in-thread parts, for blocks of any size (larger than a slot too)', async () => {
    const audio = programme(9, 2, 7);
    const options = { sampleRate: fs, channels: 2, layout: layoutFor(2) };
    const parts: ProfilePart[] = ['spectral', 'crest', 'transients'];
    const local = new ProfilePartsAnalyzer(options, parts);
    const thread = new ProfileThread({ options, parts }, launch);
    try {
      const n = audio[0].length;
      const sizes = [SLOT_FRAMES * 3 + 5, 997, SLOT_FRAMES, 1];
      for (let s = 0, k = 0; s < n; k++) {
        const e = Math.min(n, s + sizes[k % sizes.length]);
        const block = audio.map((c) => c.subarray(s, e));
        await thread.process(block);
        local.process(block);
        s = e;
      }
      expect(await thread.finish()).toEqual(local.read());
    } finally {
      await thread.close();
    }
  });

  it('returns the same partial figures when the analysis is aborted', async () => {
    const file = path.join(dir, 'abort.wav');
    writeFloatWav(file, programme(20, 2, 3), fs);
    const abortedAt = async (threading: 'inline' | 'worker') => {
      const ctl = new AbortController();
      return analyzeFileWith(file, { signal: ctl.signal, onProgress: (done) => { if (done >= 8) ctl.abort(); } }, { threading, launch });
    };
    const inline = await abortedAt('inline');
    const threaded = await abortedAt('worker');
    expect(inline.profile!.analysedSec).toBeLessThan(12);
    expect(threaded).toEqual(inline);
  });
});

describe('a failing profile worker', () => {
  const options = { sampleRate: fs, channels: 2, layout: layoutFor(2) };
  const block = programme(1, 2, 1);

  async function failureOf(thread: ProfileThread): Promise<AmaError> {
    try {
      for (let i = 0; i < 20; i++) await thread.process(block);
      await thread.finish();
    } catch (err) {
      return err as AmaError;
    } finally {
      await thread.close();
    }
    throw new Error('expected the worker to fail');
  }

  it('rejects with AmaError INTERNAL naming the exception thrown in the worker', async () => {
    const err = await failureOf(new ProfileThread({ options, parts: ['spectral'] },
      evalLaunch("require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom in the STFT'); });")));
    expect(err).toBeInstanceOf(AmaError);
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/profile analysis worker thread failed: boom in the STFT/);
  });

  it('rejects when the worker exits without its figures', async () => {
    const err = await failureOf(new ProfileThread({ options, parts: ['spectral'] }, evalLaunch('process.exit(3);')));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/stopped \(exit code 3\) before returning its figures/);
  });

  it('rejects when the analyzer in the worker refuses its options, with the analyzer\'s reason', async () => {
    const err = await failureOf(new ProfileThread({ options: { ...options, sampleRate: 1000 }, parts: ['crest'] }, launch));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/worker thread failed: Sample rate must be within/);
  });

  it('makes analyzeFile reject (not hang) when the worker dies mid-stream', async () => {
    const file = path.join(dir, 'dies.wav');
    writeFloatWav(file, programme(4, 2, 5), fs);
    const dies = evalLaunch(`
      const { parentPort } = require('node:worker_threads');
      let n = 0;
      parentPort.on('message', (m) => { if (++n === 3) throw new Error('worker died on block 3'); parentPort.postMessage({ kind: 'free', slot: m.slot }); });`);
    await expect(analyzeFileWith(file, {}, { threading: 'worker', launch: dies })).rejects.toThrow(/worker died on block 3/);
  });
});
