import fs from 'node:fs';
import path from 'node:path';
import { buildMixes, type SongMixes } from '../scripts/corpus/build.js';
import { FAULT_NAMES, FAULTS, type FaultName } from '../scripts/corpus/faults.js';
import { readAudio } from '../scripts/corpus/mix.js';
import { CORPUS_SONGS } from '../scripts/corpus/stems.js';
import { writeWav } from '../src/audio/wavWriter.js';
import { analyzeCached } from '../src/reference/cache.js';
import { distanceToTarget, loudnessTargetOf, type TargetDistance } from '../src/reference/distance.js';
import { buildTarget, type ReferenceTarget } from '../src/reference/target.js';
import { renderWithLevelTrim } from '../src/render/levelTrim.js';
import { suggestForFiles } from '../src/suggest/engine.js';
import type { Suggestion } from '../src/suggest/types.js';
import { cacheDir } from '../src/util/paths.js';
import { heading } from './common.js';
import { printSet, printSummary, type CaseResult, type SetResult } from './efficacyReport.js';
import { verdict } from './efficacyRules.js';
import { benchStemOffsets } from './stemOffsets.js';

/**
 * `npm run bench:efficacy`: do ama's proposals undo known mix faults on real music?
 *
 * Corpus (scripts/corpus/): four MIDI songs of Debian's planetblupi-music-midi, rendered by
 * fluidsynth one instrument at a time into stems, mixed in balance (scripts/corpus/mix.ts), then
 * mixed again with nine known faults made with ama's own render DSP (scripts/corpus/faults.ts).
 *
 * Two reference sets, both run:
 * - variants: the references are three balance variants of the same song (stem roles +-1.5 dB);
 *   the faults are the only thing the references do not share, so this measures the agents alone.
 * - songs: the references are the balanced mixes of the three other songs, as a user would pick
 *   them: arrangement differences between the songs show up as proposals too.
 * In both, the "truth" for the distances is the song's own balanced mix (a target built from it
 * alone): before = the faulty mix, after = the faulty mix with every proposal rendered as `ama apply`
 * renders them at amount 100 % (src/render/levelTrim.ts: measured, level move trimmed, true peak
 * held at the ceiling). The balanced mix itself is also run through each set: what it gets proposed
 * are false alarms. Proposal directions: bench/efficacyRules.ts.
 *
 * Usage: node dist/bench/efficacy.js [variants|songs] [musicNNN ...]
 *        node dist/bench/efficacy.js stems [dsp|htdemucs|umx ...] [musicNNN ...]   (bench/stemOffsets.ts)
 */

/** The reference sets. */
export type RefSet = 'variants' | 'songs';

/** Analysis (through ama's content-hash cache) as the figures distanceToTarget reads. */
async function figures(file: string) {
  const { analysis, sha256 } = await analyzeCached(file);
  if (!analysis.profile) throw new Error(`${file}: no profile`);
  return { analysis, sha256, figures: { loudness: analysis.loudness, profile: analysis.profile } };
}

/** A target built from the song's own balanced mix: the truth the faults are measured against. */
async function truthOf(song: SongMixes): Promise<ReferenceTarget> {
  const b = await figures(song.balanced);
  const f = b.analysis.format;
  return buildTarget([{ info: { file: song.balanced, sha256: b.sha256, sampleRateHz: f.sampleRate, channels: f.channels, durationSec: f.durationSec ?? 0, integratedLufs: b.analysis.loudness.integratedLufs }, figures: b.figures }]);
}

/**
 * Renders the proposals onto the mix as `ama apply` does at amount 100 % (renderWithLevelTrim: the
 * level move trimmed until the measured loudness meets the target under the ceiling), writes it and
 * measures the result.
 */
async function applyAndMeasure(file: string, moves: Suggestion[], out: string, level: { intendedLufs: number | null; ceilingDbtp: number }, targets: ReferenceTarget[]): Promise<{ distances: TargetDistance[]; trimDb: number }> {
  const { audio, sampleRate } = await readAudio(file);
  const layout = audio.length === 2 ? (['L', 'R'] as const) : (['mono'] as const);
  const { rendered, trimDb } = renderWithLevelTrim(audio, sampleRate, [...layout], moves, level);
  writeWav(out, rendered.audio, sampleRate);
  const after = await figures(out);
  return { distances: targets.map((t) => distanceToTarget(after.figures, t)), trimDb };
}

