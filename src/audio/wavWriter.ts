import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import { AmaError } from '../util/errors.js';
import { HOST_BIG_ENDIAN } from './pcmConvert.js';
import type { AudioBlock } from './types.js';

/** Stored sample format of a written WAV: integer PCM (rounded and clipped, no dither) or IEEE float. */
export type WavSampleFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

/** How to write a WAV file. */
export interface WavWriteOptions {
  /** Sample format; default 'float32', which stores ama's Float32 samples exactly. */
  format?: WavSampleFormat;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask (bit 0x1 front left, 0x2 front right, ...); implies extensible. */
  channelMask?: number;
  /** Write WAVE_FORMAT_EXTENSIBLE; default: when there are more than 2 channels or a channelMask. */
  extensible?: boolean;
  /** Write an RF64 header even when the file would fit in plain RIFF (files over 4 GiB always get one). */
  rf64?: boolean;
}

const BITS: Record<WavSampleFormat, number> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 };
/** Bytes of a ds64 chunk body without a table: RIFF size, data size, sample count (8 each), table length. */
const DS64_BYTES = 28;
const RIFF_LIMIT = 0xffffffff;

/** A complete WAV file in memory, for small test fixtures. */
export function encodeWav(channels: Float32Array[], sampleRate: number, opts: WavWriteOptions = {}): Buffer {
  const frames = checkChannels(channels);
  const spec = specOf(channels.length, sampleRate, opts);
  const data = encodeFrames(channels, 0, frames, spec.format);
  const header = buildHeader(spec, data.length, opts.rf64 === true, false);
  return Buffer.concat(data.length & 1 ? [header, data, Buffer.alloc(1)] : [header, data]);
}

