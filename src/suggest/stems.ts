import path from 'node:path';
import type { MixProfile } from '../analysis/profileSchema.js';
import type { LoadedReference } from '../reference/references.js';
import { openSeparator } from '../separation/index.js';
import { stemFeaturesCached } from '../separation/stemCache.js';
import type { SeparatorId } from '../separation/types.js';
import { ProgressBar } from '../ui/progress.js';
import { errorMessage } from '../util/errors.js';

/**
 * Gives the mix and every usable reference their per-stem figures (profile.stems), through the
 * stem cache (references are separated once; later runs read their figures). All or nothing: when
 * one track cannot be separated, no track keeps stems (the target compares like with like) and a
 * warning says why. Returns the warnings and the separator that actually ran (a model backend that
 * could not open falls back to dsp, and says so).
 */
export async function attachStems(
  mix: { file: string; sha256: string; profile: MixProfile } | null,
  references: readonly LoadedReference[],
  id: SeparatorId,
): Promise<{ warnings: string[]; separator: SeparatorId | null }> {
  const warnings: string[] = [];
  const { separator, notice } = await openSeparator(id);
  if (notice) warnings.push(`stems: ${notice}`);
  const usable = references.filter((r) => r.analysis?.profile && r.sha256);
  const tracks = [...usable.map((r) => ({ file: r.file, sha256: r.sha256!, profile: r.analysis!.profile! })), ...(mix ? [mix] : [])];
  try {
    for (const t of tracks) {
      const bar = new ProgressBar(`separating (${separator.id}) ${path.basename(t.file)}`);
      try {
        t.profile.stems = (await stemFeaturesCached(t.file, t.sha256, separator, { onProgress: (f) => bar.update(f * 100, 100) })).features;
      } finally {
        bar.done();
      }
    }
    return { warnings, separator: separator.id };
  } catch (err) {
    for (const t of tracks) delete t.profile.stems;
    warnings.push(`stems: ${errorMessage(err)}; the stems agent was left out`);
    return { warnings, separator: null };
  } finally {
    await separator.close();
  }
}
