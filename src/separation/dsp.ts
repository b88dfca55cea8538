import { AmaError } from '../util/errors.js';
import { DspSeparation } from './dspEngine.js';
import type { SeparateOptions, SourceSeparator, StemSet } from './types.js';

/** Frames run between two yields to the event loop (~0.4 s of 48 kHz audio, a few ms of work). */
const FRAMES_PER_SLICE = 40;

/** Checks a separator's input: 1 or 2 planar channels of equal length at a sane rate. */
export function checkSeparatorInput(channels: readonly Float32Array[], sampleRate: number): void {
  if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 384000)) {
    throw new AmaError('BAD_FORMAT', `the separator needs a sample rate within [8000, 384000] Hz, got ${sampleRate}`);
  }
  if (channels.length < 1 || channels.length > 2) {
    throw new AmaError('BAD_FORMAT', `the separator takes mono or stereo audio, got ${channels.length} channels; fold the file down to stereo first`);
  }
  if (channels.some((c) => c.length !== channels[0].length)) {
    throw new AmaError('BAD_FORMAT', `all channels must have the same length, got ${channels.map((c) => c.length).join(', ')} frames`);
  }
}

function abortError(): Error {
  const e = new Error('The separation was aborted.');
  e.name = 'AbortError';
  return e;
}

/**
 * Separates a buffer with the built-in DSP masks (see dspEngine.ts) on the calling thread, in
 * slices between which it yields, reports progress and honours the abort signal.
 */
export async function separateDsp(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<StemSet> {
  checkSeparatorInput(channels, sampleRate);
  const job = new DspSeparation(channels, sampleRate);
  if (channels[0].length > 0) {
    for (;;) {
      if (options.signal?.aborted) throw abortError();
      const done = job.step(FRAMES_PER_SLICE);
      options.onProgress?.(job.done / job.totalFrames);
      if (done) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { sampleRate, stems: job.stems };
}

/** Separates synchronously (worker threads, benchmarks): the whole buffer in one go. */
export function separateDspSync(channels: readonly Float32Array[], sampleRate: number): StemSet {
  checkSeparatorInput(channels, sampleRate);
  const job = new DspSeparation(channels, sampleRate);
  if (channels[0].length > 0) job.step(Number.MAX_SAFE_INTEGER);
  return { sampleRate, stems: job.stems };
}

/**
 * The built-in `dsp` separator: STFT masks (harmonic/percussive by median filtering, centre
 * extraction, a low band split), always available, roughly 30-60x faster than real time on one core.
 * It runs on the calling thread in slices; the live analyzer runs it in a worker (./thread.ts).
 */
export class DspSeparator implements SourceSeparator {
  readonly id = 'dsp' as const;
  private closed = false;

  separate(channels: readonly Float32Array[], sampleRate: number, options?: SeparateOptions): Promise<StemSet> {
    if (this.closed) return Promise.reject(new AmaError('INTERNAL', 'this dsp separator was closed; open a new one'));
    return separateDsp(channels, sampleRate, options);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
