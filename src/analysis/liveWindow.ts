import type { FileLoudness } from './analyzeFile.js';
import type { LoudnessMeter } from './loudness.js';
import { gatedLoudness, loudnessRange, lufsToEnergy } from './loudnessGating.js';

/** Loudness figures a LiveAnalyzer publishes (the field names of `ama analyze --json`, plus the current momentary and short-term values). */
export type LiveLoudness = FileLoudness & { momentaryLufs: number | null; shortTermLufs: number | null };

/** Gating blocks (400 ms) and short-term values (3 s) are both stored every 100 ms by the meter. */
const HISTORY_HZ = 10;

/**
 * The loudness figures of the last `windowSec` of a stream, for the agents: what the mix is now,
 * so that a fader the engineer moved shows within one window instead of being diluted by the whole
 * session. Integrated loudness (BS.1770 gating over the 400 ms blocks of the window), loudness
 * range (over its 3 s values) and short-term max are windowed; PLR and PSR follow from them.
 * Peaks, RMS and crest stay session-long: the meter keeps no peak history. When the session is
 * shorter than the window, the integrated loudness and LRA equal the session's.
 */
export function windowLoudness(meter: LoudnessMeter, session: FileLoudness, windowSec: number): FileLoudness {
  const keep = Math.max(1, Math.round(windowSec * HISTORY_HZ));
  const blocks = meter.blockLoudnessHistory();
  const recentBlocks = blocks.subarray(Math.max(0, blocks.length - keep));
  const energies = Float64Array.from(recentBlocks, lufsToEnergy); // -Infinity LUFS -> 0
  const integratedLufs = gatedLoudness(energies, energies.length).integratedLufs;
  const st = meter.shortTermHistory();
  const recentSt = st.subarray(Math.max(0, st.length - keep));
  const loudnessRangeLu = loudnessRange(recentSt, recentSt.length);
  let stMax = -Infinity;
  for (const v of recentSt) if (v > stMax) stMax = v;
  const shortTermMaxLufs = recentSt.length > 0 ? (Number.isFinite(stMax) ? stMax : null) : session.shortTermMaxLufs;
  const tp = session.truePeakDbtp;
  return {
    ...session,
    integratedLufs,
    loudnessRangeLu,
    shortTermMaxLufs,
    plrDb: tp === null || integratedLufs === null ? null : tp - integratedLufs,
    psrDb: tp === null || shortTermMaxLufs === null ? null : tp - shortTermMaxLufs,
  };
}
