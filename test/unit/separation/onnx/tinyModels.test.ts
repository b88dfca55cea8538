import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TINY_UMX_BANDS, writeTinyModels } from '../../../../scripts/models/tinyModels.js';
import { OnnxWorkerHost } from '../../../../src/separation/onnx/host.js';
import { openOnnxSeparator, type OnnxSourceSeparator } from '../../../../src/separation/onnx/index.js';
import { BUILTIN_MANIFEST } from '../../../../src/separation/onnx/manifest.js';
import { mergeMallocTunables, ONNX_CHILD_MALLOC_TUNABLES, type OnnxWorkerInit, type OnnxWorkerLaunch } from '../../../../src/separation/onnx/protocol.js';
import { AmaError } from '../../../../src/util/errors.js';
import { ROOT } from '../../../helpers/cli.js';
import { tsChildLaunch, tsLoaderExecArgv } from '../../../helpers/tsWorker.js';

// The ONNX separators run end to end (worker process, onnxruntime, resampling, STFT, segments,
// blending, masks) on tiny models whose sources are known functions of the input
// (scripts/models/tinyModels.ts): every expected stem below is computed from the input alone.

const launch = tsChildLaunch('src/separation/onnx/worker.ts');
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
  let sep: OnnxSourceSeparator;
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
    // The worker process reports its own peak memory (a Node process with onnxruntime: tens of MB at least).
    expect(sep.workerPeakRssBytes()).toBeGreaterThan(20e6);
    expect(out.stems.drums[0]).toBeInstanceOf(Float32Array);
    expect(out.stems.drums[0].buffer.byteLength).toBe(n * 4);
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

