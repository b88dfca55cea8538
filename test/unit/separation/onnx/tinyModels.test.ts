import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_UMX_BANDS, writeTinyModels } from '../../../../scripts/models/tinyModels.js';
import { openOnnxSeparator } from '../../../../src/separation/onnx/index.js';
import { BUILTIN_MANIFEST } from '../../../../src/separation/onnx/manifest.js';
import type { SourceSeparator } from '../../../../src/separation/types.js';
import { AmaError } from '../../../../src/util/errors.js';
import { ROOT } from '../../../helpers/cli.js';
import { tsWorkerLaunch } from '../../../helpers/tsWorker.js';

// The ONNX separators run end to end (worker thread, onnxruntime, resampling, STFT, segments,
// blending, masks) on tiny models whose sources are known functions of the input
// (scripts/models/tinyModels.ts): every expected stem below is computed from the input alone.

const launch = tsWorkerLaunch('src/separation/onnx/worker.ts');
let dir: string;

function manifest(folder: string, sha256: string): void {
  const models = BUILTIN_MANIFEST.models.map((m) => (m.id === 'htdemucs' ? { ...m, sha256 } : m));
  writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ version: 1, models }));
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function sine(n: number, rate: number, parts: Array<[hz: number, amp: number]>): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => parts.reduce((a, [hz, amp]) => a + amp * Math.sin((2 * Math.PI * hz * i) / rate), 0));
}

