import { openAudioFile } from '../audio/decode.js';
import type { AudioFormat } from '../audio/types.js';
import { AmaError } from '../util/errors.js';
import { LoudnessMeter, type LoudnessReading } from './loudness.js';
import { assembleProfile, mergePartReadings, PROFILE_PARTS, ProfilePartsAnalyzer } from './profile/index.js';
import type { ProfileAnalyzerOptions, ProfilePart } from './profile/index.js';
import { ProfileThread, workerAvailable, type ProfileWorkerLaunch } from './profile/thread.js';
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
 * Where the profile's work runs: 'inline' on the calling thread; 'worker' split between the calling
 * thread and a worker thread, in parallel with decoding and the loudness meter (same result, bit for
 * bit); 'auto' picks the worker for files of WORKER_MIN_SEC and longer (of unknown length too), and
 * stays inline when run from the TypeScript sources (a worker thread needs the compiled entry).
 */
export type ProfileThreading = 'auto' | 'inline' | 'worker';

/**
 * Files shorter than this are analysed in one thread, s. Measured with `ama analyze` (cold start) on
 * 2 cores: the worker loses 20-30 ms up to 20 s of audio, breaks even at 30 s, and saves 50 ms at 60 s.
 */
export const WORKER_MIN_SEC = 30;

/**
 * Parts of the profile that stay on the calling thread, beside decoding and the loudness meter, when
 * a worker takes the others (the long STFT and what it feeds). On a 10-minute 48 kHz stereo WAV on 2
 * cores this balances the threads (decoding, meter, crest and onsets ~1.1 s of CPU; the spectral part
 * ~1.0 s); with the onsets in the worker too, the worker took ~1.3 s while this thread idled.
 */
const CALLER_PARTS: readonly ProfilePart[] = ['crest', 'transients'];

/**
 * Decodes a file as a stream and runs the loudness meter (and the profile analyzers) over it, in one
 * pass. Refuses (AmaError) to report figures for audio that holds NaN/Inf samples: they would be
 * meaningless. The profile of a long file is computed partly in a worker thread (see ProfileThreading).
 */
export async function analyzeFile(path: string, opts: AnalyzeFileOptions = {}): Promise<FileAnalysis> {
  return analyzeFileWith(path, opts, { threading: 'auto' });
}

/** analyzeFile with the profile's threading chosen (tests, benchmarks); `launch` starts the worker from elsewhere than the compiled entry. */
export async function analyzeFileWith(
  path: string,
  opts: AnalyzeFileOptions,
  run: { threading: ProfileThreading; launch?: ProfileWorkerLaunch },
): Promise<FileAnalysis> {
  const source = await openAudioFile(path);
  const { format } = source;
  const meter = new LoudnessMeter({ sampleRate: format.sampleRate, layout: format.layout });
  const profileOptions: ProfileAnalyzerOptions = { sampleRate: format.sampleRate, channels: format.channels, layout: format.layout };
  const withProfile = opts.profile !== false;
  const threaded = withProfile && (run.threading === 'worker' ||
    (run.threading === 'auto' && workerAvailable && (format.durationSec === null || format.durationSec >= WORKER_MIN_SEC)));
  const local = withProfile ? new ProfilePartsAnalyzer(profileOptions, threaded ? CALLER_PARTS : PROFILE_PARTS) : null;
  const thread = threaded
    ? new ProfileThread({ options: profileOptions, parts: PROFILE_PARTS.filter((p) => !CALLER_PARTS.includes(p)) }, run.launch)
    : null;
  try {
    let frames = 0;
    for await (const block of source.blocks(opts.signal)) {
      await thread?.process(block); // first, so that the worker starts on it at once
      meter.process(block);
      local?.process(block);
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
    if (local) {
      const parts = thread ? mergePartReadings(local.read(), await thread.finish()) : local.read();
      result.profile = assembleProfile(profileOptions, parts, { ...reading, shortTermHistory: meter.shortTermHistory() });
    }
    return result;
  } finally {
    await thread?.close();
  }
}
