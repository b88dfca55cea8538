import { AmaError } from '../util/errors.js';
import type { ChunkDecoder, CodecPlan } from './codecSource.js';
import type { PositionalFile } from './fileAccess.js';
import { checkChannelsAndRate } from './headerChecks.js';
import type { AudioFormat, ChannelRole } from './types.js';

/** An Ogg Vorbis stream's format and how to decode it. */
export interface OggVorbisHeader {
  format: AudioFormat;
  plan: CodecPlan;
}

/** Vorbis channel order (Vorbis I spec, section 4.3.9), which differs from WAV order from 3 channels up. */
const VORBIS_LAYOUTS: ChannelRole[][] = [
  [],
  ['mono'],
  ['L', 'R'],
  ['L', 'C', 'R'],
  ['L', 'R', 'Ls', 'Rs'],
  ['L', 'C', 'R', 'Ls', 'Rs'],
  ['L', 'C', 'R', 'Ls', 'Rs', 'LFE'],
  ['L', 'C', 'R', 'Ls', 'Rs', 'other', 'LFE'],
  ['L', 'C', 'R', 'Ls', 'Rs', 'Lb', 'Rb', 'LFE'],
];

/** How far from the end to look for the last Ogg page, whose granule position is the stream length. */
const TAIL_BYTES = 64 * 1024;

/** Reads the Vorbis identification header from the first Ogg page (in `head`) and the length from the last page. */
export async function parseOggVorbis(file: PositionalFile, head: Buffer): Promise<OggVorbisHeader> {
  const packet = 27 + head[26];
  if (head.length < packet + 16) {
    throw new AmaError('TRUNCATED', 'the file ends inside its first Ogg page, before any audio; it was cut off: copy or export it again');
  }
  const channels = head[packet + 11];
  const sampleRate = head.readUInt32LE(packet + 12);
  if (channels === 0) throw new AmaError('CORRUPT_HEADER', 'the Vorbis header says the stream has 0 channels; the header is damaged: re-encode the file');
  if (sampleRate === 0) throw new AmaError('CORRUPT_HEADER', 'the Vorbis header says the sample rate is 0 Hz; the header is damaged: re-encode the file');
  checkChannelsAndRate(channels, sampleRate);
  const serial = head.readUInt32LE(14);
  const lastGranule = await lastGranulePosition(file, serial);
  const format: AudioFormat = {
    codec: 'vorbis',
    container: 'ogg',
    sampleRate,
    channels,
    durationSec: lastGranule !== null ? lastGranule / sampleRate : null,
    bitsPerSample: null,
    layout: VORBIS_LAYOUTS[channels],
  };
  const plan: CodecPlan = {
    label: 'Ogg Vorbis',
    startBytes: 0,
    endBytes: file.sizeBytes,
    declaredFrames: lastGranule,
    // Vorbis drops the first half-block of a stream; up to one long block (8192 / 2) may differ.
    toleranceFrames: 4096,
    createDecoder: createVorbisDecoder,
  };
  return { format, plan };
}

/** The granule position (samples at the end) of the last page of logical stream `serial`, if found. */
async function lastGranulePosition(file: PositionalFile, serial: number): Promise<number | null> {
  const start = Math.max(0, file.sizeBytes - TAIL_BYTES);
  const tail = await file.readAt(start, TAIL_BYTES);
  for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
    if (at + 27 > tail.length || tail[at + 4] !== 0 || tail.readUInt32LE(at + 14) !== serial) continue;
    const lo = tail.readUInt32LE(at + 6);
    const hi = tail.readInt32LE(at + 10);
    if (hi < 0) continue; // -1: no packet ends on this page
    return hi * 2 ** 32 + lo;
  }
  return null;
}

async function createVorbisDecoder(): Promise<ChunkDecoder> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const decoder = new OggVorbisDecoder();
  await decoder.ready;
  return decoder;
}
