import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { WavStreamWriter, encodeWav, writeWav, type WavSampleFormat } from '../../../src/audio/wavWriter.js';
import { AmaError } from '../../../src/util/errors.js';
import { SKIP_WITHOUT_FFMPEG, ffmpegDecode, ffprobeStream, maxAbsDiff, readAll, tempDir, testSignal } from './helpers.js';

const dir = tempDir();

describe('encodeWav: stored bytes', () => {
  it('rounds to the nearest step and clips PCM; NaN becomes 0', () => {
    const x = new Float32Array([0.5, -0.5, 1, -1, 1.5, -2, 0.4 / 32768, 0.6 / 32768, -0.6 / 32768, NaN]);
    const wav = encodeWav([x], 48000, { format: 'pcm16' });
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    const values = Array.from({ length: x.length }, (_, i) => wav.readInt16LE(44 + 2 * i));
    expect(values).toEqual([16384, -16384, 32767, -32768, 32767, -32768, 0, 1, -1, 0]);
  });

  it('writes 24-bit little-endian and 8-bit offset binary', () => {
    const x = new Float32Array([0.5, -1 / 8388608, -1, 1]);
    const wav24 = encodeWav([x], 48000, { format: 'pcm24' });
    expect(Array.from({ length: 4 }, (_, i) => wav24.readIntLE(44 + 3 * i, 3))).toEqual([4194304, -1, -8388608, 8388607]);
    const wav8 = encodeWav([new Float32Array([0, -1, 0.5, 1])], 8000, { format: 'pcm8' });
    expect([...wav8.subarray(44, 48)]).toEqual([128, 0, 192, 255]);
  });

  it('keeps float samples exactly, NaN and values past full scale included', () => {
    const x = new Float32Array([0.1, -3, NaN, Infinity]);
    const wav = encodeWav([x], 48000, { format: 'float32' });
    expect(wav.readUInt16LE(20)).toBe(3); // WAVE_FORMAT_IEEE_FLOAT
    expect(Array.from({ length: 4 }, (_, i) => wav.readFloatLE(44 + 4 * i))).toEqual([Math.fround(0.1), -3, NaN, Infinity]);
  });

  it('pads an odd-sized data chunk', () => {
    const wav = encodeWav([new Float32Array(3)], 48000, { format: 'pcm8' });
    expect(wav.readUInt32LE(40)).toBe(3);
    expect(wav.length).toBe(44 + 4);
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  });

  it('refuses bad input with BAD_OPTION', () => {
    const bad = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect((err as AmaError).code).toBe('BAD_OPTION');
        return (err as Error).message;
      }
      throw new Error('nothing thrown');
    };
    expect(bad(() => encodeWav([], 48000))).toMatch(/at least one channel/);
    expect(bad(() => encodeWav([new Float32Array(2), new Float32Array(3)], 48000))).toMatch(/same length, got 2, 3/);
    expect(bad(() => encodeWav([new Float32Array(2)], 44100.5))).toMatch(/sampleRate must be a whole number of Hz/);
    expect(bad(() => encodeWav([new Float32Array(2)], 48000, { format: 'pcm12' as WavSampleFormat }))).toMatch(/format must be one of/);
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('written files as ffmpeg reads them', () => {
  const cases: Array<{ format: WavSampleFormat; codec: string; channels: number; mask?: number; layout?: string }> = [
    { format: 'pcm8', codec: 'pcm_u8', channels: 1 },
    { format: 'pcm16', codec: 'pcm_s16le', channels: 2 },
    { format: 'pcm24', codec: 'pcm_s24le', channels: 2 },
    { format: 'pcm32', codec: 'pcm_s32le', channels: 1 },
    { format: 'float32', codec: 'pcm_f32le', channels: 2 },
    { format: 'float64', codec: 'pcm_f64le', channels: 1 },
    { format: 'pcm24', codec: 'pcm_s24le', channels: 6, mask: 0x60f, layout: '5.1(side)' },
    { format: 'float32', codec: 'pcm_f32le', channels: 4, mask: 0x33, layout: 'quad' },
    { format: 'pcm16', codec: 'pcm_s16le', channels: 8 },
  ];
  for (const c of cases) {
    it(`${c.format}, ${c.channels} ch${c.layout ? `, mask -> ${c.layout}` : ''}`, () => {
      const signal = testSignal(c.channels, 12345, 44100);
      const file = path.join(dir, `w-${c.format}-${c.channels}.wav`);
      writeWav(file, signal, 44100, { format: c.format, channelMask: c.mask });
      const probe = ffprobeStream(file);
      expect(probe).toMatchObject({ codec_name: c.codec, channels: c.channels, sample_rate: '44100' });
      if (c.layout) expect(probe.channel_layout).toBe(c.layout);
      const decoded = ffmpegDecode(file, c.channels);
      const step = { pcm8: 1 / 128, pcm16: 1 / 32768, pcm24: 1 / 8388608, pcm32: 2 ** -31, float32: 0, float64: 0 }[c.format];
      for (let ch = 0; ch < c.channels; ch++) {
        expect(decoded[ch].length).toBe(12345);
        expect(maxAbsDiff(decoded[ch], signal[ch])).toBeLessThanOrEqual(step / 2 + 1e-7);
      }
    });
  }

  it('writes RF64 on request, which ffmpeg and the reader both accept', async () => {
    const signal = testSignal(2, 5000, 48000);
    const file = path.join(dir, 'forced.rf64.wav');
    writeWav(file, signal, 48000, { format: 'pcm24', rf64: true });
    expect(fs.readFileSync(file).toString('latin1', 0, 4)).toBe('RF64');
    expect(ffprobeStream(file)).toMatchObject({ codec_name: 'pcm_s24le', duration_ts: 5000 });
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ container: 'rf64', durationSec: 5000 / 48000 });
    expect(maxAbsDiff((await readAll(src)).channels[1], ffmpegDecode(file, 2)[1])).toBe(0);
  });

  it('WavStreamWriter: blocks of any size, sizes patched on close', async () => {
    const signal = testSignal(3, 30001, 96000);
    const file = path.join(dir, 'streamed.wav');
    const writer = await WavStreamWriter.open(file, { channels: 3, sampleRate: 96000, format: 'pcm24' });
    for (const [a, b] of [[0, 1], [1, 10000], [10000, 10000], [10000, 30001]]) await writer.write(signal.map((ch) => ch.subarray(a, b)));
    expect(writer.framesWritten).toBe(30001);
    await writer.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.length % 2).toBe(0); // 30001 * 9 bytes of data is odd: a pad byte follows
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(ffprobeStream(file)).toMatchObject({ codec_name: 'pcm_s24le', channels: 3, sample_rate: '96000', duration_ts: 30001 });
    const decoded = ffmpegDecode(file, 3);
    for (let c = 0; c < 3; c++) expect(maxAbsDiff(decoded[c], signal[c])).toBeLessThanOrEqual(0.5 / 8388608 + 1e-7);
  });

  it('WavStreamWriter refuses a block with the wrong channel count', async () => {
    const writer = await WavStreamWriter.open(path.join(dir, 'wrong.wav'), { channels: 2, sampleRate: 48000 });
    await expect(writer.write([new Float32Array(4)])).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await writer.close();
  });
});
