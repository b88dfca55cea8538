import type { FeatureComparison } from '../src/reference/compare.js';
import { comparison, confidenceFrom, round, withPrediction } from '../src/suggest/agentKit.js';
import { bandProgrammeLevels, compressorOnProgramme, detectorOffsetDb, programmeLevels, SLOW_ATTACK_MS, type ProgrammeLevels } from '../src/suggest/compressorModel.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, ParamsByKind, Suggestion } from '../src/suggest/types.js';

/**
 * Dynamics agent. When the mix is more dynamic than the references (PLR or crest factor above their
 * envelope) it proposes a bus compressor that closes the gap to their mean: an instant attack (a
 * compressor with a millisecond or more of attack lets the transient peaks through and lowers only
 * the body, which widens the gap: bench/compressorModel.ts measures it), release from the transient
 * density (dense: 100 ms, sparse: 250 ms), the ratio growing with the gap (2:1 up to 2 dB, 3:1 up to
 * 4, 4:1 up to 6, then 6:1, raised to 10:1 if needed), the threshold solved with the programme model
 * of src/suggest/compressorModel.ts so that the peaks come down by the gap relative to the loudness,
 * and make-up restoring the loudness. Thresholds stay at least MIN_DEPTH_DB under the peak they act
 * on; a gap too small for even a gentle ratio there gets no compressor, and a note says why. When
 * only one region's crest (lows < 200 Hz, mids, highs > 4 kHz) is high, the same design on that band
 * alone. A loudness range above the references with PLR within gets a slow levelling compressor whose
 * threshold is the median passage's detector level. When the mix is flatter (PLR or crest below the
 * envelope), a note: back off the compression or limiting, by about the gap.
 */

const KNEE_DB = 6;
/** Threshold search range below the peak, dB. */
const MAX_DEPTH_DB = 30;
/** Thresholds stay at least this far under the peak they act on, dB: closer, a compressor touches only the highest few peaks, and over it nothing. */
export const MIN_DEPTH_DB = 3;
/** Most loudness a design may take off (before make-up), dB: a bus compressor working harder is a different move. */
const MAX_REDUCTION_DB = 6;
/** Gentlest ratio proposed; a gap that needs less is left alone. */
const MIN_RATIO = 1.2;
/** Share of 10 ms windows peaking within 1 dB of the maximum from which a flat mix reads as limited (unlimited music: 1-3 %). */
const LIMITED_SHARE = 0.1;
/** Attack of a compressor meant to lower peaks, ms: instant, so the peaks it is for cannot slip through. */
const PEAK_ATTACK_MS = 0;

/** Ratio for a crest gap (dB). */
function ratioFor(gapDb: number): number {
  return gapDb <= 2 ? 2 : gapDb <= 4 ? 3 : gapDb <= 6 ? 4 : 6;
}

/** Release for the programme's transient density (onsets/s), ms. */
function releaseFor(transientsPerSec: number | null): number {
  const t = transientsPerSec ?? 2;
  return t > 4 ? 100 : t >= 1 ? 150 : 250;
}

/** A compressor design and what the programme model says it does to the peak-to-loudness ratio. */
export interface CompressorDesign {
  params: ParamsByKind['compressor'];
  /** Predicted drop of the peak-to-loudness ratio (PLR, or the band's crest), dB. */
  dropDb: number;
}

/**
 * Compressor settings that lower the peak-to-loudness ratio of `levels` by `gapDb` (programme model).
 * The threshold is solved by bisection between the shallowest one (MIN_DEPTH_DB under the peak) and
 * the deepest one that keeps the loudness reduction within MAX_REDUCTION_DB; the ratio is raised
 * (up to 10:1) when the deepest falls short, and then the design does what it can (see dropDb): the
 * rest of such a gap is a limiter's. When even the shallowest threshold overshoots, the ratio is
 * lowered; null when that needs a ratio under MIN_RATIO (the gap is too small for a compressor).
 */
