import type { TrackFigures } from '../reference/features.js';
import type { ParamsByKind } from './types.js';

/**
 * What a compressor does to a programme's measured levels, without rendering: the numbers behind
 * the compressor cases of src/suggest/predict.ts and the dynamics agent's designs.
 *
 * The model (compressorOnProgramme) is what ama's render (src/render/compressor.ts: peak detector
 * held and released, smoothed by the attack) does to a whole mix. The detector does not read the
 * short-term loudness but the local peak envelope, which sits `detectorOffsetDb` over it and
 * spreads about 3 dB around that; the loudness change is the gain reduction at that envelope,
 * power-averaged over the short-term loudness distribution (its p10/p50/p90/p95, as 20 quantiles)
 * and over the spread. The true peak passes an attack of a millisecond or more almost untouched
 * and comes down only by the reduction already held when it arrives.
 * Calibrated with bench/compressorModel.ts on the efficacy corpus (24 MIDI-rendered mixes, 480
 * renders): mean loudness error 0.4 dB (max 2.1), PLR 0.4 dB for the dynamics agent's designs.
 * The static model it replaces, used for prediction, was off by 1.1 dB on 10 ms bus compressors
 * and 5.6 dB on a leveller whose threshold sat at the median loudness, and had their PLR going
 * the wrong way. On the demo band, whose peaks stand less far over its loudness, it takes up to
 * 2.5 dB too much loudness off (PLR still within 0.5 dB): the envelope offset is one constant,
 * and the profile has no measure of the local peak-to-loudness ratio that would set it per mix.
 * Not modelled: the band split's all-pass, which lets a band compressor raise the true peak
 * (by 1-3 dB on the corpus).
 */

/** Attack from which a compressor counts as slow (a leveller riding the short-term level), ms. */
export const SLOW_ATTACK_MS = 30;
/** Detector envelope over the short-term loudness of an unlimited programme with an instant attack, dB. */
const ENVELOPE_OVER_LOUDNESS_DB = 12.5;
/** How much lower the attack smoothing makes that envelope read, dB per ms (up to SLOW_ATTACK_MS). */
const ENVELOPE_DB_PER_ATTACK_MS = 0.03;
/** A limited programme's envelope sits this far over (sample peak - loudest short-term loudness), dB. */
const LIMITED_ENVELOPE_MARGIN_DB = 1;
/** Standard deviation of the envelope around that level within a passage, dB (5 points of a uniform spread). */
const ENVELOPE_SPREAD_DB = 3;
const SPREAD = [-1, -0.5, 0, 0.5, 1].map((x) => x * ENVELOPE_SPREAD_DB * Math.sqrt(3));
/** The reduction held when the highest peak arrives is that of an envelope this far under the loudest passage's, dB. */
const HELD_BEFORE_PEAK_DB = 8.5;
/** Attack at which a transient peak gets half its static reduction, ms (measured: 0.1 ms lets 2/3 of it escape). */
const PEAK_HALF_ATTACK_MS = 0.05;

/** Gain reduction of a compressor at a level, with a soft knee of kneeDb, dB (>= 0). */
export function gainReductionDb(levelDb: number, thresholdDb: number, ratio: number, kneeDb = 0): number {
  const over = levelDb - thresholdDb;
  const slope = 1 - 1 / ratio;
  if (kneeDb > 0 && Math.abs(over) <= kneeDb / 2) return (slope * (over + kneeDb / 2) ** 2) / (2 * kneeDb);
  return over > 0 ? slope * over : 0;
}

/** Short-term loudness percentiles, LUFS. */
export interface ShortTermLevels { p10Lufs: number; p50Lufs: number; p90Lufs: number; p95Lufs: number }

/** What the programme model reads: the short-term distribution, its maximum, and the sample peak. */
export interface ProgrammeLevels {
  shortTerm: ShortTermLevels;
  /** Loudest short-term loudness, LUFS. */
  shortTermMaxLufs: number;
  /** Sample peak of what the detector hears, dBFS. */
  samplePeakDbfs: number;
}

/**
 * How far the compressor's detector level sits over the short-term loudness, dB: the typical
 * envelope of unlimited music (lower with a slower attack), or for a limited programme, whose
 * peaks stand little over its loudness, the sample peak's height over the loudest passage.
 */
export function detectorOffsetDb(p: ProgrammeLevels, attackMs: number): number {
  const typical = ENVELOPE_OVER_LOUDNESS_DB - ENVELOPE_DB_PER_ATTACK_MS * Math.min(Math.max(0, attackMs), SLOW_ATTACK_MS);
  return Math.min(typical, p.samplePeakDbfs - p.shortTermMaxLufs + LIMITED_ENVELOPE_MARGIN_DB);
}

/** 20 quantiles of the short-term loudness (linear between the percentiles, extended at the ends), LUFS. */
export function shortTermQuantiles(p: ProgrammeLevels): number[] {
  const { p10Lufs: a, p50Lufs: b, p90Lufs: c, p95Lufs: d } = p.shortTerm;
  const out: number[] = [];
  for (let i = 0; i < 20; i++) {
    const q = 0.025 + 0.05 * i;
    if (q < 0.1) out.push(a - ((0.1 - q) * (b - a)) / 0.4);
    else if (q < 0.5) out.push(a + ((q - 0.1) * (b - a)) / 0.4);
    else if (q < 0.9) out.push(b + ((q - 0.5) * (c - b)) / 0.4);
    else if (q < 0.95) out.push(c + ((q - 0.9) * (d - c)) / 0.05);
    else out.push(Math.min(p.shortTermMaxLufs, d + ((q - 0.95) * (d - c)) / 0.05));
  }
  return out;
}

