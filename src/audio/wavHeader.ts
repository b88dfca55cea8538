import { AmaError } from '../util/errors.js';
import type { PositionalFile } from './fileAccess.js';
import { layoutFromMask } from './layout.js';
import { codecName, type PcmEncoding } from './pcmConvert.js';
import type { PcmDataSpan } from './pcmSource.js';
import { checkChannelsAndRate, truncatedDataError } from './headerChecks.js';
import type { AudioFormat } from './types.js';

/** A parsed WAV header: either PCM that ama reads itself, or a codec to hand to ffmpeg. */
export type WavHeader =
  | { kind: 'pcm'; format: AudioFormat; span: PcmDataSpan }
  | { kind: 'foreign'; codecLabel: string };

const TAG_PCM = 0x0001;
const TAG_FLOAT = 0x0003;
const TAG_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag. */
const GUID_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

const TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM', 0x0006: 'A-law', 0x0007: 'mu-law', 0x0011: 'IMA ADPCM', 0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio', 0x0055: 'MP3', 0x00ff: 'AAC', 0x0161: 'WMA', 0x2000: 'AC-3', 0x2001: 'DTS', 0xf1ac: 'FLAC',
};

interface FmtInfo {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  containerBits: number;
  validBits: number;
  channelMask: number;
}

/** Parses a RIFF/WAVE, RF64 or BW64 header; `head` is the first bytes of the file (at least 12). */
export async function parseWav(file: PositionalFile, head: Buffer): Promise<WavHeader> {
  const size = file.sizeBytes;
  const rf64 = head.toString('latin1', 0, 4) !== 'RIFF';
  const bytesAt = (pos: number, len: number): Promise<Buffer> | Buffer =>
    pos + len <= head.length ? head.subarray(pos, pos + len) : file.readAt(pos, len);

  let riffEnd = rf64 ? Infinity : head.readUInt32LE(4) + 8;
  let ds64DataSize: number | null = null;
  let fmt: FmtInfo | null = null;
  let dataOffset = -1;
  let dataBytes: number | null = null;

  for (let pos = 12; pos + 8 <= size; ) {
    let hdr = await bytesAt(pos, 8);
    if (!isChunkId(hdr) && pos > 12) {
      // Some writers forget the pad byte after an odd-sized chunk: accept the id one byte earlier.
      const earlier = await bytesAt(pos - 1, 8);
      if (isChunkId(earlier)) {
        pos -= 1;
        hdr = earlier;
      }
    }
    if (!isChunkId(hdr)) {
      throw new AmaError('CORRUPT_HEADER', `the WAV header is damaged: the chunk at byte ${pos} has no readable name; re-export the file`);
    }
    const id = hdr.toString('latin1', 0, 4);
    const chunkSize = hdr.readUInt32LE(4);
    const body = pos + 8;
    if (id === 'ds64') {
      const ds = await bytesAt(body, 24);
      if (ds.length < 24) throw truncatedHeader('ds64');
      riffEnd = readU64(ds, 0) + 8;
      ds64DataSize = readU64(ds, 8);
    } else if (id === 'fmt ') {
      if (chunkSize < 16) {
        throw new AmaError('CORRUPT_HEADER', `the WAV fmt chunk is ${chunkSize} bytes, shorter than the 16 it needs; the header is damaged: re-export the file`);
      }
      const raw = await bytesAt(body, Math.min(chunkSize, 40));
      if (raw.length < Math.min(chunkSize, 40)) throw truncatedHeader('fmt');
      fmt = parseFmt(raw);
    } else if (id === 'data') {
      dataOffset = body;
      const declared = chunkSize === 0xffffffff && rf64 && ds64DataSize !== null ? ds64DataSize : chunkSize;
      // A writer that streamed and never patched the size: the data runs to the end of the file.
      dataBytes = declared === 0xffffffff || (declared === 0 && body < size) ? null : declared;
      if (fmt || dataBytes === null) break;
    }
    pos = body + chunkSize + (chunkSize & 1);
  }

  if (!fmt) {
    if (riffEnd > size) throw truncatedHeader('fmt');
    throw new AmaError('CORRUPT_HEADER', 'the WAV file has no fmt chunk, so its sample format is unknown; re-export the file');
  }
  if (dataOffset < 0) {
    if (riffEnd > size) throw truncatedHeader('data');
    throw new AmaError('CORRUPT_HEADER', 'the WAV file has no data chunk (no audio); re-export the file');
  }
  if (fmt.channels === 0) {
    throw new AmaError('CORRUPT_HEADER', 'the WAV header says the file has 0 channels; the header is damaged: re-export the file');
  }
  if (fmt.sampleRate === 0) {
    throw new AmaError('CORRUPT_HEADER', 'the WAV header says the sample rate is 0 Hz; the header is damaged: re-export the file');
  }

  const encoding = encodingOf(fmt);
  if (encoding === null) return { kind: 'foreign', codecLabel: tagLabel(fmt.tag) };
  const containerBytes = fmt.containerBits / 8;
  if (fmt.blockAlign !== fmt.channels * containerBytes) {
    throw new AmaError(
      'CORRUPT_HEADER',
      `the WAV header's block align is ${fmt.blockAlign} bytes, but ${fmt.channels} channels of ${fmt.containerBits}-bit samples ` +
        `take ${fmt.channels * containerBytes}; the header is damaged: re-export the file`,
    );
  }
  checkChannelsAndRate(fmt.channels, fmt.sampleRate);

  const available = size - dataOffset;
  const declared = dataBytes ?? available;
  // Missing less than one frame (a lost pad byte, a partial last frame) costs nothing worth refusing.
  if (declared - available >= fmt.blockAlign) throw truncatedDataError(declared, available, fmt.blockAlign, fmt.sampleRate);
  const frames = Math.floor(Math.min(declared, available) / fmt.blockAlign);
  const bigEndian = false;
  const format: AudioFormat = {
    codec: codecName(encoding, bigEndian),
    container: rf64 ? 'rf64' : 'wav',
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    durationSec: frames / fmt.sampleRate,
    bitsPerSample: fmt.validBits,
    layout: layoutFromMask(fmt.channelMask, fmt.channels),
  };
  return { kind: 'pcm', format, span: { offsetBytes: dataOffset, frames, layout: { encoding, bigEndian, channels: fmt.channels } } };
}

