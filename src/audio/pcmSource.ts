import { AmaError } from '../util/errors.js';
import { PositionalFile } from './fileAccess.js';
import { bytesPerSample, deinterleavePcm, type PcmLayout } from './pcmConvert.js';
import { BLOCK_FRAMES } from './reblock.js';
import type { AudioBlock, AudioFormat, AudioSource } from './types.js';

/** Where the interleaved PCM frames of a WAV or AIFF file lie. */
export interface PcmDataSpan {
  /** Byte offset of the first frame in the file. */
  offsetBytes: number;
  /** Whole frames to read (a trailing partial frame is already left out). */
  frames: number;
  layout: PcmLayout;
}

/** Bytes read from disk per read call: large reads keep the kernel and the converter busy. */
const READ_TARGET_BYTES = 2 * 1024 * 1024;

/**
 * An AudioSource over uncompressed PCM in a file. Each blocks() call opens the file and reads it from the
 * first frame, a few megabytes at a time, so memory stays flat whatever the file's length.
 */
export class PcmFileSource implements AudioSource {
  /** Always empty: uncompressed PCM has no decoder that recovers from damage, so problems are errors. */
  readonly warnings: readonly string[] = [];

  constructor(
    readonly format: AudioFormat,
    private readonly path: string,
    private readonly span: PcmDataSpan,
  ) {}

  async *blocks(signal?: AbortSignal): AsyncGenerator<AudioBlock> {
    const { layout, offsetBytes, frames: totalFrames } = this.span;
    const frameBytes = layout.channels * bytesPerSample(layout.encoding);
    const blockBytes = BLOCK_FRAMES * frameBytes;
    const blocksPerRead = Math.max(1, Math.floor(READ_TARGET_BYTES / blockBytes));
    const readFrames = blocksPerRead * BLOCK_FRAMES;
    // Two buffers so that the next read is in flight while the current one is converted.
    const buffers = [Buffer.allocUnsafeSlow(readFrames * frameBytes), Buffer.allocUnsafeSlow(readFrames * frameBytes)];
    const file = await PositionalFile.open(this.path);
    // Awaited again in `finally`: a read still in flight must settle before the handle closes.
    let pending: Promise<number> = Promise.resolve(0);
    try {
      let framesRead = 0;
      let which = 0;
      pending = readChunk(file, buffers[which], offsetBytes, framesRead, Math.min(readFrames, totalFrames), frameBytes);
      while (framesRead < totalFrames) {
        const frames = await pending;
        const chunk = buffers[which];
        const expected = Math.min(readFrames, totalFrames - framesRead);
        if (frames < expected) throw shrunkError(framesRead + frames, totalFrames, this.format.sampleRate);
        framesRead += frames;
        which ^= 1;
        if (framesRead < totalFrames) {
          const next = Math.min(readFrames, totalFrames - framesRead);
          pending = readChunk(file, buffers[which], offsetBytes, framesRead, next, frameBytes);
        }
        for (let start = 0; start < frames; start += BLOCK_FRAMES) {
          if (signal?.aborted) return;
          const n = Math.min(BLOCK_FRAMES, frames - start);
          const block: AudioBlock = [];
          for (let c = 0; c < layout.channels; c++) block.push(new Float32Array(n));
          deinterleavePcm(chunk.subarray(start * frameBytes), n, layout, block);
          yield block;
        }
      }
    } finally {
      await pending.catch(() => undefined);
      await file.close();
    }
  }
}

async function readChunk(
  file: PositionalFile,
  target: Buffer,
  offsetBytes: number,
  frameIndex: number,
  frames: number,
  frameBytes: number,
): Promise<number> {
  const got = await file.readInto(target, 0, frames * frameBytes, offsetBytes + frameIndex * frameBytes);
  return Math.floor(got / frameBytes);
}

function shrunkError(framesPresent: number, framesExpected: number, sampleRate: number): AmaError {
  return new AmaError(
    'TRUNCATED',
    `the file ended after ${(framesPresent / sampleRate).toFixed(2)} s of the ${(framesExpected / sampleRate).toFixed(2)} s ` +
      'it held when opened; it was cut or rewritten while being read: wait until it is fully written and try again',
  );
}
