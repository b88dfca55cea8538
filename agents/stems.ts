import { comparison, confidenceFrom, db, round, withPrediction } from '../src/suggest/agentKit.js';
import { ABSENT_BELOW_DB, stemAbsence, stemOffsets, type StemAbsence } from '../src/suggest/stemModel.js';
import type { Agent, AgentInput, AgentOptions, AgentReport, Suggestion } from '../src/suggest/types.js';

/**
 * Stems agent: the balance between the parts of the mix, read from separated stems (src/separation).
 * - Level: each stem's level against the mix (K-weighted energy share, dB) is compared with the
 *   references' after taking out the part common to every stem (src/suggest/stemModel.ts
 *   stemOffsets: one hot stem lowers every other stem's share, which is not their fault). Each of
 *   vocals, drums and bass whose level so corrected lies outside the references' envelope gets a
 *   stem gain of minus its own offset, which brings it back to their mean against the other stems.
 *   Capped at +-MAX_GAIN_DB. `other` is what the separator leaves over: it counts in the common
 *   part but gets no move of its own.
 * - Absent stems: a stem nearly empty (ABSENT_BELOW_DB under the track's loudest stem) in the mix or
 *   in any reference, such as the vocals stem of instrumental music, holds only the separator's
 *   leakage. It gets no level or width move, only a line in the notes saying why.
 * - Width: a stem whose width (side to mid) lies WIDTH_NOTE_DB or more outside the references'
 *   envelope gets a note (the move is the part's own stereo treatment, not a bus fader).
 * Every figure comes from a separator, not from the user's own stems: confidence is scaled by how
 * clean that separator's stems are (SEPARATOR_TRUST), and the sentence names it.
 */

/** Stems that get level moves, with the names a sentence uses. */
const MOVED = [['vocals', 'vocal', 'the vocals sit'], ['drums', 'drum', 'the drums sit'], ['bass', 'bass', 'the bass sits']] as const;
/** Largest stem gain proposed, dB. */
const MAX_GAIN_DB = 9;
/** Stem gains smaller than this are not proposed, dB. */
const MIN_GAIN_DB = 0.5;
/** A stem this far outside the references' width envelope gets a note, dB. */
const WIDTH_NOTE_DB = 4;
/** How far each separator's stems can be trusted, 0..1 (its leakage blurs the levels it reports). */
const SEPARATOR_TRUST: Record<string, number> = { dsp: 0.7, umx: 0.85, htdemucs: 1 };

/** Why an absent stem (see stemAbsence) was not compared, as a sentence. */
function absenceNote(name: string, a: StemAbsence, sep: string): string {
  const empty = `nearly empty (${ABSENT_BELOW_DB} dB or more below the loudest stem: what ${sep} leaves there is leakage, not a part)`;
  if (a.inMix && a.inReferences === a.references) return `The ${name} stem is ${empty} in the mix and in every reference, so its level was not compared.`;
  if (a.inMix) return `The ${name} stem is ${empty} in the mix but not in ${a.inReferences ? 'every reference' : 'the references'}: if the mix should have that part, check that it is playing; a bus gain cannot bring it back.`;
  return `The ${name} stem is ${empty} in ${a.inReferences} of ${a.references} references but not in the mix, so its level has nothing to be compared with.`;
}

