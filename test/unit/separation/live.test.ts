import { describe, expect, it } from 'vitest';
import { LiveSeparation, tapSource } from '../../../src/separation/live.js';
import { WorkerSeparator } from '../../../src/separation/thread.js';
import { DspSeparator, separateDspSync } from '../../../src/separation/dsp.js';
import { stemFeatures } from '../../../src/separation/features.js';
import type { SourceSeparator, StemSet } from '../../../src/separation/types.js';
import type { AudioSource } from '../../../src/audio/types.js';
import { evalLaunch, tsWorkerLaunch } from '../../helpers/tsWorker.js';
import { constructedMix } from './signals.js';

/** A separator whose jobs finish only when the test says so. */
class Gate implements SourceSeparator {
  readonly id = 'dsp' as const;
  jobs: Array<{ frames: number; release: () => void }> = [];
  separate(channels: readonly Float32Array[], sampleRate: number): Promise<StemSet> {
    return new Promise((resolve) => this.jobs.push({ frames: channels[0].length, release: () => resolve(separateDspSync(channels, sampleRate)) }));
  }
  async close(): Promise<void> {}
}

const fs = 8000;
const block = (sec: number) => [new Float32Array(sec * fs).fill(0.1), new Float32Array(sec * fs).fill(0.05)];

describe('live separation', () => {
  it('never waits for the separator, separates the latest window, and reports coverage and delay', async () => {
    const gate = new Gate();
    const live = new LiveSeparation({ sampleRate: fs, channels: 2, separator: gate, windowSec: 2, minNewSec: 1 });
    live.push(block(1));
    expect(gate.jobs).toHaveLength(1); // started at once with the first second
    for (let i = 0; i < 5; i++) live.push(block(1)); // 5 s more while it runs: pushes return at once
    expect(gate.jobs).toHaveLength(1);
    gate.jobs[0].release();
    await live.idle();
    let st = live.status();
    expect(st.separations).toBe(1);
    expect(st.coverage).toBeCloseTo(1 / 6, 6); // 1 s of 6 s separated
    expect(st.delaySec).toBeCloseTo(5, 6); // its window ended 5 s before the stream's end
    expect(live.features?.stems.vocals).toBeDefined();
    live.push(block(1)); // the next job takes the most recent 2 s window
    expect(gate.jobs).toHaveLength(2);
    expect(gate.jobs[1].frames).toBe(2 * fs);
    gate.jobs[1].release();
    await live.idle();
    st = live.status();
    expect(st.coverage).toBeCloseTo(3 / 7, 6);
    expect(st.delaySec).toBe(0);
    await live.close();
  });

  it('taps every block of a source on its way through', async () => {
    const blocks = [block(1), block(1)];
    const src = { format: { sampleRate: fs }, async *blocks() { yield* blocks; }, stats: () => ({ n: 1 }) } as unknown as AudioSource;
    const seen: number[] = [];
    const tapped = tapSource(src, (b) => seen.push(b[0].length));
    let n = 0;
    for await (const b of tapped.blocks()) n += b[0].length;
    expect(n).toBe(2 * fs);
    expect(seen).toEqual([fs, fs]);
    expect((tapped as unknown as { stats(): { n: number } }).stats().n).toBe(1);
  });
});

describe('worker separator', () => {
  it('gives the same stems as the dsp separator, off the main thread', async () => {
    const c = constructedMix(2, 48000);
    const w = new WorkerSeparator(tsWorkerLaunch('src/separation/worker.ts'));
    try {
      const a = await w.separate(c.mix, 48000);
      const b = await new DspSeparator().separate(c.mix, 48000);
      expect(a.stems.vocals[0]).toEqual(b.stems.vocals[0]);
      expect(a.stems.other[1]).toEqual(b.stems.other[1]);
      // The live path measures the stems in the worker: the same figures as measuring them here.
      expect(await w.separateFeatures(c.mix, 48000)).toEqual(stemFeatures(c.mix, b, 'dsp'));
    } finally {
      await w.close();
    }
  });

  it('stops its thread after each job when asked, without counting that as a death, and takes input written in place', async () => {
    const c = constructedMix(1, 48000);
    const expected = stemFeatures(c.mix, await new DspSeparator().separate(c.mix, 48000), 'dsp');
    const w = new WorkerSeparator(tsWorkerLaunch('src/separation/worker.ts'), { exitWhenIdle: true });
    try {
      expect(await w.separateFeatures(c.mix, 48000)).toEqual(expected);
      const input = w.inputArrays(2, c.mix[0].length);
      input.forEach((x, ch) => x.set(c.mix[ch]));
      expect(await w.separateFeatures(input, 48000)).toEqual(expected);
      expect(w.restarts).toBe(0);
    } finally {
      await w.close();
    }
  });

  it('rejects when the worker dies and waits (backoff) before starting another', async () => {
    const w = new WorkerSeparator(evalLaunch('process.exit(3)'));
    const c = constructedMix(0.5, 48000);
    await expect(w.separate(c.mix, 48000)).rejects.toThrow(/exited \(code 3\)/);
    expect(w.restarts).toBe(1);
    await expect(w.separate(c.mix, 48000)).rejects.toThrow(/restarts in/);
    await w.close();
  });
});
