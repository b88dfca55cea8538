import type { MixProfile } from '../analysis/profileSchema.js';
import { WIDTH_CEIL_DB, WIDTH_FLOOR_DB } from '../reference/distance.js';
import { outside, spectrumView } from './spectrum.js';

/**
 * Frequency regions where the mix's width (side-to-mid ratio) lies outside the references'
 * envelope, adjacent 1/3-octave bands merged. Shared by the stereo agent (which proposes a width
 * move for each broad region) and the EQ agent (which leaves those frequencies of the side channel
 * alone), so that one difference gets one proposal:
 * - a width difference caused by the mid alone (mid level outside its envelope, side level inside)
 *   is not a width region: the EQ agent's mid band fixes it;
 * - a region of 3 bands (one octave) or more is broad: the stereo agent's width move;
 * - a narrower one is left to the EQ agent's side band;
 * - a single band inside the envelope between two outside ones on the same side joins them.
 */

/** Width deviation a band may have beyond the references' range, dB (as in reference/features.ts). */
export const WIDTH_TOLERANCE_DB = 1.5;
/** A region this many 1/3-octave bands wide or more is the stereo agent's. */
export const BROAD_REGION_BANDS = 3;
/** Range over which width is judged, Hz. */
export const WIDTH_RANGE_HZ = [40, 16000] as const;

/** One region of consistent width deviation. */
export interface WidthRegion {
  /** Lower and upper edge (1/3-octave band edges), Hz. */
  lowHz: number;
  highHz: number;
  /** Centres of the bands in it, Hz. */
  centersHz: number[];
  /** Mean of (mix width - references' mean width) over the bands, widths floored at -30 dB; dB. */
  meanDevDb: number;
  /** Largest distance outside the envelope (tolerance included), dB, signed like meanDevDb. */
  maxOutsideDb: number;
  /** Mean spread of the references' widths over the bands, dB. */
  spreadDb: number;
  /** At least BROAD_REGION_BANDS bands. */
  broad: boolean;
}

const floorWidth = (x: number) => Math.min(WIDTH_CEIL_DB, Math.max(WIDTH_FLOOR_DB, x));
/** Half of a 1/3-octave band in base-10 octaves, as a ratio. */
const HALF_BAND = 10 ** 0.05;

/** Per-band width rows: mix and references' widths (floored), deviation, envelope distance. */
export function widthRows(mix: MixProfile, refs: MixProfile[]) {
  return mix.stereo.bands.map((b, i) => {
    const vals = refs.map((r) => r.stereo.bands[i]?.sideToMidDb ?? null);
    if (b.sideToMidDb === null || vals.some((v) => v === null)) return null;
    const w = vals.map((v) => floorWidth(v!));
    const mean = w.reduce((a, x) => a + x, 0) / w.length;
    const dev = floorWidth(b.sideToMidDb) - mean;
    const lo = Math.min(...w) - mean - WIDTH_TOLERANCE_DB, hi = Math.max(...w) - mean + WIDTH_TOLERANCE_DB;
    return { index: i, centerHz: b.centerHz, mixDb: floorWidth(b.sideToMidDb), meanDb: mean, minDb: Math.min(...w), maxDb: Math.max(...w), devDb: dev, outsideDb: outside(dev, lo, hi), spreadDb: Math.max(...w) - Math.min(...w) };
  });
}

/** The width regions of a mix against its references (see the module comment). */
export function widthRegions(mix: MixProfile, refs: MixProfile[]): WidthRegion[] {
  const rows = widthRows(mix, refs);
  const mid = spectrumView(mix, refs, 'mid', 'thirdOctave', { smooth: false });
  const side = spectrumView(mix, refs, 'side', 'thirdOctave', { smooth: false, offsetDb: mid.offsetDb });
  const midAt = new Map(mid.rows.map((r) => [r.centerHz, r]));
  const sideAt = new Map(side.rows.map((r) => [r.centerHz, r]));
  const member = rows.map((r) => {
    if (!r || r.outsideDb === 0 || r.centerHz < WIDTH_RANGE_HZ[0] || r.centerHz > WIDTH_RANGE_HZ[1]) return 0;
    const m = midAt.get(r.centerHz), s = sideAt.get(r.centerHz);
    if (m && s && m.outsideDb !== 0 && s.outsideDb === 0) return 0; // the mid's doing: an EQ matter
    return Math.sign(r.outsideDb);
  });
  // A single band inside the envelope between two outside on the same side, leaning the same way,
  // does not split a region: one move reads better than two with a gap of a third of an octave.
  for (let i = 1; i + 1 < rows.length; i++) {
    const r = rows[i];
    if (!member[i] && member[i - 1] && member[i - 1] === member[i + 1] && r && Math.sign(r.devDb) === member[i - 1]) member[i] = member[i - 1];
  }
  const regions: WidthRegion[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (!member[i]) continue;
    let j = i;
    while (j + 1 < rows.length && member[j + 1] === member[i]) j++;
    const band = rows.slice(i, j + 1).map((r) => r!);
    const maxOut = band.reduce((a, r) => (Math.abs(r.outsideDb) > Math.abs(a) ? r.outsideDb : a), 0);
    regions.push({
      lowHz: Math.max(20, band[0].centerHz / HALF_BAND),
      highHz: Math.min(20000, band[band.length - 1].centerHz * HALF_BAND),
      centersHz: band.map((r) => r.centerHz),
      meanDevDb: band.reduce((a, r) => a + r.devDb, 0) / band.length,
      maxOutsideDb: maxOut,
      spreadDb: band.reduce((a, r) => a + r.spreadDb, 0) / band.length,
      broad: band.length >= BROAD_REGION_BANDS,
    });
    i = j;
  }
  return regions;
}
