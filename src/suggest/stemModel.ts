import type { TrackFigures } from '../reference/features.js';
import type { ReferenceTarget } from '../reference/target.js';

/**
 * What a stem gain does to a mix's figures, in the additive power model: a stem whose K-weighted
 * energy is a share s of the mix's, raised by g dB (G = 10^(g/10)), leaves the mix's loudness
 * changed by 10 log10(1 + s (G - 1)) and the stem's share at s G / (1 + s (G - 1)). Cross terms
 * between stems are ignored (separated stems are close to orthogonal on average).
 */

/** The stem's name from a scope `stem:<name>`, or null. */
export function stemOfScope(scope: string): string | null {
  return scope.startsWith('stem:') ? scope.slice('stem:'.length) : null;
}

/** Mix loudness change from raising a stem at level `levelDb` (relative to the mix) by `gainDb`, dB. */
export function mixChangeDb(levelDb: number, gainDb: number): number {
  const s = Math.min(1, 10 ** (levelDb / 10));
  return 10 * Math.log10(Math.max(1e-12, 1 + s * (10 ** (gainDb / 10) - 1)));
}

/**
 * Applies a stem gain to figures in place: every stem's relative level, and the mix's absolute
 * level figures (through `shift`, the caller's plain-gain update). Returns the mix change, dB; 0
 * when the stem's level is not known (nothing is changed then).
 */
export function applyStemGain(f: TrackFigures, name: string, gainDb: number, shift: (f: TrackFigures, d: number) => void): number {
  const stems = f.profile.stems?.stems as Record<string, { levelDb: number | null }> | undefined;
  const level = stems?.[name]?.levelDb;
  if (!stems || level === null || level === undefined) return 0;
  const d = mixChangeDb(level, gainDb);
  for (const [n, st] of Object.entries(stems)) {
    if (st.levelDb === null) continue;
    st.levelDb = Math.max(-120, Math.min(120, st.levelDb + (n === name ? gainDb : 0) - d));
  }
  shift(f, d);
  return d;
}

/**
 * Each stem's level offset from the references with the mix's common offset taken out, dB.
 * Levels are relative to the mix, so one stem made 6 dB hotter pushes every other stem's relative
 * level down a little too; the differences between stems are what a bus fader changes. The common
 * part c is the median, over every stem (other included), of (mix level - references' mean); each
 * stem's own offset is its deviation minus c. With one stem off, that stem alone shows the offset,
 * and the gain that undoes it is exactly minus its offset. Null when a level or mean is missing.
 */
export function stemOffsets(f: TrackFigures, target: ReferenceTarget): { commonDb: number; offsetsDb: Record<string, number> } | null {
  const stems = f.profile.stems?.stems as Record<string, { levelDb: number | null }> | undefined;
  if (!stems) return null;
  const devs: Array<[string, number]> = [];
  for (const [name, st] of Object.entries(stems)) {
    const mean = target.features.find((x) => x.feature === `stem.${name}.levelDb`)?.mean ?? null;
    if (mean === null || st.levelDb === null) return null;
    devs.push([name, st.levelDb - mean]);
  }
  if (devs.length === 0) return null;
  const sorted = devs.map(([, d]) => d).sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const commonDb = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  return { commonDb, offsetsDb: Object.fromEntries(devs.map(([n, d]) => [n, d - commonDb])) };
}

/** |a stem's own offset from the references| (see stemOffsets), dB; null when not measurable. */
export function stemLevelDistanceDb(f: TrackFigures, target: ReferenceTarget, name: string): number | null {
  const o = stemOffsets(f, target)?.offsetsDb[name];
  return o === undefined ? null : Math.abs(o);
}
