import { formatValue } from '../reference/labels.js';
import { suggestForFiles, type SuggestForFilesResult } from '../suggest/engine.js';
import { distanceText, headline, paramsText, predictedLabel, withinSummary } from '../suggest/format.js';
import type { SuggestOptionsInput } from '../suggest/options.js';
import { toJson } from '../util/format.js';

/** Options of `ama suggest` as commander hands them over (numbers still strings). */
export interface SuggestCliOptions {
  ref: string[];
  json?: boolean;
  amount?: string;
  only?: string;
  targetLufs?: string;
  ceiling?: string;
  maxEqBands?: string;
  maxEqGain?: string;
  /** Separator for the stems agent (commander: --separator). */
  separator?: string;
  /** False with --no-stems. */
  stems?: boolean;
}

/** Format version of `ama suggest --json`. */
export const SUGGEST_VERSION = 1;

/** The command-line options as the engine's option input. */
export function optionInput(o: Omit<SuggestCliOptions, 'ref' | 'json'>): SuggestOptionsInput {
  const input: SuggestOptionsInput = {};
  if (o.amount !== undefined) input.amount = o.amount;
  if (o.only !== undefined) input.only = o.only;
  if (o.targetLufs !== undefined) input.targetLufs = o.targetLufs;
  if (o.ceiling !== undefined) input.ceiling = o.ceiling;
  if (o.maxEqBands !== undefined) input.maxEqBands = o.maxEqBands;
  if (o.maxEqGain !== undefined) input.maxEqGainDb = o.maxEqGain;
  if (o.separator !== undefined) input.separator = o.separator;
  if (o.stems === false) input.separator = 'none';
  return input;
}

/**
 * `ama suggest --ref A --ref B MIX`: the agents' proposals, ranked by expected effect, with what
 * lies within the references. Returns the exit code (1 when a reference had to be left out).
 */
export async function runSuggest(mixFile: string, opts: SuggestCliOptions): Promise<number> {
  const r = await suggestForFiles(mixFile, opts.ref, optionInput(opts));
  for (const w of r.warnings) process.stderr.write(`ama: warning: ${w}\n`);
  if (opts.json) process.stdout.write(toJson(suggestJson(r)) + '\n');
  else process.stdout.write(renderSuggestions(r));
  return r.references.some((x) => x.error) ? 1 : 0;
}

/** The JSON document of `ama suggest --json`. */
export function suggestJson(r: SuggestForFilesResult) {
  return {
    version: SUGGEST_VERSION,
    mix: { file: r.mix.file, integratedLufs: r.mix.loudness.integratedLufs, truePeakDbtp: r.mix.loudness.truePeakDbtp, sampleRate: r.mix.format.sampleRate, channels: r.mix.format.channels },
    references: r.references.map((x) => ({ file: x.file, ...(x.error ? { error: x.error, code: x.code } : { integratedLufs: x.analysis!.loudness.integratedLufs }) })),
    options: { ...r.options.agentOptions, only: r.options.only, separator: r.separator },
    suggestions: r.suggestions,
    within: r.within,
    notes: r.notes,
    warnings: r.warnings,
    distance: r.distance,
  };
}

/** The readable report. */
export function renderSuggestions(r: SuggestForFilesResult): string {
  const o = r.options.agentOptions;
  const lines: string[] = [];
  const refs = r.references.filter((x) => x.analysis).map((x) => `${x.file} (${formatValue(x.analysis!.loudness.integratedLufs, 'LUFS')})`);
  lines.push(`Mix:        ${r.mix.file} (${formatValue(r.mix.loudness.integratedLufs, 'LUFS')}, true peak ${formatValue(r.mix.loudness.truePeakDbtp, 'dBTP')})`);
  lines.push(`References: ${refs.join(', ')}`);
  lines.push(`Settings:   amount ${o.amountPct} %, loudness target ${o.loudnessTargetLufs === null ? "the references' mean" : `${o.loudnessTargetLufs} LUFS`}, ceiling ${o.ceilingDbtp} dBTP, at most ${o.maxEqBands} EQ bands of +-${o.maxEqGainDb} dB${r.options.only ? `, agents: ${r.options.only.join(', ')}` : ''}, stems: ${r.separator ? `separated by ${r.separator}` : 'off'}`);
  lines.push('');
  const moves = r.suggestions.filter((s) => s.kind !== 'note');
  const notes = r.suggestions.filter((s) => s.kind === 'note');
  lines.push(moves.length ? `Proposals (${moves.length}), largest expected effect first:` : 'Proposals: none; the mix lies within the references wherever a move could help.');
  moves.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ${headline(s)}   [${s.agent}, ${s.scope}, confidence ${s.confidence.toFixed(2)}]`);
    lines.push(`     ${paramsText(s)}`);
    if (s.predicted) lines.push(`     predicted ${predictedLabel(s)}: ${s.predicted.before.toFixed(2)} -> ${s.predicted.after.toFixed(2)}`);
    lines.push(`     why: ${s.rationale}`);
    lines.push(`     key: ${s.key}`);
  });
  if (notes.length) {
    lines.push('');
    lines.push('Diagnoses and warnings:');
    for (const s of notes) lines.push(`  - [${s.agent}, confidence ${s.confidence.toFixed(2)}] ${s.rationale}`);
  }
  lines.push('');
  lines.push('Within the references:');
  const byAgent = new Map<string, string[]>();
  for (const rep of r.reports) if (rep.within.length) byAgent.set(rep.agent, rep.within);
  if (byAgent.size === 0) lines.push('  nothing the agents checked');
  for (const [agent, within] of byAgent) lines.push(`  ${agent.padEnd(9)} ${withinSummary(within).join('; ')}`);
  if (r.notes.length) {
    lines.push('');
    lines.push('Notes:');
    for (const n of r.notes) lines.push(`  - ${n}`);
  }
  lines.push('');
  lines.push(`Distance to the target now: ${distanceText(r.distance)}`);
  return lines.join('\n') + '\n';
}
