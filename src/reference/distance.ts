import type { TrackFigures } from './features.js';
import type { FeatureStats, ReferenceTarget } from './target.js';

/**
 * How far a mix lies from its reference target, one figure per aspect, each in dB (or LU) so that
 * "halved" means something. Used by the agents' `predicted` effects, by `ama apply` (before and
 * after) and by the efficacy benchmark. Every figure is null when it cannot be measured (silence,
 * no reference figure).
 *
 * - tonalDb: RMS over the 1/3-octave mid bands 40 Hz..16 kHz of (mix - references' mean), after
 *   removing the best global offset (the mean deviation). Band levels are relative to each track's
 *   loudness, so a pure gain change moves nothing; a tilt or a bump does. Each band's deviation is
 *   capped at +-24 dB so one empty band cannot swamp the rest.
 * - stereoDb: RMS of the per-band width deviations (side-to-mid ratio, mix - mean) over 40 Hz..16 kHz,
 *   weighted by the references' band energy (mid + side power), plus 10 dB per unit of overall
 *   correlation deviation. Widths are floored at -30 dB: below that a band is mono for every ear,
 *   and -45 against -40 dB must not count as a stereo fault.
 * - dynamicsDb: RMS of the PLR, PSR and crest-factor deviations from the references' mean.
 * - loudnessLu: |integrated loudness - target|, the target being options.loudnessTargetLufs or the
 *   references' mean integrated loudness.
 * - truePeakOverDb: how far the true peak lies above the ceiling (0 at or under it).
 */
export interface TargetDistance {
  tonalDb: number | null;
  stereoDb: number | null;
  dynamicsDb: number | null;
  loudnessLu: number | null;
  truePeakOverDb: number | null;
}

/** Options of distanceToTarget. */
export interface DistanceOptions {
  /** Loudness target, LUFS; null or absent: the references' mean. */
  loudnessTargetLufs?: number | null;
  /** True-peak ceiling, dBTP (default -1). */
  ceilingDbtp?: number;
}

/** Default true-peak ceiling, dBTP (streaming services' usual -1 dBTP). */
export const DEFAULT_CEILING_DBTP = -1;
/** Frequency range of the tonal and stereo distances, Hz. */
export const DISTANCE_RANGE_HZ = [40, 16000] as const;
/** Cap on one band's tonal deviation, dB. */
export const TONAL_CAP_DB = 24;
/** Widths below this count as mono, dB (side to mid). */
export const WIDTH_FLOOR_DB = -30;
/** Widths above this count as fully out of phase, dB. */
export const WIDTH_CEIL_DB = 20;
/** Weight of the correlation deviation in the stereo distance, dB per unit of correlation. */
export const CORRELATION_DB_PER_UNIT = 10;
/** Figures whose deviations make up the dynamics distance. */
export const DYNAMICS_FEATURES = ['plrDb', 'psrDb', 'crestDb'] as const;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const inRange = (f: FeatureStats) => f.centerHz !== undefined && f.centerHz >= DISTANCE_RANGE_HZ[0] && f.centerHz <= DISTANCE_RANGE_HZ[1];

/** The loudness the mix is steered to: the option, or the references' mean integrated loudness; LUFS. */
export function loudnessTargetOf(target: ReferenceTarget, options: DistanceOptions = {}): number | null {
  if (options.loudnessTargetLufs !== undefined && options.loudnessTargetLufs !== null) return options.loudnessTargetLufs;
  return target.features.find((f) => f.feature === 'integratedLufs')?.mean ?? null;
}

/** The tonal distance alone (see TargetDistance), dB. */
export function tonalDistanceDb(mix: TrackFigures, target: ReferenceTarget): number | null {
  const bands = new Map(mix.profile.tonal.thirdOctave.map((b) => [b.centerHz, b.midDb]));
  const d: number[] = [];
  for (const f of target.features) {
    if (!f.feature.startsWith('tonal.mid.') || !inRange(f) || f.mean === null) continue;
    const m = bands.get(f.centerHz!);
    if (m === null || m === undefined) continue;
    d.push(clamp(m - f.mean, -TONAL_CAP_DB, TONAL_CAP_DB));
  }
  if (d.length === 0) return null;
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  return Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / d.length);
}

