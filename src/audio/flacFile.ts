import { AmaError } from '../util/errors.js';
import type { ChunkDecoder, CodecPlan } from './codecSource.js';
import type { PositionalFile } from './fileAccess.js';
import { checkChannelsAndRate } from './headerChecks.js';
import { defaultLayout } from './layout.js';
import type { AudioFormat } from './types.js';

/** A FLAC stream's format and how to decode it. */
export interface FlacHeader {
  format: AudioFormat;
  plan: CodecPlan;
}

/**
 * Reads the STREAMINFO block of a native FLAC stream starting at `offset` (the "fLaC" marker) and walks
 * the metadata blocks so that decoding starts at the first audio frame (cover art is never scanned).
 */
export async function parseFlac(file: PositionalFile, offset: number): Promise<FlacHeader> {
  let pos = offset + 4;
  let info: Buffer | null = null;
  for (;;) {
    const hdr = await file.readAt(pos, 4);
    if (hdr.length < 4) throw truncated();
    const type = hdr[0] & 0x7f;
    const length = hdr.readUIntBE(1, 3);
    if (type === 0) {
      if (length < 34) throw new AmaError('CORRUPT_HEADER', `the FLAC STREAMINFO block is ${length} bytes, shorter than the 34 it needs; re-encode the file`);
      info = await file.readAt(pos + 4, 34);
      if (info.length < 34) throw truncated();
    } else if (type === 127) {
      throw new AmaError('CORRUPT_HEADER', 'the FLAC metadata is damaged (invalid block type 127); re-encode the file');
    }
    pos += 4 + length;
    if (hdr[0] & 0x80) break;
    if (pos >= file.sizeBytes) throw truncated();
  }
  if (!info) throw new AmaError('CORRUPT_HEADER', 'the FLAC stream has no STREAMINFO block, so its format is unknown; re-encode the file');

  // STREAMINFO bits: 16 min block, 16 max block, 24 min frame, 24 max frame, 20 rate, 3 channels-1, 5 bits-1, 36 samples.
  const sampleRate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4);
  const channels = ((info[12] >> 1) & 7) + 1;
  const bits = (((info[12] & 1) << 4) | (info[13] >> 4)) + 1;
  const totalFrames = (info[13] & 0x0f) * 2 ** 32 + info.readUInt32BE(14);
  if (sampleRate === 0) throw new AmaError('CORRUPT_HEADER', 'the FLAC header says the sample rate is 0 Hz; the header is damaged: re-encode the file');
  checkChannelsAndRate(channels, sampleRate);

  const format: AudioFormat = {
    codec: 'flac',
    container: 'flac',
    sampleRate,
    channels,
    durationSec: totalFrames > 0 ? totalFrames / sampleRate : null,
    bitsPerSample: bits,
    layout: defaultLayout(channels),
  };
  const plan: CodecPlan = {
    label: 'FLAC',
    startBytes: pos,
    declaredFrames: totalFrames > 0 ? totalFrames : null,
    toleranceFrames: 0,
    createDecoder: createFlacDecoder,
  };
  return { format, plan };
}

async function createFlacDecoder(): Promise<ChunkDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  return decoder;
}

function truncated(): AmaError {
  return new AmaError('TRUNCATED', 'the file ends inside its FLAC metadata, before any audio; it was cut off: copy or export it again');
}
