import { db, withPrediction } from '../src/suggest/agentKit.js';
import { planEq, type PlannedBand } from '../src/suggest/eqPlan.js';
import { hz, hzKey, spectrumView } from '../src/suggest/spectrum.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, Suggestion } from '../src/suggest/types.js';

/**
 * EQ agent: at most maxEqBands parametric bands (peaking, shelves, high-pass) fitted to the
 * 1/3-octave-smoothed difference between the mix and the references' mean, only where the mix lies
 * outside the references' envelope, gains capped at maxEqGainDb; master bands where both channels
 * differ, mid or side bands where only one does (the fit and the scoping: src/suggest/eqPlan.ts,
 * eqFit.ts). Key: `eq:<scope>:<type>@<nearest 1/3-octave centre>`.
 */

const SHAPE: Record<PlannedBand['band']['type'], string> = { peaking: 'bell', lowShelf: 'low shelf', highShelf: 'high shelf', highPass: 'high-pass, 12 dB/oct' };

function rationale(p: PlannedBand): string {
  const { band } = p;
  const where = p.regionLowHz === p.regionHighHz ? `around ${hz(p.regionLowHz)}` : `${hz(p.regionLowHz)}..${hz(p.regionHighHz)}`;
  const side = p.meanDevDb > 0 ? 'above' : 'below';
  const evidence = `${where} sit${p.regionLowHz === p.regionHighHz ? 's' : ''} ${db(p.meanDevDb)} ${side} the references' mean, up to ${Math.abs(p.maxOutsideDb).toFixed(1)} dB outside their range`;
  const on = p.scope === 'master' ? 'the master' : `the ${p.scope} channel`;
  if (band.type === 'highPass') return `High-pass ${on} at ${hz(band.frequencyHz)} (${SHAPE.highPass}): ${evidence}.`;
  const verb = band.gainDb < 0 ? 'Cut' : 'Boost';
  const q = band.type === 'peaking' ? `, Q ${band.q}` : '';
  return `${verb} ${Math.abs(band.gainDb).toFixed(1)} dB at ${hz(band.frequencyHz)} on ${on} (${SHAPE[band.type]}${q}): ${evidence}.`;
}

function evaluate(input: AgentInput, o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'eq', suggestions: [], within: [], notes: [] };
  const plan = planEq(input, o);
  report.notes.push(...plan.notes);
  for (const p of plan.bands) {
    const s: Suggestion = {
      key: p.key, agent: 'eq', scope: p.scope, kind: 'eqBand', params: { ...p.band }, confidence: p.confidence,
      rationale: rationale(p),
      evidence: {
        frequencyHz: p.band.frequencyHz, regionLowHz: p.regionLowHz, regionHighHz: p.regionHighHz,
        meanDeviationDb: Math.round(p.meanDevDb * 100) / 100, maxOutsideDb: Math.round(p.maxOutsideDb * 100) / 100,
        referenceSpreadDb: Math.round(p.spreadDb * 100) / 100, offsetDb: plan.mid ? Math.round(plan.mid.offsetDb * 100) / 100 : null,
      },
    };
    report.suggestions.push(withPrediction(input, s, o));
  }
  if (plan.mid) {
    // Within: the 1/3-octave mid bands inside the envelope once the global offset is removed.
    const third = spectrumView(input.mix.profile, input.target.profiles, 'mid', 'thirdOctave', { smooth: false });
    report.within.push(...third.rows.filter((r) => r.outsideDb === 0).map((r) => `tonal.mid.${hzKey(r.centerHz)}`));
    if (plan.bands.length === 0 && plan.notes.length === 0) {
      report.notes.push(`The tonal balance lies within the references' envelope${third.rows.some((r) => r.outsideDb !== 0) ? ' wherever an EQ band could help' : ''}: no EQ proposed.`);
    }
  }
  return report;
}

/** The EQ agent. */
export const agent: Agent = { name: 'eq', evaluate };
