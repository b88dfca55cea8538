import fs from 'node:fs';
import type { AudioFormat } from '../audio/types.js';
import type { FileLoudness } from '../analysis/analyzeFile.js';
import type { MixProfile } from '../analysis/profileSchema.js';
import { compareToTarget, type FeatureComparison } from '../reference/compare.js';
import { distanceToTarget, type TargetDistance } from '../reference/distance.js';
import { analyzeWithProgress, loadReferences, targetFromReferences, type LoadedReference } from '../reference/references.js';
import type { ReferenceTarget } from '../reference/target.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { scaleSuggestion } from './amount.js';
import { validateSuggestOptions, type SuggestOptions, type SuggestOptionsInput } from './options.js';
import { applyMoves, predictEffect } from './predict.js';
import { AGENTS } from './registry.js';
import { attachStems } from './stems.js';
import type { SeparatorId } from '../separation/types.js';
import type { Agent, AgentInput, AgentName, AgentReport, Suggestion } from './types.js';

/**
 * The agent host: runs the enabled agents, each in its own try/catch (a failing agent becomes a
 * note and the others go on), drops malformed proposals, scales every move by `amount`, lets the
 * loudness agent account for the level the other moves change, and ranks the proposals by expected
 * effect: (predicted distance before - after) x confidence. Notes (diagnoses, warnings) follow the
 * moves, most confident first.
 */

/** What the engine returns for one mix. */
export interface EngineResult {
  /** Proposals, ranked, scaled by the amount. */
  suggestions: Suggestion[];
  /** Each agent's own report (its proposals at 100 %, before ranking). */
  reports: AgentReport[];
  /** Features the agents found within the references, deduplicated. */
  within: string[];
  /** Sentences for the report, prefixed with the agent's name. */
  notes: string[];
}

/** A move's expected effect: distance removed times confidence; 0 for notes and unmeasurable moves. */
export function expectedEffect(s: Suggestion): number {
  return s.predicted ? Math.max(0, s.predicted.before - s.predicted.after) * s.confidence : 0;
}

/** Ranks proposals: moves by expected effect, then notes by confidence; ties by key (deterministic). */
export function rankSuggestions(list: readonly Suggestion[]): Suggestion[] {
  const isNote = (s: Suggestion) => (s.kind === 'note' ? 1 : 0);
  return [...list].sort((a, b) => isNote(a) - isNote(b) || expectedEffect(b) - expectedEffect(a) || b.confidence - a.confidence || a.key.localeCompare(b.key));
}

/** Why a proposal is malformed (a non-finite number, a confidence outside 0..1), or null. */
function malformed(s: Suggestion): string | null {
  if (!s || typeof s.key !== 'string' || typeof s.rationale !== 'string') return 'it has no key or rationale';
  if (!(s.confidence >= 0 && s.confidence <= 1)) return `its confidence ${s.confidence} is outside 0..1`;
  for (const [k, v] of Object.entries(s.params ?? {})) if (typeof v === 'number' && !Number.isFinite(v)) return `its ${k} is ${v}`;
  return null;
}

function runOne(agent: Agent, input: AgentInput, options: SuggestOptions['agentOptions']): AgentReport {
  try {
    const r = agent.evaluate(input, options);
    const notes = [...r.notes];
    const suggestions = r.suggestions.filter((s) => {
      const why = malformed(s);
      if (why) notes.push(`dropped a malformed proposal (${s?.key ?? 'no key'}): ${why}`);
      return !why;
    });
    return { agent: agent.name, suggestions, within: [...r.within], notes };
  } catch (err) {
    return { agent: agent.name, suggestions: [], within: [], notes: [`the ${agent.name} agent failed (${errorMessage(err)}); the other agents went on`] };
  }
}

