import { openAudioFile } from '../audio/decode.js';
import type { AudioFormat } from '../audio/types.js';
import { AmaError } from '../util/errors.js';
import { LoudnessMeter, type LoudnessReading } from './loudness.js';
import { ProfileAnalyzer } from './profile/index.js';
import type { MixProfile } from './profileSchema.js';

/** Loudness figures of a whole file, as `ama analyze --json` prints them (units in the names). */
export type FileLoudness = Omit<LoudnessReading, 'momentaryLufs' | 'shortTermLufs' | 'nonFiniteSamples'>;

/** The result of analysing one file. */
export interface FileAnalysis {
  format: AudioFormat;
  loudness: FileLoudness;
  /** The mix profile (tonal balance, stereo, dynamics); absent when only loudness was asked for. */
  profile?: MixProfile;
  /** Problems the decoder recovered from (damaged frames replaced by silence), with their position. */
  warnings: string[];
}

/** Progress callback: seconds of audio read so far and the total when known. */
export type ProgressFn = (doneSec: number, totalSec: number | null) => void;

/** Options of analyzeFile. */
export interface AnalyzeFileOptions {
  /** Compute the mix profile too (default true). */
  profile?: boolean;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** Version of everything analyzeFile computes; part of the reference cache key. Bump on any change of meaning. */
export const ANALYSIS_VERSION = 'loudness-1/profile-1';

/**
 * Decodes a file as a stream and runs the loudness meter (and the profile analyzers) over it, in one
 * pass. Refuses (AmaError) to report figures for audio that holds NaN/Inf samples: they would be
 * meaningless.
 */
export async function analyzeFile(path: string, opts: AnalyzeFileOptions = {}): Promise<FileAnalysis> {
  const source = await openAudioFile(path);
  const { format } = source;
  const meter = new LoudnessMeter({ sampleRate: format.sampleRate, layout: format.layout });
  const profiler = opts.profile === false ? null : new ProfileAnalyzer({ sampleRate: format.sampleRate, channels: format.channels, layout: format.layout });
  let frames = 0;
  for await (const block of source.blocks(opts.signal)) {
    meter.process(block);
    profiler?.process(block);
    frames += block[0]?.length ?? 0;
    opts.onProgress?.(frames / format.sampleRate, format.durationSec);
  }
  const reading = meter.read();
  if (reading.nonFiniteSamples > 0) {
    throw new AmaError(
      'NON_FINITE_SAMPLES',
      `holds ${reading.nonFiniteSamples} NaN/Inf sample${reading.nonFiniteSamples === 1 ? '' : 's'} in its float data, ` +
        'so no loudness can be given; re-render or re-export the file (the plug-in or DSP that produced them is faulty)',
    );
  }
  const { momentaryLufs: _m, shortTermLufs: _s, nonFiniteSamples: _n, ...loudness } = reading;
  const result: FileAnalysis = {
    format: { ...format, durationSec: format.durationSec ?? frames / format.sampleRate },
    loudness,
    warnings: [...source.warnings],
  };
  if (profiler) result.profile = profiler.read({ ...reading, shortTermHistory: meter.shortTermHistory() });
  return result;
}
