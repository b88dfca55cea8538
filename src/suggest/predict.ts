import { kWeightingPower } from '../analysis/profile/kWeighting.js';
import type { TrackFigures } from '../reference/features.js';
import { distanceToTarget, DYNAMICS_FEATURES, dynamicsDistanceDb, stereoDistanceDb, tonalDistanceDb } from '../reference/distance.js';
import type { ReferenceTarget } from '../reference/target.js';
import { bandCrestKey, bandProgrammeLevels, compressorOnProgramme, programmeLevels } from './compressorModel.js';
import { bandAveragedResponseDb } from './eqResponse.js';
import { applyStemGain, stemLevelDistanceDb, stemOfScope } from './stemModel.js';
import type { AgentOptions, ParamsByKind, Scope, Suggestion } from './types.js';

export { gainReductionDb, SLOW_ATTACK_MS } from './compressorModel.js';

/**
 * A model of what each kind of move does to a mix's measured figures, so that a proposal's
 * `predicted` effect (distance to the target before and after) can be computed without rendering
 * audio, and the loudness agent can account for the level the other moves add or take away.
 * First-order physics: an EQ adds its response to the band levels (and the K-weighted power sum
 * gives the loudness change); a width move scales side power in its bands; a compressor follows the
 * programme model of src/suggest/compressorModel.ts (its detector reads the peak envelope, which
 * sits well over the short-term loudness, and transient peaks pass a millisecond attack); a
 * limiter clips the true peak at its ceiling. Not modelled: a limiter's own small loudness loss,
 * the true-peak change of an EQ (peaks are taken to follow the loudness).
 */

const add = (x: number | null, d: number) => (x === null ? null : x + d);
const p10 = (db: number | null) => (db === null ? 0 : 10 ** (db / 10));

/** Shifts every absolute level figure by d dB (a plain gain). */
function shiftLevels(f: TrackFigures, d: number): void {
  const l = f.loudness;
  for (const k of ['integratedLufs', 'truePeakDbtp', 'samplePeakDbfs', 'shortTermMaxLufs', 'momentaryMaxLufs', 'rmsDbfs'] as const) l[k] = add(l[k], d);
  const dy = f.profile.dynamics;
  dy.samplePeakDbfs = add(dy.samplePeakDbfs, d);
  dy.rmsDbfs = add(dy.rmsDbfs, d);
  dy.integratedLufs = add(dy.integratedLufs, d);
  if (dy.shortTerm) for (const k of ['p10Lufs', 'p50Lufs', 'p90Lufs', 'p95Lufs'] as const) dy.shortTerm[k] += d;
  f.profile.tonal.referenceLufs = add(f.profile.tonal.referenceLufs, d);
}

/**
 * Applies per-band gains to mid and side (functions of frequency, dB), renormalises the relative
 * levels to the new loudness, and updates widths, correlation and the loudness figures.
 */
function spectralChange(f: TrackFigures, midGain: (hz: number) => number, sideGain: (hz: number) => number): void {
  const p = f.profile;
  const fs = p.sampleRateHz;
  let before = 0, after = 0;
  for (const b of p.tonal.sixthOctave) {
    const k = kWeightingPower(b.centerHz, fs);
    before += k * (p10(b.midDb) + p10(b.sideDb));
    after += k * (p10(b.midDb) * 10 ** (midGain(b.centerHz) / 10) + p10(b.sideDb) * 10 ** (sideGain(b.centerHz) / 10));
  }
  const dI = before > 0 && after > 0 ? 10 * Math.log10(after / before) : 0;
  let m0 = 0, s0 = 0, s1 = 0, m1 = 0;
  for (const set of [p.tonal.sixthOctave, p.tonal.thirdOctave]) {
    for (const b of set) {
      const gm = midGain(b.centerHz), gs = sideGain(b.centerHz);
      if (set === p.tonal.thirdOctave) {
        m0 += p10(b.midDb); s0 += p10(b.sideDb);
        m1 += p10(b.midDb) * 10 ** (gm / 10); s1 += p10(b.sideDb) * 10 ** (gs / 10);
      }
      b.midDb = b.midDb === null ? null : Math.max(-120, b.midDb + gm - dI);
      b.sideDb = b.sideDb === null ? null : Math.max(-120, b.sideDb + gs - dI);
    }
  }
  const balancedCorr = (ratioDb: number) => { const r = 10 ** (ratioDb / 10); return (1 - r) / (1 + r); };
  for (const b of p.stereo.bands) {
    const d = sideGain(b.centerHz) - midGain(b.centerHz);
    if (b.sideToMidDb === null || d === 0) continue;
    const w = Math.max(-120, Math.min(120, b.sideToMidDb + d));
    if (b.correlation !== null) b.correlation = Math.max(-1, Math.min(1, b.correlation + balancedCorr(w) - balancedCorr(b.sideToMidDb)));
    b.sideToMidDb = w;
  }
  const st = p.stereo;
  if (m0 > 0 && s0 > 0 && m1 > 0 && st.sideToMidDb !== null) {
    const r0 = 10 * Math.log10(s0 / m0), r1 = s1 > 0 ? 10 * Math.log10(s1 / m1) : -120;
    if (st.correlation !== null) st.correlation = Math.max(-1, Math.min(1, st.correlation + balancedCorr(r1) - balancedCorr(r0)));
    st.sideToMidDb = Math.max(-120, st.sideToMidDb + r1 - r0);
    st.monoLossDb = Math.max(0, 10 * Math.log10((m1 + s1) / m1));
  }
  const lowBands = p.stereo.bands.filter((b) => b.centerHz <= st.lowEnd.maxHz && b.sideToMidDb !== null);
  if (lowBands.length && st.lowEnd.sideToMidDb !== null) {
    const d = lowBands.reduce((a, b) => a + sideGain(b.centerHz) - midGain(b.centerHz), 0) / lowBands.length;
    st.lowEnd.sideToMidDb = Math.max(-120, st.lowEnd.sideToMidDb + d);
    if (st.lowEnd.correlation !== null) st.lowEnd.correlation = Math.max(-1, Math.min(1, st.lowEnd.correlation + balancedCorr(st.lowEnd.sideToMidDb) - balancedCorr(st.lowEnd.sideToMidDb - d)));
  }
  shiftLevels(f, dI);
}

