import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleMix, roleStems } from '../../scripts/corpus/roleMix.js';
import { songStems } from '../../scripts/corpus/stems.js';
import { openOnnxSeparator } from '../../src/separation/onnx/index.js';
import { sdrDb } from '../../src/separation/sdr.js';
import type { SourceSeparator, StemSet } from '../../src/separation/types.js';
import { cacheDir } from '../../src/util/paths.js';
import { ama, skipWithout } from '../helpers/cli.js';
import { tsWorkerLaunch } from '../helpers/tsWorker.js';

// The real HTDemucs model, installed by ama's own command into the cache (one 98 MB download per
// fresh cache), separates 10 s (two segments) of real multitrack music rendered from MIDI by
// fluidsynth (scripts/corpus/); the true role stems are the sources the mix is the exact sum of.

const skip = await skipWithout('fluidsynth');
const modelsDir = path.join(cacheDir(), 'models');

function correlation(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let ab = 0, aa = 0, bb = 0;
  a.forEach((x, c) => {
    for (let i = 0; i < x.length; i++) {
      ab += x[i] * b[c][i];
      aa += x[i] * x[i];
      bb += b[c][i] * b[c][i];
    }
  });
  return ab / Math.sqrt(aa * bb);
}

const sum = (a: readonly Float32Array[], b: readonly Float32Array[]) => a.map((x, c) => x.map((v, i) => v + b[c][i]));

describe.skipIf(skip)('htdemucs on rendered multitrack music', () => {
  let sep: SourceSeparator;
  let truth: Record<'drums' | 'bass' | 'lead' | 'other', Float32Array[]>;
  let out: StemSet;
  let seconds = 0;

  beforeAll(async () => {
    const install = await ama(['models', 'install', 'htdemucs', '--dir', modelsDir]);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/sha256 da9e5101ee0804d04933974b59d8aae9c862e80e14f2f24e7c74cae76bdbe748 \(verified\)/);
    expect(install.stdout).toContain('personal and research use only');

    const song = await songStems('music000');
    const roles = await roleStems(song);
    const { mix, sources } = roleMix(roles);
    const rate = roles.sampleRate;
    const [a, b] = [5 * rate, 15 * rate];
    const cut = (x: Float32Array[]) => x.map((c) => c.slice(a, b));
    truth = { drums: cut(sources.drums!), bass: cut(sources.bass!), lead: cut(sources.lead!), other: cut(sources.other!) };
    sep = await openOnnxSeparator('htdemucs', { modelsDir, threads: 2, launch: tsWorkerLaunch('src/separation/onnx/worker.ts') });
    const t0 = performance.now();
    out = await sep.separate(cut(mix), rate);
    seconds = (performance.now() - t0) / 1000;
  }, 900_000);
  afterAll(() => sep?.close());

  it('drums and bass each correlate with their true source (SDR well above 0 dB)', () => {
    const report: string[] = [];
    for (const stem of ['drums', 'bass'] as const) {
      const r = correlation(truth[stem], out.stems[stem]);
      const sdr = sdrDb(truth[stem], out.stems[stem])!;
      report.push(`${stem}: r ${r.toFixed(3)}, SDR ${sdr.toFixed(1)} dB`);
      expect(r, stem).toBeGreaterThan(0.9);
      expect(sdr, stem).toBeGreaterThan(8);
    }
    console.log(`htdemucs, music000 5-15 s, separated in ${seconds.toFixed(1)} s: ${report.join('; ')}`);
  });

  it('the pitched parts (an instrumental lead and the rest) come out as other + vocals', () => {
    const melodic = sum(truth.lead, truth.other);
    const est = sum(out.stems.other, out.stems.vocals);
    expect(correlation(melodic, est)).toBeGreaterThan(0.9);
    expect(sdrDb(melodic, est)!).toBeGreaterThan(6);
    // Each stem correlates far better with its own source than with another one.
    expect(correlation(truth.drums, out.stems.drums)).toBeGreaterThan(correlation(truth.bass, out.stems.drums) + 0.5);
    expect(correlation(truth.bass, out.stems.bass)).toBeGreaterThan(correlation(truth.drums, out.stems.bass) + 0.5);
  });
});
