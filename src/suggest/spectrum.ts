import type { MixProfile } from '../analysis/profileSchema.js';
import { ISO_THIRD_OCTAVE_NOMINAL_HZ } from '../dsp/bands.js';

/**
 * The mix's tonal balance against the references', band by band, as the EQ, tonal and stereo
 * agents read it. Levels are relative to each track's own loudness, so a mix whose bass is 4 dB too
 * hot reads every other band a little low as well: a global offset (the median deviation over
 * 40 Hz..16 kHz) is removed before anything is judged, and only the shape is compared.
 */

/** Mid (L+R)/2 or side (L-R)/2. */
export type Channel = 'mid' | 'side';
/** 1/3-octave (31 bands) or 1/6-octave (62 bands, for the EQ fit). */
export type Resolution = 'thirdOctave' | 'sixthOctave';

/** Below this level (relative to the loudness) a band holds no content worth judging, dB. */
export const CONTENT_FLOOR_DB = -90;
/** Repeatability of a band level, as in src/reference/features.ts (mid 0.75 dB, side 1 dB). */
export const LEVEL_TOLERANCE_DB: Record<Channel, number> = { mid: 0.75, side: 1 };
/** Range over which the global offset is estimated and distances are taken, Hz. */
export const JUDGED_RANGE_HZ = [40, 16000] as const;

/** One band of a spectrum view. */
export interface SpectrumRow {
  /** Band centre (nominal), Hz. */
  centerHz: number;
  /** Index of the band in the profile's band list. */
  index: number;
  /** The mix's level (smoothed when asked), dB re its loudness. */
  mixDb: number;
  /** The references' mean, lowest and highest level (each smoothed when asked), dB re their loudness. */
  meanDb: number;
  minDb: number;
  maxDb: number;
  /** Highest minus lowest reference level, dB. */
  spreadDb: number;
  /** Mix minus the references' mean, less the view's global offset, dB. */
  devDb: number;
  /** Envelope edges relative to the mean, widened by the tolerance, dB (lower <= 0 <= upper). */
  lowerDb: number;
  upperDb: number;
  /** Signed distance of devDb outside [lowerDb, upperDb], dB; 0 inside. */
  outsideDb: number;
  /** The deviation before smoothing (equal to devDb when the view is not smoothed), dB. */
  rawDevDb: number;
}

/** A channel of the mix against the references at one resolution. */
export interface SpectrumView {
  channel: Channel;
  resolution: Resolution;
  /** Width of one band, octaves. */
  bandOct: number;
  /** Global offset removed from every deviation (mix minus mean, median over 40 Hz..16 kHz), dB. */
  offsetDb: number;
  /** Bands with content in the mix and in every reference, low to high. */
  rows: SpectrumRow[];
}