/** What a compressor (without its make-up) does to a programme, dB (all <= 0). */
export interface ProgrammeEffect {
  /** Change of the integrated loudness (and RMS). */
  loudnessDb: number;
  /** Change of the sample and true peak. */
  peakDb: number;
  /** Change of the loudest short-term (and momentary) loudness. */
  loudestDb: number;
  /** Change of a passage of short-term loudness `lufs`. */
  atLufs: (lufs: number) => number;
}

/** The programme model (see the module comment) of compressor `c` on levels `p`. */
export function compressorOnProgramme(p: ProgrammeLevels, c: ParamsByKind['compressor']): ProgrammeEffect {
  const offset = detectorOffsetDb(p, c.attackMs);
  const gr = (detectorDb: number) => gainReductionDb(detectorDb, c.thresholdDb, c.ratio, c.kneeDb);
  /** Level change of a passage of short-term loudness `lufs`, over the envelope's spread, dB. */
  const passage = (lufs: number) => 10 * Math.log10(SPREAD.reduce((a, d) => a + 10 ** (-gr(lufs + offset + d) / 10), 0) / SPREAD.length);
  // Power average over the passages and, within each, over the envelope's spread: the moments
  // the envelope dips under the threshold keep their level, which is why heavy settings take less
  // loudness off than the reduction at the typical envelope says.
  let before = 0, after = 0;
  for (const s of shortTermQuantiles(p)) {
    before += SPREAD.length * 10 ** (s / 10);
    for (const d of SPREAD) after += 10 ** ((s - gr(s + offset + d)) / 10);
  }
  const caught = 1 / (1 + Math.max(0, c.attackMs) / PEAK_HALF_ATTACK_MS);
  const atPeak = gr(p.samplePeakDbfs);
  const held = Math.min(atPeak, gr(p.shortTermMaxLufs + offset - HELD_BEFORE_PEAK_DB));
  return {
    loudnessDb: before > 0 && after > 0 ? 10 * Math.log10(after / before) : 0,
    peakDb: -(caught * atPeak + (1 - caught) * held),
    loudestDb: passage(p.shortTermMaxLufs),
    atLufs: passage,
  };
}

/** Which crest figure of the profile belongs to a band compressor's range. */
export function bandCrestKey(lowHz: number | undefined, highHz: number | undefined): 'crestLowDb' | 'crestMidDb' | 'crestHighDb' {
  return lowHz === undefined ? 'crestLowDb' : highHz === undefined ? 'crestHighDb' : 'crestMidDb';
}

/**
 * A band's programme levels, estimated from the mix's: the band's level is the power sum of its
 * 1/3-octave mid bands (the tonal balance, absolute), its short-term distribution the mix's moved
 * to that level, its peak the band level plus the band's crest (at most the mix's sample peak).
 * Null when the band is silent or a figure is missing.
 */
export function bandProgrammeLevels(fig: TrackFigures, lowHz: number | undefined, highHz: number | undefined): { levels: ProgrammeLevels; crestDb: number; levelDb: number } | null {
  const mix = programmeLevels(fig);
  const ref = fig.profile.tonal.referenceLufs;
  const crest = fig.profile.dynamics[bandCrestKey(lowHz, highHz)];
  const lo = lowHz ?? 0, hi = highHz ?? Infinity;
  const pw = fig.profile.tonal.thirdOctave.filter((b) => b.centerHz >= lo && b.centerHz < hi).reduce((a, b) => a + (b.midDb === null ? 0 : 10 ** (b.midDb / 10)), 0);
  const i = fig.loudness.integratedLufs;
  if (!mix || ref === null || crest === null || i === null || !(pw > 0)) return null;
  const level = ref + 10 * Math.log10(pw);
  const d = level - i, st = mix.shortTerm;
  return {
    levels: {
      shortTerm: { p10Lufs: st.p10Lufs + d, p50Lufs: st.p50Lufs + d, p90Lufs: st.p90Lufs + d, p95Lufs: st.p95Lufs + d },
      shortTermMaxLufs: mix.shortTermMaxLufs + d,
      samplePeakDbfs: Math.min(level + crest, mix.samplePeakDbfs),
    },
    crestDb: crest, levelDb: level,
  };
}

/** The mix's programme levels (short-term percentiles, or the integrated loudness when there are none); null without loudness or peak. */
export function programmeLevels(fig: TrackFigures): ProgrammeLevels | null {
  const dy = fig.profile.dynamics, l = fig.loudness;
  const i = l.integratedLufs, peak = dy.samplePeakDbfs ?? l.samplePeakDbfs;
  if (i === null || peak === null) return null;
  const st = dy.shortTerm ?? { p10Lufs: i, p50Lufs: i, p90Lufs: i, p95Lufs: i };
  return { shortTerm: { ...st }, shortTermMaxLufs: l.shortTermMaxLufs ?? st.p95Lufs, samplePeakDbfs: peak };
}
