import fs from 'node:fs';
import path from 'node:path';
import { compareToTarget, type FeatureComparison } from '../reference/compare.js';
import { featureLabel, formatValue, severity } from '../reference/labels.js';
import { analyzeWithProgress, loadReferences } from '../reference/references.js';
import { AmaError } from '../util/errors.js';
import { toJson } from '../util/format.js';

/** Options of `ama compare`. */
export interface CompareOptions {
  ref: string[];
  json?: boolean;
  plot?: string;
}

/** Rows of the readable report's "outside" table; the JSON has every figure. */
const MAX_ROWS = 30;

/** Format version of `ama compare --json`. */
export const COMPARE_VERSION = 1;

/**
 * `ama compare --ref A --ref B MIX`: every feature of the mix against the references' mean and
 * envelope, outside ones first. Returns the exit code (1 when a reference had to be left out).
 */
export async function runCompare(mixFile: string, opts: CompareOptions): Promise<number> {
  if (!fs.existsSync(mixFile)) throw new AmaError('FILE_NOT_FOUND', `${mixFile}: no such file; check the path and its spelling`);
  const loaded = await loadReferences(opts.ref);
  const mix = await analyzeWithProgress(mixFile, 'mix');
  const warnings = [...loaded.warnings];
  if (mix.analysis.format.channels === 1) warnings.push(`${mixFile}: mono mix: its width is zero (and so are its side levels)`);
  if ((mix.analysis.format.durationSec ?? 0) < 10) warnings.push(`${mixFile}: the mix is under 10 s; its balance figures are rough`);
  const profile = mix.analysis.profile!;
  const comparisons = compareToTarget({ loudness: mix.analysis.loudness, profile }, loaded.target);
  for (const w of warnings) process.stderr.write(`ama: warning: ${w}\n`);

  if (opts.plot) {
    const { renderComparePlot, writePlot } = await import('../ui/plot/comparePlot.js');
    const svg = renderComparePlot({ mixName: path.basename(mixFile), referenceNames: loaded.target.references.map((r) => path.basename(r.file)), comparisons, target: loaded.target });
    await writePlot(opts.plot, svg);
  }

  if (opts.json) {
    const out = {
      version: COMPARE_VERSION,
      mix: { file: mixFile, format: mix.analysis.format, loudness: mix.analysis.loudness },
      references: loaded.references.map((r) => ({
        file: r.file,
        cached: r.cached ?? false,
        ...(r.error ? { error: r.error, code: r.code } : { integratedLufs: r.analysis!.loudness.integratedLufs, sampleRate: r.analysis!.format.sampleRate }),
      })),
      envelope: loaded.target.envelope,
      warnings,
      features: comparisons,
    };
    process.stdout.write(toJson(out) + '\n');
  } else {
    process.stdout.write(renderComparison(mixFile, loaded.target.references.map((r) => `${r.file} (${formatValue(r.integratedLufs, 'LUFS')})`), comparisons, mix.analysis.loudness.integratedLufs, loaded.target.envelope));
    if (opts.plot) process.stdout.write(`\nPlot written to ${opts.plot}\n`);
  }
  return loaded.references.some((r) => r.error) ? 1 : 0;
}

