import type { CrestReading } from './crest.js';
import { round } from './db.js';
import { shortTermPercentiles, type ShortTermPercentiles } from './shortTerm.js';
import type { TransientReading } from './transients.js';

/**
 * Loudness figures handed in at read time from the BS.1770 meter (src/analysis/loudness.ts);
 * every figure may be null (silence, too short).
 */
export interface LoudnessInputs {
  /** Integrated loudness, LUFS. */
  integratedLufs: number | null;
  /** Loudness range, LU. */
  loudnessRangeLu: number | null;
  /** Peak to loudness ratio: true peak minus integrated loudness, dB. */
  plrDb: number | null;
  /** Peak to short-term loudness ratio: true peak minus max short-term loudness, dB. */
  psrDb: number | null;
  /** Short-term loudness values (3 s windows) at 10 Hz, LUFS; -Infinity in silence. */
  shortTermHistory: Float64Array;
}

/** The dynamics section of a profile. */
export interface DynamicsReading extends CrestReading {
  /** Onsets per active second from positive spectral flux, 1/s; null under 1 s of audio. */
  transientsPerSec: number | null;
  /** Integrated loudness from the meter, LUFS; null when not given or silent. */
  integratedLufs: number | null;
  /** Loudness range from the meter, LU; null when not given. */
  loudnessRangeLu: number | null;
  /** Peak to loudness ratio from the meter, dB; null when not given. */
  plrDb: number | null;
  /** Peak to short-term loudness ratio from the meter, dB; null when not given. */
  psrDb: number | null;
  /** Gated short-term loudness percentiles; null when not given or silent. */
  shortTerm: ShortTermPercentiles | null;
  /** p95 - p50 of short-term loudness: how far the loudest passages rise above the typical level, LU; null when not given. */
  shortTermPeakSpreadLu: number | null;
}

/** The dynamics section from the crest and onset readings, plus the meter's figures when given (null fields when absent). */
export function dynamicsReading(crest: CrestReading, transients: TransientReading, loudness?: LoudnessInputs): DynamicsReading {
  const shortTerm = loudness ? shortTermPercentiles(loudness.shortTermHistory) : null;
  const finite = (x: number | null | undefined): number | null =>
    x === null || x === undefined || !Number.isFinite(x) ? null : round(x);
  return {
    ...crest,
    transientsPerSec: transients.onsetsPerSec,
    integratedLufs: finite(loudness?.integratedLufs),
    loudnessRangeLu: finite(loudness?.loudnessRangeLu),
    plrDb: finite(loudness?.plrDb),
    psrDb: finite(loudness?.psrDb),
    shortTerm,
    shortTermPeakSpreadLu: shortTerm ? round(shortTerm.p95Lufs - shortTerm.p50Lufs) : null,
  };
}