/** Signed distance of x outside [lo, hi]; 0 inside. */
export function outside(x: number, lo: number, hi: number): number {
  return x < lo ? x - lo : x > hi ? x - hi : 0;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * 1/3-octave smoothing of a 1/6-octave series: weights 1/4, 1/2, 1/4 over neighbours, renormalised
 * where a neighbour is missing (null). Other resolutions are returned unchanged.
 */
export function smoothSeries(values: Array<number | null>, resolution: Resolution): Array<number | null> {
  if (resolution !== 'sixthOctave') return values;
  return values.map((v, i) => {
    if (v === null) return null;
    let s = 0.5 * v, w = 0.5;
    for (const j of [i - 1, i + 1]) {
      const u = values[j];
      if (u !== undefined && u !== null) { s += 0.25 * u; w += 0.25; }
    }
    return s / w;
  });
}

function levels(p: MixProfile, channel: Channel, resolution: Resolution): Array<number | null> {
  return p.tonal[resolution].map((b) => {
    const v = channel === 'mid' ? b.midDb : b.sideDb;
    return v === null || v < CONTENT_FLOOR_DB ? null : v;
  });
}

/** Options of spectrumView. */
export interface SpectrumViewOptions {
  /** Smooth 1/6-octave levels to 1/3 octave before comparing (default true). */
  smooth?: boolean;
  /** Offset to remove instead of the median deviation (e.g. the mid's, for the side), dB. */
  offsetDb?: number;
}

/** Mean, lowest and highest of the references' values at one band; null when one is missing. */
function stats(vals: Array<number | null | undefined>): { mean: number; min: number; max: number } | null {
  if (vals.some((v) => v === null || v === undefined)) return null;
  const v = vals as number[];
  return { mean: v.reduce((a, x) => a + x, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
}

/**
 * The view of one channel: bands where the mix and every reference have content, with the
 * deviation from the references' mean (global offset removed) and the envelope around it.
 */
export function spectrumView(mix: MixProfile, refs: MixProfile[], channel: Channel, resolution: Resolution, opts: SpectrumViewOptions = {}): SpectrumView {
  const smooth = opts.smooth ?? true;
  const tol = LEVEL_TOLERANCE_DB[channel];
  const mRaw = levels(mix, channel, resolution);
  const rRaw = refs.map((x) => levels(x, channel, resolution));
  const m = smooth ? smoothSeries(mRaw, resolution) : mRaw;
  const r = smooth ? rRaw.map((x) => smoothSeries(x, resolution)) : rRaw;
  const centres = mix.tonal[resolution].map((b) => b.centerHz);
  const found: Array<{ i: number; mi: number; st: { mean: number; min: number; max: number }; rawDelta: number }> = [];
  for (let i = 0; i < m.length; i++) {
    const mi = m[i];
    const st = stats(r.map((x) => x[i]));
    const rawSt = stats(rRaw.map((x) => x[i]));
    if (mi === null || !st || mRaw[i] === null || !rawSt) continue;
    found.push({ i, mi, st, rawDelta: mRaw[i]! - rawSt.mean });
  }
  const judged = found.filter((x) => centres[x.i] >= JUDGED_RANGE_HZ[0] && centres[x.i] <= JUDGED_RANGE_HZ[1]).map((x) => x.mi - x.st.mean);
  const offsetDb = opts.offsetDb ?? (judged.length ? median(judged) : 0);
  const rows: SpectrumRow[] = found.map(({ i, mi, st, rawDelta }) => {
    const devDb = mi - st.mean - offsetDb;
    const lowerDb = st.min - st.mean - tol, upperDb = st.max - st.mean + tol;
    return {
      centerHz: centres[i], index: i, mixDb: mi, meanDb: st.mean, minDb: st.min, maxDb: st.max, spreadDb: st.max - st.min,
      devDb, lowerDb, upperDb, outsideDb: outside(devDb, lowerDb, upperDb), rawDevDb: rawDelta - offsetDb,
    };
  });
  return { channel, resolution, bandOct: resolution === 'thirdOctave' ? 1 / 3 : 1 / 6, offsetDb, rows };
}

/** A frequency for people: 250 Hz, 2.5 kHz. */
export function hz(f: number): string {
  return f >= 1000 ? `${+(f / 1000).toFixed(f >= 10000 ? 1 : 2)} kHz` : `${+f.toFixed(f < 100 ? 1 : 0)} Hz`;
}

/** ISO nominal 1/3-octave centre nearest to f (for stable keys), Hz. */
export function nearestThirdOctave(f: number): number {
  let best = ISO_THIRD_OCTAVE_NOMINAL_HZ[0];
  for (const c of ISO_THIRD_OCTAVE_NOMINAL_HZ) if (Math.abs(Math.log(c / f)) < Math.abs(Math.log(best / f))) best = c;
  return best;
}

/** Key fragment of a frequency: `250Hz`, `2.5kHz`. */
export function hzKey(f: number): string {
  return f >= 1000 ? `${+(f / 1000).toFixed(2)}kHz` : `${+f.toFixed(1)}Hz`;
}
