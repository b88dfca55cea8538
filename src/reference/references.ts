import path from 'node:path';
import type { FileAnalysis } from '../analysis/analyzeFile.js';
import { ProgressBar } from '../ui/progress.js';
import { AmaError, errorMessage } from '../util/errors.js';
import { analyzeCached } from './cache.js';
import { buildTarget, type ReferenceTarget } from './target.js';

/** Shortest reference ama accepts: less than this says too little about a track's balance, s. */
export const MIN_REFERENCE_SEC = 10;

/** One reference as loaded: its analysis, or why it was refused. */
export interface LoadedReference {
  file: string;
  sha256?: string;
  cached?: boolean;
  analysis?: FileAnalysis;
  /** Why this reference was refused (it is then left out of the target). */
  error?: string;
  code?: string;
}

/** The target and what happened to each reference on the way. */
export interface LoadedTarget {
  target: ReferenceTarget;
  references: LoadedReference[];
  /** Sentences for the user: one reference only, mono references, refused ones. */
  warnings: string[];
}

/** Analyses a file with a progress bar on the terminal. */
export async function analyzeWithProgress(file: string, label: string): Promise<{ analysis: FileAnalysis; sha256: string; cached: boolean }> {
  const bar = new ProgressBar(`${label} ${path.basename(file)}`);
  try {
    return await analyzeCached(file, { onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.done();
  }
}

/** Why a reference cannot serve as one, or null when it can. */
export function refusalReason(a: FileAnalysis): string | null {
  const dur = a.format.durationSec ?? 0;
  if (a.loudness.integratedLufs === null) return 'it is silent (no measurable loudness), so it says nothing about a balance; choose a track with music in it';
  if (dur < MIN_REFERENCE_SEC) {
    return `it is only ${dur.toFixed(1)} s long; ama needs at least ${MIN_REFERENCE_SEC} s of a reference to estimate its balance: choose a longer excerpt`;
  }
  if (a.profile && a.profile.programmeSec < MIN_REFERENCE_SEC / 2) {
    return `only ${a.profile.programmeSec.toFixed(1)} s of it is above the programme gate (the rest is near silence); choose a passage with music throughout`;
  }
  return null;
}

/**
 * Loads references (from the cache where possible), refuses the unusable ones with a reason, and
 * builds the target from the rest. Throws when no usable reference remains.
 */
export async function loadReferences(files: string[]): Promise<LoadedTarget> {
  if (files.length === 0) throw new AmaError('BAD_OPTION', 'no reference tracks given; pass 2-3 with --ref FILE');
  const references: LoadedReference[] = [];
  const warnings: string[] = [];
  for (const [i, file] of files.entries()) {
    try {
      const r = await analyzeWithProgress(file, `reference ${i + 1}/${files.length}`);
      const reason = refusalReason(r.analysis);
      if (reason) {
        references.push({ file, sha256: r.sha256, cached: r.cached, error: `refused as a reference: ${reason}`, code: 'BAD_REFERENCE' });
        continue;
      }
      if (r.analysis.format.channels === 1) warnings.push(`${file}: mono reference: its width is zero, so it pulls the width target toward mono`);
      for (const w of r.analysis.warnings) warnings.push(`${file}: ${w}`);
      references.push({ file, sha256: r.sha256, cached: r.cached, analysis: r.analysis });
    } catch (err) {
      references.push({ file, error: errorMessage(err), code: err instanceof AmaError ? err.code : 'INTERNAL' });
    }
  }
  const usable = references.filter((r) => r.analysis && r.sha256);
  for (const r of references) if (r.error) warnings.push(`${r.file}: ${r.error}`);
  if (usable.length === 0) throw new AmaError('BAD_OPTION', `no usable reference track: ${references.map((r) => `${r.file}: ${r.error}`).join('; ')}`);
  if (usable.length === 1) warnings.push('only one reference: the target is that one track; 2-3 references give a more robust target');
  const target = targetFromReferences(usable);
  return { target, references, warnings };
}

/** The target of the usable loaded references (those with an analysis), in their order. */
export function targetFromReferences(references: readonly LoadedReference[]): ReferenceTarget {
  const usable = references.filter((r) => r.analysis && r.sha256);
  return buildTarget(
    usable.map((r) => ({
      info: {
        file: r.file,
        sha256: r.sha256!,
        sampleRateHz: r.analysis!.format.sampleRate,
        channels: r.analysis!.format.channels,
        durationSec: r.analysis!.format.durationSec ?? 0,
        integratedLufs: r.analysis!.loudness.integratedLufs,
      },
      figures: { loudness: r.analysis!.loudness, profile: r.analysis!.profile! },
    })),
  );
}