function parseFmt(raw: Buffer): FmtInfo {
  let tag = raw.readUInt16LE(0);
  const bits = raw.readUInt16LE(14);
  const info: FmtInfo = {
    tag,
    channels: raw.readUInt16LE(2),
    sampleRate: raw.readUInt32LE(4),
    blockAlign: raw.readUInt16LE(12),
    containerBits: bits,
    validBits: bits,
    channelMask: 0,
  };
  if (tag === TAG_EXTENSIBLE) {
    if (raw.length < 40) {
      throw new AmaError(
        'CORRUPT_HEADER',
        `the WAV fmt chunk is marked WAVE_FORMAT_EXTENSIBLE but is ${raw.length} bytes, shorter than the 40 it needs; re-export the file`,
      );
    }
    const valid = raw.readUInt16LE(18);
    info.validBits = valid > 0 && valid <= bits ? valid : bits;
    info.channelMask = raw.readUInt32LE(20);
    tag = raw.readUInt16LE(24);
    // A GUID that is not a plain format-tag GUID (e.g. Ambisonic B-format) is treated as a foreign codec.
    info.tag = raw.subarray(26, 40).equals(GUID_TAIL) ? tag : -1;
  }
  // Old-style PCM of 12 or 20 bits sits left-justified in 2 or 3 bytes.
  if (info.tag === TAG_PCM) info.containerBits = Math.ceil(bits / 8) * 8;
  return info;
}

function encodingOf(fmt: FmtInfo): PcmEncoding | null {
  if (fmt.tag === TAG_PCM) {
    switch (fmt.containerBits) {
      case 8: return 'u8';
      case 16: return 's16';
      case 24: return 's24';
      case 32: return 's32';
      default: throw badBits(fmt.containerBits, 'integer PCM', '8, 16, 24 or 32');
    }
  }
  if (fmt.tag === TAG_FLOAT) {
    if (fmt.containerBits === 32) return 'f32';
    if (fmt.containerBits === 64) return 'f64';
    throw badBits(fmt.containerBits, 'floating-point', '32 or 64');
  }
  return null;
}

function badBits(bits: number, kind: string, accepted: string): AmaError {
  return new AmaError('CORRUPT_HEADER', `the WAV header says ${bits}-bit ${kind} samples; ${kind} WAV has ${accepted} bits: re-export the file`);
}

/** Human label of a WAV format tag for messages, e.g. "format tag 0x0002 (Microsoft ADPCM)". */
function tagLabel(tag: number): string {
  if (tag < 0) return 'WAVE_FORMAT_EXTENSIBLE with a non-PCM subformat GUID';
  const hex = `0x${tag.toString(16).padStart(4, '0')}`;
  const name = TAG_NAMES[tag];
  return `WAV format tag ${hex}${name ? ` (${name})` : ''}`;
}

function isChunkId(hdr: Buffer): boolean {
  if (hdr.length < 8) return false;
  for (let i = 0; i < 4; i++) if (hdr[i] < 0x20 || hdr[i] > 0x7e) return false;
  return true;
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x100000000;
}

function truncatedHeader(chunk: string): AmaError {
  return new AmaError('TRUNCATED', `the file ends inside its WAV header, before the ${chunk} chunk is complete; it was cut off: copy or export it again`);
}
