import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAudioFile } from '../../../src/audio/decode.js';
import { SKIP_WITHOUT_FFMPEG, expectAmaError, ffmpeg, readAll, tempDir, testSignal } from './helpers.js';
import { encodeWav } from '../../../src/audio/wavWriter.js';

const dir = tempDir();
const NOWHERE = path.join(dir, 'no-such-dir', 'ffmpeg');

/** The first bytes of containers that only ffmpeg reads; sniffing needs nothing more. */
const HEADS: Array<[string, string, Buffer]> = [
  ['MP4/M4A', 'song.m4a', Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0', 'latin1')])],
  ['WMA/ASF', 'song.wma', Buffer.from([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0, 0xaa, 0, 0x62, 0xce, 0x6c])],
  ['CAF', 'song.caf', Buffer.from('caff\0\x01\0\0desc', 'latin1')],
  ['Matroska/WebM', 'song.webm', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01])],
  ['AAC (ADTS)', 'song.aac', Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x2e, 0x7f, 0xfc, 0x21, 0, 0, 0, 0])],
  ['Ogg Opus', 'song.opus', oggPage('OpusHead\x01\x02\x38\x01\x80\xbb\0\0\0\0\0')],
];

/** A first Ogg page holding one packet. */
function oggPage(packet: string): Buffer {
  const body = Buffer.from(packet, 'latin1');
  const h = Buffer.alloc(28);
  h.write('OggS', 0, 'latin1');
  h[5] = 2; // beginning of stream
  h[26] = 1;
  h[27] = body.length;
  return Buffer.concat([h, body]);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('without ffmpeg', () => {
  for (const [container, name, head] of HEADS) {
    it(`${container}: NEEDS_FFMPEG naming the container and how to install it`, async () => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, Buffer.concat([head, Buffer.alloc(256)]));
      vi.stubEnv('AMA_FFMPEG', NOWHERE);
      const message = await expectAmaError(openAudioFile(file), 'NEEDS_FFMPEG');
      expect(message).toContain(container);
      expect(message).toContain('install ffmpeg (apt install ffmpeg, brew install ffmpeg, or from ffmpeg.org)');
    });
  }

  it('also when only ffprobe is missing', async () => {
    const file = path.join(dir, 'probe.m4a');
    fs.writeFileSync(file, Buffer.concat([HEADS[0][2], Buffer.alloc(256)]));
    vi.stubEnv('AMA_FFPROBE', NOWHERE);
    await expectAmaError(openAudioFile(file), 'NEEDS_FFMPEG');
  });
});

/**
 * A stand-in for ffmpeg and ffprobe: a Node script behind a shell wrapper. ffprobe mode prints a fixed
 * format; ffmpeg mode does what FAKE_MODE says, so the tests control exactly what comes down the pipe.
 */
