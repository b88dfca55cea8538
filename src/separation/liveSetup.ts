import type { LoadedTarget } from '../reference/references.js';
import { targetFromReferences } from '../reference/references.js';
import type { ReferenceTarget } from '../reference/target.js';
import type { SuggestOptions } from '../suggest/options.js';
import { attachStems } from '../suggest/stems.js';
import { errorMessage } from '../util/errors.js';
import { DspSeparator } from './dsp.js';
import { openSeparator } from './index.js';
import { LiveSeparation } from './live.js';
import { separatorWorkerAvailable, WorkerSeparator } from './thread.js';

/** Window each live separation covers, s; a new one starts once this much new audio has come in. */
export const LIVE_SEPARATION_WINDOW_SEC = 10;

/**
 * Live separation for the daemon, when the stems agent runs with a separator: the references are
 * separated (once; the figures are cached) and the target rebuilt with their stems, and a
 * LiveSeparation is made for the stream (dsp in a worker thread in the built program). Returns the
 * target to use and null when separation is off or the references have no stems (a preloaded
 * target without its files).
 */
export async function setupLiveSeparation(
  loaded: LoadedTarget, options: SuggestOptions, format: { sampleRate: number; channels: number }, say: (line: string) => void,
): Promise<{ target: ReferenceTarget; separation: LiveSeparation | null }> {
  const id = options.separator;
  if (!id || (options.only !== null && !options.only.includes('stems'))) return { target: loaded.target, separation: null };
  // The references' files must be at hand (a preloaded target may come without them).
  const usable = loaded.references.filter((r) => r.analysis?.profile && r.sha256);
  if (usable.length === 0 || usable.length !== loaded.target.references.length) return { target: loaded.target, separation: null };
  try {
    say(`ama: separating the references into stems (${id}; once, then read from the cache)`);
    const r = await attachStems(null, loaded.references, id);
    for (const w of r.warnings) say(`ama: warning: ${w}`);
    if (!r.separator) return { target: loaded.target, separation: null };
    const target = targetFromReferences(loaded.references);
    if (target.profiles.some((p) => !p.stems)) return { target: loaded.target, separation: null };
    const separator = r.separator === 'dsp'
      ? (separatorWorkerAvailable ? new WorkerSeparator(undefined, { exitWhenIdle: true }) : new DspSeparator())
      : (await openSeparator(r.separator)).separator;
    const separation = new LiveSeparation({ sampleRate: format.sampleRate, channels: format.channels, separator, windowSec: LIVE_SEPARATION_WINDOW_SEC, minNewSec: LIVE_SEPARATION_WINDOW_SEC });
    return { target, separation };
  } catch (err) {
    say(`ama: warning: stems: ${errorMessage(err)}; going on without live separation (the stems agent is left out)`);
    return { target: loaded.target, separation: null };
  }
}
