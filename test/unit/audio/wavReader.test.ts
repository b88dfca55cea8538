import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { encodeWav, type WavSampleFormat } from '../../../src/audio/wavWriter.js';
import {
  SKIP_WITHOUT_FFMPEG, ffmpeg, ffmpegDecode, fmtBody, maxAbsDiff, readAll, riffChunk, riffWave, tempDir, testSignal, writeBytes,
} from './helpers.js';

const dir = tempDir();

/** Data chunk bytes from little-endian integers of `bytes` bytes each (two's complement, or unsigned for 1). */
function intData(values: number[], bytes: number): Buffer {
  const b = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => (bytes === 1 ? b.writeUInt8(v, i) : b.writeIntLE(v, i * bytes, bytes)));
  return b;
}

describe('WAV: known samples from hand-built files', () => {
  // Each case: the stored values, and what they mean as fractions of full scale (1/2^(bits-1)).
  const cases: Array<{ name: string; tag: number; bits: number; data: Buffer; expected: number[] }> = [
    { name: '8-bit unsigned (centred at 128)', tag: 1, bits: 8, data: intData([0, 64, 128, 192, 255], 1), expected: [-1, -0.5, 0, 0.5, 127 / 128] },
    { name: '16-bit', tag: 1, bits: 16, data: intData([-32768, -16384, 0, 16384, 32767], 2), expected: [-1, -0.5, 0, 0.5, 32767 / 32768] },
    { name: '24-bit', tag: 1, bits: 24, data: intData([-8388608, -1, 1, 4194304, 8388607], 3), expected: [-1, -1 / 8388608, 1 / 8388608, 0.5, 8388607 / 8388608] },
    { name: '32-bit', tag: 1, bits: 32, data: intData([-2147483648, 1073741824, 0, -536870912], 4), expected: [-1, 0.5, 0, -0.25] },
  ];
  for (const c of cases) {
    it(`reads ${c.name} mono`, async () => {
      const file = writeBytes(path.join(dir, `known-${c.bits}.wav`), riffWave([riffChunk('fmt ', fmtBody(c.tag, 1, 48000, c.bits)), riffChunk('data', c.data)]));
      const src = await openAudioFile(file);
      expect(src.format).toMatchObject({ container: 'wav', sampleRate: 48000, channels: 1, bitsPerSample: c.bits, layout: ['mono'] });
      const { channels } = await readAll(src);
      expect([...channels[0]]).toEqual(c.expected.map((v) => Math.fround(v)));
    });
  }

  it('passes float samples through unchanged: NaN, Inf and values beyond full scale are not clamped', async () => {
    const f32 = Buffer.alloc(16);
    [0.25, -1.5, NaN, Infinity].forEach((v, i) => f32.writeFloatLE(v, i * 4));
    const file = writeBytes(path.join(dir, 'f32-special.wav'), riffWave([riffChunk('fmt ', fmtBody(3, 1, 44100, 32)), riffChunk('data', f32)]));
    const { channels } = await readAll(await openAudioFile(file));
    expect([...channels[0]]).toEqual([0.25, -1.5, NaN, Infinity]);

    const f64 = Buffer.alloc(24);
    [0.1, 2, -Infinity].forEach((v, i) => f64.writeDoubleLE(v, i * 8));
    const file64 = writeBytes(path.join(dir, 'f64-special.wav'), riffWave([riffChunk('fmt ', fmtBody(3, 1, 44100, 64)), riffChunk('data', f64)]));
    const src64 = await openAudioFile(file64);
    expect(src64.format.codec).toBe('pcm_f64le');
    expect([...(await readAll(src64)).channels[0]]).toEqual([Math.fround(0.1), 2, -Infinity]);
  });

  it('deinterleaves stereo in channel order', async () => {
    const file = writeBytes(path.join(dir, 'lr.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16)), riffChunk('data', intData([100, -200, 300, -400], 2))]));
    const { channels } = await readAll(await openAudioFile(file));
    expect([...channels[0]]).toEqual([100 / 32768, 300 / 32768]);
    expect([...channels[1]]).toEqual([-200 / 32768, -400 / 32768]);
  });

  it('skips unknown chunks before and after the data, odd-sized ones with their pad byte', async () => {
    const file = writeBytes(
      path.join(dir, 'chunks.wav'),
      riffWave([
        riffChunk('bext', Buffer.alloc(602, 0x41)),
        riffChunk('fmt ', fmtBody(1, 1, 48000, 16)),
        riffChunk('junk', Buffer.from([1, 2, 3])), // odd size: followed by a pad byte
        riffChunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00ama!\x00\x00', 'latin1')),
        riffChunk('data', intData([1000, 2000, 3000], 2)),
        riffChunk('LIST', Buffer.from('INFOICMT\x03\x00\x00\x00hi\x00\x00', 'latin1')),
      ]),
    );
    const src = await openAudioFile(file);
    expect(src.format.durationSec).toBeCloseTo(3 / 48000, 12);
    expect([...(await readAll(src)).channels[0]]).toEqual([1000, 2000, 3000].map((v) => v / 32768));
  });

  it('reads to end of file when the data size is 0xFFFFFFFF or 0 (streaming writers)', async () => {
    for (const size of [0xffffffff, 0]) {
      const dataHeader = Buffer.from('data\0\0\0\0', 'latin1');
      dataHeader.writeUInt32LE(size, 4);
      const file = writeBytes(path.join(dir, `stream-${size}.wav`), riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16)), dataHeader, intData([1, 2, 3, 4, 5, 6], 2)], 0));
      const src = await openAudioFile(file);
      expect(src.format.durationSec).toBeCloseTo(3 / 48000, 12);
      const { channels } = await readAll(src);
      expect([...channels[1]].map((v) => v * 32768)).toEqual([2, 4, 6]);
    }
  });

  it('ignores a trailing partial frame', async () => {
    const file = writeBytes(path.join(dir, 'partial.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16)), riffChunk('data', intData([1, 2, 3, 4, 5], 2))]));
    const src = await openAudioFile(file);
    const { channels } = await readAll(src);
    expect(channels[0].length).toBe(2);
    expect(src.format.durationSec).toBeCloseTo(2 / 48000, 12);
    // A data chunk that declares 3 frames when 2.5 are present lost less than a frame: read the 2.
    const short = riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16)), riffChunk('data', intData([1, 2, 3, 4, 5], 2), 12)]);
    const cut = writeBytes(path.join(dir, 'partial-cut.wav'), short.subarray(0, short.length - 1));
    expect((await readAll(await openAudioFile(cut))).channels[1].length).toBe(2);
  });

  it('takes the subformat and channel mask of WAVE_FORMAT_EXTENSIBLE', async () => {
    const ext = Buffer.alloc(40);
    fmtBody(0xfffe, 4, 48000, 32).copy(ext);
    ext.writeUInt16LE(22, 16);
    ext.writeUInt16LE(24, 18); // 24 valid bits in 32-bit containers
    ext.writeUInt32LE(0x1 | 0x2 | 0x10 | 0x20, 20); // FL FR BL BR
    ext.writeUInt16LE(1, 24);
    Buffer.from([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(ext, 26);
    const samples = intData([0x40000000, -0x40000000, 0x20000000, 0x100, 0, 0, 0, 0], 4);
    const file = writeBytes(path.join(dir, 'ext.wav'), riffWave([riffChunk('fmt ', ext), riffChunk('data', samples)]));
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec: 'pcm_s32le', channels: 4, bitsPerSample: 24, layout: ['L', 'R', 'Lb', 'Rb'] });
    const { channels } = await readAll(src);
    expect(channels.map((c) => c[0])).toEqual([0.5, -0.5, 0.25, 0x100 / 2 ** 31]);
  });
});