/** The stereo distance alone (see TargetDistance), dB. */
export function stereoDistanceDb(mix: TrackFigures, target: ReferenceTarget): number | null {
  const byName = new Map(target.features.map((f) => [f.feature, f]));
  const bands = new Map(mix.profile.stereo.bands.map((b) => [b.centerHz, b.sideToMidDb]));
  const width = (x: number) => clamp(x, WIDTH_FLOOR_DB, WIDTH_CEIL_DB);
  let sw = 0, swd = 0;
  for (const f of target.features) {
    if (!f.feature.startsWith('width.') || !inRange(f)) continue;
    const refs = f.values.filter((v): v is number => v !== null);
    const m = bands.get(f.centerHz!);
    if (refs.length === 0 || m === null || m === undefined) continue;
    const mean = refs.reduce((a, v) => a + width(v), 0) / refs.length;
    const suffix = f.feature.slice('width.'.length);
    const mid = byName.get(`tonal.mid.${suffix}`)?.mean ?? null;
    const side = byName.get(`tonal.side.${suffix}`)?.mean ?? null;
    const w = (mid === null ? 0 : 10 ** (mid / 10)) + (side === null ? 0 : 10 ** (side / 10));
    if (!(w > 0)) continue;
    sw += w;
    swd += w * (width(m) - mean) ** 2;
  }
  if (sw === 0) return null;
  const corrRef = byName.get('correlation')?.mean ?? null;
  const corrMix = mix.profile.stereo.correlation;
  const corr = corrRef === null || corrMix === null ? 0 : Math.abs(corrMix - corrRef);
  return Math.sqrt(swd / sw) + CORRELATION_DB_PER_UNIT * corr;
}

/** RMS deviation of some dynamics figures from the references' mean (default PLR, PSR, crest), dB. */
export function dynamicsDistanceDb(mix: TrackFigures, target: ReferenceTarget, features: readonly string[] = DYNAMICS_FEATURES): number | null {
  const byName = new Map(target.features.map((f) => [f.feature, f.mean]));
  const d = mix.profile.dynamics;
  const mixValue: Record<string, number | null> = {
    plrDb: mix.loudness.plrDb, psrDb: mix.loudness.psrDb, crestDb: d.crestDb,
    crestLowDb: d.crestLowDb, crestMidDb: d.crestMidDb, crestHighDb: d.crestHighDb, loudnessRangeLu: mix.loudness.loudnessRangeLu,
  };
  const dev: number[] = [];
  for (const name of features) {
    const m = mixValue[name] ?? null;
    const t = byName.get(name) ?? null;
    if (m !== null && t !== null) dev.push(m - t);
  }
  return dev.length ? Math.sqrt(dev.reduce((a, x) => a + x * x, 0) / dev.length) : null;
}

/** The distance from a mix to the target on every aspect (see TargetDistance). */
export function distanceToTarget(mix: TrackFigures, target: ReferenceTarget, options: DistanceOptions = {}): TargetDistance {
  const lufs = loudnessTargetOf(target, options);
  const i = mix.loudness.integratedLufs;
  const tp = mix.loudness.truePeakDbtp;
  return {
    tonalDb: tonalDistanceDb(mix, target),
    stereoDb: stereoDistanceDb(mix, target),
    dynamicsDb: dynamicsDistanceDb(mix, target),
    loudnessLu: i === null || lufs === null ? null : Math.abs(i - lufs),
    truePeakOverDb: tp === null ? null : Math.max(0, tp - (options.ceilingDbtp ?? DEFAULT_CEILING_DBTP)),
  };
}