describe('worker process supervision', () => {
  const tiny = (): OnnxWorkerInit => ({ kind: 'htdemucs', files: [path.join(dir, 'htdemucs.onnx')], targets: [], threads: 1 });
  /** A stand-in worker (node -e): says it is ready with `description`, then runs `onMessage` for each message. */
  const fake = (description: string, onMessage = ''): { code: string } => ({
    code: `process.send({ kind: 'ready', description: ${description} }); process.on('message', (m) => { ${onMessage} });`,
  });

  it('a worker that exits during a separation is restarted and the call still returns the right stems', async () => {
    const marker = path.join(dir, 'crashed-once');
    const loader = pathToFileURL(path.join(ROOT, 'test/helpers/tsLoader.mjs')).href;
    const target = pathToFileURL(path.join(ROOT, 'src/separation/onnx/worker.ts')).href;
    // The real worker, in a process that exits on its first request in its first life only (the marker file remembers), like a crash in the runtime.
    const crashing: OnnxWorkerLaunch = {
      code: `const fs = require('node:fs');
        process.on('message', () => { if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); process.exit(3); } });
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

  it('a worker killed (SIGKILL) in the middle of a separation is restarted and the call still succeeds', async () => {
    const notices: string[] = [];
    const host = new OnnxWorkerHost(tiny(), launch, (l) => notices.push(l));
    try {
      await host.start();
      const first = host.pid!;
      const rate = 44_100;
      const n = 40 * rate; // several segments: the kill lands while the worker still has segments to go
      const x = sine(n, rate, [[440, 0.3], [5000, 0.1]]);
      let killed = false;
      const stems = await host.separate([x, x], rate, {
        onProgress: (f) => {
          if (!killed && f < 0.5) {
            killed = true;
            process.kill(first, 'SIGKILL');
          }
        },
      });
      expect(killed).toBe(true);
      expect(host.starts).toBe(2);
      expect(host.pid).not.toBe(first);
      expect(notices.some((l) => l.includes('SIGKILL') && l.includes('restarting'))).toBe(true);
      expect(compare(stems.bass[0], x.map((v) => 0.25 * v), 2048, n - 2048).maxErr).toBeLessThan(1e-3);
    } finally {
      await host.close();
    }
  });

  it('stems that come with a gap or past the end are refused, not patched with silence', async () => {
    // A worker that answers every request with a drums stretch starting at 10 instead of 0.
    const reply = `if (m.kind === 'separate') process.send({ kind: 'stem', id: m.id, stem: 'drums', channel: 0, offset: 10, data: new Float32Array(5) });`;
    const host = new OnnxWorkerHost(tiny(), fake("'sends a gap'", reply));
    try {
      await expect(host.separate([new Float32Array(100)], 44_100)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/malformed stretch of the drums stem \(channel 0, at 10\)/) });
    } finally {
      await host.close();
    }
    const tooLong = `if (m.kind === 'separate') process.send({ kind: 'stem', id: m.id, stem: 'bass', channel: 0, offset: 0, data: new Float32Array(101) });`;
    const host2 = new OnnxWorkerHost(tiny(), fake("'sends too much'", tooLong));
    try {
      await expect(host2.separate([new Float32Array(100)], 44_100)).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      await host2.close();
    }
  });

  it('a worker that keeps dying fails the call with SEPARATOR_FAILED after three attempts', async () => {
    const notices: string[] = [];
    const host = new OnnxWorkerHost(tiny(), fake("'dies on every request'", 'process.exit(5);'), (l) => notices.push(l));
    try {
      await host.start();
      const x = new Float32Array(1000);
      await expect(host.separate([x], 44_100)).rejects.toMatchObject({ code: 'SEPARATOR_FAILED', message: expect.stringMatching(/died 3 times in a row.*exit code 5.*--separator dsp/) });
      expect(host.starts).toBe(3);
      expect(notices.filter((l) => l.includes('exit code 5'))).toHaveLength(3);
    } finally {
      await host.close();
    }
  });

  it('the worker process gets the malloc tunables (merged with the user\'s) and its init in its environment', async () => {
    const report = fake('JSON.stringify({ tunables: process.env.GLIBC_TUNABLES, init: JSON.parse(process.env.AMA_ONNX_WORKER_INIT) })');
    const saved = process.env.GLIBC_TUNABLES;
    try {
      delete process.env.GLIBC_TUNABLES;
      const host = new OnnxWorkerHost(tiny(), report);
      await host.start();
      await host.close();
      expect(JSON.parse(host.description!)).toEqual({ tunables: ONNX_CHILD_MALLOC_TUNABLES, init: tiny() });
      // The user's own settings win; ours are added for the tunables they do not set.
      process.env.GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=65536:glibc.malloc.arena_max=2';
      const user = new OnnxWorkerHost(tiny(), report);
      await user.start();
      await user.close();
      expect(JSON.parse(user.description!).tunables).toBe('glibc.malloc.mmap_threshold=65536:glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=0');
    } finally {
      if (saved === undefined) delete process.env.GLIBC_TUNABLES;
      else process.env.GLIBC_TUNABLES = saved;
    }
    expect(mergeMallocTunables('')).toBe(ONNX_CHILD_MALLOC_TUNABLES);
    expect(mergeMallocTunables('glibc.malloc.hugetlb=0')).toBe('glibc.malloc.hugetlb=0:glibc.malloc.mmap_threshold=2097152:glibc.malloc.trim_threshold=0');
  });

  it("what the worker prints on stdout goes to ama's stderr, never to its stdout", async () => {
    const out = vi.spyOn(process.stdout, 'write');
    const err = vi.spyOn(process.stderr, 'write');
    const host = new OnnxWorkerHost(tiny(), { code: `console.log('worker-says-hello'); ${fake("'ok'").code}` });
    try {
      await host.start();
      const said = (spy: typeof err) => spy.mock.calls.some(([chunk]) => String(chunk).includes('worker-says-hello'));
      await vi.waitFor(() => expect(said(err)).toBe(true));
      expect(said(out)).toBe(false);
    } finally {
      out.mockRestore();
      err.mockRestore();
      await host.close();
    }
  });

  it('a worker that cannot start is a SEPARATOR_FAILED that says to build ama', async () => {
    const host = new OnnxWorkerHost(tiny(), { entry: path.join(dir, 'no-such-worker.js') });
    await expect(host.start()).rejects.toMatchObject({ code: 'SEPARATOR_FAILED', message: expect.stringContaining('npm run build') });
    expect(host.pid).toBeUndefined();
    await host.close();
  });

  it('the worker process exits when the process that started it dies', async () => {
    const hostUrl = pathToFileURL(path.join(ROOT, 'src/separation/onnx/host.ts')).href;
    // A parent that starts the real worker, prints its pid, then waits; it is killed without a chance to close it.
    const parentCode = `import { OnnxWorkerHost } from ${JSON.stringify(hostUrl)};
      const host = new OnnxWorkerHost(${JSON.stringify(tiny())}, ${JSON.stringify(launch)});
      await host.start();
      process.stdout.write(host.pid + '\\n');
      setInterval(() => undefined, 1000);`;
    const parent = spawn(process.execPath, [...tsLoaderExecArgv(), '--input-type=module', '-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    parent.stdout.setEncoding('utf8').on('data', (t: string) => (text += t));
    await vi.waitFor(() => expect(text).toMatch(/^\d+\n/), { timeout: 30_000, interval: 50 });
    const worker = Number(text.trim());
    const alive = () => {
      try {
        process.kill(worker, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive()).toBe(true);
    parent.kill('SIGKILL');
    await vi.waitFor(() => expect(alive()).toBe(false), { timeout: 10_000, interval: 50 });
  });
});
