import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ANALYSIS_VERSION, analyzeFile, type FileAnalysis, type ProgressFn } from '../analysis/analyzeFile.js';
import { MixProfileSchema } from '../analysis/profileSchema.js';
import { cacheDir } from '../util/paths.js';

/** SHA-256 of a file's bytes, hex; read as a stream. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file's analysis with where it came from. */
export interface CachedAnalysis {
  analysis: FileAnalysis;
  sha256: string;
  /** True when it was read from the cache and the audio was not decoded again. */
  cached: boolean;
}

const versionSlug = ANALYSIS_VERSION.replace(/[^a-z0-9.-]+/gi, '_');

/** Where the analysis of content with this hash is cached. */
export function cachePathFor(sha256: string): string {
  return path.join(cacheDir(), 'profiles', `${sha256}.${versionSlug}.json`);
}

function readCached(file: string): FileAnalysis | null {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { analysisVersion?: string; analysis?: FileAnalysis };
    if (raw.analysisVersion !== ANALYSIS_VERSION || !raw.analysis?.loudness || !raw.analysis.format) return null;
    const profile = MixProfileSchema.safeParse(raw.analysis.profile);
    if (!profile.success) return null;
    return { ...raw.analysis, profile: profile.data };
  } catch {
    return null; // missing, unreadable or damaged: analyse again and overwrite
  }
}

/**
 * Analyses a file (loudness and profile), or reads the result from the cache when the same content
 * was analysed by the same analysis version before. Keyed by content, so a renamed or copied file
 * still hits, and an edited one misses. A damaged cache entry is ignored and rewritten.
 */
export async function analyzeCached(file: string, opts: { onProgress?: ProgressFn } = {}): Promise<CachedAnalysis> {
  const sha256 = await hashFile(file);
  const where = cachePathFor(sha256);
  const hit = readCached(where);
  if (hit) return { analysis: hit, sha256, cached: true };
  const analysis = await analyzeFile(file, { onProgress: opts.onProgress });
  try {
    fs.mkdirSync(path.dirname(where), { recursive: true });
    const tmp = `${where}.${process.pid}.part`;
    fs.writeFileSync(tmp, JSON.stringify({ analysisVersion: ANALYSIS_VERSION, file: path.resolve(file), analysis }));
    fs.renameSync(tmp, where);
  } catch {
    // A read-only or full cache folder costs only speed next time; the analysis itself stands.
  }
  return { analysis, sha256, cached: false };
}
