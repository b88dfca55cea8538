import type { MPEGDecodedAudio } from 'mpg123-decoder';
import type { ChunkDecoder, CodecPlan, DecodedChunk } from './codecSource.js';
import { HEAD_BYTES, type PositionalFile } from './fileAccess.js';
import { checkChannelsAndRate } from './headerChecks.js';
import { defaultLayout } from './layout.js';
import { parseMpegHeader, readMpegLengthTag } from './mpegHeader.js';
import type { AudioFormat } from './types.js';

/** An MPEG audio stream's format and how to decode it. */
export interface Mp3Header {
  format: AudioFormat;
  plan: CodecPlan;
}

/**
 * Describes the MPEG audio stream whose first frame is at `offset` (found by sniff). The length comes
 * from a Xing/Info/VBRI tag when there is one (exact, gapless); without one it is unknown (null), since
 * a size/bitrate estimate is wrong for variable-bitrate files.
 */
export async function parseMp3(file: PositionalFile, offset: number): Promise<Mp3Header> {
  const head = await file.readAt(offset, Math.min(HEAD_BYTES, 8192));
  // sniff checked that a valid header is here, so this cannot be null.
  const first = parseMpegHeader(head, 0)!;
  checkChannelsAndRate(first.channels, first.sampleRate);
  const tag = readMpegLengthTag(head, 0, first);
  const declaredFrames = tag && tag.frames > 0 ? tag.frames * first.samplesPerFrame - tag.delaySamples - tag.paddingSamples : null;
  const layer = ['', 'mp1', 'mp2', 'mp3'][first.layer];
  const format: AudioFormat = {
    codec: layer,
    container: layer,
    sampleRate: first.sampleRate,
    channels: first.channels,
    durationSec: declaredFrames !== null ? declaredFrames / first.sampleRate : null,
    bitsPerSample: null,
    layout: defaultLayout(first.channels),
  };
  const plan: CodecPlan = {
    label: 'MP3',
    startBytes: offset,
    endBytes: file.sizeBytes,
    declaredFrames,
    // The decoder's own delay bookkeeping may differ from the tag by up to a frame or two.
    toleranceFrames: 2 * first.samplesPerFrame,
    createDecoder: createMpegDecoder,
  };
  return { format, plan };
}

/** mpg123 in WASM, adapted to ChunkDecoder: it decodes synchronously and has nothing left to flush. */
async function createMpegDecoder(): Promise<ChunkDecoder> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const empty: DecodedChunk = { channelData: [], samplesDecoded: 0, sampleRate: 0, errors: [] };
  return {
    decode: (chunk: Uint8Array): MPEGDecodedAudio => decoder.decode(chunk),
    flush: () => empty,
    free: () => decoder.free(),
  };
}
