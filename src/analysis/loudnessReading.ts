import type { ChannelRole } from '../audio/types.js';
import { energyToLufs } from './loudnessGating.js';

/** Peak and level figures of one channel; null for digital silence. */
export interface ChannelPeaks {
  /** Speaker role of the channel. */
  role: ChannelRole;
  /** Highest |sample| in dBFS (0 dBFS = 1.0), null when every sample was 0. */
  samplePeakDbfs: number | null;
  /** Highest |oversampled value| in dBTP (>= samplePeakDbfs), null when every sample was 0. */
  truePeakDbtp: number | null;
  /** Plain (unweighted) RMS of the channel in dBFS; a full-scale sine reads -3.01. Null when silent. */
  rmsDbfs: number | null;
}

/**
 * What a LoudnessMeter has measured so far. Every figure is a finite number or null ("no measurable
 * value": silence, too short, or nothing above the gates), never NaN or -Infinity.
 */
export interface LoudnessReading {
  /** Gated programme loudness (BS.1770-4), LUFS; null until a 400 ms block passes the -70 LUFS gate. */
  integratedLufs: number | null;
  /** Loudness Range (EBU Tech 3342), LU >= 0; null until a 3 s short-term value passes the gates. */
  loudnessRangeLu: number | null;
  /** Latest momentary loudness (400 ms, updated every 10 ms), LUFS, for live meters. */
  momentaryLufs: number | null;
  /** Latest short-term loudness (3 s, updated every 10 ms), LUFS, for live meters. */
  shortTermLufs: number | null;
  /** Highest momentary loudness so far (evaluated at 100 Hz), LUFS. */
  momentaryMaxLufs: number | null;
  /** Highest short-term loudness so far (evaluated at 100 Hz), LUFS. */
  shortTermMaxLufs: number | null;
  /** Highest true peak over all channels (LFE included), dBTP. */
  truePeakDbtp: number | null;
  /** Highest sample peak over all channels, dBFS. */
  samplePeakDbfs: number | null;
  /** Plain RMS over every sample of every channel, dBFS (a full-scale sine reads -3.01 dBFS). */
  rmsDbfs: number | null;
  /** samplePeakDbfs - rmsDbfs, dB (3.01 for a sine). */
  crestDb: number | null;
  /** Peak to loudness ratio: truePeakDbtp - integratedLufs, dB. */
  plrDb: number | null;
  /** Peak to short-term loudness ratio: truePeakDbtp - shortTermMaxLufs, dB. */
  psrDb: number | null;
  /** Audio measured so far, seconds. */
  durationSec: number;
  /** NaN/Inf samples seen (counted as 0 in every other figure); loudness must not be reported if > 0. */
  nonFiniteSamples: number;
  /** Per-channel peaks and RMS, in layout order. */
  channels: ChannelPeaks[];
}

/** Raw meter state handed to buildReading (energies are channel-weighted mean squares; -1 = never evaluated). */
export interface ReadingInputs {
  integratedLufs: number | null;
  loudnessRangeLu: number | null;
  momentaryEnergy: number;
  shortTermEnergy: number;
  momentaryMaxEnergy: number;
  shortTermMaxEnergy: number;
  layout: readonly ChannelRole[];
  samplePeak: Float64Array;
  truePeak: number[];
  sumSquares: Float64Array;
  frames: number;
  sampleRate: number;
  nonFiniteSamples: number;
}

/** LUFS of an energy, or null when it is zero (silence) or was never evaluated. */
function lufsOrNull(energy: number): number | null {
  return energy > 0 ? energyToLufs(energy) : null;
}

/** dB of a linear amplitude, or null for digital zero. */
function dbOrNull(linear: number): number | null {
  return linear > 0 && Number.isFinite(linear) ? 20 * Math.log10(linear) : null;
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** Turns meter state into a LoudnessReading (a fresh object; no NaN or infinities in it). */
export function buildReading(r: ReadingInputs): LoudnessReading {
  let peak = 0, tp = 0, sum = 0;
  const channels: ChannelPeaks[] = r.layout.map((role, c) => {
    peak = Math.max(peak, r.samplePeak[c]);
    tp = Math.max(tp, r.truePeak[c]);
    sum += r.sumSquares[c];
    return {
      role,
      samplePeakDbfs: dbOrNull(r.samplePeak[c]),
      truePeakDbtp: dbOrNull(r.truePeak[c]),
      rmsDbfs: r.frames > 0 ? dbOrNull(Math.sqrt(r.sumSquares[c] / r.frames)) : null,
    };
  });
  const samplePeakDbfs = dbOrNull(peak);
  const truePeakDbtp = dbOrNull(tp);
  const rmsDbfs = r.frames > 0 ? dbOrNull(Math.sqrt(sum / (r.frames * r.layout.length))) : null;
  const integratedLufs = r.integratedLufs;
  const shortTermMaxLufs = lufsOrNull(r.shortTermMaxEnergy);
  return {
    integratedLufs,
    loudnessRangeLu: r.loudnessRangeLu,
    momentaryLufs: lufsOrNull(r.momentaryEnergy),
    shortTermLufs: lufsOrNull(r.shortTermEnergy),
    momentaryMaxLufs: lufsOrNull(r.momentaryMaxEnergy),
    shortTermMaxLufs,
    truePeakDbtp,
    samplePeakDbfs,
    rmsDbfs,
    crestDb: diff(samplePeakDbfs, rmsDbfs),
    plrDb: diff(truePeakDbtp, integratedLufs),
    psrDb: diff(truePeakDbtp, shortTermMaxLufs),
    durationSec: r.frames / r.sampleRate,
    nonFiniteSamples: r.nonFiniteSamples,
    channels,
  };
}