const scopeGains = (scope: Scope, g: (hz: number) => number) => ({
  mid: scope === 'side' ? () => 0 : g,
  side: scope === 'mid' ? () => 0 : g,
});

/** The figures of the mix after one move (a modelled copy; the input is not changed). */
export function applyMove(fig: TrackFigures, s: Suggestion): TrackFigures {
  const f: TrackFigures = structuredClone(fig);
  const fs = f.profile.sampleRateHz;
  switch (s.kind) {
    case 'gain':
      shiftLevels(f, s.params.gainDb);
      break;
    case 'stemGain': {
      const name = stemOfScope(s.scope);
      if (name) applyStemGain(f, name, s.params.gainDb, shiftLevels);
      break;
    }
    case 'limiter': {
      shiftLevels(f, s.params.inputGainDb);
      const tp = f.loudness.truePeakDbtp;
      const over = tp === null ? 0 : tp - s.params.ceilingDbtp;
      if (over > 0) {
        const l = f.loudness, dy = f.profile.dynamics;
        l.truePeakDbtp = s.params.ceilingDbtp;
        l.samplePeakDbfs = l.samplePeakDbfs === null ? null : Math.min(l.samplePeakDbfs, s.params.ceilingDbtp);
        l.plrDb = add(l.plrDb, -over); l.psrDb = add(l.psrDb, -over); l.crestDb = add(l.crestDb, -over);
        dy.samplePeakDbfs = dy.samplePeakDbfs === null ? null : Math.min(dy.samplePeakDbfs, s.params.ceilingDbtp);
        dy.crestDb = add(dy.crestDb, -over);
        dy.plrDb = add(dy.plrDb, -over); dy.psrDb = add(dy.psrDb, -over);
      }
      break;
    }
    case 'eqBand': {
      const band = s.params;
      const g = scopeGains(s.scope, (hz) => bandAveragedResponseDb(band, hz, 1 / 6, fs));
      spectralChange(f, g.mid, g.side);
      break;
    }
    case 'width': {
      const { lowHz, highHz, sideGainDb } = s.params;
      spectralChange(f, () => 0, (hz) => (hz >= lowHz && hz <= highHz ? sideGainDb : 0));
      break;
    }
    case 'monoBelow': {
      const fc = s.params.frequencyHz;
      // Side through a 12 dB/oct (Butterworth) high-pass at the frequency.
      spectralChange(f, () => 0, (hz) => 10 * Math.log10((hz / fc) ** 4 / (1 + (hz / fc) ** 4)));
      break;
    }
    case 'balance':
      f.profile.stereo.balanceDb = add(f.profile.stereo.balanceDb, s.params.balanceDb);
      break;
    case 'compressor':
      compress(f, s.params);
      break;
    case 'note':
      break;
  }
  return f;
}