function evaluate(input: AgentInput, _o: AgentOptions): AgentReport {
  const report: AgentReport = { agent: 'stems', suggestions: [], within: [], notes: [] };
  const mine = input.mix.profile.stems;
  const refs = input.target.profiles.map((p) => p.stems);
  // No stems at all: separation was switched off (or the caller has none, as the live agents between
  // two separations); nothing to say. Stems on one side only: say why nothing was compared.
  if (!mine && refs.every((r) => !r)) return report;
  if (!mine || refs.some((r) => !r)) {
    report.notes.push(`Stems were separated for ${mine ? 'the mix but not every reference' : 'the references but not the mix'}, so the balance between the parts was not compared.`);
    return report;
  }
  if (refs.some((r) => r!.separator !== mine.separator)) {
    report.notes.push(`The mix was separated with ${mine.separator} and the references with ${[...new Set(refs.map((r) => r!.separator))].join(', ')}; stems of different separators do not compare.`);
    return report;
  }
  const sep = mine.separator;
  const trust = SEPARATOR_TRUST[sep] ?? 0.7;
  const n = input.target.references.length;
  const add = (s: Suggestion) => report.suggestions.push(s.kind === 'note' ? s : withPrediction(input, s, _o));

  const offsets = stemOffsets(input.mix, input.target);
  const absent = stemAbsence(input.mix, input.target);
  for (const [name, a] of Object.entries(absent)) report.notes.push(absenceNote(name, a, sep));
  for (const [name, label, subject] of MOVED) {
    if (absent[name]) continue;
    const c = comparison(input, `stem.${name}.levelDb`);
    const own = offsets?.offsetsDb[name];
    if (!c || c.inside === null || own === undefined) continue;
    // The stem's level with the common part taken out, against the references' envelope.
    const level = c.mix! - offsets!.commonDb;
    const outsideBy = level < c.min! - c.tolerance ? level - (c.min! - c.tolerance) : level > c.max! + c.tolerance ? level - (c.max! + c.tolerance) : 0;
    const gain = round(Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, -own)), 1);
    if (outsideBy === 0 || Math.abs(gain) < MIN_GAIN_DB) { report.within.push(`stem.${name}.levelDb`); continue; }
    const verb = gain > 0 ? 'Raise' : 'Lower';
    add({
      key: `stems:stem:${name}:gain`, agent: 'stems', scope: `stem:${name}`, kind: 'stemGain', params: { gainDb: gain },
      confidence: round(confidenceFrom(outsideBy, 1.5, c.max! - c.min!, 4, n) * trust, 2),
      rationale: `${verb} the ${label} bus about ${Math.abs(gain).toFixed(1)} dB: against the other parts ${subject} ${Math.abs(own).toFixed(1)} dB ${own < 0 ? 'lower' : 'hotter'} than in the references (${c.mix!.toFixed(1)} dB of the mix's energy, references ${c.min!.toFixed(1)}..${c.max!.toFixed(1)} dB${Math.abs(offsets!.commonDb) >= 0.1 ? `, every part ${db(offsets!.commonDb)} from the shift of the whole balance` : ''}; stems separated by ${sep}).`,
      evidence: { stemLevelDb: c.mix, ownOffsetDb: round(own, 2), commonOffsetDb: round(offsets!.commonDb, 2), referencesMeanDb: round(c.mean!, 2), referencesMinDb: c.min, referencesMaxDb: c.max, outsideByDb: round(outsideBy, 2) },
    });
  }

  for (const name of ['vocals', 'drums', 'bass', 'other'] as const) {
    if (absent[name]) continue;
    const w = comparison(input, `stem.${name}.sideToMidDb`);
    if (!w || w.inside === null) continue;
    if (w.inside) { report.within.push(`stem.${name}.sideToMidDb`); continue; }
    if (Math.abs(w.outsideBy!) < WIDTH_NOTE_DB) continue;
    add({
      key: `stems:stem:${name}:width`, agent: 'stems', scope: `stem:${name}`, kind: 'note', params: {},
      confidence: round(confidenceFrom(w.outsideBy!, 3, w.max! - w.min!, 6, n) * trust, 2),
      rationale: `The ${name} stem is ${w.outsideBy! > 0 ? 'wider' : 'narrower'} than in the references: side ${db(w.mix!)} against the mid, references ${w.min!.toFixed(1)}..${w.max!.toFixed(1)} dB (separated by ${sep}); look at that part's panning and stereo effects.`,
      evidence: { sideToMidDb: w.mix, referencesMeanDb: w.mean, outsideByDb: round(w.outsideBy!, 2) },
    });
  }
  return report;
}

/** The stems agent. */
export const agent: Agent = { name: 'stems', evaluate };
