import { confidenceFrom, db, round } from '../src/suggest/agentKit.js';
import { bandAveragedResponseDb } from '../src/suggest/eqResponse.js';
import { planEq } from '../src/suggest/eqPlan.js';
import { hz, spectrumView, type SpectrumRow } from '../src/suggest/spectrum.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, Suggestion } from '../src/suggest/types.js';

/**
 * Tonal agent: plain-language diagnoses (boomy, muddy, boxy, harsh, sibilant, dull, thin) from the
 * 1/3-octave mid balance against the references (global offset removed, as for the EQ). A diagnosis
 * holds when at least two bands of its region (one, for a region of two bands or fewer) lie outside
 * the envelope in its direction and the region's mean deviation is at least 1 dB that way. Each
 * diagnosis is a note with the bands and dB behind it, and `addressedBy` names the EQ proposals
 * (same keys as the EQ agent's: both read src/suggest/eqPlan.ts) that move its region the other way
 * by at least 0.5 dB.
 */

/** A named tonal fault: a frequency region and the direction that makes it a fault. */
interface Diagnosis { name: string; lowHz: number; highHz: number; sign: 1 | -1; says: string }

/** The diagnoses, low to high. Regions overlap on purpose: mud and boxiness share 400-500 Hz. */
export const DIAGNOSES: readonly Diagnosis[] = [
  { name: 'boomy', lowHz: 60, highHz: 200, sign: 1, says: 'boomy: too much low bass' },
  { name: 'thin', lowHz: 60, highHz: 250, sign: -1, says: 'thin: too little low end' },
  { name: 'muddy', lowHz: 200, highHz: 500, sign: 1, says: 'muddy: too much low-mid' },
  { name: 'boxy', lowHz: 400, highHz: 800, sign: 1, says: 'boxy: too much 400-800 Hz' },
  { name: 'harsh', lowHz: 2000, highHz: 5000, sign: 1, says: 'harsh: too much upper-mid presence' },
  { name: 'sibilant', lowHz: 5000, highHz: 10000, sign: 1, says: 'sibilant: too much 5-10 kHz' },
  { name: 'dull', lowHz: 6300, highHz: 16000, sign: -1, says: 'dull: too little top end' },
];

/** A diagnosis needs at least this mean deviation over its region, dB. */
const MIN_MEAN_DB = 1;
/** An EQ band addresses a diagnosis when it moves the region by at least this, dB. */
const ADDRESS_DB = 0.5;

function evaluate(input: AgentInput, o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'tonal', suggestions: [], within: [], notes: [] };
  const mix = input.mix.profile;
  if (mix.tonal.referenceLufs === null) {
    report.notes.push('The mix has no measurable tonal balance (silent): no diagnosis.');
    return report;
  }
  const view = spectrumView(mix, input.target.profiles, 'mid', 'thirdOctave', { smooth: false });
  let plan: ReturnType<typeof planEq> | null = null;
  for (const d of DIAGNOSES) {
    const rows = view.rows.filter((r) => r.centerHz >= d.lowHz && r.centerHz <= d.highHz);
    if (rows.length === 0) continue;
    const out = rows.filter((r) => Math.sign(r.outsideDb) === d.sign);
    const mean = rows.reduce((a, r) => a + r.devDb, 0) / rows.length;
    const needed = rows.length <= 2 ? 1 : 2;
    if (out.length < needed || mean * d.sign < MIN_MEAN_DB) {
      report.within.push(d.name);
      continue;
    }
    plan ??= planEq(input, o);
    const fs = mix.sampleRateHz;
    const addressedBy = plan.bands
      .filter((b) => b.scope !== 'side')
      .filter((b) => {
        const move = rows.reduce((a, r) => a + bandAveragedResponseDb(b.band, r.centerHz, 1 / 3, fs), 0) / rows.length;
        return move * d.sign <= -ADDRESS_DB;
      })
      .map((b) => b.key);
    const maxOut = out.reduce((a, r) => Math.max(a, Math.abs(r.outsideDb)), 0);
    const spread = rows.reduce((a, r) => a + r.spreadDb, 0) / rows.length;
    const bands = out.map((r: SpectrumRow) => `${hz(r.centerHz)} ${db(r.devDb)}`).join(', ');
    const s: Suggestion = {
      key: `tonal:master:${d.name}`, agent: 'tonal', scope: 'master', kind: 'note', params: {},
      confidence: confidenceFrom(maxOut, 1.5, spread, 6, input.target.references.length),
      rationale: `Sounds ${d.says}: ${hz(d.lowHz)}..${hz(d.highHz)} sit ${db(mean)} ${d.sign > 0 ? 'above' : 'below'} the references' mean (${bands}; up to ${maxOut.toFixed(1)} dB outside their range)${addressedBy.length ? `; addressed by ${addressedBy.join(', ')}` : ''}.`,
      evidence: { lowHz: d.lowHz, highHz: d.highHz, meanDeviationDb: round(mean, 2), maxOutsideDb: round(maxOut, 2), bandsOutside: out.length, referenceSpreadDb: round(spread, 2) },
      addressedBy,
    };
    report.suggestions.push(s);
  }
  return report;
}

/** The tonal agent. */
export const agent: Agent = { name: 'tonal', evaluate };
