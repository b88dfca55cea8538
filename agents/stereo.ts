import { comparison, confidenceFrom, db, round, withPrediction } from '../src/suggest/agentKit.js';
import { hz, hzKey, nearestThirdOctave } from '../src/suggest/spectrum.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, Suggestion } from '../src/suggest/types.js';
import { widthRegions, widthRows } from '../src/suggest/widthRegions.js';

/**
 * Stereo agent.
 * - Mono the low end: when every reference's low end (< ~150 Hz) is mono (side at least 15 dB under
 *   the mid) and the mix's is not, remove the side below the highest low band where that holds.
 * - Width per region: each broad region (an octave or more, see src/suggest/widthRegions.ts) whose
 *   side-to-mid ratio lies outside the references' envelope gets a side gain that brings it to their
 *   mean (capped at +-12 dB); narrower ones are left to the EQ agent's side bands.
 * - L/R balance outside the references' envelope: a balance move back to their mean.
 * - Notes: negative overall correlation (phase), level lost in mono beyond the references, and
 *   bands whose correlation is negative where the references' is clearly positive.
 * A mono mix gets one note: side gain cannot create width.
 */

/** A low end whose side is this far under its mid counts as mono, dB. */
const MONO_LOW_DB = -15;
/** Width moves are capped at this, dB. */
const MAX_WIDTH_DB = 12;
/** Width moves smaller than this are not proposed, dB. */
const MIN_WIDTH_DB = 0.5;
const HALF_BAND = 10 ** 0.05;

