import { endianness } from 'node:os';

/**
 * Stored sample encodings that ama converts itself: unsigned 8-bit (WAV), signed 8-bit (AIFF),
 * signed 16/24/32-bit integers (scaled by 1/2^(bits-1)), IEEE float 32/64 (passed through unchanged,
 * NaN and Inf included: counting them is the analyzer's business).
 */
export type PcmEncoding = 'u8' | 's8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

/** How interleaved frames are stored in a file. */
export interface PcmLayout {
  encoding: PcmEncoding;
  /** Byte order of multi-byte samples. */
  bigEndian: boolean;
  /** Channels per frame, 1..8. */
  channels: number;
}

/** Bytes one stored sample takes. */
export function bytesPerSample(encoding: PcmEncoding): number {
  switch (encoding) {
    case 'u8': case 's8': return 1;
    case 's16': return 2;
    case 's24': return 3;
    case 's32': case 'f32': return 4;
    case 'f64': return 8;
  }
}

/** ffmpeg-style codec name of an encoding, for AudioFormat.codec. */
export function codecName(encoding: PcmEncoding, bigEndian: boolean): string {
  if (encoding === 'u8') return 'pcm_u8';
  if (encoding === 's8') return 'pcm_s8';
  return `pcm_${encoding}${bigEndian ? 'be' : 'le'}`;
}

/** True on big-endian hosts, where typed arrays read multi-byte samples in the opposite order to WAV. */
export const HOST_BIG_ENDIAN = endianness() === 'BE';

/**
 * Converts `frames` interleaved frames held in `bytes` (from its byteOffset, which must be a multiple of
 * 8 so that typed views line up) into `out[c][0..frames)`. Multi-byte samples whose byte order differs
 * from the host's are swapped in place first, so `bytes` is clobbered.
 */
export function deinterleavePcm(bytes: Buffer, frames: number, layout: PcmLayout, out: Float32Array[]): void {
  const { encoding, channels } = layout;
  const size = bytesPerSample(encoding);
  const byteLength = frames * channels * size;
  if (size > 1 && size !== 3 && layout.bigEndian !== HOST_BIG_ENDIAN) {
    const region = bytes.subarray(0, byteLength);
    if (size === 2) region.swap16();
    else if (size === 4) region.swap32();
    else region.swap64();
  }
  const buffer = bytes.buffer;
  const at = bytes.byteOffset;
  const count = frames * channels;
  switch (encoding) {
    case 'u8': return unsignedBytes(new Uint8Array(buffer, at, count), channels, frames, out);
    case 's8': return strided(new Int8Array(buffer, at, count), channels, frames, 1 / 128, out);
    case 's16': return strided(new Int16Array(buffer, at, count), channels, frames, 1 / 32768, out);
    case 's24': return int24(new Uint8Array(buffer, at, byteLength), layout.bigEndian, channels, frames, out);
    case 's32': return strided(new Int32Array(buffer, at, count), channels, frames, 1 / 2147483648, out);
    case 'f32': return strided(new Float32Array(buffer, at, count), channels, frames, 1, out);
    case 'f64': return strided(new Float64Array(buffer, at, count), channels, frames, 1, out);
  }
}

type Samples = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

function strided(src: Samples, channels: number, frames: number, scale: number, out: Float32Array[]): void {
  if (channels === 1) {
    const o = out[0];
    for (let i = 0; i < frames; i++) o[i] = src[i] * scale;
    return;
  }
  if (channels === 2) {
    // One pass over the source instead of two: this is the hot path of the loudness benchmark.
    const l = out[0];
    const r = out[1];
    for (let i = 0, j = 0; i < frames; i++, j += 2) {
      l[i] = src[j] * scale;
      r[i] = src[j + 1] * scale;
    }
    return;
  }
  for (let c = 0; c < channels; c++) {
    const o = out[c];
    for (let i = 0, j = c; i < frames; i++, j += channels) o[i] = src[j] * scale;
  }
}

function unsignedBytes(src: Uint8Array, channels: number, frames: number, out: Float32Array[]): void {
  for (let c = 0; c < channels; c++) {
    const o = out[c];
    for (let i = 0, j = c; i < frames; i++, j += channels) o[i] = (src[j] - 128) / 128;
  }
}

function int24(src: Uint8Array, bigEndian: boolean, channels: number, frames: number, out: Float32Array[]): void {
  const scale = 1 / 2147483648;
  const stride = channels * 3;
  // The low byte is at +0 (little-endian) or +2 (big-endian); the sign comes from shifting the top byte up.
  const lo = bigEndian ? 2 : 0;
  const hi = bigEndian ? 0 : 2;
  for (let c = 0; c < channels; c++) {
    const o = out[c];
    for (let i = 0, p = c * 3; i < frames; i++, p += stride) {
      o[i] = ((src[p + hi] << 24) | (src[p + 1] << 16) | (src[p + lo] << 8)) * scale;
    }
  }
}
