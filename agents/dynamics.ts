import type { FeatureComparison } from '../src/reference/compare.js';
import { comparison, confidenceFrom, round, withPrediction } from '../src/suggest/agentKit.js';
import { bandProgrammeLevels, compressorOnProgramme, detectorOffsetDb, gainReductionDb, programmeLevels, SLOW_ATTACK_MS, type ProgrammeLevels } from '../src/suggest/compressorModel.js';
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
/** Gentlest ratio proposed; a gap that needs less is left alone. */
const MIN_RATIO = 1.2;
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
 * Compressor settings that lower the peak-to-loudness ratio of `levels` by `gapDb` (programme model):
 * threshold solved by bisection between MAX_DEPTH_DB and MIN_DEPTH_DB under the peak, the ratio
 * raised (up to 10:1) when even the deepest threshold falls short (the design then does what it can,
 * see dropDb), or lowered when the shallowest one overshoots; null when that needs a ratio under
 * MIN_RATIO (the gap is too small for a compressor).
 */
export function designCompressor(levels: ProgrammeLevels, gapDb: number, releaseMs: number): CompressorDesign | null {
  const peak = levels.samplePeakDbfs;
  const params = (thresholdDb: number, ratio: number): ParamsByKind['compressor'] => ({ thresholdDb, ratio, attackMs: PEAK_ATTACK_MS, releaseMs, kneeDb: KNEE_DB, makeupDb: 0 });
  const drop = (t: number, r: number) => {
    const e = compressorOnProgramme(levels, params(t, r));
    return e.loudnessDb - e.peakDb;
  };
  const deepest = peak - MAX_DEPTH_DB, shallowest = Math.floor((peak - MIN_DEPTH_DB) * 10) / 10;
  let ratio = ratioFor(gapDb);
  while (ratio < 10 && drop(deepest, ratio) < gapDb) ratio = Math.min(10, ratio + 2);
  let thresholdDb: number;
  if (drop(shallowest, ratio) >= gapDb) {
    // Even at the shallowest threshold this ratio overshoots: a gentler one, if it is worth proposing.
    let lo = 0, hi = 1 - 1 / ratio;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (drop(shallowest, 1 / (1 - mid)) > gapDb) hi = mid; else lo = mid;
    }
    ratio = Math.round(10 / (1 - (lo + hi) / 2)) / 10;
    if (ratio < MIN_RATIO) return null;
    thresholdDb = shallowest;
  } else {
    let lo = deepest, hi = shallowest;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (drop(mid, ratio) > gapDb) lo = mid; else hi = mid;
    }
    thresholdDb = Math.min(shallowest, round((lo + hi) / 2, 1));
  }
  const e = compressorOnProgramme(levels, params(thresholdDb, ratio));
  return { params: { ...params(thresholdDb, ratio), makeupDb: round(-e.loudnessDb, 1) }, dropDb: round(e.loudnessDb - e.peakDb, 2) };
}

const fmt = (c: FeatureComparison) => `${c.mix!.toFixed(1)} against ${c.min!.toFixed(1)}..${c.max!.toFixed(1)} ${c.unit}`;

