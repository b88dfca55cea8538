import { loudnessTargetOf } from '../src/reference/distance.js';
import { comparison, confidenceFrom, db, round, withPrediction } from '../src/suggest/agentKit.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, Suggestion } from '../src/suggest/types.js';

/**
 * Loudness agent: a gain to the references' mean integrated loudness (or the chosen target, e.g.
 * -14 LUFS for streaming), checked against the true-peak ceiling. When the gain would push the true
 * peak over the ceiling (or the peak is over it already), it proposes a true-peak limiter driven by
 * that gain instead, and says how much limiting that is. Within 0.5 LU of the target (the meter's
 * repeatability) and under the ceiling, it proposes nothing and says so.
 */

/** Loudness within this of the target counts as on target, LU. */
export const LOUDNESS_TOLERANCE_LU = 0.5;
/** Limiting deeper than this is flagged as heavy (compress first), dB. */
const HEAVY_LIMITING_DB = 6;
/** Release and lookahead proposed for the limiter, ms. */
const LIMITER_RELEASE_MS = 50;
const LIMITER_LOOKAHEAD_MS = 1.5;

function evaluate(input: AgentInput, o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'loudness', suggestions: [], within: [], notes: [] };
  const { integratedLufs: lufs, truePeakDbtp: tp } = input.mix.loudness;
  const target = loudnessTargetOf(input.target, { loudnessTargetLufs: o.loudnessTargetLufs });
  if (lufs === null) {
    report.notes.push('The mix has no measurable loudness (silent): no level move proposed.');
    return report;
  }
  if (target === null) {
    report.notes.push('The references have no measurable loudness and no --target-lufs was given: no level move proposed.');
    return report;
  }
  const refs = comparison(input, 'integratedLufs');
  const fromRefs = o.loudnessTargetLufs === null;
  const targetText = fromRefs
    ? `the references average ${target.toFixed(1)} LUFS${refs?.min != null && refs.max != null ? ` (${refs.min.toFixed(1)}..${refs.max.toFixed(1)})` : ''}`
    : `the target is ${target.toFixed(1)} LUFS`;
  const spread = fromRefs && refs?.min != null && refs.max != null ? refs.max - refs.min : 0;
  const n = input.target.references.length;
  const onTarget = Math.abs(target - lufs) <= LOUDNESS_TOLERANCE_LU;
  const gain = onTarget ? 0 : round(target - lufs, 1);
  const peakAfter = tp === null ? null : tp + gain;
  const over = peakAfter === null ? 0 : peakAfter - o.ceilingDbtp;
  const evidence = { integratedLufs: lufs, targetLufs: round(target, 2), truePeakDbtp: tp, ceilingDbtp: o.ceilingDbtp, truePeakAfterGainDbtp: peakAfter === null ? null : round(peakAfter, 2) };

  if (onTarget) report.within.push('integratedLufs');
  if (over <= 0) {
    if (tp !== null) report.within.push('truePeakDbtp');
    if (onTarget) {
      report.notes.push(`Loudness is on target: ${lufs.toFixed(1)} LUFS, ${targetText}; true peak ${tp === null ? 'n/a' : `${tp.toFixed(1)} dBTP`} is under the ${o.ceilingDbtp} dBTP ceiling.`);
      return report;
    }
    const s: Suggestion = {
      key: 'loudness:master:gain', agent: 'loudness', scope: 'master', kind: 'gain', params: { gainDb: gain },
      confidence: confidenceFrom(Math.abs(gain), 1, spread, 6, fromRefs ? n : 2),
      rationale: `${gain > 0 ? 'Raise' : 'Lower'} the master by ${Math.abs(gain).toFixed(1)} dB: the mix measures ${lufs.toFixed(1)} LUFS and ${targetText}; the true peak lands at ${peakAfter === null ? 'n/a' : `${peakAfter.toFixed(1)} dBTP`}, under the ${o.ceilingDbtp} dBTP ceiling.`,
      evidence,
    };
    report.suggestions.push(withPrediction(input, s, o));
    return report;
  }
  const heavy = over > HEAVY_LIMITING_DB ? ` That is ${over.toFixed(1)} dB of peak limiting, a lot: compress first (see the dynamics proposals) or accept a lower level.` : '';
  const why = onTarget
    ? `the loudness is on target (${lufs.toFixed(1)} LUFS, ${targetText}) but the true peak of ${tp!.toFixed(1)} dBTP is ${over.toFixed(1)} dB over the ${o.ceilingDbtp} dBTP ceiling`
    : `the mix measures ${lufs.toFixed(1)} LUFS and ${targetText}; a plain ${db(gain)} would put the true peak at ${peakAfter!.toFixed(1)} dBTP, ${over.toFixed(1)} dB over the ${o.ceilingDbtp} dBTP ceiling`;
  const s: Suggestion = {
    key: 'loudness:master:limiter', agent: 'loudness', scope: 'master', kind: 'limiter',
    params: { inputGainDb: gain, ceilingDbtp: o.ceilingDbtp, releaseMs: LIMITER_RELEASE_MS, lookaheadMs: LIMITER_LOOKAHEAD_MS },
    confidence: confidenceFrom(Math.max(Math.abs(gain), over), 1, spread, 6, fromRefs ? n : 2),
    rationale: `${onTarget ? 'Put' : `Drive by ${db(gain)} into`} a true-peak limiter with its ceiling at ${o.ceilingDbtp} dBTP: ${why}.${heavy}`,
    evidence: { ...evidence, limitingDb: round(over, 2) },
  };
  report.suggestions.push(withPrediction(input, s, o));
  return report;
}

/** The loudness agent. */
export const agent: Agent = { name: 'loudness', evaluate };
