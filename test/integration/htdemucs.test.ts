import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleMix, roleStems } from '../../scripts/corpus/roleMix.js';
import { songStems } from '../../scripts/corpus/stems.js';
import { demucsSpectrogram } from '../../src/separation/onnx/demucs.js';
import { partsAtBlocks } from '../../src/separation/onnx/graphSplit.js';
import { fileSource } from '../../src/separation/onnx/protobuf.js';
import { openOnnxSeparator } from '../../src/separation/onnx/index.js';
import { sdrDb } from '../../src/separation/sdr.js';
import type { SourceSeparator, StemSet } from '../../src/separation/types.js';
import { cacheDir } from '../../src/util/paths.js';
import { ama, skipWithout } from '../helpers/cli.js';
import { tsChildLaunch } from '../helpers/tsWorker.js';

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
  let segmentMix: Float32Array[];

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
    sep = await openOnnxSeparator('htdemucs', { modelsDir, threads: 2, launch: tsChildLaunch('src/separation/onnx/worker.ts') });
    const t0 = performance.now();
    segmentMix = cut(mix).map((c) => c.slice(0, 343_980));
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

  it('cut into parts at its layers (as ama runs it), the model computes what onnxruntime computes with it whole', async () => {
    const file = path.join(modelsDir, 'htdemucs.onnx');
    const options: ort.InferenceSession.SessionOptions = { enableCpuMemArena: false, enableMemPattern: false, intraOpNumThreads: 2 };
    const whole = await ort.InferenceSession.create(file, options);
    const [wave, spec] = whole.inputNames[0] === 'input' ? whole.inputNames : [...whole.inputNames].reverse();
    const feeds = () => ({
      [wave]: new ort.Tensor('float32', Float32Array.from([...segmentMix[0], ...segmentMix[1]]), [1, 2, 343_980]),
      [spec]: new ort.Tensor('float32', demucsSpectrogram(segmentMix[0], segmentMix[1]), [1, 4, 2048, 336]),
    });
    const expected = await whole.run(feeds());
    await whole.release();

    const fd = openSync(file, 'r');
    const values = new Map<string, ort.OnnxValue>(Object.entries(feeds()));
    try {
      const parts = partsAtBlocks(fileSource(fd))!;
      expect(parts.plans.length).toBeGreaterThan(20); // HTDemucs: 8 encoder, 10 transformer and 8 decoder layers
      for (const plan of parts.plans) {
        const s = await ort.InferenceSession.create(parts.encode(plan), options);
        const out = await s.run(Object.fromEntries(plan.inputs.map((x) => [x, values.get(x)!])));
        for (const [k, v] of Object.entries(out)) values.set(k, v);
        await s.release();
      }
    } finally {
      closeSync(fd);
    }
    for (const name of Object.keys(expected)) {
      const a = expected[name].data as Float32Array;
      const b = values.get(name)!.data as Float32Array;
      let peak = 0, diff = 0;
      for (let i = 0; i < a.length; i++) {
        peak = Math.max(peak, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      expect(b.length, name).toBe(a.length);
      expect(diff / peak, name).toBeLessThan(1e-5);
    }
  }, 300_000);
});