const BAND: Record<'crestLowDb' | 'crestMidDb' | 'crestHighDb', { name: string; lowHz?: number; highHz?: number; lo: number; hi: number }> = {
  crestLowDb: { name: 'low', highHz: 200, lo: 0, hi: 200 },
  crestMidDb: { name: 'mid', lowHz: 200, highHz: 4000, lo: 200, hi: 4000 },
  crestHighDb: { name: 'high', lowHz: 4000, lo: 4000, hi: Infinity },
};

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
  const times = timesFor(dy.transientsPerSec);
  const median = dy.shortTerm?.p50Lufs ?? input.mix.loudness.integratedLufs;
  const peak = dy.samplePeakDbfs ?? input.mix.loudness.samplePeakDbfs;

  if (above.length && median !== null && peak !== null) {
    const worst = above.reduce((a, c) => (c.deltaFromMean! > a.deltaFromMean! ? c : a));
    const gap = worst.deltaFromMean!;
    const params = designCompressor(peak, median, gap, times);
    const s: Suggestion = {
      key: 'dynamics:master:compressor', agent: 'dynamics', scope: 'master', kind: 'compressor', params,
      confidence: confidenceFrom(worst.outsideBy!, 1.5, worst.max! - worst.min!, 4, n),
      rationale: `Compress the master (${params.ratio}:1 from ${params.thresholdDb.toFixed(1)} dBFS, attack ${params.attackMs} ms, release ${params.releaseMs} ms, make-up ${params.makeupDb.toFixed(1)} dB): the mix is more dynamic than the references, ${above.map((c) => `${c.feature === 'plrDb' ? 'PLR' : 'crest'} ${fmt(c)}`).join(', ')}; this takes about ${gap.toFixed(1)} dB off the peaks relative to the body.`,
      evidence: { plrDb: plr?.mix ?? null, plrMeanDb: plr?.mean ?? null, crestDb: crest?.mix ?? null, crestMeanDb: crest?.mean ?? null, gapDb: round(gap, 2), samplePeakDbfs: peak, shortTermMedianLufs: median, transientsPerSec: dy.transientsPerSec },
    };
    report.suggestions.push(withPrediction(input, s, o));
  } else if (below.length) {
    const worst = below.reduce((a, c) => (c.deltaFromMean! < a.deltaFromMean! ? c : a));
    report.suggestions.push({
      key: 'dynamics:master:backoff', agent: 'dynamics', scope: 'master', kind: 'note', params: {},
      confidence: confidenceFrom(worst.outsideBy!, 1.5, worst.max! - worst.min!, 4, n),
      rationale: `Back off the bus compression or limiting by about ${Math.abs(worst.deltaFromMean!).toFixed(1)} dB of gain reduction: the mix is flatter than the references, ${below.map((c) => `${c.feature === 'plrDb' ? 'PLR' : 'crest'} ${fmt(c)}`).join(', ')}. Squashed peaks cannot be restored afterwards; this is a change to make where the compression happens.`,
      evidence: { plrDb: plr?.mix ?? null, plrMeanDb: plr?.mean ?? null, crestDb: crest?.mix ?? null, crestMeanDb: crest?.mean ?? null, nearPeakShare: dy.nearPeakShare },
    });
  }

  if (!above.length && !below.length) {
    // Broadband dynamics within: look for one region whose crest stands out.
    const ref = input.mix.profile.tonal.referenceLufs;
    const bands = (Object.keys(BAND) as Array<keyof typeof BAND>).map((k) => ({ k, c: get(k) })).filter((x) => x.c && x.c.outsideBy! > 0);
    for (const { k, c } of bands) {
      const b = BAND[k];
      const pw = input.mix.profile.tonal.thirdOctave.filter((x) => x.centerHz >= b.lo && x.centerHz < b.hi).reduce((a, x) => a + (x.midDb === null ? 0 : 10 ** (x.midDb / 10)), 0);
      if (ref === null || !(pw > 0)) continue;
      const rms = ref + 10 * Math.log10(pw);
      const gap = c!.deltaFromMean!;
      const params = { ...designCompressor(rms + c!.mix!, rms - 3, gap, times), ...(b.lowHz !== undefined ? { lowHz: b.lowHz } : {}), ...(b.highHz !== undefined ? { highHz: b.highHz } : {}) };
      const s: Suggestion = {
        key: `dynamics:master:compressor@${b.name}`, agent: 'dynamics', scope: 'master', kind: 'compressor', params,
        confidence: confidenceFrom(c!.outsideBy!, 1.5, c!.max! - c!.min!, 4, n),
        rationale: `Compress the ${b.name} band only (${b.lowHz ?? 0}..${b.highHz ?? 'top'} Hz, ${params.ratio}:1 from ${params.thresholdDb.toFixed(1)} dBFS): its crest factor is ${fmt(c!)} while the broadband dynamics match the references.`,
        evidence: { crestDb: c!.mix, crestMeanDb: c!.mean, gapDb: round(gap, 2), bandRmsDbfs: round(rms, 2) },
      };
      report.suggestions.push(withPrediction(input, s, o));
    }
    const lra = get('loudnessRangeLu');
    if (lra && lra.outsideBy! > 0 && median !== null && dy.shortTerm) {
      const gap = lra.deltaFromMean!;
      const params: ParamsByKind['compressor'] = { thresholdDb: round(median, 1), ratio: gap > 4 ? 3 : 2, attackMs: SLOW_ATTACK_MS, releaseMs: 400, kneeDb: 10, makeupDb: 0 };
      params.makeupDb = round(gainReductionDb(median, params.thresholdDb, params.ratio, params.kneeDb), 1);
      const s: Suggestion = {
        key: 'dynamics:master:leveller', agent: 'dynamics', scope: 'master', kind: 'compressor', params,
        confidence: confidenceFrom(lra.outsideBy!, 2, lra.max! - lra.min!, 4, n),
        rationale: `Level the loud passages with a slow compressor (${params.ratio}:1 from ${params.thresholdDb} dBFS, attack 30 ms, release 400 ms) or by riding the fader: the loudness range is ${fmt(lra)} while the peaks match the references.`,
        evidence: { loudnessRangeLu: lra.mix, loudnessRangeMeanLu: lra.mean, shortTermMedianLufs: median, gapLu: round(gap, 2) },
      };
      report.suggestions.push(withPrediction(input, s, o));
    }
  }
  if (report.suggestions.length === 0 && report.within.length) report.notes.push('Dynamics lie within the references: no compression move proposed.');
  return report;
}

/** The dynamics agent. */
export const agent: Agent = { name: 'dynamics', evaluate };
