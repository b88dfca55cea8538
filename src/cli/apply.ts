import path from 'node:path';
import { analyzeFile } from '../analysis/analyzeFile.js';
import { openAudioFile } from '../audio/decode.js';
import type { ChannelRole } from '../audio/types.js';
import { writeWav } from '../audio/wavWriter.js';
import { distanceToTarget, loudnessTargetOf, type TargetDistance } from '../reference/distance.js';
import type { RenderResult } from '../render/index.js';
import { renderWithLevelTrim } from '../render/levelTrim.js';
import { suggestForFiles } from '../suggest/engine.js';
import { headline } from '../suggest/format.js';
import { openSeparator } from '../separation/index.js';
import type { SeparatorId } from '../separation/types.js';
import type { Suggestion } from '../suggest/types.js';
import { AmaError } from '../util/errors.js';
import { toJson } from '../util/format.js';
import { optionInput, type SuggestCliOptions } from './suggest.js';

/** Options of `ama apply`. */
export interface ApplyCliOptions extends SuggestCliOptions {
  out: string;
}

/** Format version of `ama apply --json`. */
export const APPLY_VERSION = 1;
/** Decodes a whole file into planar channels. */
async function readAudio(file: string): Promise<{ channels: Float32Array[]; sampleRate: number; layout: ChannelRole[] }> {
  const source = await openAudioFile(file);
  const blocks: Float32Array[][] = [];
  let frames = 0;
  for await (const b of source.blocks()) {
    blocks.push(b.map((ch) => Float32Array.from(ch)));
    frames += b[0]?.length ?? 0;
  }
  const channels = Array.from({ length: source.format.channels }, () => new Float32Array(frames));
  let at = 0;
  for (const b of blocks) {
    b.forEach((ch, c) => channels[c].set(ch, at));
    at += b[0]?.length ?? 0;
  }
  return { channels, sampleRate: source.format.sampleRate, layout: source.format.layout };
}

/**
 * `ama apply --ref A --ref B MIX -o OUT.wav`: renders the proposals onto the mix with ama's own DSP
 * (EQ, compressors, width, gain, true-peak limiter), writes OUT (the mix's rate and channels, 32-bit
 * float WAV), measures it again and prints the distance to the target before and after. The render
 * goes through renderWithLevelTrim: with the loudness agent enabled, the level move is trimmed,
 * turned into a limiter, or added until the loudness is within 0.1 LU of the intended one (the
 * amount's share of the way to the target) and the true peak is at or under the ceiling; with it
 * off, the level is left alone and only a peak over the ceiling gets a limiter at 0 dB drive.
 */
export async function runApply(mixFile: string, opts: ApplyCliOptions): Promise<number> {
  if (path.extname(opts.out).toLowerCase() !== '.wav') throw new AmaError('BAD_OPTION', `-o ${opts.out}: ama writes WAV files; give the output a .wav name`);
  if (path.resolve(opts.out) === path.resolve(mixFile)) throw new AmaError('BAD_OPTION', `-o ${opts.out} is the mix itself; write the preview to another file`);
  const r = await suggestForFiles(mixFile, opts.ref, optionInput(opts));
  for (const w of r.warnings) process.stderr.write(`ama: warning: ${w}\n`);
  const o = r.options.agentOptions;
  const moves = r.suggestions.filter((s) => s.kind !== 'note');
  const { channels, sampleRate, layout } = await readAudio(mixFile);
  const i0 = r.mix.loudness.integratedLufs;
  const target = loudnessTargetOf(r.target, { loudnessTargetLufs: o.loudnessTargetLufs });
  // The level is the loudness agent's: with it enabled, the render is measured and its level move
  // corrected (or one added) until the loudness is the intended one and the true peak under the
  // ceiling; with it off, only the ceiling is guarded (src/render/levelTrim.ts).
  const levelling = (r.options.only === null || r.options.only.includes('loudness')) && i0 !== null && target !== null;
  const intended = levelling ? i0! + (o.amountPct / 100) * (target! - i0!) : null;
  const preview = await stemPreview(channels, sampleRate, moves, r.separator);
  const { rendered, final, trimDb: trim } = renderWithLevelTrim(channels, sampleRate, layout, moves, { intendedLufs: intended, ceilingDbtp: o.ceilingDbtp, ...(preview.stems ? { stems: preview.stems } : {}) });
  writeWav(opts.out, rendered.audio, sampleRate, { format: 'float32' });
  const after = await analyzeFile(opts.out);
  const distOpts = { loudnessTargetLufs: o.loudnessTargetLufs, ceilingDbtp: o.ceilingDbtp };
  const afterDistance = distanceToTarget({ loudness: after.loudness, profile: after.profile! }, r.target, distOpts);
  const applied = final;
  if (opts.json) {
    process.stdout.write(toJson({
      version: APPLY_VERSION, mix: r.mix.file, out: opts.out, sampleRate, channels: channels.length,
      suggestions: applied, stages: rendered.applied, notes: [...r.notes, ...rendered.notes], loudnessTrimDb: trim,
      ...(preview.label ? { stemPreview: { separator: preview.separator, label: preview.label } } : {}),
      loudness: { beforeLufs: i0, afterLufs: after.loudness.integratedLufs, intendedLufs: intended, truePeakBeforeDbtp: r.mix.loudness.truePeakDbtp, truePeakAfterDbtp: after.loudness.truePeakDbtp },
      distance: { before: r.distance, after: afterDistance },
    }) + '\n');
  } else {
    process.stdout.write(renderApply(mixFile, opts.out, applied, rendered, r.distance, afterDistance, { i0, i1: after.loudness.integratedLufs, intended, tp0: r.mix.loudness.truePeakDbtp, tp1: after.loudness.truePeakDbtp }));
    if (preview.label) process.stdout.write(`${preview.label}\n`);
  }
  return r.references.some((x) => x.error) ? 1 : 0;
}

