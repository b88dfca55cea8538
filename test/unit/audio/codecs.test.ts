import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { encodeWav } from '../../../src/audio/wavWriter.js';
import { SKIP_WITHOUT_FFMPEG, bestAlignment, ffmpeg, ffmpegDecode, maxAbsDiff, readAll, rms, tempDir, testSignal } from './helpers.js';

const dir = tempDir();

/** Writes a test signal as a WAV that ffmpeg then encodes; returns the signal as stored (quantised). */
function sourceWav(name: string, channels: number, seconds: number, rate: number, format: 'pcm16' | 'pcm24'): { file: string; signal: Float32Array[] } {
  const signal = testSignal(channels, Math.round(seconds * rate), rate);
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeWav(signal, rate, { format }));
  const step = format === 'pcm16' ? 32768 : 8388608;
  return { file, signal: signal.map((ch) => ch.map((v) => Math.round(v * step) / step)) };
}

/** A minimal ID3v2.3 tag of `size` bytes of padding (size as a syncsafe integer). */
function id3Tag(paddingBytes: number): Buffer {
  const h = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  h[6] = (paddingBytes >> 21) & 0x7f;
  h[7] = (paddingBytes >> 14) & 0x7f;
  h[8] = (paddingBytes >> 7) & 0x7f;
  h[9] = paddingBytes & 0x7f;
  return Buffer.concat([h, Buffer.alloc(paddingBytes)]);
}

/**
 * Lossy codecs: ours must agree with ffmpeg's decode of the same file (the truth for what the codec
 * produces; same start, same level) and follow the source (correlation above 0.99 once the codec delay
 * is aligned). The level against the source is the encoder's business (LAME loses ~0.5 dB on this signal).
 */
function expectLossyMatch(file: string, source: Float32Array[], ours: Float32Array[]): void {
  const theirs = ffmpegDecode(file, ours.length);
  for (let c = 0; c < ours.length; c++) {
    const vsFfmpeg = bestAlignment(theirs[c], ours[c], 2048);
    expect(vsFfmpeg.lag).toBe(0);
    expect(vsFfmpeg.correlation).toBeGreaterThan(0.9999);
    const n = Math.min(ours[c].length, theirs[c].length);
    expect(Math.abs(20 * Math.log10(rms(ours[c].subarray(0, n)) / rms(theirs[c].subarray(0, n))))).toBeLessThan(0.01);
    expect(bestAlignment(source[c], ours[c]).correlation).toBeGreaterThan(0.99);
  }
}

