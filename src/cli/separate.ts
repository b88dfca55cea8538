import fs from 'node:fs';
import path from 'node:path';
import { writeWav } from '../audio/wavWriter.js';
import { stemFeatures } from '../separation/features.js';
import { openSeparator, parseSeparatorId } from '../separation/index.js';
import { readWholeFile } from '../separation/stemCache.js';
import type { StemsProfile } from '../separation/stemSchema.js';
import { STEM_NAMES } from '../separation/types.js';
import { ProgressBar } from '../ui/progress.js';
import { AmaError } from '../util/errors.js';
import { toJson } from '../util/format.js';

/** Options of `ama separate`. */
export interface SeparateCliOptions {
  out: string;
  model?: string;
  json?: boolean;
}

/** Format version of `ama separate --json`. */
export const SEPARATE_VERSION = 1;

/**
 * `ama separate MIX -o DIR [--model dsp|htdemucs|umx]`: writes vocals.wav, drums.wav, bass.wav and
 * other.wav (32-bit float, the mix's sample rate, length and channels; they sum back to the mix
 * with `dsp`) and prints each stem's level against the mix, width and pan.
 */
export async function runSeparate(mixFile: string, opts: SeparateCliOptions): Promise<number> {
  const id = parseSeparatorId(opts.model ?? 'dsp');
  if (!fs.existsSync(mixFile)) throw new AmaError('FILE_NOT_FOUND', `${mixFile}: no such file; check the path and its spelling`);
  if (fs.existsSync(opts.out) && !fs.statSync(opts.out).isDirectory()) {
    throw new AmaError('BAD_OPTION', `-o ${opts.out} is a file; give a folder for the four stems (it is created when missing)`);
  }
  const { channels, sampleRate, droppedChannels } = await readWholeFile(mixFile);
  if (droppedChannels > 0) process.stderr.write(`ama: warning: ${mixFile} has ${droppedChannels + 2} channels; only its first two (L, R) are separated\n`);
  const { separator, notice } = await openSeparator(id);
  if (notice) process.stderr.write(`ama: warning: ${notice}\n`);
  const seconds = channels[0].length / sampleRate;
  const bar = new ProgressBar(`separating (${separator.id}) ${path.basename(mixFile)}`);
  const t0 = performance.now();
  let features: StemsProfile;
  const files: Record<string, string> = {};
  try {
    const set = await separator.separate(channels, sampleRate, { onProgress: (f) => bar.update(f * seconds, seconds) });
    bar.done();
    const wallSec = (performance.now() - t0) / 1000;
    fs.mkdirSync(opts.out, { recursive: true });
    for (const name of STEM_NAMES) {
      files[name] = path.join(opts.out, `${name}.wav`);
      writeWav(files[name], set.stems[name], sampleRate, { format: 'float32' });
    }
    features = stemFeatures(channels, set, separator.id);
    const report = { version: SEPARATE_VERSION, mix: mixFile, separator: separator.id, ...(notice ? { notice } : {}), sampleRate, channels: channels.length, durationSec: seconds, wallSec, realTimeFactor: wallSec > 0 ? seconds / wallSec : null, files, stems: features.stems };
    process.stdout.write(opts.json ? toJson(report) + '\n' : renderSeparate(report));
  } finally {
    bar.done();
    await separator.close();
  }
  return 0;
}

/** The readable report of `ama separate`. */
export function renderSeparate(r: { mix: string; separator: string; durationSec: number; wallSec: number; files: Record<string, string>; stems: StemsProfile['stems'] }): string {
  const f = (x: number | null, d = 1, unit = ' dB') => (x === null ? 'n/a' : `${x.toFixed(d)}${unit}`);
  const lines = [`Separated ${r.mix} (${r.durationSec.toFixed(1)} s) with ${r.separator} in ${r.wallSec.toFixed(2)} s (${(r.durationSec / Math.max(1e-9, r.wallSec)).toFixed(0)}x real time):`];
  lines.push(`  ${'stem'.padEnd(8)}${'level vs mix'.padStart(14)}${'width (S/M)'.padStart(14)}${'pan'.padStart(8)}   file`);
  for (const name of STEM_NAMES) {
    const s = r.stems[name];
    lines.push(`  ${name.padEnd(8)}${f(s.levelDb).padStart(14)}${f(s.sideToMidDb).padStart(14)}${f(s.pan, 2, '').padStart(8)}   ${r.files[name]}`);
  }
  lines.push(`Levels are K-weighted energy against the mix${r.separator === 'dsp' ? '; the dsp stems sum back to the mix' : ''}.`);
  return lines.join('\n') + '\n';
}
