import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { WavStreamWriter } from '../../../src/audio/wavWriter.js';
import { SKIP_WITHOUT_FFMPEG, ffmpeg, tempDir } from './helpers.js';

const dir = tempDir();
const RATE = 48000;
const FRAMES = RATE * 60 * 10; // ten minutes
const file = path.join(dir, 'ten-minutes.wav');

/** Integer sample value of frame i, channel c: a pattern that differs between channels and never repeats per block. */
function sampleAt(i: number, c: number): number {
  return c === 0 ? ((i * 7919) % 65536) - 32768 : 32767 - ((i * 104729 + 12345) % 65536);
}

/** Counts the bytes read through every FileHandle while installed. */
async function countFileReads(): Promise<{ bytes: () => number; restore: () => void }> {
  const probe = await fs.promises.open(file, 'r');
  const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
  await probe.close();
  const original = proto.read;
  let bytes = 0;
  proto.read = async function (this: unknown, ...args: unknown[]) {
    const result = await original.apply(this, args);
    bytes += result.bytesRead;
    return result;
  };
  return { bytes: () => bytes, restore: () => (proto.read = original) };
}

describe('streaming a ten-minute 48 kHz stereo 16-bit WAV (115 MB)', () => {
  beforeAll(async () => {
    const writer = await WavStreamWriter.open(file, { channels: 2, sampleRate: RATE, format: 'pcm16' });
    const chunk = RATE;
    for (let start = 0; start < FRAMES; start += chunk) {
      const l = new Float32Array(chunk);
      const r = new Float32Array(chunk);
      for (let k = 0; k < chunk; k++) {
        l[k] = sampleAt(start + k, 0) / 32768;
        r[k] = sampleAt(start + k, 1) / 32768;
      }
      await writer.write([l, r]);
    }
    await writer.close();
  });

  it('reads every frame exactly while resident memory stays far below the file size', async () => {
    // First in this file, so that no earlier read has grown the heap already.
    const src = await openAudioFile(file);
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakBuffers = before.arrayBuffers;
    let frames = 0;
    let mismatches = 0;
    let blocks = 0;
    for await (const block of src.blocks()) {
      // Spot-check a few samples per block against the pattern written.
      for (const k of [0, 1, block[0].length - 1]) {
        if (block[0][k] !== sampleAt(frames + k, 0) / 32768 || block[1][k] !== sampleAt(frames + k, 1) / 32768) mismatches++;
      }
      frames += block[0].length;
      if (++blocks % 16 === 0) {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      }
    }
    expect(frames).toBe(FRAMES);
    expect(mismatches).toBe(0);
    // Holding the file (110 MiB) or its samples as float (220 MiB) would blow past these. Array buffers
    // include blocks already dropped but not yet collected, hence the generous bound.
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(96 * 2 ** 20);
    expect(peakRss - before.rss).toBeLessThan(64 * 2 ** 20);
  });
  it('yields the first block having read only a small part of the file', async () => {
    const size = fs.statSync(file).size;
    expect(size).toBe(44 + 36 + FRAMES * 4); // header with the reserved ds64 room
    const reads = await countFileReads();
    try {
      const src = await openAudioFile(file);
      expect(src.format.durationSec).toBe(600);
      const iterator = src.blocks()[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      expect(first.value[0][5]).toBe(sampleAt(5, 0) / 32768);
      expect(reads.bytes()).toBeGreaterThan(0);
      expect(reads.bytes()).toBeLessThan(size * 0.05);
      await iterator.return?.();
    } finally {
      reads.restore();
    }
  });

});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('streaming a compressed file that compresses a thousandfold', () => {
  it('decodes half an hour of silent FLAC (300 KB) exactly, without decoding minutes at once', async () => {
    const flac = path.join(dir, 'silence.flac');
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '1800', '-c:a', 'flac', flac);
    const src = await openAudioFile(flac);
    expect(src.format.durationSec).toBe(1800);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    let frames = 0;
    let nonZero = 0;
    for await (const block of src.blocks()) {
      frames += block[0].length;
      for (const ch of block) for (let i = 0; i < ch.length; i += 61) if (ch[i] !== 0) nonZero++;
      if (frames % (16 * 16384) === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(frames).toBe(1800 * 48000);
    expect(nonZero).toBe(0);
    // One minute of stereo float is 23 MB; a fixed 256 KiB feed of this file would decode 25 minutes
    // per call (an hour of it reached 1.2 GB of buffers before the feed adapted).
    expect(peak - before).toBeLessThan(96 * 2 ** 20);
  });
});
