import { openAudioFile } from '../audio/decode.js';
import type { AudioFormat } from '../audio/types.js';
import { AmaError } from '../util/errors.js';
import { LoudnessMeter, type LoudnessReading } from './loudness.js';

/** Loudness figures of a whole file, as `ama analyze --json` prints them (units in the names). */
export type FileLoudness = Omit<LoudnessReading, 'momentaryLufs' | 'shortTermLufs' | 'nonFiniteSamples'>;

/** The result of analysing one file. */
export interface FileAnalysis {
  format: AudioFormat;
  loudness: FileLoudness;
  /** Problems the decoder recovered from (damaged frames replaced by silence), with their position. */
  warnings: string[];
}

/** Progress callback: seconds of audio read so far and the total when known. */
export type ProgressFn = (doneSec: number, totalSec: number | null) => void;

/**
 * Decodes a file as a stream and runs the loudness meter over it. Refuses (AmaError) to report
 * loudness for audio that holds NaN/Inf samples: such a figure would be meaningless.
 */
export async function analyzeFile(path: string, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<FileAnalysis> {
  const source = await openAudioFile(path);
  const { format } = source;
  const meter = new LoudnessMeter({ sampleRate: format.sampleRate, layout: format.layout });
  let frames = 0;
  for await (const block of source.blocks(opts.signal)) {
    meter.process(block);
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
  return {
    format: { ...format, durationSec: format.durationSec ?? frames / format.sampleRate },
    loudness,
    warnings: [...source.warnings],
  };
}
