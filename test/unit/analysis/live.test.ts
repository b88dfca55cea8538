import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFileWith } from '../../../src/analysis/analyzeFile.js';
import { LiveAnalyzer, type LiveEvaluation, type MeterFrame } from '../../../src/analysis/live.js';
import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import { ProfileAnalyzer } from '../../../src/analysis/profile/index.js';
import { openAudioFile } from '../../../src/audio/decode.js';
import type { AudioBlock } from '../../../src/audio/types.js';
import { rng, whiteNoise, writeFloatWav } from './profile/signals.js';

const fs = 48000;
const dir = mkdtempSync(path.join(tmpdir(), 'ama-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Programme-like stereo: level changes (for LRA), a silent gap, decaying hits (onsets), some side. */
function programme(sec: number, seed: number): Float32Array[] {
  const n = Math.round(sec * fs);
  const base = whiteNoise(n, seed, 0.1);
  const out = [0, 1].map((c) => {
    const own = whiteNoise(n, seed + 10 + c, 0.04);
    return Float32Array.from(base, (v, i) => v + own[i]);
  });
  const u = rng(seed + 1);
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    const g = t >= 5 && t < 6 ? 0 : [1, 0.3, 0.8, 0.15, 0.5][Math.floor(t / 4) % 5];
    out[0][i] *= g;
    out[1][i] *= g * (t < 15 ? 0.5 : 1); // unbalanced at first: the window no longer sees it
  }
  for (let t = 0.5; t < sec - 0.3; t += 0.41) {
    const s0 = Math.round(t * fs);
    for (let i = 0; i < fs * 0.1; i++) {
      const hit = 0.4 * Math.exp(-i / (0.02 * fs)) * (2 * u() - 1);
      out[0][s0 + i] += hit;
      out[1][s0 + i] += hit;
    }
  }
  return out;
}

/** Re-chunks a file's blocks into blocks of odd sizes (1 frame to ~1.3 s). */
async function* oddBlocks(file: string): AsyncGenerator<AudioBlock> {
  const source = await openAudioFile(file);
  const sizes = [1, 997, 4801, 7, 63211, 333, 16384, 2];
  let k = 0;
  let pending: Float32Array[] = [];
  for await (const block of source.blocks()) {
    pending = pending.length ? pending.map((ch, c) => { const o = new Float32Array(ch.length + block[c].length); o.set(ch); o.set(block[c], ch.length); return o; }) : block.map((ch) => ch.slice());
    while (pending[0].length >= sizes[k % sizes.length]) {
      const size = sizes[k++ % sizes.length];
      yield pending.map((ch) => ch.slice(0, size));
      pending = pending.map((ch) => ch.subarray(size));
    }
  }
  if (pending[0].length) yield pending;
}

describe('LiveAnalyzer', () => {
  const file = path.join(dir, 'programme.wav');
  writeFloatWav(file, programme(47.3, 5), fs);

  it('gives the offline figures for the same audio, fed in odd block sizes', async () => {
    const offline = await analyzeFileWith(file, {}, { threading: 'inline' });
    const live = new LiveAnalyzer({ sampleRate: fs, layout: ['L', 'R'], windowSec: 30 });
    const meters: MeterFrame[] = [];
    const evals: LiveEvaluation[] = [];
    live.onMeter((m) => meters.push(m));
    live.onEvaluation((e) => evals.push(e));
    for await (const block of oddBlocks(file)) live.process(block);
    const final = await live.evaluate();
    // Loudness: the same meter over the same samples: equal to the last bit, whatever the blocks.
    // (Only the plain RMS sums per block, so it may differ in the last bit.)
    const { rmsDbfs, crestDb, channels, ...exact } = final.loudness;
    const { rmsDbfs: rms0, crestDb: crest0, channels: ch0, ...exact0 } = offline.loudness;
    expect(exact).toEqual(exact0);
    expect(rmsDbfs).toBeCloseTo(rms0!, 9);
    expect(crestDb).toBeCloseTo(crest0!, 9);
    channels.forEach((c, i) => expect(c.rmsDbfs).toBeCloseTo(ch0[i].rmsDbfs!, 9));
    expect(final.loudness.integratedLufs).not.toBeNull();
    expect(final.loudness.loudnessRangeLu).toBeGreaterThan(3);
    // The session profile too: same analyzers, one STFT shared with the window view.
    expect(final.session).toEqual(offline.profile);
    // Meter frames every 100 ms of stream time, the last ones with the offline figures so far.
    expect(meters.length).toBe(Math.floor(47.3 * 10));
    meters.forEach((m, i) => expect(m.t).toBeCloseTo((i + 1) * 0.1, 9));
    expect(meters.at(-1)!.loudness.integratedLufs).toBeCloseTo(offline.loudness.integratedLufs!, 2);
    expect(meters[5].loudness.momentaryLufs).not.toBeNull();
    // The fast figures come from the MomentaryTracker: current and equal to the meter's.
    expect(meters.at(-1)!.loudness.momentaryMaxLufs).toBe(offline.loudness.momentaryMaxLufs);
    expect(meters.at(-1)!.loudness.shortTermMaxLufs).toBe(offline.loudness.shortTermMaxLufs);
    // Evaluations about once a second of stream time (the interval stretches only when they are slow).
    expect(evals.length).toBeGreaterThanOrEqual(23);
    expect(evals.length).toBeLessThanOrEqual(47);
    for (const e of evals) expect(e.cost.totalMs).toBeGreaterThan(0);
  });

  it('gives a window profile equal to ProfileAnalyzer with recentSec, and window loudness over the last 30 s', async () => {
    const source = await openAudioFile(file);
    const f = source.format;
    const meter = new LoudnessMeter({ sampleRate: fs, layout: f.layout });
    const recent = new ProfileAnalyzer({ sampleRate: fs, channels: 2, layout: f.layout, recentSec: 30 });
    const live = new LiveAnalyzer({ sampleRate: fs, layout: f.layout, windowSec: 30 });
    for await (const block of source.blocks()) {
      meter.process(block);
      recent.process(block);
      live.process(block);
    }
    const e = await live.evaluate();
    const expected = recent.read({ ...meter.read(), ...e.windowLoudness, shortTermHistory: meter.shortTermHistory() });
    expect(e.window).toEqual(expected);
    // The session holds 15 s with the right channel 6 dB down; the window (17.3..47.3 s) none.
    expect(Math.abs(e.window.stereo.balanceDb!)).toBeLessThan(0.2);
    expect(Math.abs(e.session.stereo.balanceDb!)).toBeGreaterThan(0.5);
    // Window loudness: gating over the window's own blocks, so it differs from the session's here.
    expect(e.windowLoudness.integratedLufs).not.toBeCloseTo(e.loudness.integratedLufs!, 1);
    expect(e.windowLoudness.truePeakDbtp).toBe(e.loudness.truePeakDbtp);
  });

  it('keeps a failing listener from stopping the analysis', () => {
    const errors: string[] = [];
    const live = new LiveAnalyzer({ sampleRate: fs, layout: ['L', 'R'], onListenerError: (what) => errors.push(what) });
    let frames = 0;
    live.onMeter(() => { throw new Error('boom'); });
    live.onMeter(() => frames++);
    live.process(programme(1.05, 1));
    expect(frames).toBe(10);
    expect(errors).toHaveLength(10);
  });

  it('refuses options out of range, naming the range', () => {
    expect(() => new LiveAnalyzer({ sampleRate: fs, layout: ['L', 'R'], windowSec: 0 })).toThrow(/windowSec must be within \[1, 600\] s, got 0/);
    expect(() => new LiveAnalyzer({ sampleRate: fs, layout: ['L', 'R'], evaluateIntervalSec: 5 })).toThrow(/evaluateIntervalSec/);
  });
});
