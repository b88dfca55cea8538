import { AmaError, errorMessage } from '../util/errors.js';
import { PositionalFile } from './fileAccess.js';
import { Reblocker } from './reblock.js';
import type { AudioBlock, AudioFormat, AudioSource } from './types.js';

/** What one call of a streaming WASM decoder returns (the shape shared by the @wasm-audio-decoders). */
export interface DecodedChunk {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  /** `outputSamples`: where in the output the problem is, when the decoder says. */
  errors: Array<{ message: string; outputSamples?: number }>;
}

/** A streaming decoder fed consecutive byte chunks of one stream. */
export interface ChunkDecoder {
  decode(chunk: Uint8Array): DecodedChunk | Promise<DecodedChunk>;
  /** Returns what the decoder still buffers at end of input. */
  flush(): DecodedChunk | Promise<DecodedChunk>;
  free(): void;
}

/** How to decode one file: the byte range to feed and the decoder to feed it to. */
export interface CodecPlan {
  /** Codec name for messages, e.g. "FLAC". */
  label: string;
  startBytes: number;
  /** End of the bytes to feed (exclusive): the file size, or less when a trailing tag follows. */
  endBytes: number;
  createDecoder(): Promise<ChunkDecoder>;
  /** Frames the header promises; fewer at the end of the file means it was cut off. Null when unknown. */
  declaredFrames: number | null;
  /** Shortfall against declaredFrames that still counts as complete (codec delay bookkeeping differs). */
  toleranceFrames: number;
}

/**
 * Bytes fed per decode call adapt so that each call yields about TARGET_FRAMES: silence or a pure tone
 * compresses a thousandfold, and a fixed 256 KiB feed of it would decode to hundreds of megabytes at once.
 */
const TARGET_FRAMES = 128 * 1024;
const MIN_FEED_BYTES = 4 * 1024;
const MAX_FEED_BYTES = 512 * 1024;
/** Warnings kept per run: a badly damaged file must not fill memory with them. */
const MAX_WARNINGS = 100;

/**
 * An AudioSource over a compressed file, decoded chunk by chunk by a WASM decoder. Decoder errors after
 * which the decoder went on (a damaged frame skipped) are collected in `warnings` with their position;
 * a stream that yields no audio at all but reports errors fails with DECODE_FAILED.
 */
export class CodecFileSource implements AudioSource {
  /**
   * Problems the decoder reported and recovered from during the latest blocks() run, oldest first, e.g.
   * "at 12.30 s: damaged FLAC frames skipped; 0.093 s of silence put in their place". At most
   * MAX_WARNINGS, then one line counting the rest.
   */
  readonly warnings: string[] = [];

  constructor(
    readonly format: AudioFormat,
    private readonly path: string,
    private readonly plan: CodecPlan,
  ) {}

  async *blocks(signal?: AbortSignal): AsyncGenerator<AudioBlock> {
    const { channels, sampleRate } = this.format;
    const file = await PositionalFile.open(this.path);
    let decoder: ChunkDecoder | null = null;
    const reblocker = new Reblocker(channels);
    let decodedFrames = 0;
    let problems = 0;
    let rateWarned = false;
    this.warnings.length = 0;
    const warn = (atFrame: number, message: string): void => {
      problems++;
      if (problems <= MAX_WARNINGS) this.warnings.push(`at ${(atFrame / sampleRate).toFixed(2)} s: ${message}`);
      else this.warnings[MAX_WARNINGS] = `... and ${problems - MAX_WARNINGS} more problems like these`;
    };
    const accept = (out: DecodedChunk): void => {
      for (const e of out.errors) warn(e.outputSamples ?? decodedFrames, e.message);
      if (out.samplesDecoded === 0) return;
      if (out.channelData.length < channels) {
        throw new AmaError('DECODE_FAILED', `the ${this.plan.label} decoder returned ${out.channelData.length} channels where the header says ${channels}; the file is damaged: export it again`);
      }
      if (out.sampleRate && out.sampleRate !== sampleRate && !rateWarned) {
        rateWarned = true;
        warn(decodedFrames, `the sample rate changes to ${out.sampleRate} Hz; ama analyses it as ${sampleRate} Hz`);
      }
      reblocker.pushPlanar(out.channelData, 0, out.samplesDecoded);
      decodedFrames += out.samplesDecoded;
    };
    try {
      decoder = await this.plan.createDecoder();
      let feedBytes = MIN_FEED_BYTES;
      const end = Math.min(this.plan.endBytes, file.sizeBytes);
      for (let pos = this.plan.startBytes; pos < end; ) {
        if (signal?.aborted) return;
        const chunk = await file.readAt(pos, Math.min(feedBytes, end - pos));
        if (chunk.length === 0) break;
        pos += chunk.length;
        const before = decodedFrames;
        accept(await callQuietly(decoder, (d) => d.decode(chunk), this.plan.label));
        const got = decodedFrames - before;
        if (got > 0) feedBytes = Math.round(Math.min(MAX_FEED_BYTES, Math.max(MIN_FEED_BYTES, (feedBytes * TARGET_FRAMES) / got)));
        else feedBytes = Math.min(MAX_FEED_BYTES, feedBytes * 2);
        for (const block of reblocker.take()) {
          if (signal?.aborted) return;
          yield block;
        }
      }
      accept(await callQuietly(decoder, (d) => d.flush(), this.plan.label));
      if (decodedFrames === 0 && problems > 0) {
        throw new AmaError('DECODE_FAILED', `the ${this.plan.label} decoder could not decode any audio (${this.warnings[0]}); the file is damaged: export it again`);
      }
      const declared = this.plan.declaredFrames;
      if (declared !== null && decodedFrames < declared - this.plan.toleranceFrames) {
        if (problems === 0) {
          throw new AmaError(
            'TRUNCATED',
            `the header declares ${(declared / sampleRate).toFixed(2)} s of audio but the file holds only ` +
              `${(decodedFrames / sampleRate).toFixed(2)} s; it was cut off while copying or recording: copy or export it again`,
          );
        }
        warn(decodedFrames, `${((declared - decodedFrames) / sampleRate).toFixed(2)} s of audio were lost to damaged data`);
      }
      reblocker.finish();
      for (const block of reblocker.take()) yield block;
    } finally {
      try {
        decoder?.free();
      } finally {
        await file.close();
      }
    }
  }
}

/**
 * Calls the decoder with console.error silenced: the WASM decoders print every recoverable error to
 * stderr, which would scribble over the dashboard; the same messages come back in `errors`.
 */
async function callQuietly(decoder: ChunkDecoder, call: (d: ChunkDecoder) => DecodedChunk | Promise<DecodedChunk>, label: string): Promise<DecodedChunk> {
  const original = console.error;
  console.error = () => undefined;
  let result: DecodedChunk | Promise<DecodedChunk>;
  try {
    result = call(decoder);
  } catch (err) {
    throw decodeFailed(label, err);
  } finally {
    console.error = original;
  }
  try {
    return await result;
  } catch (err) {
    throw decodeFailed(label, err);
  }
}

function decodeFailed(label: string, err: unknown): AmaError {
  if (err instanceof AmaError) return err;
  return new AmaError('DECODE_FAILED', `the ${label} decoder failed: ${errorMessage(err)}; the file is damaged or not really ${label}: export it again`, { cause: err });
}
