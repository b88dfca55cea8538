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
 * A stem this far or further below the loudest other stem of the same track holds no part of its
 * own, dB: at 0.01 % of that stem's energy it is inaudible under it, and even the largest stem gain
 * the stems agent proposes (9 dB) would leave it 31 dB down. What such a stem holds is the
 * separator's leakage (the vocals stem of instrumental music), whose level says nothing about a
 * balance. Measured on the rendered corpus: HTDemucs's vocals stem of instrumental songs sits 49-58
 * dB below the loudest stem; every stem that holds a real part sits at most 31 dB below it (dsp's at
 * most 17 dB).
 */
export const ABSENT_BELOW_DB = 40;

/** One stem's absence: nearly empty in the mix, and in how many of the references (ABSENT_BELOW_DB). */
export interface StemAbsence {
  inMix: boolean;
  inReferences: number;
  references: number;
}

/** Names of a track's stems that lie ABSENT_BELOW_DB or more below its loudest other stem. */
export function absentStems(stems: Record<string, { levelDb: number | null }> | undefined): Set<string> {
  const out = new Set<string>();
  if (!stems) return out;
  const levels = Object.entries(stems).filter((e): e is [string, { levelDb: number }] => e[1].levelDb !== null);
  for (const [name, st] of levels) {
    const loudest = Math.max(...levels.filter(([n]) => n !== name).map(([, o]) => o.levelDb));
    if (st.levelDb <= loudest - ABSENT_BELOW_DB) out.add(name);
  }
  return out;
}

/** Per stem absent from the mix or from at least one reference, where it is absent. */
export function stemAbsence(f: TrackFigures, target: ReferenceTarget): Record<string, StemAbsence> {
  const mix = absentStems(f.profile.stems?.stems as Record<string, { levelDb: number | null }> | undefined);
  const refs = target.profiles.map((p) => absentStems(p.stems?.stems as Record<string, { levelDb: number | null }> | undefined));
  const out: Record<string, StemAbsence> = {};
  for (const name of new Set([...mix, ...refs.flatMap((r) => [...r])])) {
    out[name] = { inMix: mix.has(name), inReferences: refs.filter((r) => r.has(name)).length, references: refs.length };
  }
  return out;
}

/**
 * Each stem's level offset from the references with the mix's common offset taken out, dB.
 * Levels are relative to the mix, so one stem made 6 dB hotter pushes every other stem's relative
 * level down a little too; the differences between stems are what a bus fader changes. The common
 * part c is the median, over every stem (other included), of (mix level - references' mean); each
 * stem's own offset is its deviation minus c. With one stem off, that stem alone shows the offset,
 * and the gain that undoes it is exactly minus its offset. A stem absent (stemAbsence) from the mix
 * or from any reference has no offset and does not count in c: its level is leakage, not a part.
 * Null when a level or mean is missing.
 */
export function stemOffsets(f: TrackFigures, target: ReferenceTarget): { commonDb: number; offsetsDb: Record<string, number> } | null {
  const stems = f.profile.stems?.stems as Record<string, { levelDb: number | null }> | undefined;
  if (!stems) return null;
  const absent = stemAbsence(f, target);
  const devs: Array<[string, number]> = [];
  for (const [name, st] of Object.entries(stems)) {
    const mean = target.features.find((x) => x.feature === `stem.${name}.levelDb`)?.mean ?? null;
    if (mean === null || st.levelDb === null) return null;
    if (!absent[name]) devs.push([name, st.levelDb - mean]);
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