describe.skipIf(SKIP_WITHOUT_FFMPEG)('FLAC (made by ffmpeg)', () => {
  it.each([
    { channels: 2, rate: 44100, format: 'pcm16' as const, bits: 16 },
    { channels: 1, rate: 96000, format: 'pcm24' as const, bits: 24 },
    { channels: 6, rate: 48000, format: 'pcm24' as const, bits: 24 },
  ])('decodes $channels ch $rate Hz $bits-bit bit-exactly', async ({ channels, rate, format, bits }) => {
    const { file: wav, signal } = sourceWav(`flac-src-${channels}-${rate}.wav`, channels, 2.5, rate, format);
    const flac = path.join(dir, `t-${channels}-${rate}.flac`);
    ffmpeg('-i', wav, '-c:a', 'flac', flac);
    const src = await openAudioFile(flac);
    expect(src.format).toMatchObject({ codec: 'flac', container: 'flac', sampleRate: rate, channels, bitsPerSample: bits, durationSec: signal[0].length / rate });
    const { channels: got, blockLengths } = await readAll(src);
    expect(blockLengths.slice(0, -1).every((n) => n === 16384)).toBe(true);
    const theirs = ffmpegDecode(flac, channels);
    for (let c = 0; c < channels; c++) {
      expect(got[c].length).toBe(signal[c].length);
      // Lossless: every sample is the source's integer / 2^(bits-1), exactly as ffmpeg decodes it.
      expect(maxAbsDiff(got[c], signal[c])).toBe(0);
      expect(maxAbsDiff(got[c], theirs[c])).toBe(0);
    }
    expect(src.warnings).toEqual([]);
  });

  it.each([16, 24] as const)('keeps full scale exact at %d bits: -1.0 stays -1.0, never below', async (bits) => {
    const step = 2 ** -(bits - 1);
    const x = new Float32Array(8192).map((_, i) => [-1, 1 - step, 0, step, -step, 0.5][i % 6]);
    const wav = path.join(dir, `fullscale-${bits}.wav`);
    fs.writeFileSync(wav, encodeWav([x], 48000, { format: bits === 16 ? 'pcm16' : 'pcm24' }));
    const flac = path.join(dir, `fullscale-${bits}.flac`);
    ffmpeg('-i', wav, '-c:a', 'flac', flac);
    const { channels } = await readAll(await openAudioFile(flac));
    expect(maxAbsDiff(channels[0], x)).toBe(0);
    expect(Math.min(...channels[0])).toBe(-1);
  });

  it('skips an ID3 tag before fLaC, and metadata that contains frame-sync lookalikes', async () => {
    const { file: wav, signal } = sourceWav('flac-id3.wav', 2, 1, 44100, 'pcm16');
    const flac = path.join(dir, 'plain.flac');
    ffmpeg('-i', wav, '-c:a', 'flac', flac);
    const bytes = fs.readFileSync(flac);
    // Insert an APPLICATION block full of 0xFFF8 (FLAC frame sync) right after STREAMINFO (4 + 4 + 34 bytes).
    const app = Buffer.alloc(4 + 20000, 0xff);
    for (let i = 4; i < app.length; i += 2) app[i + 1] = 0xf8;
    app[0] = 2; // not last, type APPLICATION
    app.writeUIntBE(20000, 1, 3);
    bytes[4] &= 0x7f; // STREAMINFO is no longer the last block
    const tagged = path.join(dir, 'tagged.flac');
    fs.writeFileSync(tagged, Buffer.concat([id3Tag(3000), bytes.subarray(0, 42), app, bytes.subarray(42)]));
    const src = await openAudioFile(tagged);
    expect(src.format).toMatchObject({ codec: 'flac', channels: 2, sampleRate: 44100 });
    const { channels } = await readAll(src);
    expect(channels[0].length).toBe(44100);
    expect(maxAbsDiff(channels[1], signal[1])).toBe(0);
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('MP3 (made by ffmpeg with LAME)', () => {
  it.each([
    { channels: 2, rate: 44100, extra: ['-b:a', '192k'], tagged: true },
    { channels: 1, rate: 48000, extra: ['-b:a', '128k'], tagged: true },
    { channels: 2, rate: 32000, extra: ['-q:a', '2'], tagged: true },
    { channels: 2, rate: 44100, extra: ['-b:a', '160k', '-write_xing', '0', '-id3v2_version', '0'], tagged: false },
  ])('decodes $channels ch $rate Hz $extra', async ({ channels, rate, extra, tagged }) => {
    const { file: wav, signal } = sourceWav(`mp3-src-${channels}-${rate}-${extra.length}.wav`, channels, 3, rate, 'pcm16');
    const mp3 = path.join(dir, `t-${channels}-${rate}-${extra.length}.mp3`);
    ffmpeg('-i', wav, '-c:a', 'libmp3lame', ...extra, mp3);
    const src = await openAudioFile(mp3);
    expect(src.format).toMatchObject({ codec: 'mp3', container: 'mp3', sampleRate: rate, channels, bitsPerSample: null });
    const { channels: got } = await readAll(src);
    const frameSamples = rate >= 32000 ? 1152 : 576;
    // With a LAME tag the decoder trims delay and padding; without one, only whole frames are known.
    const slack = tagged ? 2 * frameSamples : 4 * frameSamples;
    expect(Math.abs(got[0].length - signal[0].length)).toBeLessThanOrEqual(slack);
    if (tagged) expect(Math.abs(src.format.durationSec! - signal[0].length / rate)).toBeLessThanOrEqual(slack / rate);
    else expect(src.format.durationSec).toBeNull(); // no length tag: unknown, not guessed
    expectLossyMatch(mp3, signal, got);
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('Ogg Vorbis (made by ffmpeg with libvorbis)', () => {
  it.each([
    { channels: 2, rate: 44100 },
    { channels: 1, rate: 22050 },
  ])('decodes $channels ch $rate Hz', async ({ channels, rate }) => {
    const { file: wav, signal } = sourceWav(`ogg-src-${channels}-${rate}.wav`, channels, 3, rate, 'pcm16');
    const ogg = path.join(dir, `t-${channels}-${rate}.ogg`);
    ffmpeg('-i', wav, '-c:a', 'libvorbis', '-q:a', '6', ogg);
    const src = await openAudioFile(ogg);
    expect(src.format).toMatchObject({ codec: 'vorbis', container: 'ogg', sampleRate: rate, channels, bitsPerSample: null });
    expect(src.format.durationSec).toBeCloseTo(signal[0].length / rate, 3);
    const { channels: got } = await readAll(src);
    expect(Math.abs(got[0].length - signal[0].length)).toBeLessThanOrEqual(2048);
    expectLossyMatch(ogg, signal, got);
  });

  const music = '/usr/share/games/wesnoth/1.16/data/core/music/battle.ogg';
  it.skipIf(!fs.existsSync(music))('agrees with ffmpeg on real music', async () => {
    const src = await openAudioFile(music);
    const ours = (await readAll(src)).channels;
    const theirs = ffmpegDecode(music, src.format.channels);
    expect(Math.abs(ours[0].length - theirs[0].length)).toBeLessThanOrEqual(2048);
    expect(Math.abs(src.format.durationSec! - theirs[0].length / src.format.sampleRate)).toBeLessThan(0.05);
    const tenSeconds = src.format.sampleRate * 10;
    for (let c = 0; c < src.format.channels; c++) {
      const { lag, correlation } = bestAlignment(theirs[c].subarray(0, tenSeconds), ours[c].subarray(0, tenSeconds), 256);
      expect(lag).toBe(0);
      expect(correlation).toBeGreaterThan(0.9999);
    }
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('containers read through ffmpeg', () => {
  it.each([
    { name: 'M4A/AAC', ext: 'm4a', args: ['-c:a', 'aac', '-b:a', '192k'], codec: 'aac', rate: 44100, lossy: true },
    { name: 'AAC ADTS (length unknown)', ext: 'aac', args: ['-c:a', 'aac', '-b:a', '192k'], codec: 'aac', rate: 44100, lossy: true, unknownLength: true },
    { name: 'Ogg Opus', ext: 'opus', args: ['-c:a', 'libopus', '-b:a', '160k'], codec: 'opus', rate: 48000, lossy: true },
    { name: 'Ogg FLAC', ext: 'oga', args: ['-c:a', 'flac'], codec: 'flac', rate: 44100, lossy: false },
    { name: 'Matroska FLAC, 3 channels (frames split across pipe reads)', ext: 'mka', args: ['-c:a', 'flac', '-ac', '3'], codec: 'flac', rate: 44100, lossy: false, channels: 3 },
    { name: 'WAV with MS ADPCM', ext: 'wav', args: ['-c:a', 'adpcm_ms'], codec: 'adpcm_ms', rate: 44100, lossy: true },
    { name: 'WAV with MP3 inside (length unknown)', ext: 'wav', args: ['-c:a', 'libmp3lame', '-b:a', '192k'], codec: 'mp3', rate: 44100, lossy: true, unknownLength: true },
  ])('$name', async ({ ext, args, codec, rate, lossy, ...rest }) => {
    const channels = rest.channels ?? 2;
    const { file: wav } = sourceWav(`ff-src-${codec}-${channels}.wav`, 2, 3, 44100, 'pcm16');
    const out = path.join(dir, `ff-${codec}-${channels}-${ext}.${ext}`);
    ffmpeg('-i', wav, ...args, out);
    const src = await openAudioFile(out);
    expect(src.format).toMatchObject({ codec, sampleRate: rate, channels });
    // ADTS has no length field: ffprobe's size/bitrate guess is not reported as a duration.
    if (rest.unknownLength) expect(src.format.durationSec).toBeNull();
    else expect(Math.abs(src.format.durationSec! - 3)).toBeLessThan(0.05);
    const ours = (await readAll(src)).channels;
    // The truth: ffmpeg's own decode of the same file, resampled the same way.
    const theirs = ffmpegDecode(out, channels);
    for (let c = 0; c < channels; c++) {
      expect(ours[c].length).toBe(theirs[c].length);
      if (lossy) expect(maxAbsDiff(ours[c], theirs[c])).toBeLessThan(1e-6);
      else expect(maxAbsDiff(ours[c], theirs[c])).toBe(0);
    }
    // And the source signal is what came out (Opus runs at 48 kHz, so only the 44.1 kHz ones).
    if (rate === 44100) expect(bestAlignment(ffmpegDecode(wav, 2)[0], ours[0]).correlation).toBeGreaterThan(0.99);
  });
});
