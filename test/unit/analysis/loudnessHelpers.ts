import { LoudnessMeter } from '../../../src/analysis/loudness.js';
import type { LoudnessReading } from '../../../src/analysis/loudness.js';
import { defaultLayout } from '../../../src/audio/layout.js';
import { concat, sine } from '../../../src/audio/generate.js';
import type { AudioBlock, ChannelRole } from '../../../src/audio/types.js';

/** The rates every standard case runs at. */
export const RATES = [48000, 44100, 96000] as const;

/** A meter fed `block` in pieces of `blockFrames` (the last may be shorter). */
export function meterOver(block: AudioBlock, sampleRate: number, layout: ChannelRole[] = defaultLayout(block.length), blockFrames = 16384): LoudnessMeter {
  const meter = new LoudnessMeter({ sampleRate, layout });
  const n = block[0].length;
  for (let at = 0; at < n; at += blockFrames) {
    const end = Math.min(n, at + blockFrames);
    meter.process(block.map((x) => x.subarray(at, end)));
  }
  return meter;
}

/** The reading after feeding `block` whole in 16384-frame pieces. */
export function measure(block: AudioBlock, sampleRate: number, layout?: ChannelRole[]): LoudnessReading {
  return meterOver(block, sampleRate, layout).read();
}

/**
 * Feeds `block` in 10 ms pieces (ending at frame round(k fs / 100)) and returns the reading after
 * each, with its time in seconds: the 100 Hz view of a live meter.
 */
export function readingsEvery10ms(block: AudioBlock, sampleRate: number, layout?: ChannelRole[]): Array<{ t: number; r: LoudnessReading }> {
  const meter = new LoudnessMeter({ sampleRate, layout: layout ?? defaultLayout(block.length) });
  const out: Array<{ t: number; r: LoudnessReading }> = [];
  const n = block[0].length;
  for (let k = 1, at = 0; at < n; k++) {
    const end = Math.min(n, Math.round((k * sampleRate) / 100));
    meter.process(block.map((x) => x.subarray(at, end)));
    at = end;
    out.push({ t: end / sampleRate, r: meter.read() });
  }
  return out;
}

/** Tech 3341/3342 style signal: 1 kHz tones in phase on `channels` channels, one per (level, duration). */
export function toneSequence(segments: Array<[levelDbfs: number, durationSec: number]>, sampleRate: number, channels = 2, frequencyHz = 1000): AudioBlock {
  return concat(segments.map(([amplitudeDbfs, durationSec]) => sine({ frequencyHz, amplitudeDbfs, durationSec, sampleRate, channels })));
}

/** `segments` repeated `times` times, in order. */
export function repeat<T>(segments: T[], times: number): T[] {
  return Array.from({ length: times }, () => segments).flat();
}
