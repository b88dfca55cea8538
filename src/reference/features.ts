import type { FileLoudness } from '../analysis/analyzeFile.js';
import type { MixProfile } from '../analysis/profileSchema.js';

/** Which part of the picture a feature belongs to (used to group the report and the plot). */
export type FeatureGroup = 'loudness' | 'dynamics' | 'tonal' | 'spectrum' | 'stereo' | 'stereoBands' | 'stems';

/** One scalar figure of a track, with its unit; null when not measurable. */
export interface FeatureValue {
  /** Stable name, e.g. `integratedLufs`, `tonal.mid.1000Hz`, `width.250Hz`. */
  feature: string;
  unit: string;
  group: FeatureGroup;
  /** Band centre for per-band features, Hz. */
  centerHz?: number;
  /**
   * How far outside the references' envelope the mix may lie and still count as inside: the
   * measurement's own repeatability, in the feature's unit.
   */
  tolerance: number;
  value: number | null;
}

/** Everything that is compared: loudness figures plus a profile. */
export interface TrackFigures {
  loudness: FileLoudness;
  profile: MixProfile;
}

const bandName = (hz: number) => (hz >= 1000 ? `${+(hz / 1000).toFixed(2)}kHz` : `${+hz.toFixed(1)}Hz`);

/**
 * Flattens a track's loudness and profile into named scalar features. The tonal levels are already
 * relative to the track's own loudness, so tracks of different loudness compare band by band.
 */
export function extractFeatures(t: TrackFigures): FeatureValue[] {
  const out: FeatureValue[] = [];
  const add = (feature: string, unit: string, group: FeatureGroup, tolerance: number, value: number | null | undefined, centerHz?: number) =>
    out.push({ feature, unit, group, tolerance, value: value ?? null, ...(centerHz !== undefined ? { centerHz } : {}) });
  const { loudness: l, profile: p } = t;
  const d = p.dynamics;
  add('integratedLufs', 'LUFS', 'loudness', 0.5, l.integratedLufs);
  add('truePeakDbtp', 'dBTP', 'loudness', 0.3, l.truePeakDbtp);
  add('shortTermMaxLufs', 'LUFS', 'loudness', 0.5, l.shortTermMaxLufs);
  add('loudnessRangeLu', 'LU', 'dynamics', 1, l.loudnessRangeLu);
  add('plrDb', 'dB', 'dynamics', 0.5, l.plrDb);
  add('psrDb', 'dB', 'dynamics', 0.5, l.psrDb);
  add('crestDb', 'dB', 'dynamics', 0.5, d.crestDb);
  add('crestLowDb', 'dB', 'dynamics', 0.5, d.crestLowDb);
  add('crestMidDb', 'dB', 'dynamics', 0.5, d.crestMidDb);
  add('crestHighDb', 'dB', 'dynamics', 0.5, d.crestHighDb);
  add('nearPeakShare', 'ratio', 'dynamics', 0.01, d.nearPeakShare);
  add('transientsPerSec', '1/s', 'dynamics', 0.3, d.transientsPerSec);
  add('shortTermPeakSpreadLu', 'LU', 'dynamics', 0.5, d.shortTermPeakSpreadLu);
  add('tiltDbPerOctave', 'dB/oct', 'tonal', 0.2, p.descriptors.tiltDbPerOctave);
  add('centroidHz', 'Hz', 'tonal', 0, p.descriptors.centroidHz);
  for (const [k, v] of Object.entries(p.descriptors.energyShare)) add(`energyShare.${k}`, 'ratio', 'tonal', 0.01, v);
  for (const b of p.tonal.thirdOctave) {
    add(`tonal.mid.${bandName(b.centerHz)}`, 'dB', 'spectrum', 0.75, b.midDb, b.centerHz);
  }
  for (const b of p.tonal.thirdOctave) {
    add(`tonal.side.${bandName(b.centerHz)}`, 'dB', 'spectrum', 1, b.sideDb, b.centerHz);
  }
  const s = p.stereo;
  const stereoValue = <T>(v: T) => (s.monoInput ? null : v);
  add('balanceDb', 'dB', 'stereo', 0.3, s.balanceDb);
  add('correlation', 'ratio', 'stereo', 0.03, s.correlation);
  add('sideToMidDb', 'dB', 'stereo', 1, stereoValue(s.sideToMidDb));
  add('monoLossDb', 'dB', 'stereo', 0.3, s.monoLossDb);
  add('lowEnd.sideToMidDb', 'dB', 'stereo', 2, stereoValue(s.lowEnd.sideToMidDb));
  add('lowEnd.correlation', 'ratio', 'stereo', 0.03, s.lowEnd.correlation);
  for (const b of s.bands) add(`width.${bandName(b.centerHz)}`, 'dB', 'stereoBands', 1.5, stereoValue(b.sideToMidDb), b.centerHz);
  for (const b of s.bands) add(`correlation.${bandName(b.centerHz)}`, 'ratio', 'stereoBands', 0.05, b.correlation, b.centerHz);
  for (const b of s.bands) add(`pan.${bandName(b.centerHz)}`, 'ratio', 'stereoBands', 0.05, b.pan, b.centerHz);
  // Per-stem figures, when the track was separated (see src/separation/features.ts).
  if (p.stems) {
    for (const [name, st] of Object.entries(p.stems.stems)) {
      add(`stem.${name}.levelDb`, 'dB', 'stems', 0.5, st.levelDb);
      add(`stem.${name}.sideToMidDb`, 'dB', 'stems', 1.5, stereoValue(st.sideToMidDb));
      add(`stem.${name}.pan`, 'ratio', 'stems', 0.05, stereoValue(st.pan));
      for (const o of st.octaves) add(`stem.${name}.tonal.${bandName(o.centerHz)}`, 'dB', 'stems', 1, o.levelDb, o.centerHz);
    }
  }
  // The centroid's tolerance is relative (3 %): set it from the value.
  for (const f of out) if (f.feature === 'centroidHz' && f.value !== null) f.tolerance = 0.03 * f.value;
  return out;
}
