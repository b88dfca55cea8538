import { AmaError } from '../util/errors.js';
import type { ChunkDecoder, CodecPlan, DecodedChunk } from './codecSource.js';
import type { PositionalFile } from './fileAccess.js';
import { FlacFrameSplitter, type FlacFrame, type FlacStreamLimits } from './flacFrames.js';
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
  const minBlockSize = info.readUInt16BE(0);
  const maxBlockSize = info.readUInt16BE(2);
  const maxFrameBytes = info.readUIntBE(7, 3);
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
  const limits: FlacStreamLimits = {
    channels,
    fixedBlockSize: minBlockSize === maxBlockSize ? maxBlockSize : Math.max(minBlockSize, maxBlockSize),
    maxFrameBytes,
    maxBlockSize: maxBlockSize || 65535,
  };
  const tail = file.sizeBytes >= 128 ? await file.readAt(file.sizeBytes - 128, 3) : Buffer.alloc(0);
  const plan: CodecPlan = {
    label: 'FLAC',
    startBytes: pos,
    // An ID3v1 tag at the end is not part of the last frame.
    endBytes: tail.toString('latin1') === 'TAG' ? file.sizeBytes - 128 : file.sizeBytes,
    declaredFrames: totalFrames > 0 ? totalFrames : null,
    toleranceFrames: 0,
    createDecoder: () => createFlacDecoder(limits, sampleRate, bits),
  };
  return { format, plan };
}

/**
 * libFLAC (WASM) fed whole frames that FlacFrameSplitter has checked. Frames lost to damage show up as
 * a jump in the sample numbers: the gap is filled with silence, so that what follows stays in time, and
 * reported as an error (which CodecFileSource turns into a warning).
 */
async function createFlacDecoder(limits: FlacStreamLimits, sampleRate: number, bits: number): Promise<ChunkDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  const splitter = new FlacFrameSplitter(limits);
  // Sample numbers of the stream: where it starts (a cut stream need not start at 0) and what comes next.
  let origin = -1;
  let nextSample = -1;

  // Synchronous up to the single await, so that console.error stays silenced (see callQuietly).
  const decodeFrames = async (frames: FlacFrame[]): Promise<DecodedChunk> => {
    const pieces: Array<Promise<DecodedChunk> | number> = [];
    const errors: DecodedChunk['errors'] = [];
    let run: Uint8Array[] = [];
    for (const frame of frames) {
      if (origin < 0) origin = nextSample = frame.firstSample;
      if (frame.firstSample > nextSample) {
        if (run.length) pieces.push(decoder.decodeFrames(run));
        run = [];
        const gap = frame.firstSample - nextSample;
        pieces.push(gap);
        errors.push({ message: `damaged FLAC frames skipped; ${(gap / sampleRate).toFixed(3)} s of silence put in their place`, outputSamples: nextSample - origin });
      }
      run.push(frame.bytes);
      nextSample = Math.max(nextSample, frame.firstSample + frame.blockSize);
    }
    if (run.length) pieces.push(decoder.decodeFrames(run));
    const out = joinDecoded(await Promise.all(pieces), limits.channels, sampleRate, errors);
    rescale(out, bits);
    return out;
  };

  return {
    decode: (chunk) => decodeFrames(splitter.push(chunk)),
    flush: () => decodeFrames(splitter.end().frames),
    free: () => decoder.free(),
  };
}

/**
 * The WASM decoder divides integer samples by 2^(bits-1) - 1, so that -full scale comes out below -1.0
 * and everything is 0.003% loud. Recover the integers and divide by 2^(bits-1), as for WAV: bit-exact.
 * (The float error is at most a quarter step for 24 bits, so rounding finds the integer.)
 */
function rescale(out: DecodedChunk, bits: number): void {
  if (bits > 24) return;
  const decoderScale = 2 ** (bits - 1) - 1;
  const scale = 1 / 2 ** (bits - 1);
  const n = out.samplesDecoded;
  for (let c = 0; c < out.channelData.length; c++) rescaleChannel(out.channelData[c], n, decoderScale, scale);
}

/** Adding and subtracting 1.5 * 2^52 rounds a double to the nearest integer (faster than Math.round here). */
const ROUND = 6755399441055744;

function rescaleChannel(ch: Float32Array, n: number, decoderScale: number, scale: number): void {
  for (let i = 0; i < n; i++) ch[i] = (ch[i] * decoderScale + ROUND - ROUND) * scale;
}

/** Concatenates decoded pieces and silent gaps (given as frame counts) into one chunk. */
function joinDecoded(pieces: Array<DecodedChunk | number>, channels: number, sampleRate: number, errors: DecodedChunk['errors']): DecodedChunk {
  if (pieces.length === 1 && typeof pieces[0] !== 'number') {
    const only = pieces[0];
    return { ...only, errors: [...errors, ...only.errors] };
  }
  let total = 0;
  for (const p of pieces) total += typeof p === 'number' ? p : p.samplesDecoded;
  const channelData = Array.from({ length: channels }, () => new Float32Array(total));
  let at = 0;
  for (const p of pieces) {
    if (typeof p === 'number') {
      at += p; // already zero
      continue;
    }
    for (let c = 0; c < channels; c++) channelData[c].set(p.channelData[c].subarray(0, p.samplesDecoded), at);
    at += p.samplesDecoded;
    errors.push(...p.errors);
  }
  return { channelData, samplesDecoded: total, sampleRate, errors };
}

function truncated(): AmaError {
  return new AmaError('TRUNCATED', 'the file ends inside its FLAC metadata, before any audio; it was cut off: copy or export it again');
}