/** A compressor through the programme model (src/suggest/compressorModel.ts), make-up added. */
function compress(f: TrackFigures, c: ParamsByKind['compressor']): void {
  if (c.lowHz !== undefined || c.highHz !== undefined) {
    compressBand(f, c);
    return;
  }
  const levels = programmeLevels(f);
  if (!levels) return;
  const dy = f.profile.dynamics, l = f.loudness;
  const e = compressorOnProgramme(levels, c);
  const dI = c.makeupDb + e.loudnessDb, dPeak = c.makeupDb + e.peakDb, dLoudest = c.makeupDb + e.loudestDb;
  for (const k of ['integratedLufs', 'rmsDbfs'] as const) l[k] = add(l[k], dI);
  for (const k of ['truePeakDbtp', 'samplePeakDbfs'] as const) l[k] = add(l[k], dPeak);
  for (const k of ['shortTermMaxLufs', 'momentaryMaxLufs'] as const) l[k] = add(l[k], dLoudest);
  l.plrDb = add(l.plrDb, dPeak - dI); l.crestDb = add(l.crestDb, dPeak - dI); l.psrDb = add(l.psrDb, dPeak - dLoudest);
  dy.integratedLufs = add(dy.integratedLufs, dI); dy.rmsDbfs = add(dy.rmsDbfs, dI); dy.samplePeakDbfs = add(dy.samplePeakDbfs, dPeak);
  dy.plrDb = add(dy.plrDb, dPeak - dI); dy.crestDb = add(dy.crestDb, dPeak - dI); dy.psrDb = add(dy.psrDb, dPeak - dLoudest);
  f.profile.tonal.referenceLufs = add(f.profile.tonal.referenceLufs, dI);
  if (dy.shortTerm) {
    // Louder passages come down more than quiet ones: the loudness range shrinks by the difference.
    const s = dy.shortTerm;
    if (l.loudnessRangeLu !== null) l.loudnessRangeLu = Math.max(0, l.loudnessRangeLu + e.atLufs(s.p95Lufs) - e.atLufs(s.p10Lufs));
    dy.loudnessRangeLu = l.loudnessRangeLu;
    for (const k of ['p10Lufs', 'p50Lufs', 'p90Lufs', 'p95Lufs'] as const) s[k] += c.makeupDb + e.atLufs(s[k]);
  }
}

/**
 * A compressor on one band: its change is a gain on its part of the spectrum (which moves the
 * loudness by the band's K-weighted share), and the band's crest changes by its peak change minus
 * its level change.
 */
function compressBand(f: TrackFigures, c: ParamsByKind['compressor']): void {
  const band = bandProgrammeLevels(f, c.lowHz, c.highHz);
  if (!band) return;
  const e = compressorOnProgramme(band.levels, c);
  const g = c.makeupDb + e.loudnessDb;
  f.profile.dynamics[bandCrestKey(c.lowHz, c.highHz)] = band.crestDb + e.peakDb - e.loudnessDb;
  const lo = c.lowHz ?? 0, hi = c.highHz ?? Infinity;
  const inBand = (hz: number) => (hz >= lo && hz < hi ? g : 0);
  spectralChange(f, inBand, inBand);
}

/** The figures after several moves, in order. */
export function applyMoves(fig: TrackFigures, moves: readonly Suggestion[]): TrackFigures {
  return moves.reduce((f, s) => applyMove(f, s), fig);
}

/** The distance on the features a move affects (see TargetDistance for the units), or null. */
export function affectedDistance(fig: TrackFigures, target: ReferenceTarget, s: Suggestion, options: AgentOptions): number | null {
  switch (s.kind) {
    case 'gain':
    case 'limiter': {
      const d = distanceToTarget(fig, target, { loudnessTargetLufs: options.loudnessTargetLufs, ceilingDbtp: options.ceilingDbtp });
      return d.loudnessLu === null ? null : d.loudnessLu + (d.truePeakOverDb ?? 0);
    }
    case 'eqBand':
      return s.scope === 'side' ? stereoDistanceDb(fig, target) : tonalDistanceDb(fig, target);
    case 'width':
    case 'monoBelow':
      return stereoDistanceDb(fig, target);
    case 'stemGain': {
      const name = stemOfScope(s.scope);
      return name ? stemLevelDistanceDb(fig, target, name) : null;
    }
    case 'balance': {
      const mean = target.features.find((x) => x.feature === 'balanceDb')?.mean ?? null;
      const b = fig.profile.stereo.balanceDb;
      return mean === null || b === null ? null : Math.abs(b - mean);
    }
    case 'compressor': {
      const c = s.params;
      if (c.lowHz === undefined && c.highHz === undefined) return dynamicsDistanceDb(fig, target, [...DYNAMICS_FEATURES, 'loudnessRangeLu']);
      const key = c.lowHz === undefined ? 'crestLowDb' : c.highHz === undefined ? 'crestHighDb' : 'crestMidDb';
      return dynamicsDistanceDb(fig, target, [key]);
    }
    default:
      return null;
  }
}

/** Predicted distance before and after one move, rounded to 0.01; undefined when not measurable. */
export function predictEffect(fig: TrackFigures, target: ReferenceTarget, s: Suggestion, options: AgentOptions): { before: number; after: number } | undefined {
  const before = affectedDistance(fig, target, s, options);
  if (before === null) return undefined;
  const after = affectedDistance(applyMove(fig, s), target, s, options);
  if (after === null) return undefined;
  return { before: Math.round(before * 100) / 100, after: Math.round(after * 100) / 100 };
}
