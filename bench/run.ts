import { benchDaemon } from './daemon.js';
import { benchLoudness } from './loudness.js';

/** `npm run bench`: every benchmark, each printing ratios against a reference tool measured in the same run. */
async function main(): Promise<void> {
  const only = process.argv[2];
  const sections: Record<string, () => Promise<void>> = { loudness: benchLoudness, daemon: benchDaemon };
  for (const [name, fn] of Object.entries(sections)) if (!only || only === name) await fn();
}

await main();