/** The readable report: what lies outside the references first, by how far; then a summary of the rest. */
export function renderComparison(mixFile: string, refs: string[], rows: FeatureComparison[], mixLufs: number | null, envelope: string): string {
  const lines: string[] = [];
  lines.push(`Mix:        ${mixFile} (${formatValue(mixLufs, 'LUFS')})`);
  lines.push(`References: ${refs.join(', ')}`);
  lines.push(`Envelope:   ${envelope === 'min-max' ? 'min..max of the references' : '10th..90th percentile of the references'}; tonal levels are relative to each track's loudness.`);
  const outside = rows.filter((r) => r.inside === false).sort((a, b) => severity(b) - severity(a));
  const inside = rows.filter((r) => r.inside === true);
  const na = rows.filter((r) => r.inside === null);
  lines.push('');
  lines.push(`Outside the references (${outside.length} of ${rows.length - na.length} comparable figures), furthest first:`);
  const w = 34;
  const bare = (v: number | null, unit: string, signed = false) => formatValue(v, unit, signed).replace(/ [^ ]+$/, '');
  lines.push(`  ${'figure'.padEnd(w)}${'mix'.padStart(14)}${'refs mean'.padStart(11)}${'refs range'.padStart(18)}${'off by'.padStart(9)}`);
  const rowsOut = collapseBandRuns(outside).sort((a, b) => b.severity - a.severity);
  const shown = rowsOut.slice(0, MAX_ROWS);
  for (const r of shown) {
    if (r.run) {
      const c = r.run;
      const span = `${featureLabel(c[0].feature)} .. ${featureLabel(c[c.length - 1].feature).replace(/^.* (?=[0-9.]+ k?Hz$)/, '')}`;
      const mean = (k: 'outsideBy' | 'deltaFromMean') => c.reduce((a, x) => a + (x[k] ?? 0), 0) / c.length;
      lines.push(`  ${span.padEnd(w)}${`${formatValue(mean('deltaFromMean'), c[0].unit, true)} vs mean, ${c.length} bands`.padStart(14 + 11 + 18)}${bare(mean('outsideBy'), c[0].unit, true).padStart(9)}`);
      continue;
    }
    const x = r.row;
    const range = `${bare(x.min, x.unit)} .. ${bare(x.max, x.unit)}`;
    lines.push(`  ${featureLabel(x.feature).padEnd(w)}${formatValue(x.mix, x.unit).padStart(14)}${bare(x.mean, x.unit).padStart(11)}${range.padStart(18)}${bare(x.outsideBy, x.unit, true).padStart(9)}`);
  }
  if (rowsOut.length > shown.length) lines.push(`  ... and ${rowsOut.length - shown.length} more, less far outside (--json lists every figure, --plot draws them)`);
  if (outside.length === 0) lines.push('  nothing: the mix lies within the references on every figure.');
  lines.push('');
  const groups = ['loudness', 'dynamics', 'tonal', 'spectrum', 'stereo', 'stereoBands', 'stems'];
  lines.push(`Inside the references (${inside.length}):`);
  for (const g of groups) {
    const members = inside.filter((r) => r.group === g);
    if (members.length === 0) continue;
    const names = members.map((r) => featureLabel(r.feature));
    lines.push(`  ${g.padEnd(12)} ${names.length > 8 ? `${names.length} figures` : names.join(', ')}`);
  }
  if (na.length) lines.push(`Not comparable (not measurable in the mix or the references): ${na.length} figures`);
  return lines.join('\n') + '\n';
}

type ReportRow = { severity: number; row: FeatureComparison; run?: undefined } | { severity: number; run: FeatureComparison[]; row?: undefined };

/**
 * Merges adjacent bands of one family (e.g. `tonal.mid.*`) that lie outside on the same side into one
 * row: "Level (mid) 20 Hz .. 2.5 kHz, -3.3 dB" reads better than fourteen rows saying the same.
 */
function collapseBandRuns(outside: FeatureComparison[]): ReportRow[] {
  const rows: ReportRow[] = [];
  const families = new Map<string, FeatureComparison[]>();
  for (const r of outside) {
    if (r.centerHz === undefined) {
      rows.push({ severity: severity(r), row: r });
      continue;
    }
    const fam = r.feature.slice(0, r.feature.lastIndexOf('.'));
    families.set(fam, [...(families.get(fam) ?? []), r]);
  }
  for (const members of families.values()) {
    members.sort((a, b) => a.centerHz! - b.centerHz!);
    let run: FeatureComparison[] = [];
    const flush = () => {
      if (run.length === 1) rows.push({ severity: severity(run[0]), row: run[0] });
      else if (run.length > 1) rows.push({ severity: Math.max(...run.map(severity)), run });
      run = [];
    };
    for (const m of members) {
      const prev = run[run.length - 1];
      // Adjacent 1/3-octave centres are a factor 10^0.1 apart; allow for rounding of nominal centres.
      const adjacent = prev && m.centerHz! / prev.centerHz! < 1.35 && Math.sign(m.outsideBy!) === Math.sign(prev.outsideBy!);
      if (!adjacent) flush();
      run.push(m);
    }
    flush();
  }
  return rows;
}