/** Largest |a - b| over [from, to), and the rms of b there. */
function compare(a: Float32Array, b: Float32Array, from: number, to: number): { maxErr: number; rmsErr: number; rms: number } {
  let maxErr = 0, e2 = 0, r2 = 0;
  for (let i = from; i < to; i++) {
    const d = Math.abs(a[i] - b[i]);
    maxErr = Math.max(maxErr, d);
    e2 += d * d;
    r2 += b[i] * b[i];
  }
  return { maxErr, rmsErr: Math.sqrt(e2 / (to - from)), rms: Math.sqrt(r2 / (to - from)) };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ama-tiny-'));
  writeTinyModels(dir);
  manifest(dir, sha(path.join(dir, 'htdemucs.onnx')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('htdemucs host on a tiny model with known sources', () => {
  let sep: SourceSeparator;
  beforeAll(async () => {
    sep = await openOnnxSeparator('htdemucs', { modelsDir: dir, threads: 1, launch });
  });
  afterAll(() => sep?.close());

  it('stereo 48 kHz over two 44.1 kHz segments: each stem is its known function of the mix', async () => {
    const rate = 48_000;
    const n = 9 * rate; // 396,900 samples at 44.1 kHz: two overlapping segments
    const lLow = sine(n, rate, [[440, 0.3]]);
    const rLow = sine(n, rate, [[1000, 0.3]]);
    const left = sine(n, rate, [[440, 0.3], [9000, 0.2]]);
    const right = sine(n, rate, [[1000, 0.3], [12_000, 0.2]]);
    const progress: number[] = [];
    const out = await sep.separate([left, right], rate, { onProgress: (f) => progress.push(f) });
    expect(out.sampleRate).toBe(rate);
    expect(progress.at(-1)).toBe(1);
    const scaled = (x: Float32Array, g: number) => x.map((v) => v * g);
    const sum = (a: Float32Array, b: Float32Array, g: number) => a.map((v, i) => g * (v + b[i]));
    // Waveform path (bass): exact up to resampling, everywhere but the first and last few ms.
    const edge = 2048;
    for (const [c, x] of [left, right].entries()) {
      expect(out.stems.bass[c].length).toBe(n);
      const bass = compare(out.stems.bass[c], scaled(x, 0.25), edge, n - edge);
      expect(bass.maxErr).toBeLessThan(1e-3);
    }
    // Spectrogram path: exact inside segments; at segment edges the contract's inverse lacks frames,
    // which the triangular blending keeps to a small fraction.
    const checks: Array<[string, Float32Array, Float32Array]> = [
      ['drums L', out.stems.drums[0], scaled(left, 0.5)],
      ['drums R', out.stems.drums[1], scaled(right, 0.5)],
      ['other L', out.stems.other[0], sum(left, right, 0.25)],
      ['other R', out.stems.other[1], sum(left, right, 0.25)],
      ['vocals L', out.stems.vocals[0], lLow],
      ['vocals R', out.stems.vocals[1], rLow],
    ];
    for (const [name, got, want] of checks) {
      const c = compare(got, want, 8192, n - 8192);
      if (process.env.AMA_TEST_VERBOSE) console.log(name, (c.rmsErr / c.rms).toExponential(2), (c.maxErr / c.rms).toExponential(2));
      expect(c.rmsErr / c.rms, name).toBeLessThan(1e-3);
      expect(c.maxErr / c.rms, name).toBeLessThan(1e-2);
    }
  });

  it('mono input gives mono stems of the same length', async () => {
    const rate = 44_100;
    const n = 2 * rate;
    const x = sine(n, rate, [[220, 0.5]]);
    const out = await sep.separate([x], rate);
    expect(out.stems.bass).toHaveLength(1);
    expect(out.stems.bass[0]).toHaveLength(n);
    expect(compare(out.stems.bass[0], x.map((v) => 0.25 * v), 0, n).maxErr).toBeLessThan(1e-5);
    const drums = compare(out.stems.drums[0], x.map((v) => 0.5 * v), 8192, n - 8192);
    expect(drums.rmsErr / drums.rms).toBeLessThan(0.01);
  });

  it('an aborted call rejects with AbortError and the next call still works', async () => {
    const x = sine(44_100, 44_100, [[330, 0.5]]);
    const ctl = new AbortController();
    const p = sep.separate([x, x], 44_100, { signal: ctl.signal });
    ctl.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const out = await sep.separate([x, x], 44_100);
    expect(compare(out.stems.bass[0], x.map((v) => 0.25 * v), 0, x.length).maxErr).toBeLessThan(1e-5);
  });
});

describe('umx host on tiny per-target models', () => {
  it('soft masks give each target the tones in its band, with the mixture phase', async () => {
    const sep = await openOnnxSeparator('umx', { modelsDir: dir, threads: 1, launch });
    try {
      const rate = 44_100;
      const n = 3 * rate;
      // Bands (bins of 10.77 Hz): bass < 50 (538 Hz), vocals 50-1000, drums >= 1000 (10.8 kHz); other passes nothing.
      expect(TINY_UMX_BANDS.bass).toEqual([0, 50]);
      const parts = { bass: [[200, 0.3]], vocals: [[3000, 0.2]], drums: [[15_000, 0.1]] } as Record<string, Array<[number, number]>>;
      const rParts = { bass: [[110, 0.2]], vocals: [[2000, 0.3]], drums: [[12_000, 0.2]] } as Record<string, Array<[number, number]>>;
      const left = sine(n, rate, Object.values(parts).flat());
      const right = sine(n, rate, Object.values(rParts).flat());
      const out = await sep.separate([left, right], rate);
      for (const stem of ['bass', 'vocals', 'drums'] as const) {
        const l = compare(out.stems[stem][0], sine(n, rate, parts[stem]), 4096, n - 4096);
        const r = compare(out.stems[stem][1], sine(n, rate, rParts[stem]), 4096, n - 4096);
        expect(l.maxErr / l.rms, `${stem} L`).toBeLessThan(1e-3);
        expect(r.maxErr / r.rms, `${stem} R`).toBeLessThan(1e-3);
      }
      expect(out.stems.other[0].reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThan(1e-6);
    } finally {
      await sep.close();
    }
  });
});

describe('model problems are AmaErrors that name the fix', () => {
  const open = (folder: string) => openOnnxSeparator('htdemucs', { modelsDir: folder, threads: 1, launch });

  it('missing model: MODEL_NOT_INSTALLED, says ama models install htdemucs', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ama-none-'));
    try {
      await expect(open(empty)).rejects.toMatchObject({ code: 'MODEL_NOT_INSTALLED', message: expect.stringContaining('ama models install htdemucs') });
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('sha256 mismatch: MODEL_CORRUPT naming both digests', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'ama-sha-'));
    try {
      writeTinyModels(other, 8192);
      manifest(other, 'f'.repeat(64));
      const err = await open(other).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AmaError);
      expect(err).toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringContaining('f'.repeat(64)) });
    } finally {
      rmSync(other, { recursive: true });
    }
  });

  it('not an ONNX file: MODEL_CORRUPT; wrong tensors: MODEL_CONTRACT listing what the model has', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'ama-bad-'));
    try {
      writeFileSync(path.join(bad, 'htdemucs.onnx'), 'not a model');
      manifest(bad, sha(path.join(bad, 'htdemucs.onnx')));
      await expect(open(bad)).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
      writeTinyModels(bad);
      writeFileSync(path.join(bad, 'htdemucs.onnx'), readFileSync(path.join(bad, 'umx', 'bass.onnx')));
      manifest(bad, sha(path.join(bad, 'htdemucs.onnx')));
      await expect(open(bad)).rejects.toMatchObject({ code: 'MODEL_CONTRACT', message: expect.stringMatching(/spec \[-1,2,2049,-1\]/) });
    } finally {
      rmSync(bad, { recursive: true });
    }
  });
});

describe('worker supervision', () => {
  it('a worker that dies during a separation is restarted and the call still returns the right stems', async () => {
    const marker = path.join(dir, 'crashed-once');
    const loader = pathToFileURL(path.join(ROOT, 'test/helpers/tsLoader.mjs')).href;
    const target = pathToFileURL(path.join(ROOT, 'src/separation/onnx/worker.ts')).href;
    // Dies on its first request in its first life only (the marker file remembers), like a crash in the runtime.
    const crashing = {
      eval: true,
      entry: `const fs = require('node:fs'); const { parentPort } = require('node:worker_threads');
        parentPort.on('message', () => { if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); process.exit(3); } });
        require('node:module').register(${JSON.stringify(loader)}); import(${JSON.stringify(target)});`,
    };
    const notices: string[] = [];
    const sep = await openOnnxSeparator('htdemucs', { modelsDir: dir, threads: 1, launch: crashing, onNotice: (l) => notices.push(l) });
    try {
      const x = sine(44_100, 44_100, [[550, 0.4]]);
      const out = await sep.separate([x, x], 44_100);
      expect(notices.some((l) => l.includes('exit code 3') && l.includes('restarting'))).toBe(true);
      expect(compare(out.stems.bass[1], x.map((v) => 0.25 * v), 0, x.length).maxErr).toBeLessThan(1e-5);
    } finally {
      await sep.close();
    }
  });
});
