import { benchDaemon } from './daemon.js';
import { benchLoudness } from './loudness.js';
import { benchSeparation } from './separation.js';

/** `npm run bench`: every benchmark, each printing ratios against a reference tool measured in the same run. */
async function main(): Promise<void> {
  const only = process.argv[2];
  // `node dist/bench/run.js separation dsp htdemucs`: the separation section with those separators.
  const separators = only === 'separation' ? process.argv.slice(3) : [];
  const sections: Record<string, () => Promise<void>> = { loudness: benchLoudness, daemon: benchDaemon, separation: () => benchSeparation(separators) };
  for (const [name, fn] of Object.entries(sections)) if (!only || only === name) await fn();
}

await main();