function evaluate(input: AgentInput, o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'stereo', suggestions: [], within: [], notes: [] };
  const mix = input.mix.profile;
  const refs = input.target.profiles;
  const n = input.target.references.length;
  if (mix.stereo.monoInput) {
    report.notes.push('The mix is mono: there is no side signal to widen or narrow; width needs panning or stereo effects at the source.');
    return report;
  }
  const add = (s: Suggestion) => report.suggestions.push(s.kind === 'note' ? s : withPrediction(input, s, o));
  const rows = widthRows(mix, refs);

  // Mono low end.
  let monoHz: number | null = null;
  const mixLow = mix.stereo.lowEnd.sideToMidDb;
  const refLow = refs.map((r) => r.stereo.lowEnd.sideToMidDb);
  if (mixLow !== null && refLow.every((v) => v !== null && v <= MONO_LOW_DB)) {
    const refMax = Math.max(...(refLow as number[]));
    if (mixLow > MONO_LOW_DB && mixLow > refMax + 2) {
      let top: number | null = null;
      for (const r of rows) {
        if (!r || r.centerHz > 300) continue;
        if (r.maxDb <= MONO_LOW_DB && r.mixDb > r.maxDb + 1.5) top = r.centerHz;
      }
      monoHz = Math.min(300, Math.max(60, Math.round(((top ?? 100) * HALF_BAND) / 5) * 5));
      const s: Suggestion = {
        key: 'stereo:master:monoBelow', agent: 'stereo', scope: 'master', kind: 'monoBelow', params: { frequencyHz: monoHz },
        confidence: confidenceFrom(mixLow - refMax, 4, 0, 6, n),
        rationale: `Make the low end mono below ${hz(monoHz)}: the mix's low end has its side ${Math.abs(mixLow).toFixed(1)} dB under the mid, the references' at least ${Math.abs(refMax).toFixed(1)} dB under (mono bass translates to clubs, mono and vinyl).`,
        evidence: { lowEndSideToMidDb: mixLow, referencesLowEndMaxDb: refMax, lowEndMaxHz: mix.stereo.lowEnd.maxHz },
      };
      add(s);
    } else report.within.push('lowEnd.sideToMidDb');
  }

  // Width per broad region.
  for (const region of widthRegions(mix, refs).filter((r) => r.broad)) {
    let lowHz = region.lowHz;
    if (monoHz !== null && region.highHz <= monoHz * 1.1) continue;
    if (monoHz !== null) lowHz = Math.max(lowHz, monoHz);
    const gain = round(Math.max(-MAX_WIDTH_DB, Math.min(MAX_WIDTH_DB, -region.meanDevDb)), 1);
    if (Math.abs(gain) < MIN_WIDTH_DB) continue;
    const inRegion = rows.filter((r) => r && r.centerHz >= lowHz && r.centerHz <= region.highHz).map((r) => r!);
    const mean = (f: (r: (typeof inRegion)[number]) => number) => inRegion.reduce((a, r) => a + f(r), 0) / Math.max(1, inRegion.length);
    const centre = nearestThirdOctave(Math.sqrt(lowHz * region.highHz));
    const s: Suggestion = {
      key: `stereo:master:width@${hzKey(centre)}`, agent: 'stereo', scope: 'master', kind: 'width',
      params: { lowHz: round(lowHz, 0), highHz: round(region.highHz, 0), sideGainDb: gain },
      confidence: confidenceFrom(region.maxOutsideDb, 2, region.spreadDb, 6, n),
      rationale: `${gain > 0 ? 'Widen' : 'Narrow'} ${hz(lowHz)}..${hz(region.highHz)} by ${gain > 0 ? 'raising' : 'lowering'} the side ${Math.abs(gain).toFixed(1)} dB: there the side sits ${Math.abs(mean((r) => r.mixDb)).toFixed(1)} dB under the mid, the references' ${Math.abs(mean((r) => r.meanDb)).toFixed(1)} dB (${db(region.meanDevDb)} on average, up to ${Math.abs(region.maxOutsideDb).toFixed(1)} dB outside their range).`,
      evidence: { lowHz: round(lowHz, 0), highHz: round(region.highHz, 0), meanDeviationDb: round(region.meanDevDb, 2), maxOutsideDb: round(region.maxOutsideDb, 2), referenceSpreadDb: round(region.spreadDb, 2), bands: region.centersHz.length },
    };
    add(s);
  }
  for (const r of rows) if (r && r.outsideDb === 0 && r.centerHz >= 40 && r.centerHz <= 16000) report.within.push(`width.${hzKey(r.centerHz)}`);

  // Balance.
  const bal = comparison(input, 'balanceDb');
  if (bal && bal.inside === false) {
    const move = round(-bal.deltaFromMean!, 1);
    add({
      key: 'stereo:master:balance', agent: 'stereo', scope: 'master', kind: 'balance', params: { balanceDb: move },
      confidence: confidenceFrom(bal.outsideBy!, 0.5, bal.max! - bal.min!, 2, n),
      rationale: `Re-centre the image by moving the balance ${move > 0 ? 'right' : 'left'} ${Math.abs(move).toFixed(1)} dB: the right channel is ${db(bal.mix!)} against the left, the references ${bal.min!.toFixed(1)}..${bal.max!.toFixed(1)} dB.`,
      evidence: { balanceDb: bal.mix, referencesMeanDb: bal.mean },
    });
  } else if (bal?.inside) report.within.push('balanceDb');

  // Correlation and mono compatibility.
  const corr = comparison(input, 'correlation');
  const loss = comparison(input, 'monoLossDb');
  if (corr?.mix != null && corr.mix < 0) {
    add({
      key: 'stereo:master:phase', agent: 'stereo', scope: 'master', kind: 'note', params: {},
      confidence: 0.9,
      rationale: `Check polarity and phase: the overall L/R correlation is ${corr.mix.toFixed(2)} (references ${corr.min?.toFixed(2)}..${corr.max?.toFixed(2)}), so left and right partly cancel in mono.`,
      evidence: { correlation: corr.mix, monoLossDb: loss?.mix ?? null },
    });
  } else if (loss && loss.inside === false && loss.outsideBy! > 0 && loss.mix! > 1.5) {
    add({
      key: 'stereo:master:mono-compat', agent: 'stereo', scope: 'master', kind: 'note', params: {},
      confidence: confidenceFrom(loss.outsideBy!, 1, loss.max! - loss.min!, 2, n),
      rationale: `Mono compatibility: ${loss.mix!.toFixed(1)} dB is lost when the mix folds to mono, against ${loss.min!.toFixed(1)}..${loss.max!.toFixed(1)} dB for the references; look for wide stereo effects or out-of-phase layers.`,
      evidence: { monoLossDb: loss.mix, correlation: corr?.mix ?? null },
    });
  } else {
    if (corr?.inside) report.within.push('correlation');
    if (loss?.inside) report.within.push('monoLossDb');
  }
  const anti = mix.stereo.bands.filter((b, i) => b.correlation !== null && b.correlation < -0.1 && b.centerHz >= 40 && refs.every((r) => (r.stereo.bands[i]?.correlation ?? 0) > 0.1));
  if (anti.length) {
    const worst = anti.reduce((a, b) => (b.correlation! < a.correlation! ? b : a));
    add({
      key: `stereo:master:phase@${hzKey(worst.centerHz)}`, agent: 'stereo', scope: 'master', kind: 'note', params: {},
      confidence: 0.8,
      rationale: `Out-of-phase content at ${anti.map((b) => `${hz(b.centerHz)} (${b.correlation!.toFixed(2)})`).join(', ')}, where every reference is positively correlated: it will thin out or vanish in mono.`,
      evidence: { worstCorrelation: worst.correlation, worstHz: worst.centerHz, bands: anti.length },
    });
  }
  return report;
}

/** The stereo agent. */
export const agent: Agent = { name: 'stereo', evaluate };