describe('WAV: round trips through the writer', () => {
  const formats: Array<{ format: WavSampleFormat; bits: number; lsb: number; codec: string }> = [
    { format: 'pcm8', bits: 8, lsb: 1 / 128, codec: 'pcm_u8' },
    { format: 'pcm16', bits: 16, lsb: 1 / 32768, codec: 'pcm_s16le' },
    { format: 'pcm24', bits: 24, lsb: 1 / 8388608, codec: 'pcm_s24le' },
    { format: 'pcm32', bits: 32, lsb: 2 ** -31, codec: 'pcm_s32le' },
    { format: 'float32', bits: 32, lsb: 0, codec: 'pcm_f32le' },
    { format: 'float64', bits: 64, lsb: 0, codec: 'pcm_f64le' },
  ];
  const frames = 16384 * 2 + 1000; // two full blocks and a short one

  for (const f of formats) {
    for (let channels = 1; channels <= 8; channels++) {
      it(`${f.format}, ${channels} channel${channels > 1 ? 's' : ''}`, async () => {
        const signal = testSignal(channels, frames, 48000);
        const file = path.join(dir, `rt-${f.format}-${channels}.wav`);
        fs.writeFileSync(file, encodeWav(signal, 48000, { format: f.format }));
        const src = await openAudioFile(file);
        expect(src.format).toMatchObject({ codec: f.codec, sampleRate: 48000, channels, bitsPerSample: f.bits, durationSec: frames / 48000 });
        const { channels: got, blockLengths } = await readAll(src);
        expect(blockLengths).toEqual([16384, 16384, 1000]);
        // Rounding to the nearest step: at most half a step (plus float32 rounding of the result).
        for (let c = 0; c < channels; c++) expect(maxAbsDiff(got[c], signal[c])).toBeLessThanOrEqual(f.lsb / 2 + 1e-7);
      });
    }
  }

  for (const rate of [8000, 44100, 96000, 192000]) {
    it(`keeps the sample rate ${rate} Hz`, async () => {
      const signal = testSignal(2, rate / 10, rate);
      const file = path.join(dir, `rate-${rate}.wav`);
      fs.writeFileSync(file, encodeWav(signal, rate, { format: 'pcm24' }));
      const src = await openAudioFile(file);
      expect(src.format).toMatchObject({ sampleRate: rate, durationSec: 0.1 });
      expect((await readAll(src)).channels[0].length).toBe(rate / 10);
    });
  }
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('WAV: agreement with ffmpeg on files ffmpeg wrote', () => {
  const source = path.join(dir, 'ff-source.wav');
  const signal = testSignal(2, 40000, 44100);
  fs.writeFileSync(source, encodeWav(signal, 44100, { format: 'float32' }));

  const variants = [
    { codec: 'pcm_u8', extra: [] },
    { codec: 'pcm_s16le', extra: ['-metadata', 'title=chunk skipping test'] },
    { codec: 'pcm_s24le', extra: [] },
    { codec: 'pcm_s32le', extra: [] },
    { codec: 'pcm_f32le', extra: [] },
    { codec: 'pcm_f64le', extra: [] },
    { codec: 'pcm_s16le', extra: ['-rf64', 'always'], container: 'rf64' },
    { codec: 'pcm_s24le', extra: ['-ac', '6'], channels: 6 },
  ];
  for (const v of variants) {
    it(`${v.codec} ${v.extra.join(' ')}`, async () => {
      const file = path.join(dir, `ff-${v.codec}-${v.extra.length}.wav`);
      ffmpeg('-i', source, '-c:a', v.codec, ...v.extra, file);
      const src = await openAudioFile(file);
      const channels = v.channels ?? 2;
      expect(src.format).toMatchObject({ codec: v.codec, container: v.container ?? 'wav', channels, sampleRate: 44100 });
      const ours = (await readAll(src)).channels;
      const theirs = ffmpegDecode(file, channels);
      for (let c = 0; c < channels; c++) {
        expect(ours[c].length).toBe(theirs[c].length);
        expect(maxAbsDiff(ours[c], theirs[c])).toBeLessThanOrEqual(v.codec === 'pcm_s32le' ? 2 ** -24 : 0);
      }
      // ffmpeg's default 6-channel layout is 5.1 with back surrounds (mask 0x3F).
      if (channels === 6) expect(src.format.layout).toEqual(['L', 'R', 'C', 'LFE', 'Lb', 'Rb']);
    });
  }
});

describe('WAV: stream control', () => {
  it('stops at abort and can be read again from the start', async () => {
    const signal = testSignal(1, 16384 * 4, 48000);
    const file = path.join(dir, 'abort.wav');
    fs.writeFileSync(file, encodeWav(signal, 48000, { format: 'pcm16' }));
    const src = await openAudioFile(file);
    const controller = new AbortController();
    let blocks = 0;
    for await (const block of src.blocks(controller.signal)) {
      expect(block[0].length).toBe(16384);
      blocks++;
      controller.abort();
    }
    expect(blocks).toBe(1);
    const again = await readAll(src);
    expect(again.blockLengths).toEqual([16384, 16384, 16384, 16384]);
    expect(maxAbsDiff(again.channels[0], signal[0])).toBeLessThanOrEqual(0.5 / 32768 + 1e-7);
  });
});
