import { afterEach, describe, expect, it } from 'vitest';
import { LiveAnalyzer, type LiveEvaluation } from '../../../src/analysis/live.js';
import { InlineAgentRunner, WorkerAgentRunner, type AgentRunner } from '../../../src/analysis/liveAgents.js';
import { runAgents } from '../../../src/suggest/engine.js';
import { validateSuggestOptions } from '../../../src/suggest/options.js';
import { AGENTS } from '../../../src/suggest/registry.js';
import { evalLaunch, tsWorkerLaunch } from '../../helpers/tsWorker.js';
import { balancedRefs, targetOf } from '../suggest/fixtures.js';
import { rng, whiteNoise } from './profile/signals.js';

const fs = 48000;
const target = targetOf(balancedRefs());
const options = validateSuggestOptions({}, [...AGENTS.keys()]);
const runners: AgentRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

/** 12 s of bright, hot stereo noise with hits: the agents find plenty to propose against balanced references. */
function mix(sec: number): Float32Array[] {
  const n = Math.round(sec * fs);
  const u = rng(3);
  const l = whiteNoise(n, 1, 0.3), r = whiteNoise(n, 2, 0.3);
  for (let i = 0; i < n; i += Math.round(fs * 0.5)) for (let j = 0; j < 2000 && i + j < n; j++) l[i + j] += 0.5 * (2 * u() - 1);
  return [l, r];
}

async function evaluationsWith(runner: AgentRunner): Promise<LiveEvaluation[]> {
  runners.push(runner);
  const live = new LiveAnalyzer({ sampleRate: fs, layout: ['L', 'R'], target, agentRunner: runner, waitForEvaluations: true });
  const out: LiveEvaluation[] = [];
  live.onEvaluation((e) => out.push(e));
  const audio = mix(12);
  await live.run({
    format: { codec: 'pcm_f32le', container: 'none', sampleRate: fs, channels: 2, durationSec: null, bitsPerSample: 32, layout: ['L', 'R'] },
    async *blocks() {
      for (let s = 0; s < audio[0].length; s += 1024) yield audio.map((c) => c.subarray(s, s + 1024));
    },
  });
  await live.close();
  return out;
}

describe('LiveAnalyzer with agents', () => {
  it('proposes what runAgents proposes on the window figures, once per second of stream time when unpaced', async () => {
    const evals = await evaluationsWith(new InlineAgentRunner(target, options));
    expect(evals.map((e) => Math.round(e.t * 10) / 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const last = evals.at(-1)!;
    expect(last.suggestions!.length).toBeGreaterThan(0);
    const expected = runAgents({ mix: { loudness: last.windowLoudness, profile: last.window }, comparisons: last.comparisons!, target }, options);
    expect(last.suggestions).toEqual(expected.suggestions);
    expect(last.distance!.tonalDb).toBeGreaterThan(0);
    expect(last.cost.agentsMs).toBeGreaterThan(0);
    expect(last.cost.profileMs).toBeLessThan(last.cost.totalMs + 1e-9);
  });

  it('gives the same proposals with the agents in a worker thread', async () => {
    const inline = await evaluationsWith(new InlineAgentRunner(target, options));
    const threaded = await evaluationsWith(new WorkerAgentRunner({ target, options }, tsWorkerLaunch('src/analysis/liveAgentsWorker.ts')));
    expect(threaded.map((e) => e.suggestions)).toEqual(inline.map((e) => e.suggestions));
  });

  it('goes on without proposals while a broken agents worker is down, and says why', async () => {
    const evals = await evaluationsWith(new WorkerAgentRunner({ target, options }, evalLaunch('process.exit(3)')));
    expect(evals.length).toBe(12);
    for (const e of evals) expect(e.suggestions).toBeNull();
    expect(evals[0].notes.join(' ')).toMatch(/No proposals this time: the agents' worker stopped \(exit code 3\)/);
    // Restarts are spaced by a backoff (1 s, 2 s, ...), so most evaluations do not even try.
    expect(evals.some((e) => /restarts in \d+ s/.test(e.notes.join(' ')))).toBe(true);
    // The meters and profiles go on.
    expect(evals.at(-1)!.loudness.integratedLufs).not.toBeNull();
  });
});
