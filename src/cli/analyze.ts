import { analyzeFile, type FileAnalysis } from '../analysis/analyzeFile.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { fmt, fmtDuration, toJson } from '../util/format.js';

/** One entry of `ama analyze --json`: the analysis, or the error that stopped it. */
export type AnalyzeEntry = ({ file: string } & FileAnalysis) | { file: string; error: string; code: string };

/** Options of `ama analyze`. */
export interface AnalyzeOptions {
  json?: boolean;
}

/**
 * `ama analyze <file...>`: loudness and peak figures per file. Every file is analysed even when
 * another fails; returns the process exit code (0 all good, 1 when any file failed).
 */
export async function runAnalyze(files: string[], opts: AnalyzeOptions): Promise<number> {
  const entries: AnalyzeEntry[] = [];
  for (const file of files) {
    try {
      const result = await analyzeFile(file);
      entries.push({ file, ...result });
      for (const w of result.warnings) process.stderr.write(`ama: ${file}: warning: ${w}\n`);
      if (!opts.json) process.stdout.write(renderAnalysis(file, result) + '\n');
    } catch (err) {
      const code = err instanceof AmaError ? err.code : 'INTERNAL';
      const entry = { file, error: errorMessage(err), code };
      entries.push(entry);
      process.stderr.write(`ama: ${file}: ${entry.error}\n`);
      if (code === 'INTERNAL' && process.env.AMA_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    }
  }
  if (opts.json) process.stdout.write(toJson(entries) + '\n');
  return entries.some((e) => 'error' in e) ? 1 : 0;
}

/** The readable block for one analysed file. */
export function renderAnalysis(file: string, a: FileAnalysis): string {
  const f = a.format;
  const l = a.loudness;
  const row = (k1: string, v1: string, k2: string, v2: string) =>
    `  ${k1.padEnd(15)}${v1.padStart(11)}    ${k2.padEnd(15)}${v2.padStart(11)}`;
  const lines = [
    `${file}`,
    `  ${f.container.toUpperCase()} ${f.codec}, ${f.sampleRate} Hz, ${f.channels} ch (${f.layout.join(' ')}), ${fmtDuration(f.durationSec)}`,
    row('Integrated', fmt(l.integratedLufs, 1, 'LUFS'), 'Loudness range', fmt(l.loudnessRangeLu, 1, 'LU')),
    row('Momentary max', fmt(l.momentaryMaxLufs, 1, 'LUFS'), 'Short-term max', fmt(l.shortTermMaxLufs, 1, 'LUFS')),
    row('True peak', fmt(l.truePeakDbtp, 1, 'dBTP'), 'Sample peak', fmt(l.samplePeakDbfs, 1, 'dBFS')),
    row('RMS', fmt(l.rmsDbfs, 1, 'dBFS'), 'Crest factor', fmt(l.crestDb, 1, 'dB')),
    row('PLR', fmt(l.plrDb, 1, 'dB'), 'PSR', fmt(l.psrDb, 1, 'dB')),
  ];
  const p = a.profile;
  if (p) {
    const d = p.descriptors;
    const st = p.stereo;
    lines.push(row('Spectral tilt', fmt(d.tiltDbPerOctave, 2, 'dB/oct'), 'Centroid', fmt(d.centroidHz, 0, 'Hz')));
    lines.push(row('Width (S/M)', st.monoInput ? 'mono' : fmt(st.sideToMidDb, 1, 'dB'), 'Correlation', fmt(st.correlation, 2)));
    lines.push(row('Mono loss', fmt(st.monoLossDb, 1, 'dB'), 'Transients', fmt(p.dynamics.transientsPerSec, 1, '/s')));
    const shares = Object.entries(d.energyShare)
      .map(([k, v]) => `${k} ${v === null ? 'n/a' : `${(v * 100).toFixed(0)}%`}`)
      .join(', ');
    lines.push(`  Energy         ${shares}`);
    for (const note of p.notes) lines.push(`  Note: ${note}`);
  }
  if (l.integratedLufs === null) lines.push('  No measurable loudness (silence, or shorter than one 400 ms block).');
  return lines.join('\n');
}
