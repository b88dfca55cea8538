import { kWeightingPower } from '../analysis/profile/kWeighting.js';
import type { TrackFigures } from '../reference/features.js';
import { distanceToTarget, DYNAMICS_FEATURES, dynamicsDistanceDb, stereoDistanceDb, tonalDistanceDb } from '../reference/distance.js';
import type { ReferenceTarget } from '../reference/target.js';
import { bandAveragedResponseDb } from './eqResponse.js';
import type { AgentOptions, ParamsByKind, Scope, Suggestion } from './types.js';

/**
 * A model of what each kind of move does to a mix's measured figures, so that a proposal's
 * `predicted` effect (distance to the target before and after) can be computed without rendering
 * audio, and the loudness agent can account for the level the other moves add or take away.
 * First-order physics: an EQ adds its response to the band levels (and the K-weighted power sum
 * gives the loudness change); a width move scales side power in its bands; a compressor lowers
 * peaks by (peak - threshold)(1 - 1/ratio) and the body by the same law at the typical level; a
 * limiter clips the true peak at its ceiling. Not modelled: a limiter's own small loudness loss,
 * the true-peak change of an EQ (peaks are taken to follow the loudness).
 */

/** Attack from which a compressor counts as slow (a leveller riding the short-term level), ms. */
export const SLOW_ATTACK_MS = 30;
/** Short-term level above which the "body" of a programme is taken to sit above its median, dB. */
const BODY_OVER_MEDIAN_DB = 3;

/** Gain reduction of a compressor at a level, with a soft knee of kneeDb, dB (>= 0). */
export function gainReductionDb(levelDb: number, thresholdDb: number, ratio: number, kneeDb = 0): number {
  const over = levelDb - thresholdDb;
  const slope = 1 - 1 / ratio;
  if (kneeDb > 0 && Math.abs(over) <= kneeDb / 2) return (slope * (over + kneeDb / 2) ** 2) / (2 * kneeDb);
  return over > 0 ? slope * over : 0;
}

/** Peak reduction and body (typical level) reduction of a compressor on a programme, dB. */
export function compressorEffect(peakDb: number, medianDb: number, c: ParamsByKind['compressor']): { peakDb: number; bodyDb: number } {
  return {
    peakDb: gainReductionDb(peakDb, c.thresholdDb, c.ratio, c.kneeDb),
    bodyDb: gainReductionDb(medianDb + BODY_OVER_MEDIAN_DB, c.thresholdDb, c.ratio, c.kneeDb),
  };
}

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
    case 'stemGain':
      shiftLevels(f, s.params.gainDb);
      break;
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

function compress(f: TrackFigures, c: ParamsByKind['compressor']): void {
  const dy = f.profile.dynamics, l = f.loudness;
  const median = dy.shortTerm?.p50Lufs ?? l.integratedLufs;
  const band = c.lowHz !== undefined || c.highHz !== undefined;
  if (band) {
    // Band level from the tonal balance: sum of mid band powers in the range, absolute.
    const ref = f.profile.tonal.referenceLufs;
    const lo = c.lowHz ?? 0, hi = c.highHz ?? Infinity;
    const pw = f.profile.tonal.thirdOctave.filter((b) => b.centerHz >= lo && b.centerHz < hi).reduce((a, b) => a + p10(b.midDb), 0);
    const key = c.highHz !== undefined && c.lowHz === undefined ? 'crestLowDb' : c.lowHz !== undefined && c.highHz === undefined ? 'crestHighDb' : 'crestMidDb';
    const crest = dy[key];
    if (ref === null || !(pw > 0) || crest === null) return;
    const rms = ref + 10 * Math.log10(pw);
    const e = compressorEffect(rms + crest, rms - BODY_OVER_MEDIAN_DB, c);
    dy[key] = crest - (e.peakDb - e.bodyDb);
    return;
  }
  if (c.attackMs >= SLOW_ATTACK_MS && dy.shortTerm) {
    // A slow compressor (a leveller) rides the short-term level: loud passages come down, peaks with them.
    const st = dy.shortTerm;
    const gr = (lvl: number) => gainReductionDb(lvl, c.thresholdDb, c.ratio, c.kneeDb);
    const g10 = gr(st.p10Lufs), g50 = gr(st.p50Lufs), g95 = gr(st.p95Lufs);
    const dBody = c.makeupDb - g50, dLoud = c.makeupDb - g95;
    if (l.loudnessRangeLu !== null) l.loudnessRangeLu = Math.max(0, l.loudnessRangeLu - (g95 - g10));
    for (const k of ['p10Lufs', 'p50Lufs', 'p90Lufs', 'p95Lufs'] as const) st[k] += c.makeupDb - gr(st[k]);
    dy.loudnessRangeLu = l.loudnessRangeLu;
    for (const k of ['integratedLufs', 'rmsDbfs'] as const) l[k] = add(l[k], dBody);
    for (const k of ['truePeakDbtp', 'samplePeakDbfs', 'shortTermMaxLufs', 'momentaryMaxLufs'] as const) l[k] = add(l[k], dLoud);
    dy.integratedLufs = add(dy.integratedLufs, dBody); dy.rmsDbfs = add(dy.rmsDbfs, dBody); dy.samplePeakDbfs = add(dy.samplePeakDbfs, dLoud);
    l.plrDb = add(l.plrDb, dLoud - dBody); l.crestDb = add(l.crestDb, dLoud - dBody);
    dy.plrDb = l.plrDb; dy.crestDb = add(dy.crestDb, dLoud - dBody);
    return;
  }
  const peak = dy.samplePeakDbfs ?? l.samplePeakDbfs;
  if (peak === null || median === null) return;
  const e = compressorEffect(peak, median, c);
  const dPeak = -e.peakDb + c.makeupDb, dBody = -e.bodyDb + c.makeupDb;
  const crestDrop = e.peakDb - e.bodyDb;
  l.truePeakDbtp = add(l.truePeakDbtp, dPeak); l.samplePeakDbfs = add(l.samplePeakDbfs, dPeak);
  dy.samplePeakDbfs = add(dy.samplePeakDbfs, dPeak);
  for (const k of ['integratedLufs', 'shortTermMaxLufs', 'momentaryMaxLufs', 'rmsDbfs'] as const) l[k] = add(l[k], dBody);
  dy.rmsDbfs = add(dy.rmsDbfs, dBody); dy.integratedLufs = add(dy.integratedLufs, dBody);
  l.plrDb = add(l.plrDb, -crestDrop); l.psrDb = add(l.psrDb, -crestDrop); l.crestDb = add(l.crestDb, -crestDrop);
  dy.crestDb = add(dy.crestDb, -crestDrop); dy.plrDb = add(dy.plrDb, -crestDrop); dy.psrDb = add(dy.psrDb, -crestDrop);
  if (dy.shortTerm) {
    // Louder passages come down more than quiet ones: the loudness range shrinks by the difference.
    const st = dy.shortTerm;
    const gr = (lvl: number) => gainReductionDb(lvl + BODY_OVER_MEDIAN_DB, c.thresholdDb, c.ratio, c.kneeDb);
    if (l.loudnessRangeLu !== null) l.loudnessRangeLu = Math.max(0, l.loudnessRangeLu - (gr(st.p95Lufs) - gr(st.p10Lufs)));
    dy.loudnessRangeLu = l.loudnessRangeLu;
    for (const k of ['p10Lufs', 'p50Lufs', 'p90Lufs', 'p95Lufs'] as const) st[k] += c.makeupDb - gr(st[k]);
  }
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