function installFakes(): { ffmpeg: string; ffprobe: string; argsFile: string; pidFile: string } {
  const script = path.join(dir, 'fake.cjs');
  const argsFile = path.join(dir, 'fake-args.json');
  const pidFile = path.join(dir, 'fake-pid');
  fs.writeFileSync(
    script,
    `
const fs = require('fs');
const [role, ...args] = process.argv.slice(2);
if (role === 'ffprobe') {
  process.stdout.write(JSON.stringify({ streams: [{ codec_name: 'aac', sample_rate: '48000', channels: 3, duration: '1.000000' }], format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2' } }));
  process.exit(0);
}
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(args));
const mode = process.env.FAKE_MODE;
// Interleaved float32 frames: channel c of frame i holds i * 3 + c (exact in float32 below 2^24).
const frames = 40000, ch = 3;
const all = Buffer.alloc(frames * ch * 4);
for (let i = 0; i < frames * ch; i++) all.writeFloatLE(i, i * 4);
if (mode === 'chunks') {
  // Odd-sized writes, so samples and frames are split across reads.
  let at = 0;
  const sizes = [7, 1, 4093, 12, 65536, 5, 100001, 3];
  let k = 0;
  const next = () => {
    if (at >= all.length) return;
    const n = Math.min(sizes[k++ % sizes.length], all.length - at);
    process.stdout.write(all.subarray(at, at + n), () => setImmediate(next));
    at += n;
  };
  next();
} else if (mode === 'fail') {
  process.stdout.write(all.subarray(0, 1000), () => {
    process.stderr.write('[aac @ 0x5555] channel element 1.0 is not allocated\\nError while decoding stream #0:0: Invalid data found when processing input\\n');
    process.exit(1);
  });
} else if (mode === 'forever') {
  fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
  // Like a stuck decoder: survives its reader going away, so only a kill ends it.
  process.stdout.on('error', () => undefined);
  process.on('SIGPIPE', () => undefined);
  setInterval(() => undefined, 1000);
  const zeros = Buffer.alloc(1 << 16);
  const more = (err) => { if (!err) process.stdout.write(zeros, more); };
  more();
}
`,
  );
  const wrapper = (role: string): string => {
    const file = path.join(dir, `fake-${role}`);
    fs.writeFileSync(file, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} ${role} "$@"\n`, { mode: 0o755 });
    return file;
  };
  return { ffmpeg: wrapper('ffmpeg'), ffprobe: wrapper('ffprobe'), argsFile, pidFile };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(process.platform === 'win32')('the ffmpeg path, against a stand-in ffmpeg', () => {
  const fake = installFakes();
  const file = path.join(dir, 'fake.m4a');
  fs.writeFileSync(file, Buffer.concat([HEADS[0][2], Buffer.alloc(256)]));
  const useFake = (mode: string): void => {
    vi.stubEnv('AMA_FFMPEG', fake.ffmpeg);
    vi.stubEnv('AMA_FFPROBE', fake.ffprobe);
    vi.stubEnv('FAKE_MODE', mode);
  };

  it('takes the format from ffprobe and planarises ffmpeg output split at odd byte counts', async () => {
    useFake('chunks');
    const src = await openAudioFile(file);
    expect(src.format).toMatchObject({ codec: 'aac', container: 'mov,mp4,m4a,3gp,3g2,mj2', sampleRate: 48000, channels: 3, durationSec: 1, bitsPerSample: null });
    const { channels, blockLengths } = await readAll(src);
    expect(blockLengths).toEqual([16384, 16384, 40000 - 2 * 16384]);
    for (let c = 0; c < 3; c++) {
      const wrong = channels[c].findIndex((v, i) => v !== i * 3 + c);
      expect(wrong).toBe(-1);
    }
    const args = JSON.parse(fs.readFileSync(fake.argsFile, 'utf8')) as string[];
    expect(args).toEqual(expect.arrayContaining(['-i', file, '-f', 'f32le', '-ac', '3', '-ar', '48000', '-']));
  });

  it('turns a non-zero exit into DECODE_FAILED with the last line ffmpeg printed', async () => {
    useFake('fail');
    const src = await openAudioFile(file);
    const message = await expectAmaError(readAll(src), 'DECODE_FAILED');
    expect(message).toContain('Error while decoding stream #0:0: Invalid data found when processing input');
  });

  it('kills ffmpeg when the consumer stops early', async () => {
    useFake('forever');
    fs.rmSync(fake.pidFile, { force: true });
    const src = await openAudioFile(file);
    for await (const block of src.blocks()) {
      expect(block[0].length).toBe(16384);
      break;
    }
    const pid = Number(fs.readFileSync(fake.pidFile, 'utf8'));
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 5000 });
  });

  it('kills ffmpeg and ends the stream when the signal aborts', async () => {
    useFake('forever');
    fs.rmSync(fake.pidFile, { force: true });
    const src = await openAudioFile(file);
    const controller = new AbortController();
    let blocks = 0;
    for await (const _ of src.blocks(controller.signal)) {
      if (++blocks === 3) controller.abort();
    }
    expect(blocks).toBe(3);
    const pid = Number(fs.readFileSync(fake.pidFile, 'utf8'));
    await vi.waitFor(() => expect(isRunning(pid)).toBe(false), { timeout: 5000 });
  });
});

describe.skipIf(SKIP_WITHOUT_FFMPEG)('WAV codecs ama does not decode itself', () => {
  const source = path.join(dir, 'adpcm-src.wav');
  fs.writeFileSync(source, encodeWav(testSignal(2, 20000, 44100), 44100, { format: 'pcm16' }));

  it.each([
    ['adpcm_ms', '0x0002 (Microsoft ADPCM)'],
    ['libmp3lame', '0x0055 (MP3)'],
  ])('%s: read through ffmpeg when present, UNSUPPORTED_CODEC naming tag %s when not', async (codec, tag) => {
    const file = path.join(dir, `${codec}.wav`);
    ffmpeg('-i', source, '-c:a', codec, file);
    const src = await openAudioFile(file);
    expect(src.format.channels).toBe(2);
    expect((await readAll(src)).channels[0].length).toBeGreaterThan(19000);
    vi.stubEnv('AMA_FFMPEG', NOWHERE);
    const message = await expectAmaError(openAudioFile(file), 'UNSUPPORTED_CODEC');
    expect(message).toContain(`WAV format tag ${tag}`);
    expect(message).toContain('ffmpeg -i in -c:a pcm_s24le out.wav');
  });
});