/** Runs the enabled agents on one mix (see the module comment). Pure apart from the agents themselves. */
export function runAgents(input: AgentInput, options: SuggestOptions, agents: ReadonlyMap<AgentName, Agent> = AGENTS): EngineResult {
  const o = options.agentOptions;
  const names = [...agents.keys()].filter((n) => !options.only || options.only.includes(n));
  const reports: AgentReport[] = [];
  const scaled: Suggestion[] = [];
  const rescale = (list: Suggestion[], fig = input.mix) =>
    list.map((s) => scaleSuggestion(s, o.amountPct)).filter((s): s is Suggestion => s !== null).map((s) => {
      if (s.kind === 'note' || o.amountPct === 100) return s;
      const predicted = predictEffect(fig, input.target, s, o);
      return predicted ? { ...s, predicted } : s;
    });
  for (const name of names.filter((n) => n !== 'loudness')) {
    const r = runOne(agents.get(name)!, input, o);
    reports.push(r);
    scaled.push(...rescale(r.suggestions));
  }
  const loudness = names.includes('loudness') ? agents.get('loudness') : undefined;
  if (loudness) {
    // The loudness agent sees the mix as the other (scaled) moves leave it, so its gain lands on target.
    const moves = scaled.filter((s) => s.kind !== 'note');
    const after = moves.length ? applyMoves(input.mix, moves) : input.mix;
    const i0 = input.mix.loudness.integratedLufs, i1 = after.loudness.integratedLufs;
    const change = i0 !== null && i1 !== null ? i1 - i0 : 0;
    const staged = Math.abs(change) >= 0.05 ? { ...input, mix: { loudness: after.loudness, profile: input.mix.profile } } : input;
    const r = runOne(loudness, staged, o);
    if (staged !== input) {
      r.notes.push(`The other proposals change the loudness by ${change > 0 ? '+' : ''}${change.toFixed(1)} LU (predicted); the loudness move starts from there.`);
      const said = ` These figures are the mix's after the other proposals, which change its loudness by ${change > 0 ? '+' : ''}${change.toFixed(1)} LU (it measures ${i0!.toFixed(1)} LUFS now).`;
      r.suggestions = r.suggestions.map((s) => ({ ...s, rationale: s.rationale + said, evidence: { ...s.evidence, otherMovesLoudnessChangeLu: Math.round(change * 100) / 100 } }));
    }
    reports.push(r);
    // Scaled, the move would leave the mix at I + change + a (target - I - change); the amount's share
    // of the way is I + a (target - I): take the remaining (1 - a) x change off as well.
    const rest = (1 - o.amountPct / 100) * change;
    const corrected = rescale(r.suggestions, staged.mix).map((s): Suggestion => {
      if (rest === 0) return s;
      if (s.kind === 'gain') return { ...s, params: { gainDb: Math.round((s.params.gainDb - rest) * 100) / 100 } };
      if (s.kind === 'limiter') return { ...s, params: { ...s.params, inputGainDb: Math.round((s.params.inputGainDb - rest) * 100) / 100 } };
      return s;
    });
    scaled.push(...corrected.map((s) => {
      const predicted = s.kind === 'note' || rest === 0 ? s.predicted : predictEffect(staged.mix, input.target, s, o);
      return predicted ? { ...s, predicted } : s;
    }));
  }
  const seen = new Set<string>();
  const notes: string[] = [];
  const unique = scaled.filter((s) => {
    if (seen.has(s.key)) { notes.push(`${s.agent}: a second proposal with key ${s.key} was dropped`); return false; }
    seen.add(s.key);
    return true;
  });
  const present = new Set(unique.map((s) => s.key));
  const linked = unique.map((s) => (s.addressedBy ? { ...s, addressedBy: s.addressedBy.filter((k) => present.has(k)) } : s));
  for (const r of reports) for (const n of r.notes) notes.push(`${r.agent}: ${n}`);
  const within = [...new Set(reports.flatMap((r) => r.within))];
  return { suggestions: rankSuggestions(linked), reports, within, notes };
}

/** What suggestForFiles returns: the engine's result and everything it was computed from. */
export interface SuggestForFilesResult extends EngineResult {
  comparisons: FeatureComparison[];
  /** The mix's distance to the target before any move. */
  distance: TargetDistance;
  target: ReferenceTarget;
  mix: { file: string; format: AudioFormat; loudness: FileLoudness; profile: MixProfile };
  references: LoadedReference[];
  /** Sentences about the inputs (refused or mono references, short mix). */
  warnings: string[];
  options: SuggestOptions;
  /** The separator whose stems the stems agent compared (after any fallback); null when none ran. */
  separator: SeparatorId | null;
}

/**
 * Analyses a mix and its references (through the content-hash cache) and runs the agents: the
 * entry point of `ama suggest`, `ama apply` and the efficacy benchmark. Options are validated
 * before any audio is read.
 */
export async function suggestForFiles(mixFile: string, refFiles: string[], input: SuggestOptionsInput = {}): Promise<SuggestForFilesResult> {
  const options = validateSuggestOptions(input, [...AGENTS.keys()]);
  if (!fs.existsSync(mixFile)) throw new AmaError('FILE_NOT_FOUND', `${mixFile}: no such file; check the path and its spelling`);
  const loaded = await loadReferences(refFiles);
  const mix = await analyzeWithProgress(mixFile, 'mix');
  const profile = mix.analysis.profile;
  if (!profile) throw new AmaError('INTERNAL', `${mixFile}: the analysis has no profile`);
  const warnings = [...loaded.warnings];
  if (mix.analysis.format.channels === 1) warnings.push(`${mixFile}: mono mix: no width or balance moves can be proposed`);
  if ((mix.analysis.format.durationSec ?? 0) < 10) warnings.push(`${mixFile}: the mix is under 10 s; its balance figures are rough`);
  // Stems: separated (references once, through the stem cache) when the stems agent runs.
  let target = loaded.target;
  let separator: SeparatorId | null = null;
  if (options.separator && (options.only === null || options.only.includes('stems'))) {
    const s = await attachStems({ file: mixFile, sha256: mix.sha256, profile }, loaded.references, options.separator);
    warnings.push(...s.warnings);
    separator = s.separator;
    target = targetFromReferences(loaded.references);
  }
  const figures = { loudness: mix.analysis.loudness, profile };
  const comparisons = compareToTarget(figures, target);
  const result = runAgents({ mix: figures, comparisons, target }, options);
  const o = options.agentOptions;
  const distance = distanceToTarget(figures, target, { loudnessTargetLufs: o.loudnessTargetLufs, ceilingDbtp: o.ceilingDbtp });
  return {
    ...result, comparisons, distance, target, references: loaded.references, warnings, options, separator,
    mix: { file: mixFile, format: mix.analysis.format, loudness: mix.analysis.loudness, profile },
  };
}
