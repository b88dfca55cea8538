import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPlayback } from '../../../src/audio/playback.js';
import type { AudioBlock } from '../../../src/audio/types.js';
import { writeWav } from '../../../src/audio/wavWriter.js';

const RATE = 48000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-playback-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'ramp.wav');
// 0.3 s ramp (each sample distinct), left and right of opposite sign.
const n = Math.round(0.3 * RATE);
const left = Float32Array.from({ length: n }, (_, i) => (i + 1) / n);
writeWav(file, [left, left.map((v) => -v)], RATE, { format: 'float32' });

async function collect(blocks: AsyncIterable<AudioBlock>, limit = Infinity): Promise<AudioBlock[]> {
  const out: AudioBlock[] = [];
  for await (const b of blocks) {
    out.push(b.map((c) => c.slice()));
    if (out.length >= limit) break;
  }
  return out;
}

const joined = (blocks: AudioBlock[], c: number) => Float32Array.from(blocks.flatMap((b) => [...b[c]]));

describe('openPlayback', () => {
  it('loops the file exactly, in blocks of blockFrames, and stops after maxSec (unpaced)', async () => {
    const src = await openPlayback(file, { paced: false, blockFrames: 1000, maxSec: 0.75 });
    expect(src.format).toMatchObject({ sampleRate: RATE, channels: 2, durationSec: null });
    const blocks = await collect(src.blocks());
    const l = joined(blocks, 0);
    expect(l.length).toBe(0.75 * RATE);
    expect(blocks.slice(0, -1).every((b) => b[0].length === 1000)).toBe(true);
    for (let i = 0; i < l.length; i++) if (l[i] !== left[i % n]) throw new Error(`sample ${i}: ${l[i]} != ${left[i % n]}`);
    expect(joined(blocks, 1)[n + 5]).toBe(-left[5]);
    expect(src.stats()).toMatchObject({ state: 'stopped', deliveredFrames: 0.75 * RATE, overruns: 0, hostApi: 'file (unpaced)', deviceName: 'file:ramp.wav' });
  });

  it('plays once without loop', async () => {
    const src = await openPlayback(file, { paced: false, loop: false });
    expect(joined(await collect(src.blocks()), 0)).toEqual(left);
  });

  it('delivers in real time when paced', async () => {
    const src = await openPlayback(file, { maxSec: 0.5 });
    const t0 = performance.now();
    const blocks = await collect(src.blocks());
    const wall = (performance.now() - t0) / 1000;
    expect(joined(blocks, 0).length).toBe(0.5 * RATE);
    expect(wall).toBeGreaterThan(0.45);
    expect(wall).toBeLessThan(0.8);
  });

  it('drops the oldest blocks and counts overruns when the reader stalls longer than the queue', async () => {
    const src = await openPlayback(file, { queueSec: 0.1, blockFrames: 480 });
    const it = src.blocks()[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 400)); // ~0.4 s of audio arrives; the queue holds 0.1 s
    const s = src.stats();
    expect(s.queuedBlocks).toBe(s.queueCapacity);
    expect(s.overruns).toBeGreaterThan(15);
    expect(s.droppedFrames).toBe(s.overruns * 480);
    await src.close();
    expect((await it.next()).done).toBe(true);
  });

  it('ends its blocks when the signal aborts', async () => {
    const src = await openPlayback(file);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 150);
    const blocks = await collect(src.blocks(ctl.signal));
    expect(blocks.length).toBeGreaterThan(3);
    expect(src.stats().state).toBe('stopped');
  });

  it('refuses bad options with the range', async () => {
    await expect(openPlayback(file, { blockFrames: 10 })).rejects.toThrow(/blockFrames must be a whole number within \[64, 16384\], got 10/);
    await expect(openPlayback(path.join(dir, 'missing.wav'))).rejects.toThrow();
  });
});
