import { AmaError } from '../util/errors.js';
import { DspSeparation, DspWorkspace, type DspStems, type DspStemSink } from './dspEngine.js';
import { StemFeatureMeter } from './features.js';
import type { StemsProfile } from './stemSchema.js';
import { STEM_NAMES, type SeparateOptions, type SourceSeparator, type StemSet } from './types.js';

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

/** Whole stems of an input with `channels`' shape, and the sink that fills them from a DspSeparation. */
function collectDspStems(channels: readonly Float32Array[]): { stems: DspStems; sink: DspStemSink } {
  const n = channels[0]?.length ?? 0;
  const make = () => channels.map(() => new Float32Array(n));
  const stems: DspStems = { vocals: make(), drums: make(), bass: make(), other: make() };
  const sink: DspStemSink = (start, length, chunk) => {
    for (const name of STEM_NAMES) {
      for (let ch = 0; ch < channels.length; ch++) {
        const from = chunk[name][ch], to = stems[name][ch];
        for (let i = 0; i < length; i++) to[start + i] = from[i];
      }
    }
  };
  return { stems, sink };
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
  const { stems, sink } = collectDspStems(channels);
  const job = new DspSeparation(channels, sampleRate, sink);
  if (channels[0].length > 0) {
    for (;;) {
      if (options.signal?.aborted) throw abortError();
      const done = job.step(FRAMES_PER_SLICE);
      options.onProgress?.(job.done / job.totalFrames);
      if (done) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { sampleRate, stems };
}

/** Separates synchronously (worker threads, benchmarks): the whole buffer in one go. */
export function separateDspSync(channels: readonly Float32Array[], sampleRate: number): StemSet {
  checkSeparatorInput(channels, sampleRate);
  const { stems, sink } = collectDspStems(channels);
  if (channels[0].length > 0) new DspSeparation(channels, sampleRate, sink).step(Number.MAX_SAFE_INTEGER);
  return { sampleRate, stems };
}

/**
 * Separates and measures the stems synchronously without keeping them (the live worker): each
 * finished chunk goes straight to a StemFeatureMeter, so a job holds about one frame of each stem
 * instead of four copies of the input, and its buffers are kept for the next job at the same rate.
 * `measure` equals stemFeatures(channels, separateDspSync(channels, rate), 'dsp').
 */
export class DspStemFeatures {
  private workspace: DspWorkspace | null = null;
  private meter: StemFeatureMeter | null = null;
  private readonly sink: DspStemSink = (_start, length, chunk) => {
    for (const name of STEM_NAMES) this.meter?.push(name, chunk[name], 0, length);
  };

  /** The stems' figures of one buffer (1 or 2 planar channels). */
  measure(channels: readonly Float32Array[], sampleRate: number): StemsProfile {
    checkSeparatorInput(channels, sampleRate);
    if (this.workspace?.sampleRate !== sampleRate) {
      this.workspace = new DspWorkspace(sampleRate);
      this.meter = new StemFeatureMeter(sampleRate);
    }
    const meter = this.meter as StemFeatureMeter;
    meter.reset();
    meter.push('mix', channels, 0, channels[0].length);
    if (channels[0].length > 0) new DspSeparation(channels, sampleRate, this.sink, this.workspace).step(Number.MAX_SAFE_INTEGER);
    return meter.result('dsp', channels.length);
  }
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
