import type { FeatureComparison } from '../src/reference/compare.js';
import { comparison, confidenceFrom, round, withPrediction } from '../src/suggest/agentKit.js';
import { compressorEffect, gainReductionDb, SLOW_ATTACK_MS } from '../src/suggest/predict.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, ParamsByKind, Suggestion } from '../src/suggest/types.js';

/**
 * Dynamics agent. When the mix is more dynamic than the references (PLR or crest factor above their
 * envelope) it proposes a bus compressor that closes the gap to their mean: the ratio grows with the
 * gap (2:1 up to 2 dB, 3:1 up to 4, 4:1 up to 6, then 6:1), the threshold is solved so that the
 * peaks come down by the gap more than the body does (peak: the sample peak; body: 3 dB over the
 * median short-term loudness), make-up restores the body, attack and release follow the transient
 * density (dense drums: 10/100 ms, sparse: 25/250 ms). When only one region's crest (lows < 200 Hz,
 * mids, highs > 4 kHz) is high, the same design on that band alone. A loudness range above the
 * references with PLR within gets a slow levelling compressor. When the mix is flatter (PLR or
 * crest below the envelope), a note: back off the compression or limiting, by about the gap.
 */

const KNEE_DB = 6;
/** Threshold search range below the peak, dB. */
const MAX_DEPTH_DB = 30;

/** Ratio for a crest gap (dB). */
function ratioFor(gapDb: number): number {
  return gapDb <= 2 ? 2 : gapDb <= 4 ? 3 : gapDb <= 6 ? 4 : 6;
}

/** Attack and release for the programme's transient density (onsets/s), ms. */
function timesFor(transientsPerSec: number | null): { attackMs: number; releaseMs: number } {
  const t = transientsPerSec ?? 2;
  return t > 4 ? { attackMs: 10, releaseMs: 100 } : t >= 1 ? { attackMs: 15, releaseMs: 150 } : { attackMs: 25, releaseMs: 250 };
}

/**
 * Compressor settings that lower the peak-to-body ratio by `gapDb`: threshold solved by bisection,
 * ratio raised (up to 10:1) if the first choice cannot reach it within MAX_DEPTH_DB.
 */
export function designCompressor(peakDb: number, medianDb: number, gapDb: number, times: { attackMs: number; releaseMs: number }): ParamsByKind['compressor'] {
  let ratio = ratioFor(gapDb);
  const drop = (t: number, r: number) => {
    const e = compressorEffect(peakDb, medianDb, { thresholdDb: t, ratio: r, kneeDb: KNEE_DB, attackMs: 0, releaseMs: 0, makeupDb: 0 });
    return e.peakDb - e.bodyDb;
  };
  while (ratio < 10 && drop(peakDb - MAX_DEPTH_DB, ratio) < gapDb) ratio = Math.min(10, ratio + 2);
  let lo = peakDb - MAX_DEPTH_DB, hi = peakDb;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (drop(mid, ratio) > gapDb) lo = mid; else hi = mid;
  }
  const thresholdDb = (lo + hi) / 2;
  const body = compressorEffect(peakDb, medianDb, { thresholdDb, ratio, kneeDb: KNEE_DB, attackMs: 0, releaseMs: 0, makeupDb: 0 }).bodyDb;
  return { thresholdDb: round(thresholdDb, 1), ratio, ...times, kneeDb: KNEE_DB, makeupDb: round(body, 1) };
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
