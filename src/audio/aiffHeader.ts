import { AmaError } from '../util/errors.js';
import type { PositionalFile } from './fileAccess.js';
import { checkChannelsAndRate, truncatedDataError } from './headerChecks.js';
import { defaultLayout } from './layout.js';
import { bytesPerSample, codecName, type PcmEncoding } from './pcmConvert.js';
import type { PcmDataSpan } from './pcmSource.js';
import type { AudioFormat } from './types.js';

/** A parsed AIFF/AIFF-C header: PCM that ama reads itself, or a compression to hand to ffmpeg. */
export type AiffHeader =
  | { kind: 'pcm'; format: AudioFormat; span: PcmDataSpan }
  | { kind: 'foreign'; codecLabel: string };

interface Comm {
  channels: number;
  frames: number;
  sampleBits: number;
  sampleRate: number;
  compression: string;
}

/** Parses a FORM/AIFF or FORM/AIFC header; `head` is the first bytes of the file (at least 12). */
export async function parseAiff(file: PositionalFile, head: Buffer): Promise<AiffHeader> {
  const size = file.sizeBytes;
  const aifc = head.toString('latin1', 8, 12) === 'AIFC';
  const formEnd = head.readUInt32BE(4) + 8;
  const bytesAt = (pos: number, len: number): Promise<Buffer> | Buffer =>
    pos + len <= head.length ? head.subarray(pos, pos + len) : file.readAt(pos, len);

  let comm: Comm | null = null;
  let ssndData = -1;
  let ssndBytes = 0;
  for (let pos = 12; pos + 8 <= size; ) {
    const hdr = await bytesAt(pos, 8);
    const id = hdr.toString('latin1', 0, 4);
    const chunkSize = hdr.readUInt32BE(4);
    const body = pos + 8;
    if (id === 'COMM') {
      const need = aifc ? 22 : 18;
      if (chunkSize < need) {
        throw new AmaError('CORRUPT_HEADER', `the AIFF COMM chunk is ${chunkSize} bytes, shorter than the ${need} it needs; the header is damaged: re-export the file`);
      }
      const raw = await bytesAt(body, need);
      if (raw.length < need) throw truncatedHeader('COMM');
      comm = {
        channels: raw.readUInt16BE(0),
        frames: raw.readUInt32BE(2),
        sampleBits: raw.readUInt16BE(6),
        sampleRate: readExtended(raw, 8),
        compression: aifc ? raw.toString('latin1', 18, 22) : 'NONE',
      };
    } else if (id === 'SSND') {
      const raw = await bytesAt(body, 8);
      if (raw.length < 8) throw truncatedHeader('SSND');
      const offset = raw.readUInt32BE(0);
      ssndData = body + 8 + offset;
      ssndBytes = Math.max(0, chunkSize - 8 - offset);
      if (comm) break;
    }
    pos = body + chunkSize + (chunkSize & 1);
  }

  if (!comm) {
    if (formEnd > size) throw truncatedHeader('COMM');
    throw new AmaError('CORRUPT_HEADER', 'the AIFF file has no COMM chunk, so its sample format is unknown; re-export the file');
  }
  if (comm.channels === 0) {
    throw new AmaError('CORRUPT_HEADER', 'the AIFF header says the file has 0 channels; the header is damaged: re-export the file');
  }
  if (!(comm.sampleRate > 0)) {
    throw new AmaError('CORRUPT_HEADER', `the AIFF header says the sample rate is ${comm.sampleRate} Hz; the header is damaged: re-export the file`);
  }
  const codec = encodingOf(comm);
  if (codec === null) return { kind: 'foreign', codecLabel: `AIFF-C compression "${comm.compression}"` };
  if (ssndData < 0) {
    if (comm.frames > 0 && formEnd > size) throw truncatedHeader('SSND');
    if (comm.frames > 0) throw new AmaError('CORRUPT_HEADER', 'the AIFF file has no SSND chunk (no audio); re-export the file');
  }
  checkChannelsAndRate(comm.channels, comm.sampleRate);

  const frameBytes = comm.channels * bytesPerSample(codec.encoding);
  const declared = comm.frames * frameBytes;
  const present = ssndData < 0 ? 0 : size - ssndData;
  if (declared - present >= frameBytes) throw truncatedDataError(declared, present, frameBytes, comm.sampleRate);
  // COMM's frame count rules, but never read past an SSND chunk that says it is shorter (a size of 0
  // is a writer that never patched it, so it says nothing).
  let frames = ssndData < 0 ? 0 : Math.min(comm.frames, Math.floor(present / frameBytes));
  if (ssndBytes >= frameBytes) frames = Math.min(frames, Math.floor(ssndBytes / frameBytes));
  const format: AudioFormat = {
    codec: codecName(codec.encoding, codec.bigEndian),
    container: aifc ? 'aifc' : 'aiff',
    sampleRate: comm.sampleRate,
    channels: comm.channels,
    durationSec: frames / comm.sampleRate,
    bitsPerSample: codec.encoding.startsWith('f') ? bytesPerSample(codec.encoding) * 8 : comm.sampleBits,
    layout: defaultLayout(comm.channels),
  };
  return {
    kind: 'pcm',
    format,
    span: { offsetBytes: Math.max(ssndData, 0), frames, layout: { ...codec, channels: comm.channels } },
  };
}

function encodingOf(comm: Comm): { encoding: PcmEncoding; bigEndian: boolean } | null {
  const intBySize = (bigEndian: boolean): { encoding: PcmEncoding; bigEndian: boolean } => {
    const bits = comm.sampleBits;
    if (bits < 1 || bits > 32) {
      throw new AmaError('CORRUPT_HEADER', `the AIFF header says ${bits}-bit samples; AIFF has 1 to 32 bits: re-export the file`);
    }
    // Samples of odd widths (12, 20 bits) sit left-justified in whole bytes.
    const encoding: PcmEncoding = bits <= 8 ? 's8' : bits <= 16 ? 's16' : bits <= 24 ? 's24' : 's32';
    return { encoding, bigEndian };
  };
  switch (comm.compression) {
    case 'NONE': case 'twos': return intBySize(true);
    case 'sowt': return intBySize(false);
    case 'in24': return { encoding: 's24', bigEndian: true };
    case 'in32': return { encoding: 's32', bigEndian: true };
    case 'raw ': return comm.sampleBits <= 8 ? { encoding: 'u8', bigEndian: true } : null;
    case 'fl32': case 'FL32': return { encoding: 'f32', bigEndian: true };
    case 'fl64': case 'FL64': return { encoding: 'f64', bigEndian: true };
    default: return null;
  }
}

/** An 80-bit IEEE 754 extended-precision number (big-endian), as AIFF stores the sample rate. */
export function readExtended(buf: Buffer, at: number): number {
  const signExp = buf.readUInt16BE(at);
  const hi = buf.readUInt32BE(at + 2);
  const lo = buf.readUInt32BE(at + 6);
  const exponent = signExp & 0x7fff;
  if (exponent === 0 && hi === 0 && lo === 0) return 0;
  if (exponent === 0x7fff) return NaN;
  const mantissa = hi * 0x100000000 + lo;
  const value = mantissa * Math.pow(2, exponent - 16383 - 63);
  return signExp & 0x8000 ? -value : value;
}

function truncatedHeader(chunk: string): AmaError {
  return new AmaError('TRUNCATED', `the file ends inside its AIFF header, before the ${chunk} chunk is complete; it was cut off: copy or export it again`);
}