export function designCompressor(levels: ProgrammeLevels, gapDb: number, releaseMs: number): CompressorDesign | null {
  const peak = levels.samplePeakDbfs;
  const params = (thresholdDb: number, ratio: number): ParamsByKind['compressor'] => ({ thresholdDb, ratio, attackMs: PEAK_ATTACK_MS, releaseMs, kneeDb: KNEE_DB, makeupDb: 0 });
  const effect = (t: number, r: number) => compressorOnProgramme(levels, params(t, r));
  const drop = (t: number, r: number) => { const e = effect(t, r); return e.loudnessDb - e.peakDb; };
  /** Bisection on a threshold in [lo, hi] for the boundary of a condition that holds at lo. */
  const solve = (lo: number, hi: number, holds: (t: number) => boolean) => {
    for (let k = 0; k < 40; k++) { const mid = (lo + hi) / 2; if (holds(mid)) lo = mid; else hi = mid; }
    return (lo + hi) / 2;
  };
  const shallowest = Math.floor((peak - MIN_DEPTH_DB) * 10) / 10;
  const deepestFor = (r: number) => solve(shallowest, peak - MAX_DEPTH_DB, (t) => -effect(t, r).loudnessDb <= MAX_REDUCTION_DB);
  let ratio = ratioFor(gapDb);
  while (ratio < 10 && drop(deepestFor(ratio), ratio) < gapDb) ratio = Math.min(10, ratio + 2);
  const deepest = deepestFor(ratio);
  let thresholdDb: number;
  if (drop(shallowest, ratio) >= gapDb) {
    // Even at the shallowest threshold this ratio overshoots: a gentler one, if it is worth proposing.
    let lo = 0, hi = 1 - 1 / ratio;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (drop(shallowest, 1 / (1 - mid)) > gapDb) hi = mid; else lo = mid;
    }
    const gentle = 1 / (1 - (lo + hi) / 2);
    if (gentle < MIN_RATIO) return null;
    ratio = Math.round(gentle * 10) / 10;
    thresholdDb = shallowest;
  } else if (drop(deepest, ratio) <= gapDb) {
    thresholdDb = Math.ceil(deepest * 10) / 10;
  } else {
    thresholdDb = Math.min(shallowest, round(solve(deepest, shallowest, (t) => drop(t, ratio) > gapDb), 1));
  }
  const e = effect(thresholdDb, ratio);
  return { params: { ...params(thresholdDb, ratio), makeupDb: round(-e.loudnessDb, 1) }, dropDb: round(e.loudnessDb - e.peakDb, 2) };
}

const fmt = (c: FeatureComparison) => `${c.mix!.toFixed(1)} against ${c.min!.toFixed(1)}..${c.max!.toFixed(1)} ${c.unit}`;

const BAND: Record<'crestLowDb' | 'crestMidDb' | 'crestHighDb', { name: string; lowHz?: number; highHz?: number }> = {
  crestLowDb: { name: 'low', highHz: 200 },
  crestMidDb: { name: 'mid', lowHz: 200, highHz: 4000 },
  crestHighDb: { name: 'high', lowHz: 4000 },
};

/** The sentence for a gap too small to compress. */
const tooSmall = (what: string, gapDb: number, peakDb: number) =>
  `${what}: the gap to the references' mean (${gapDb.toFixed(1)} dB) is too small for a compressor; even a ${MIN_RATIO}:1 ratio with its threshold ${MIN_DEPTH_DB} dB under the peak (${peakDb.toFixed(1)} dBFS) would take more, and a threshold closer to the peak only touches the few highest peaks.`;

/** How much of the gap a design closes, for the rationale. */
const closes = (d: CompressorDesign, gapDb: number) => d.dropDb >= gapDb - 0.3
  ? `this takes about ${d.dropDb.toFixed(1)} dB off the peaks relative to the loudness`
  : `a compressor alone takes only about ${d.dropDb.toFixed(1)} dB of this ${gapDb.toFixed(1)} dB gap off the peaks; the rest is a limiter's job (see the loudness proposal)`;