/** Writes a WAV file synchronously (the whole signal is already in memory). */
export function writeWav(path: string, channels: Float32Array[], sampleRate: number, opts: WavWriteOptions = {}): void {
  const frames = checkChannels(channels);
  const spec = specOf(channels.length, sampleRate, opts);
  const data = encodeFrames(channels, 0, frames, spec.format);
  const header = buildHeader(spec, data.length, opts.rf64 === true || data.length > RIFF_LIMIT - 80, false);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    writeSync(fd, data);
    if (data.length & 1) writeSync(fd, Buffer.alloc(1));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a WAV file block by block, for signals too long to hold in memory. The header reserves room
 * for a ds64 chunk (as a JUNK chunk), so close() can turn the file into RF64 when it passes 4 GiB.
 * Await each write() before the next; close() patches the sizes.
 */
export class WavStreamWriter {
  /** Frames written so far. */
  framesWritten = 0;
  private dataBytes = 0;
  private closed = false;

  private constructor(
    private readonly handle: fsp.FileHandle,
    private readonly spec: WavSpec,
    private readonly headerBytes: number,
    private readonly forceRf64: boolean,
  ) {}

  /** Creates (or truncates) `path` and writes a provisional header. */
  static async open(path: string, opts: WavWriteOptions & { channels: number; sampleRate: number }): Promise<WavStreamWriter> {
    const spec = specOf(opts.channels, opts.sampleRate, opts);
    const header = buildHeader(spec, 0, opts.rf64 === true, true);
    const handle = await fsp.open(path, 'w');
    try {
      await handle.write(header, 0, header.length, 0);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new WavStreamWriter(handle, spec, header.length, opts.rf64 === true);
  }

  /** Appends one planar block (one array per channel, equal lengths). */
  async write(block: AudioBlock): Promise<void> {
    if (this.closed) throw new AmaError('BAD_OPTION', 'WavStreamWriter.write() after close(); open a new writer');
    if (block.length !== this.spec.channels) {
      throw new AmaError('BAD_OPTION', `block has ${block.length} channels, the writer was opened with ${this.spec.channels}`);
    }
    const frames = checkChannels(block);
    const data = encodeFrames(block, 0, frames, this.spec.format);
    await this.handle.write(data, 0, data.length, this.headerBytes + this.dataBytes);
    this.dataBytes += data.length;
    this.framesWritten += frames;
  }

  /** Writes the pad byte and the final sizes (RF64 past 4 GiB), then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.dataBytes & 1) await this.handle.write(Buffer.alloc(1), 0, 1, this.headerBytes + this.dataBytes);
      const rf64 = this.forceRf64 || this.headerBytes + this.dataBytes > RIFF_LIMIT;
      const header = buildHeader(this.spec, this.dataBytes, rf64, true);
      await this.handle.write(header, 0, header.length, 0);
    } finally {
      await this.handle.close();
    }
  }
}

interface WavSpec {
  format: WavSampleFormat;
  channels: number;
  sampleRate: number;
  extensible: boolean;
  channelMask: number;
}

function specOf(channels: number, sampleRate: number, opts: WavWriteOptions): WavSpec {
  const format = opts.format ?? 'float32';
  if (!(format in BITS)) throw new AmaError('BAD_OPTION', `format must be one of ${Object.keys(BITS).join(', ')}, got ${String(format)}`);
  if (!Number.isInteger(channels) || channels < 1 || channels > 65535) {
    throw new AmaError('BAD_OPTION', `channels must be an integer within [1, 65535], got ${channels}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > RIFF_LIMIT) {
    throw new AmaError('BAD_OPTION', `sampleRate must be a whole number of Hz within [1, ${RIFF_LIMIT}], got ${sampleRate}`);
  }
  const extensible = opts.extensible ?? (channels > 2 || opts.channelMask !== undefined);
  return { format, channels, sampleRate, extensible, channelMask: opts.channelMask ?? 0 };
}

function checkChannels(channels: Float32Array[]): number {
  if (channels.length === 0) throw new AmaError('BAD_OPTION', 'at least one channel is needed to write a WAV file');
  const frames = channels[0].length;
  for (const ch of channels) {
    if (ch.length !== frames) throw new AmaError('BAD_OPTION', `all channels must have the same length, got ${channels.map((c) => c.length).join(', ')}`);
  }
  return frames;
}

/** The header up to and including the data chunk's size field. `reserve`: keep a JUNK chunk for a later ds64. */
function buildHeader(spec: WavSpec, dataBytes: number, rf64: boolean, reserve: boolean): Buffer {
  const bits = BITS[spec.format];
  const blockAlign = spec.channels * (bits / 8);
  const float = spec.format.startsWith('float');
  const fmtBytes = spec.extensible ? 40 : 16;
  const dsBytes = rf64 || reserve ? 8 + DS64_BYTES : 0;
  const headerBytes = 12 + dsBytes + 8 + fmtBytes + 8;
  const riffBytes = headerBytes - 8 + dataBytes + (dataBytes & 1);
  const h = Buffer.alloc(headerBytes);
  let p = 0;
  const str = (s: string): void => {
    h.write(s, p, 'latin1');
    p += s.length;
  };
  const u16 = (v: number): void => {
    p = h.writeUInt16LE(v, p);
  };
  const u32 = (v: number): void => {
    p = h.writeUInt32LE(v, p);
  };
  const u64 = (v: number): void => {
    u32(v % 0x100000000);
    u32(Math.floor(v / 0x100000000));
  };
  str(rf64 ? 'RF64' : 'RIFF');
  u32(rf64 ? RIFF_LIMIT : riffBytes);
  str('WAVE');
  if (dsBytes) {
    str(rf64 ? 'ds64' : 'JUNK');
    u32(DS64_BYTES);
    if (rf64) {
      u64(riffBytes);
      u64(dataBytes);
      u64(dataBytes / blockAlign);
      u32(0);
    } else {
      p += DS64_BYTES;
    }
  }
  str('fmt ');
  u32(fmtBytes);
  u16(spec.extensible ? 0xfffe : float ? 3 : 1);
  u16(spec.channels);
  u32(spec.sampleRate);
  u32(spec.sampleRate * blockAlign);
  u16(blockAlign);
  u16(bits);
  if (spec.extensible) {
    u16(22);
    u16(bits);
    u32(spec.channelMask);
    u16(float ? 3 : 1);
    h.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], p);
    p += 14;
  }
  str('data');
  u32(rf64 ? RIFF_LIMIT : dataBytes);
  return h;
}

/** Interleaves and encodes `frames` frames from `start`, in little-endian byte order. */
function encodeFrames(channels: Float32Array[], start: number, frames: number, format: WavSampleFormat): Buffer {
  const ch = channels.length;
  const count = frames * ch;
  const bytes = (BITS[format] / 8) * count;
  const buffer = new ArrayBuffer(bytes);
  switch (format) {
    case 'pcm8': {
      const out = new Uint8Array(buffer);
      interleaveInt(channels, start, frames, 128, out, 128);
      break;
    }
    case 'pcm16': interleaveInt(channels, start, frames, 32768, new Int16Array(buffer), 0); break;
    case 'pcm32': interleaveInt(channels, start, frames, 2147483648, new Int32Array(buffer), 0); break;
    case 'pcm24': {
      const out = new Uint8Array(buffer);
      for (let c = 0; c < ch; c++) {
        const src = channels[c];
        for (let i = 0, p = c * 3; i < frames; i++, p += ch * 3) {
          const v = quantize(src[start + i], 8388608);
          out[p] = v & 0xff;
          out[p + 1] = (v >> 8) & 0xff;
          out[p + 2] = (v >> 16) & 0xff;
        }
      }
      return Buffer.from(buffer);
    }
    case 'float32': interleaveFloat(channels, start, frames, new Float32Array(buffer)); break;
    case 'float64': interleaveFloat(channels, start, frames, new Float64Array(buffer)); break;
  }
  const out = Buffer.from(buffer);
  if (HOST_BIG_ENDIAN) {
    const size = BITS[format] / 8;
    if (size === 2) out.swap16();
    else if (size === 4) out.swap32();
    else if (size === 8) out.swap64();
  }
  return out;
}

/** Rounds x * fullScale to the nearest integer and clips it to the signed range; NaN becomes 0. */
function quantize(x: number, fullScale: number): number {
  const v = Math.round(x * fullScale);
  if (v >= fullScale) return fullScale - 1;
  if (v < -fullScale) return -fullScale;
  return v === v ? v : 0;
}

function interleaveInt(channels: Float32Array[], start: number, frames: number, fullScale: number, out: Uint8Array | Int16Array | Int32Array, offset: number): void {
  const ch = channels.length;
  for (let c = 0; c < ch; c++) {
    const src = channels[c];
    for (let i = 0, j = c; i < frames; i++, j += ch) out[j] = quantize(src[start + i], fullScale) + offset;
  }
}

function interleaveFloat(channels: Float32Array[], start: number, frames: number, out: Float32Array | Float64Array): void {
  const ch = channels.length;
  for (let c = 0; c < ch; c++) {
    const src = channels[c];
    for (let i = 0, j = c; i < frames; i++, j += ch) out[j] = src[start + i];
  }
}
