import { openPlayback } from '../audio/playback.js';
import { ensureDemoMaterial } from '../demo/material.js';
import { runAnalyze } from './analyze.js';
import { runCompare } from './compare.js';
import { liveSettings, runDaemon, type LiveCliOptions } from './listen.js';

/** Options of `ama demo`. */
export interface DemoCliOptions extends LiveCliOptions {
  /** Read the demo mix as fast as possible instead of in real time. */
  fast?: boolean;
  /** The offline report (analysis and comparison) instead of the live demo. */
  report?: boolean;
}

/**
 * Whether `ama demo` prints the offline report: asked for with --report, or stdout is not a
 * terminal and nothing says how to run live (--json, --no-dashboard, --seconds, --fast). So
 * `npx ama demo` in a script or CI log ends, with the analysis and the comparison, instead of
 * playing forever.
 */
export function demoWantsReport(o: DemoCliOptions, stdoutIsTty: boolean): boolean {
  if (o.report) return true;
  const live = o.json || o.dashboard === false || o.seconds !== undefined || o.fast;
  return !stdoutIsTty && !live;
}

/**
 * `ama demo`: ama's main job on built-in material, for a machine with no audio device. The demo
 * mix (made once, then cached) is played as a live input, looping, through the same streaming path
 * as `ama listen` (LiveAnalyzer, SuggestionBoard, WebSocket feed) and shown on the dashboard; with
 * --no-dashboard --json it prints the feed's messages as JSON lines. See demoWantsReport for when
 * it prints the offline report instead.
 */
export async function runDemo(o: DemoCliOptions): Promise<number> {
  if (demoWantsReport(o, Boolean(process.stdout.isTTY))) return runReport(o);
  const settings = liveSettings(o);
  const demo = ensureDemoMaterial();
  const source = await openPlayback(demo.mix, { loop: true, paced: !o.fast, name: 'demo-mix.wav' });
  return runDaemon(source, settings, { sourceKind: 'demo', refs: demo.refs, unpaced: Boolean(o.fast) });
}

/** The offline report: the demo mix analysed and compared with its references. */
async function runReport(o: DemoCliOptions): Promise<number> {
  const demo = ensureDemoMaterial();
  if (o.json) return runCompare(demo.mix, { ref: demo.refs, json: true });
  process.stdout.write(`Demo material in ${demo.dir}: a mix with known faults and two references.\n\n`);
  const analyzed = await runAnalyze([demo.mix], {});
  process.stdout.write('\n');
  const compared = await runCompare(demo.mix, { ref: demo.refs });
  process.stdout.write('\nThis was the offline report. In a terminal, "ama demo" plays the mix live with the dashboard;\n' +
    '"ama demo --no-dashboard --json --seconds 30" prints the live feed as JSON lines.\n');
  return Math.max(analyzed, compared);
}
