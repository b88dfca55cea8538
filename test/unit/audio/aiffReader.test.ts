import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readExtended } from '../../../src/audio/aiffHeader.js';
import { openAudioFile } from '../../../src/audio/decode.js';
import { encodeWav } from '../../../src/audio/wavWriter.js';
import { SKIP_WITHOUT_FFMPEG, expectAmaError, ffmpeg, ffmpegDecode, maxAbsDiff, readAll, tempDir, testSignal, writeBytes } from './helpers.js';

const dir = tempDir();

/** An 80-bit extended float, big-endian: sign/exponent (bias 16383), then a 64-bit mantissa with explicit integer bit. */
function extended80(x: number): Buffer {
  const b = Buffer.alloc(10);
  if (x === 0) return b;
  const exp = Math.floor(Math.log2(x));
  const mantissa = BigInt(Math.round((x / 2 ** exp) * 2 ** 52)) << 11n;
  b.writeUInt16BE(exp + 16383, 0);
  b.writeBigUInt64BE(mantissa, 2);
  return b;
}

function chunk(id: string, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat(body.length & 1 ? [h, body, Buffer.alloc(1)] : [h, body]);
}

/** A FORM/AIFF or FORM/AIFC file with a COMM and an SSND chunk. */
function aiffFile(opts: { channels: number; frames: number; bits: number; rate: number; compression?: string; data: Buffer; ssndOffset?: number }): Buffer {
  const comm = Buffer.alloc(opts.compression ? 24 : 18);
  comm.writeUInt16BE(opts.channels, 0);
  comm.writeUInt32BE(opts.frames, 2);
  comm.writeUInt16BE(opts.bits, 6);
  extended80(opts.rate).copy(comm, 8);
  if (opts.compression) comm.write(opts.compression, 18, 'latin1'); // then an empty pascal string (2 zero bytes)
  const offset = opts.ssndOffset ?? 0;
  const ssndHead = Buffer.alloc(8 + offset);
  ssndHead.writeUInt32BE(offset, 0);
  const chunks = [chunk('COMM', comm), chunk('ANNO', Buffer.from('made by a test')), chunk('SSND', Buffer.concat([ssndHead, opts.data]))];
  if (opts.compression) chunks.unshift(chunk('FVER', Buffer.from([0xa2, 0x80, 0x51, 0x40])));
  const body = Buffer.concat(chunks);
  const form = Buffer.alloc(12);
  form.write('FORM', 0, 'latin1');
  form.writeUInt32BE(body.length + 4, 4);
  form.write(opts.compression ? 'AIFC' : 'AIFF', 8, 'latin1');
  return Buffer.concat([form, body]);
}

describe('AIFF: 80-bit sample rates', () => {
  it.each([8000, 22050, 44100, 48000, 96000, 192000, 11025.5])('reads %d Hz', (rate) => {
    expect(readExtended(extended80(rate), 0)).toBe(rate);
  });
});

