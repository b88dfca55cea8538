import { ensureDemoMaterial } from '../demo/material.js';
import { runAnalyze } from './analyze.js';

/**
 * `ama demo`: ama's main job on built-in material, for a machine with no audio device. It makes
 * (or reuses) the demo mix and references and analyses them.
 */
export async function runDemo(opts: { json?: boolean }): Promise<number> {
  const demo = ensureDemoMaterial();
  if (!opts.json) process.stdout.write(`Demo material in ${demo.dir} (a faulty mix and two references)\n\n`);
  return runAnalyze([demo.mix, ...demo.refs], opts);
}
