import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { encodeWav } from '../../../src/audio/wavWriter.js';
import { SKIP_WITHOUT_FFMPEG, expectAmaError, ffmpeg, fmtBody, readAll, riffChunk, riffWave, tempDir, testSignal, writeBytes } from './helpers.js';

const dir = tempDir();
const at = (name: string): string => path.join(dir, name);
const pcm16Stereo = (frames: number): Buffer => Buffer.alloc(frames * 4);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('files that cannot be opened', () => {
  it('FILE_NOT_FOUND for a missing file', async () => {
    expect(await expectAmaError(openAudioFile(at('missing.wav')), 'FILE_NOT_FOUND')).toMatch(/no such file; check the path/);
  });

  it('FILE_UNREADABLE for a directory', async () => {
    fs.mkdirSync(at('folder.wav'));
    expect(await expectAmaError(openAudioFile(at('folder.wav')), 'FILE_UNREADABLE')).toMatch(/is a directory/);
  });

  it.skipIf(process.getuid?.() === 0)('FILE_UNREADABLE without read permission', async () => {
    const file = writeBytes(at('locked.wav'), encodeWav([new Float32Array(10)], 48000));
    fs.chmodSync(file, 0);
    expect(await expectAmaError(openAudioFile(file), 'FILE_UNREADABLE')).toMatch(/permission denied/);
  });

  it('EMPTY_FILE for 0 bytes', async () => {
    expect(await expectAmaError(openAudioFile(writeBytes(at('empty.wav'))), 'EMPTY_FILE')).toMatch(/empty \(0 bytes\)/);
  });
});

describe('not audio', () => {
  it('a text file renamed .wav', async () => {
    const file = at('notes.wav');
    fs.writeFileSync(file, 'hello world, this is not a song\n');
    expect(await expectAmaError(openAudioFile(file), 'NOT_AUDIO')).toBe(
      'not an audio file: it starts with text "hello wor..."; expected a RIFF/WAVE header',
    );
  });

  it('a PNG renamed .mp3 is named as an image', async () => {
    const file = writeBytes(at('cover.mp3'), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await expectAmaError(openAudioFile(file), 'NOT_AUDIO')).toBe(
      'not an audio file: it is a PNG image; expected an ID3 tag or an MPEG frame header',
    );
  });

  it('unrecognised binary without ffmpeg shows its first bytes', async () => {
    vi.stubEnv('AMA_FFMPEG', at('nowhere/ffmpeg'));
    const file = writeBytes(at('blob.bin'), [0x00, 0x01, 0x02, 0x03, 0xfe, 0x00, 0x10, 0x80, 0x00, 0x00]);
    expect(await expectAmaError(openAudioFile(file), 'NOT_AUDIO')).toMatch(/starts with bytes 00 01 02 03 fe 00 10 80/);
  });

  it.skipIf(SKIP_WITHOUT_FFMPEG)('unrecognised binary that ffprobe does not know either, or only guesses at', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 0xff));
    expect(await expectAmaError(openAudioFile(writeBytes(at('random.bin'), random)), 'NOT_AUDIO')).toMatch(/ffprobe does not recognise it either/);
    // ffprobe takes this for "Nintendo GameCube DTK ADPCM" with a score of 25 ("misdetection possible").
    const blob = writeBytes(at('blob2.bin'), Buffer.alloc(4096, 0x5a).fill(0, 0, 4).fill(7, 100, 200));
    expect(await expectAmaError(openAudioFile(blob), 'NOT_AUDIO')).toMatch(/ffprobe only guesses at it \(adp, probe score 25 of 100\)/);
  });
});