describe('AIFF: known samples from hand-built files', () => {
  it('reads big-endian 16-bit AIFF, with an SSND offset and stereo order', async () => {
    const data = Buffer.alloc(8);
    [16384, -32768, 1, -1].forEach((v, i) => data.writeInt16BE(v, i * 2));
    const file = writeBytes(path.join(dir, 'be16.aiff'), aiffFile({ channels: 2, frames: 2, bits: 16, rate: 44100, data, ssndOffset: 4 }));
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec: 'pcm_s16be', container: 'aiff', channels: 2, sampleRate: 44100, bitsPerSample: 16, durationSec: 2 / 44100 });
    const { channels } = await readAll(src);
    expect([...channels[0]]).toEqual([0.5, 1 / 32768]);
    expect([...channels[1]]).toEqual([-1, -1 / 32768]);
  });

  it('reads signed 8-bit and 24-bit big-endian', async () => {
    const s8 = Buffer.from([0x80, 0x40, 0x00, 0xff]);
    const f8 = writeBytes(path.join(dir, 's8.aiff'), aiffFile({ channels: 1, frames: 4, bits: 8, rate: 8000, data: s8 }));
    expect([...(await readAll(await openAudioFile(f8))).channels[0]]).toEqual([-1, 0.5, 0, -1 / 128]);
    const s24 = Buffer.from([0x80, 0x00, 0x00, 0x40, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01]);
    const f24 = writeBytes(path.join(dir, 's24.aiff'), aiffFile({ channels: 1, frames: 4, bits: 24, rate: 96000, data: s24 }));
    expect([...(await readAll(await openAudioFile(f24))).channels[0]]).toEqual([-1, 0.5, -1 / 8388608, 1 / 8388608]);
  });

  it.each([
    ['NONE', 16, (b: Buffer, v: number, i: number) => b.writeInt16BE(v * 32768, i * 2), 2, 'pcm_s16be'],
    ['twos', 16, (b: Buffer, v: number, i: number) => b.writeInt16BE(v * 32768, i * 2), 2, 'pcm_s16be'],
    ['sowt', 16, (b: Buffer, v: number, i: number) => b.writeInt16LE(v * 32768, i * 2), 2, 'pcm_s16le'],
    ['sowt', 24, (b: Buffer, v: number, i: number) => b.writeIntLE(v * 8388608, i * 3, 3), 3, 'pcm_s24le'],
    ['in24', 24, (b: Buffer, v: number, i: number) => b.writeIntBE(v * 8388608, i * 3, 3), 3, 'pcm_s24be'],
    ['in32', 32, (b: Buffer, v: number, i: number) => b.writeInt32BE(v * 2147483648, i * 4), 4, 'pcm_s32be'],
    ['fl32', 32, (b: Buffer, v: number, i: number) => b.writeFloatBE(v, i * 4), 4, 'pcm_f32be'],
    ['FL32', 32, (b: Buffer, v: number, i: number) => b.writeFloatBE(v, i * 4), 4, 'pcm_f32be'],
    ['fl64', 64, (b: Buffer, v: number, i: number) => b.writeDoubleBE(v, i * 8), 8, 'pcm_f64be'],
    ['FL64', 64, (b: Buffer, v: number, i: number) => b.writeDoubleBE(v, i * 8), 8, 'pcm_f64be'],
  ] as const)('reads AIFF-C %s %d-bit', async (compression, bits, put, size, codec) => {
    const values = [0.5, -0.25, 0.125, -1];
    const data = Buffer.alloc(values.length * size);
    values.forEach((v, i) => put(data, v, i));
    const file = writeBytes(path.join(dir, `aifc-${compression}-${bits}.aifc`), aiffFile({ channels: 1, frames: 4, bits, rate: 48000, compression, data }));
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec, container: 'aifc', sampleRate: 48000, channels: 1 });
    expect([...(await readAll(src)).channels[0]]).toEqual(values);
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('AIFF: agreement with ffmpeg on files ffmpeg wrote', () => {
  const source = path.join(dir, 'aiff-source.wav');
  const signal = testSignal(2, 50000, 48000);
  fs.writeFileSync(source, encodeWav(signal, 48000, { format: 'float32' }));

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['pcm_s8', 'aiff', 1 / 128],
    ['pcm_s16be', 'aiff', 1 / 32768],
    ['pcm_s24be', 'aiff', 1 / 8388608],
    ['pcm_s32be', 'aiff', 2 ** -31],
    ['pcm_f32be', 'aifc', 0],
    ['pcm_f64be', 'aifc', 0],
    ['pcm_s16le', 'aifc', 1 / 32768],
  ])('%s (%s)', async (codec, container, lsb) => {
    const file = path.join(dir, `ff-${codec}.aiff`);
    ffmpeg('-i', source, '-c:a', codec, file);
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec, container, channels: 2, sampleRate: 48000, durationSec: 50000 / 48000 });
    const ours = (await readAll(src)).channels;
    const theirs = ffmpegDecode(file, 2);
    for (let c = 0; c < 2; c++) {
      expect(ours[c].length).toBe(50000);
      expect(maxAbsDiff(ours[c], theirs[c])).toBeLessThanOrEqual(2 ** -24);
      expect(maxAbsDiff(ours[c], signal[c])).toBeLessThanOrEqual(lsb / 2 + 1e-7);
    }
  });

  it('reads AIFF-C mu-law through ffmpeg, and without ffmpeg names the compression', async () => {
    const file = path.join(dir, 'ulaw.aifc');
    ffmpeg('-i', source, '-c:a', 'pcm_mulaw', file);
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec: 'pcm_mulaw', channels: 2, sampleRate: 48000 });
    const ours = (await readAll(src)).channels;
    expect(maxAbsDiff(ours[0], ffmpegDecode(file, 2)[0])).toBe(0);
    vi.stubEnv('AMA_FFMPEG', path.join(dir, 'no-such-ffmpeg'));
    const message = await expectAmaError(openAudioFile(file), 'UNSUPPORTED_CODEC');
    expect(message).toContain('"ulaw"');
    expect(message).toContain('install ffmpeg');
  });
});