/**
 * The separated stems that stem moves are rendered with: the mix is separated by the same separator
 * the stems agent read (dsp when none), and a stem gain becomes mix + (g - 1) x stem. This is a
 * preview of a bus move made on stems ama estimated, not on the session's own stems, and says so.
 */
async function stemPreview(channels: Float32Array[], sampleRate: number, moves: Suggestion[], id: SeparatorId | null): Promise<{ stems?: Record<string, Float32Array[]>; separator?: SeparatorId; label?: string }> {
  const stemMoves = moves.filter((s) => s.kind === 'stemGain');
  if (stemMoves.length === 0) return {};
  if (channels.length > 2) return { label: `Preview: the ${stemMoves.length} stem move(s) were not rendered: ama separates mono and stereo mixes only.` };
  const { separator, notice } = await openSeparator(id ?? 'dsp');
  try {
    if (notice) process.stderr.write(`ama: warning: ${notice}\n`);
    const set = await separator.separate(channels, sampleRate);
    const list = stemMoves.map((s) => `${s.scope.slice('stem:'.length)} ${s.params.gainDb > 0 ? '+' : ''}${s.params.gainDb.toFixed(1)} dB`).join(', ');
    return {
      stems: set.stems, separator: separator.id,
      label: `Preview: the stem moves (${list}) were rendered by re-balancing stems that ama separated from the mix with ${separator.id}, not your session's own stems; make the move on your buses.`,
    };
  } finally {
    await separator.close();
  }
}

interface LevelFigures { i0: number | null; i1: number | null; intended: number | null; tp0: number | null; tp1: number | null }

/** The readable report of `ama apply`. */
export function renderApply(mix: string, out: string, moves: Suggestion[], rendered: RenderResult, before: TargetDistance, after: TargetDistance, lv: LevelFigures): string {
  const f = (x: number | null, d = 1) => (x === null ? 'n/a' : x.toFixed(d));
  const lines = [`Rendered ${moves.length} proposal${moves.length === 1 ? '' : 's'} onto ${mix} -> ${out}:`];
  moves.forEach((s, i) => lines.push(`${String(i + 1).padStart(3)}. ${headline(s)}   [${s.key}]`));
  if (moves.length === 0) lines.push('  none: the mix lies within the references wherever a move could help (the output is a copy).');
  lines.push(`Stages, in order: ${rendered.applied.length ? rendered.applied.join(' -> ') : 'none'}`);
  for (const n of rendered.notes) lines.push(`  note: ${n}`);
  lines.push('');
  lines.push(`Loudness: ${f(lv.i0)} -> ${f(lv.i1)} LUFS; true peak ${f(lv.tp0)} -> ${f(lv.tp1)} dBTP`);
  lines.push('Distance to the target        before     after');
  const row = (label: string, a: number | null, b: number | null) => lines.push(`  ${label.padEnd(28)}${f(a, 2).padStart(6)}${f(b, 2).padStart(10)}`);
  row('tonal (dB)', before.tonalDb, after.tonalDb);
  row('stereo (dB)', before.stereoDb, after.stereoDb);
  row('dynamics (dB)', before.dynamicsDb, after.dynamicsDb);
  row('loudness (LU)', before.loudnessLu, after.loudnessLu);
  row('true peak over ceiling (dB)', before.truePeakOverDb, after.truePeakOverDb);
  return lines.join('\n') + '\n';
}