/** One mix through `suggestForFiles`, verdicts, apply, distances before and after. */
async function runCase(song: SongMixes, fault: FaultName | 'balanced', refs: string[], truth: ReferenceTarget, work: string): Promise<CaseResult> {
  const file = fault === 'balanced' ? song.balanced : song.faults[fault];
  const t0 = Date.now();
  const r = await suggestForFiles(file, refs);
  const suggestSec = (Date.now() - t0) / 1000;
  const moves = r.suggestions.filter((s) => s.kind !== 'note');
  const before = distanceToTarget(r.mix, truth);
  const t1 = Date.now();
  const o = r.options.agentOptions;
  const level = { intendedLufs: loudnessTargetOf(r.target, { loudnessTargetLufs: o.loudnessTargetLufs }), ceilingDbtp: o.ceilingDbtp };
  const { distances: [after, afterRefs], trimDb } = await applyAndMeasure(file, moves, path.join(work, `${song.id}-${fault}.wav`), level, [truth, r.target]);
  return {
    song: song.id, fault, suggestions: r.suggestions,
    verdicts: fault === 'balanced' ? [] : r.suggestions.map((s) => verdict(fault, s)),
    before, after, beforeRefs: r.distance, afterRefs, trimDb,
    samplePeakDbfs: r.mix.loudness.samplePeakDbfs, suggestSec, applySec: (Date.now() - t1) / 1000,
  };
}

async function runSet(set: RefSet, songs: SongMixes[], all: SongMixes[], work: string): Promise<SetResult> {
  const cases: CaseResult[] = [];
  for (const song of songs) {
    const refs = set === 'variants' ? song.variants : all.filter((s) => s.id !== song.id).map((s) => s.balanced);
    const truth = await truthOf(song);
    for (const fault of ['balanced', ...FAULT_NAMES] as const) cases.push(await runCase(song, fault, refs, truth, work));
  }
  return { set, cases };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // `stems [separator ...] [musicNNN ...]`: the stems agent and separators on stem offsets (bench/stemOffsets.ts).
  if (args[0] === 'stems') return benchStemOffsets(args.slice(1));
  const sets = (['variants', 'songs'] as const).filter((s) => !args.some((a) => a === 'variants' || a === 'songs') || args.includes(s));
  const ids = args.filter((a) => /^music\d+$/.test(a));
  const t0 = Date.now();
  heading('efficacy corpus: planetblupi MIDI songs, one stem per instrument (fluidsynth + FluidR3 GM), mixed in balance and with known faults');
  // The "songs" set needs every song as a reference, even when only some are benchmarked.
  const all = await buildMixes(CORPUS_SONGS, (l) => console.log(l));
  const songs = ids.length ? all.filter((s) => ids.includes(s.id)) : all;
  for (const s of all) console.log(`${s.id}: ${s.stems.map((st) => `${st.name} ${st.gainDb >= 0 ? '+' : ''}${st.gainDb.toFixed(1)} dB${st.pan ? ` pan ${st.pan}` : ''}`).join(', ')}; limiter ${s.limiterDb.toFixed(1)} dB on the loudest peak`);
  for (const f of FAULT_NAMES) console.log(`fault ${f.padEnd(9)} ${FAULTS[f].aspect.padEnd(9)} ${FAULTS[f].label}`);
  const corpusSec = (Date.now() - t0) / 1000;
  console.log(`corpus ready in ${corpusSec.toFixed(1)} s (stems cached under ${path.join(cacheDir(), 'corpus')})`);
  const work = fs.mkdtempSync(path.join(cacheDir(), 'efficacy-'));
  const results: SetResult[] = [];
  try {
    for (const set of sets) {
      const r = await runSet(set, songs, all, work);
      printSet(r);
      results.push(r);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  printSummary(results, { corpusSec, totalSec: (Date.now() - t0) / 1000 });
}

await main();
