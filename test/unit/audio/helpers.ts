import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { AudioSource } from '../../../src/audio/types.js';
import { AmaError, type AmaErrorCode } from '../../../src/util/errors.js';

/** ffmpeg and ffprobe are on PATH (CI installs them; elsewhere their tests are skipped, in CI they fail). */
export const HAS_FFMPEG = ['ffmpeg', 'ffprobe'].every((cmd) => spawnSync(cmd, ['-version'], { stdio: 'ignore' }).status === 0);
/** Skip ffmpeg-dependent tests only outside CI. */
export const SKIP_WITHOUT_FFMPEG = !HAS_FFMPEG && !process.env.CI;

/** A fresh temporary folder, removed after the test file's tests (call at module or describe level). */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-audio-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic pseudo-random numbers in [-1, 1) (a 32-bit LCG), so fixtures are the same everywhere. */
export function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2147483648 - 1;
  };
}

/**
 * A music-like test signal: per channel a different chord of sines plus a little noise, peak about
 * `peak`. Distinct channels make swapped or misordered channels show up.
 */
export function testSignal(channels: number, frames: number, sampleRate: number, peak = 0.7): Float32Array[] {
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const rnd = noise(1234 + c);
    const x = new Float32Array(frames);
    const f1 = 220 * (1 + c * 0.25);
    const f2 = f1 * 1.5;
    const f3 = Math.min(5000 + 300 * c, sampleRate * 0.4);
    for (let i = 0; i < frames; i++) {
      const t = i / sampleRate;
      x[i] = peak * (0.45 * Math.sin(2 * Math.PI * f1 * t) + 0.3 * Math.sin(2 * Math.PI * f2 * t + c) + 0.15 * Math.sin(2 * Math.PI * f3 * t) + 0.1 * rnd());
    }
    out.push(x);
  }
  return out;
}

/** Reads every block of a source; returns the concatenated channels and each block's length. */
export async function readAll(source: AudioSource, signal?: AbortSignal): Promise<{ channels: Float32Array[]; blockLengths: number[] }> {
  const parts: Float32Array[][] = [];
  const blockLengths: number[] = [];
  for await (const block of source.blocks(signal)) {
    expect(block.length).toBe(source.format.channels);
    for (const ch of block) expect(ch.length).toBe(block[0].length);
    parts.push(block);
    blockLengths.push(block[0].length);
  }
  const total = blockLengths.reduce((a, b) => a + b, 0);
  const channels = Array.from({ length: source.format.channels }, (_, c) => {
    const x = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      x.set(p[c], at);
      at += p[c].length;
    }
    return x;
  });
  return { channels, blockLengths };
}

/** Runs ffmpeg quietly, failing the test with its stderr when it fails. */
export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** What ffmpeg itself decodes from a file, planar float (the independent truth for our decoders). */
export function ffmpegDecode(file: string, channels: number): Float32Array[] {
  const raw = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'f32le', '-acodec', 'pcm_f32le', '-'], {
    maxBuffer: 1 << 30,
  });
  const inter = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const frames = inter.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    const x = new Float32Array(frames);
    for (let i = 0; i < frames; i++) x[i] = inter[i * channels + c];
    return x;
  });
}

/** ffprobe's view of the first audio stream. */
export function ffprobeStream(file: string): Record<string, string | number> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as { streams: Record<string, string | number>[]; format: Record<string, string | number> };
  return { ...parsed.streams[0], format_name: parsed.format.format_name };
}

/** Writes a file made of the given pieces (Buffers or byte arrays). */
export function writeBytes(file: string, ...pieces: Array<Buffer | number[]>): string {
  fs.writeFileSync(file, Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))));
  return file;
}

/** A RIFF chunk: 4-char id, little-endian size, body, pad byte when odd. */
export function riffChunk(id: string, body: Buffer, sizeOverride?: number): Buffer {
  const h = Buffer.alloc(8);
  h.write(id, 0, 'latin1');
  h.writeUInt32LE(sizeOverride ?? body.length, 4);
  return Buffer.concat(body.length & 1 ? [h, body, Buffer.alloc(1)] : [h, body]);
}

/** A PCM/float "fmt " chunk body (16 bytes) from its fields. */
export function fmtBody(tag: number, channels: number, rate: number, bits: number, blockAlign = (channels * bits) / 8): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(tag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE(rate * blockAlign, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(bits, 14);
  return b;
}

/** A RIFF/WAVE file from chunks (the RIFF size is computed unless given). */
export function riffWave(chunks: Buffer[], riffSize?: number): Buffer {
  const body = Buffer.concat(chunks);
  const h = Buffer.alloc(12);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(riffSize ?? body.length + 4, 4);
  h.write('WAVE', 8, 'latin1');
  return Buffer.concat([h, body]);
}

/** Expects a promise to reject with an AmaError of `code`; returns its message for further checks. */
export async function expectAmaError(promise: Promise<unknown>, code: AmaErrorCode): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AmaError);
    expect({ code: (err as AmaError).code, message: (err as AmaError).message }).toMatchObject({ code });
    expect((err as AmaError).message).not.toContain('\n');
    return (err as AmaError).message;
  }
  throw new Error(`expected an AmaError ${code}, but nothing was thrown`);
}

/** Largest absolute difference between two signals over their common length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Root mean square of a signal. */
export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/**
 * The lag (decoded index minus source index, within +-maxLag) that maximises the normalised correlation
 * of `decoded` with `source`, and that correlation, over a window in the middle of the source.
 */
export function bestAlignment(source: Float32Array, decoded: Float32Array, maxLag = 4096): { lag: number; correlation: number } {
  const start = maxLag;
  const len = Math.min(source.length, decoded.length) - 2 * maxLag;
  let best = { lag: 0, correlation: -Infinity };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = start; i < start + len; i += 4) {
      const x = source[i];
      const y = decoded[i + lag];
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    const r = sxy / Math.sqrt(sxx * syy || 1);
    if (r > best.correlation) best = { lag, correlation: r };
  }
  // Recompute at full resolution for the chosen lag.
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = start; i < start + len; i++) {
    const x = source[i];
    const y = decoded[i + best.lag];
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  return { lag: best.lag, correlation: sxy / Math.sqrt(sxx * syy || 1) };
}
