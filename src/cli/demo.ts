import { ensureDemoMaterial } from '../demo/material.js';
import { runAnalyze } from './analyze.js';
import { runCompare } from './compare.js';

/**
 * `ama demo`: ama's main job on built-in material, for a machine with no audio device. It makes
 * (or reuses) the demo mix and references, analyses the mix and compares it with the references.
 */
export async function runDemo(opts: { json?: boolean }): Promise<number> {
  const demo = ensureDemoMaterial();
  if (opts.json) return runCompare(demo.mix, { ref: demo.refs, json: true });
  process.stdout.write(`Demo material in ${demo.dir}: a mix with known faults and two references.\n\n`);
  const analyzed = await runAnalyze([demo.mix], {});
  process.stdout.write('\n');
  const compared = await runCompare(demo.mix, { ref: demo.refs });
  return Math.max(analyzed, compared);
}