function evaluate(input: AgentInput, o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'dynamics', suggestions: [], within: [], notes: [] };
  const dy = input.mix.profile.dynamics;
  const n = input.target.references.length;
  const get = (f: string) => {
    const c = comparison(input, f);
    return c && c.inside !== null ? c : undefined;
  };
  const names = ['plrDb', 'psrDb', 'crestDb', 'crestLowDb', 'crestMidDb', 'crestHighDb', 'loudnessRangeLu'];
  for (const f of names) if (get(f)?.inside) report.within.push(f);
  const plr = get('plrDb'), crest = get('crestDb');
  const above = [plr, crest].filter((c): c is FeatureComparison => !!c && c.outsideBy! > 0);
  const below = [plr, crest].filter((c): c is FeatureComparison => !!c && c.outsideBy! < 0);
  const releaseMs = releaseFor(dy.transientsPerSec);
  const levels = programmeLevels(input.mix);
  const name = (c: FeatureComparison) => (c.feature === 'plrDb' ? 'PLR' : 'crest');

  if (above.length && levels) {
    const worst = above.reduce((a, c) => (c.deltaFromMean! > a.deltaFromMean! ? c : a));
    const gap = worst.deltaFromMean!;
    const d = designCompressor(levels, gap, releaseMs);
    const figures = above.map((c) => `${name(c)} ${fmt(c)}`).join(', ');
    if (!d) report.notes.push(tooSmall(`The mix is a little more dynamic than the references (${figures})`, gap, levels.samplePeakDbfs));
    else {
      const p = d.params;
      const s: Suggestion = {
        key: 'dynamics:master:compressor', agent: 'dynamics', scope: 'master', kind: 'compressor', params: p,
        confidence: confidenceFrom(worst.outsideBy!, 1.5, worst.max! - worst.min!, 4, n),
        rationale: `Compress the master (${p.ratio}:1 from ${p.thresholdDb.toFixed(1)} dBFS, ${MIN_DEPTH_DB}+ dB under the ${levels.samplePeakDbfs.toFixed(1)} dBFS peak; instant attack so the transient peaks cannot slip through; release ${p.releaseMs} ms; make-up ${p.makeupDb.toFixed(1)} dB): the mix is more dynamic than the references, ${figures}; ${closes(d, gap)}.`,
        evidence: { plrDb: plr?.mix ?? null, plrMeanDb: plr?.mean ?? null, crestDb: crest?.mix ?? null, crestMeanDb: crest?.mean ?? null, gapDb: round(gap, 2), predictedDropDb: d.dropDb, samplePeakDbfs: levels.samplePeakDbfs, shortTermMedianLufs: levels.shortTerm.p50Lufs, transientsPerSec: dy.transientsPerSec },
      };
      report.suggestions.push(withPrediction(input, s, o));
    }
  } else if (below.length) {
    const worst = below.reduce((a, c) => (c.deltaFromMean! < a.deltaFromMean! ? c : a));
    const share = dy.nearPeakShare ?? 0;
    const limited = share >= LIMITED_SHARE ? ` ${Math.round(share * 100)} % of its 10 ms windows peak within 1 dB of the maximum, the mark of a limiter driven hard: start there.` : '';
    report.suggestions.push({
      key: 'dynamics:master:backoff', agent: 'dynamics', scope: 'master', kind: 'note', params: {},
      confidence: confidenceFrom(worst.outsideBy!, 1.5, worst.max! - worst.min!, 4, n),
      rationale: `Back off the bus compression or limiting by about ${Math.abs(worst.deltaFromMean!).toFixed(1)} dB of gain reduction: the mix is flatter than the references, ${below.map((c) => `${name(c)} ${fmt(c)} (mean ${c.mean!.toFixed(1)})`).join(', ')}. Squashed peaks cannot be restored afterwards; this is a change to make where the compression happens.${limited}`,
      evidence: { plrDb: plr?.mix ?? null, plrMeanDb: plr?.mean ?? null, crestDb: crest?.mix ?? null, crestMeanDb: crest?.mean ?? null, gapDb: round(worst.deltaFromMean!, 2), nearPeakShare: dy.nearPeakShare },
    });
  }

  if (!above.length && !below.length) {
    // Broadband dynamics within: look for one region whose crest stands out.
    const bands = (Object.keys(BAND) as Array<keyof typeof BAND>).map((k) => ({ k, c: get(k) })).filter((x) => x.c && x.c.outsideBy! > 0);
    for (const { k, c } of bands) {
      const b = BAND[k];
      const band = bandProgrammeLevels(input.mix, b.lowHz, b.highHz);
      if (!band) continue;
      const gap = c!.deltaFromMean!;
      const d = designCompressor(band.levels, gap, releaseMs);
      if (!d) {
        report.notes.push(tooSmall(`The ${b.name} band's crest factor is ${fmt(c!)}`, gap, band.levels.samplePeakDbfs));
        continue;
      }
      const params = { ...d.params, ...(b.lowHz !== undefined ? { lowHz: b.lowHz } : {}), ...(b.highHz !== undefined ? { highHz: b.highHz } : {}) };
      const s: Suggestion = {
        key: `dynamics:master:compressor@${b.name}`, agent: 'dynamics', scope: 'master', kind: 'compressor', params,
        confidence: confidenceFrom(c!.outsideBy!, 1.5, c!.max! - c!.min!, 4, n),
        rationale: `Compress the ${b.name} band only (${b.lowHz ?? 0}..${b.highHz ?? 'top'} Hz, ${params.ratio}:1 from ${params.thresholdDb.toFixed(1)} dBFS, instant attack): its crest factor is ${fmt(c!)} while the broadband dynamics match the references; ${closes(d, gap)}.`,
        evidence: { crestDb: c!.mix, crestMeanDb: c!.mean, gapDb: round(gap, 2), predictedDropDb: d.dropDb, bandLevelDb: round(band.levelDb, 2) },
      };
      report.suggestions.push(withPrediction(input, s, o));
    }
    const lra = get('loudnessRangeLu');
    if (lra && lra.outsideBy! > 0 && levels && dy.shortTerm) {
      const gap = lra.deltaFromMean!;
      // The detector reads the peak envelope: the median passage's level there is its loudness plus the offset.
      const thresholdDb = round(levels.shortTerm.p50Lufs + detectorOffsetDb(levels, SLOW_ATTACK_MS), 1);
      const params: ParamsByKind['compressor'] = { thresholdDb, ratio: gap > 4 ? 3 : 2, attackMs: SLOW_ATTACK_MS, releaseMs: 400, kneeDb: 10, makeupDb: 0 };
      if (thresholdDb > levels.samplePeakDbfs - MIN_DEPTH_DB) {
        report.notes.push(`The loudness range is ${fmt(lra)}, but a levelling compressor's threshold would sit within ${MIN_DEPTH_DB} dB of the peak: ride the fader on the loud passages instead.`);
      } else {
        params.makeupDb = round(-compressorOnProgramme(levels, params).loudnessDb, 1);
        const s: Suggestion = {
          key: 'dynamics:master:leveller', agent: 'dynamics', scope: 'master', kind: 'compressor', params,
          confidence: confidenceFrom(lra.outsideBy!, 2, lra.max! - lra.min!, 4, n),
          rationale: `Level the loud passages with a slow compressor (${params.ratio}:1 from ${params.thresholdDb} dBFS, where the median passage's peaks sit; attack ${SLOW_ATTACK_MS} ms, release 400 ms, make-up ${params.makeupDb} dB) or by riding the fader: the loudness range is ${fmt(lra)} while the peaks match the references.`,
          evidence: { loudnessRangeLu: lra.mix, loudnessRangeMeanLu: lra.mean, shortTermMedianLufs: levels.shortTerm.p50Lufs, gapLu: round(gap, 2) },
        };
        report.suggestions.push(withPrediction(input, s, o));
      }
    }
  }
  if (report.suggestions.length === 0 && report.within.length) report.notes.push('Dynamics lie within the references: no compression move proposed.');
  return report;
}

/** The dynamics agent. */
export const agent: Agent = { name: 'dynamics', evaluate };