describe('damaged WAV headers', () => {
  const fmt = riffChunk('fmt ', fmtBody(1, 2, 48000, 16));

  it('TRUNCATED when the file stops inside the RIFF header', async () => {
    const file = writeBytes(at('cut8.wav'), Buffer.from('RIFF\x24\x00\x00\x00', 'latin1'));
    expect(await expectAmaError(openAudioFile(file), 'TRUNCATED')).toMatch(/only 8 bytes, too short for a WAV header/);
  });

  it('TRUNCATED when the file stops inside the fmt chunk', async () => {
    const whole = riffWave([fmt, riffChunk('data', pcm16Stereo(100))]);
    const file = writeBytes(at('cut-fmt.wav'), whole.subarray(0, 12 + 8 + 10));
    expect(await expectAmaError(openAudioFile(file), 'TRUNCATED')).toMatch(/ends inside its WAV header, before the fmt chunk is complete/);
  });

  it('TRUNCATED when the file stops before the data chunk', async () => {
    const whole = riffWave([fmt, riffChunk('LIST', Buffer.alloc(100)), riffChunk('data', pcm16Stereo(100))]);
    const file = writeBytes(at('cut-list.wav'), whole.subarray(0, 12 + 24 + 50));
    expect(await expectAmaError(openAudioFile(file), 'TRUNCATED')).toMatch(/before the data chunk is complete/);
  });

  it('CORRUPT_HEADER for a fmt chunk shorter than 16 bytes', async () => {
    const file = writeBytes(at('short-fmt.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16).subarray(0, 14)), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(file), 'CORRUPT_HEADER')).toMatch(/fmt chunk is 14 bytes, shorter than the 16 it needs/);
  });

  it('CORRUPT_HEADER for a block align that does not match channels and bits', async () => {
    const file = writeBytes(at('align.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 2, 48000, 16, 6)), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(file), 'CORRUPT_HEADER')).toMatch(/block align is 6 bytes, but 2 channels of 16-bit samples take 4/);
  });

  it('CORRUPT_HEADER for zero channels', async () => {
    const file = writeBytes(at('zero-ch.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 0, 48000, 16, 0)), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(file), 'CORRUPT_HEADER')).toMatch(/says the file has 0 channels/);
  });

  it('CORRUPT_HEADER for a zero sample rate', async () => {
    const file = writeBytes(at('zero-rate.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 2, 0, 16)), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(file), 'CORRUPT_HEADER')).toMatch(/sample rate is 0 Hz/);
  });

  it('CORRUPT_HEADER for a missing fmt chunk, and for unreadable chunk ids', async () => {
    const noFmt = writeBytes(at('no-fmt.wav'), riffWave([riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(noFmt), 'CORRUPT_HEADER')).toMatch(/no fmt chunk/);
    const garbage = writeBytes(at('garbage.wav'), riffWave([fmt, Buffer.from([0, 1, 2, 3, 8, 0, 0, 0]), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(garbage), 'CORRUPT_HEADER')).toMatch(/chunk at byte 36 has no readable name/);
  });

  it('CORRUPT_HEADER for float samples of a width that does not exist', async () => {
    const file = writeBytes(at('f16.wav'), riffWave([riffChunk('fmt ', fmtBody(3, 1, 48000, 16)), riffChunk('data', Buffer.alloc(20))]));
    expect(await expectAmaError(openAudioFile(file), 'CORRUPT_HEADER')).toMatch(/16-bit floating-point samples/);
  });
});

describe('formats ama does not analyse', () => {
  it.each([4000, 7999, 192001, 384000])('BAD_FORMAT for %d Hz, naming the rate and the accepted range', async (rate) => {
    const file = writeBytes(at(`rate-${rate}.wav`), riffWave([riffChunk('fmt ', fmtBody(1, 2, rate, 16)), riffChunk('data', pcm16Stereo(10))]));
    expect(await expectAmaError(openAudioFile(file), 'BAD_FORMAT')).toMatch(new RegExp(`sample rate is ${rate} Hz; ama reads 8000 to 192000 Hz`));
  });

  it('BAD_FORMAT for 9 channels', async () => {
    const file = writeBytes(at('nine.wav'), riffWave([riffChunk('fmt ', fmtBody(1, 9, 48000, 16)), riffChunk('data', Buffer.alloc(9 * 2 * 10))]));
    expect(await expectAmaError(openAudioFile(file), 'BAD_FORMAT')).toMatch(/9 channels; ama reads 1 to 8/);
  });

  it('UNSUPPORTED_CODEC for WAV format tags it does not decode, when ffmpeg is absent', async () => {
    vi.stubEnv('AMA_FFMPEG', at('nowhere/ffmpeg'));
    for (const [tag, name] of [[0x0002, 'Microsoft ADPCM'], [0x0055, 'MP3'], [0x1234, null]] as const) {
      const file = writeBytes(at(`tag-${tag}.wav`), riffWave([riffChunk('fmt ', fmtBody(tag, 2, 44100, 4, 2048)), riffChunk('data', Buffer.alloc(4096))]));
      const message = await expectAmaError(openAudioFile(file), 'UNSUPPORTED_CODEC');
      expect(message).toContain(`WAV format tag 0x${tag.toString(16).padStart(4, '0')}${name ? ` (${name})` : ''}`);
      expect(message).toContain('install ffmpeg');
    }
  });
});

describe('truncated audio data', () => {
  it('TRUNCATED for a WAV whose data chunk declares more than the file holds, in seconds', async () => {
    const full = encodeWav(testSignal(2, 48000 * 10, 48000), 48000, { format: 'pcm16' });
    const file = writeBytes(at('cut-data.wav'), full.subarray(0, 44 + 48000 * 4 * 2.5));
    expect(await expectAmaError(openAudioFile(file), 'TRUNCATED')).toBe(
      'the header declares 10.00 s of audio but the file holds only 2.50 s; it was cut off while copying or recording: copy or export it again',
    );
  });

  it('TRUNCATED for an AIFF whose COMM frame count exceeds the samples present', async () => {
    const comm = Buffer.alloc(18);
    comm.writeUInt16BE(1, 0);
    comm.writeUInt32BE(8000 * 4, 2);
    comm.writeUInt16BE(16, 6);
    Buffer.from([0x40, 0x0b, 0xfa, 0, 0, 0, 0, 0, 0, 0]).copy(comm, 8); // 8000 Hz
    const ssnd = Buffer.alloc(16 + 8000 * 2);
    const body = Buffer.concat([Buffer.from('COMM\0\0\0\x12', 'latin1'), comm, Buffer.from('SSND', 'latin1'), Buffer.alloc(4), ssnd]);
    body.writeUInt32BE(8 + 8000 * 2 * 4, 30);
    const file = writeBytes(at('cut.aiff'), Buffer.from('FORM\0\0\0\0AIFF', 'latin1'), body);
    expect(await expectAmaError(openAudioFile(file), 'TRUNCATED')).toMatch(/declares 4.00 s of audio but the file holds only 1.00 s/);
  });

  it.skipIf(SKIP_WITHOUT_FFMPEG)('TRUNCATED for a FLAC file cut short, after the audio that is there', async () => {
    const wav = writeBytes(at('flac-src.wav'), encodeWav(testSignal(2, 44100 * 4, 44100), 44100, { format: 'pcm16' }));
    ffmpeg('-i', wav, '-c:a', 'flac', at('whole.flac'));
    const whole = fs.readFileSync(at('whole.flac'));
    const file = writeBytes(at('cut.flac'), whole.subarray(0, Math.floor(whole.length / 2)));
    const src = await openAudioFile(file);
    expect(src.format.durationSec).toBe(4);
    let frames = 0;
    const message = await expectAmaError(
      (async () => {
        for await (const block of src.blocks()) frames += block[0].length;
      })(),
      'TRUNCATED',
    );
    expect(frames).toBeGreaterThan(44100);
    expect(message).toMatch(/declares 4.00 s of audio but the file holds only \d\.\d\d s/);
  });

  it.skipIf(SKIP_WITHOUT_FFMPEG)('FLAC with damaged frames: they become silence of the same length, the rest stays bit-exact', async () => {
    const signal = testSignal(2, 44100 * 6, 44100);
    const wav = writeBytes(at('flac-dmg-src.wav'), encodeWav(signal, 44100, { format: 'pcm16' }));
    ffmpeg('-i', wav, '-c:a', 'flac', at('intact.flac'));
    const bytes = fs.readFileSync(at('intact.flac'));
    const damaged = Buffer.from(bytes);
    for (let i = Math.floor(bytes.length * 0.5); i < Math.floor(bytes.length * 0.5) + 3000; i++) damaged[i] = (i * 131) & 0xff;
    const src = await openAudioFile(writeBytes(at('damaged.flac'), damaged));
    const { channels } = await readAll(src);
    expect(channels[0].length).toBe(44100 * 6);
    expect(src.warnings.some((w) => /^at \d+\.\d\d s: damaged FLAC frames skipped; \d\.\d{3} s of silence/.test(w))).toBe(true);
    // Where ours differs from the source, ours is silent; and that stretch is short (a few frames).
    let differing = 0;
    for (let i = 0; i < channels[0].length; i++) {
      const expected = Math.round(signal[0][i] * 32768) / 32768;
      if (channels[0][i] !== expected) {
        differing++;
        expect(channels[0][i]).toBe(0);
      }
    }
    expect(differing).toBeGreaterThan(0);
    expect(differing).toBeLessThan(44100 * 0.5);
  });

  it.skipIf(SKIP_WITHOUT_FFMPEG)('MP3 with damaged frames: the decoder recovers, the damage is reported as warnings', async () => {
    const wav = writeBytes(at('mp3-src.wav'), encodeWav(testSignal(2, 44100 * 4, 44100), 44100, { format: 'pcm16' }));
    ffmpeg('-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', at('whole.mp3'));
    const bytes = fs.readFileSync(at('whole.mp3'));
    const damaged = Buffer.from(bytes);
    // Garbage over the middle: the decoder must resync after it.
    for (let i = Math.floor(bytes.length * 0.4); i < Math.floor(bytes.length * 0.45); i++) damaged[i] = (i * 131) & 0xff;
    const file = writeBytes(at('damaged.mp3'), damaged);
    const src = await openAudioFile(file);
    const { channels } = await readAll(src);
    expect(channels[0].length).toBeGreaterThan(44100 * 3);
    expect(src.warnings.length).toBeGreaterThan(0);
    expect(src.warnings[0]).toMatch(/^at \d+\.\d\d s: /);
  });
});
