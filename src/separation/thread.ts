import { Worker } from 'node:worker_threads';
import { AmaError, errorMessage } from '../util/errors.js';
import { WORKER_RESOURCE_LIMITS } from '../util/workerLimits.js';
import { checkSeparatorInput } from './dsp.js';
import type { StemsProfile } from './stemSchema.js';
import { STEM_NAMES, type SeparateOptions, type SourceSeparator, type StemSet } from './types.js';

/** One job for the worker: audio in a shared buffer, stems written into another (stem-major, then channel); without `output`, the reply carries the stems' figures instead. */
export interface ToSeparatorWorker { id: number; sampleRate: number; channels: number; frames: number; input: SharedArrayBuffer; output: SharedArrayBuffer | null }
/** The worker's reply. */
export type FromSeparatorWorker = { id: number; ok: true; features?: StemsProfile } | { id: number; ok: false; message: string };

/** How to start the worker: its entry module, or (eval) CommonJS source (tests run the TypeScript through a loader). */
export interface SeparatorWorkerLaunch { entry: URL | string; eval?: boolean }

/** First and longest wait before a dead worker is started again, ms. */
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

/** True when the worker can start from this build (compiled JavaScript, not TypeScript under a test runner). */
export const separatorWorkerAvailable: boolean = !import.meta.url.endsWith('.ts');

function defaultLaunch(): SeparatorWorkerLaunch {
  return { entry: new URL('./worker.js', import.meta.url) };
}

/**
 * The dsp separator in a worker thread, for the live daemon: a separation of a 10-30 s window takes
 * a few hundred ms of CPU that must not hold up capture, meters or the feed. Audio travels in shared
 * memory (transferring buffers would make V8 check detachment on every typed-array access after).
 * One job at a time; a worker that dies rejects its job and is started again on the next call, after
 * a wait that doubles from 0.5 s to 30 s while it keeps dying (and resets after a success).
 */
export class WorkerSeparator implements SourceSeparator {
  readonly id = 'dsp' as const;
  private worker: Worker | null = null;
  private pending: { id: number; resolve: (features: StemsProfile | undefined) => void; reject: (e: Error) => void } | null = null;
  private nextId = 1;
  private backoffMs = 0;
  private notBefore = 0;
  private closed = false;
  /**
   * The last job's input buffer, reused by the next job of the same size: a new one every job would
   * pile up until both threads' collectors ran (the worker's small heap collects rarely), megabytes each.
   */
  private input: SharedArrayBuffer | null = null;
  /** Times the worker died (crash, exit or failed start). */
  restarts = 0;

  private readonly exitWhenIdle: boolean;

  /**
   * `exitWhenIdle`: stop the thread after each job and start a new one for the next (tens of ms of
   * CPU) instead of keeping its ~15-20 MB (isolate, modules, buffers) between jobs that come every
   * 10-30 s: the live daemon's setting.
   */
  constructor(private readonly launch: SeparatorWorkerLaunch = defaultLaunch(), options: { exitWhenIdle?: boolean } = {}) {
    this.exitWhenIdle = options.exitWhenIdle ?? false;
  }

  /**
   * Arrays in which the caller may write the next job's input (planar, `channels` x `frames`): passing
   * them back to separateFeatures/separate then skips a copy. Valid until the next call of this.
   */
  inputArrays(channels: number, frames: number): Float32Array[] {
    if (this.input?.byteLength !== channels * frames * 4) this.input = new SharedArrayBuffer(channels * frames * 4);
    const input = this.input;
    return Array.from({ length: channels }, (_, c) => new Float32Array(input, c * frames * 4, frames));
  }

  async separate(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<StemSet> {
    const ch = channels.length, n = channels[0]?.length ?? 0;
    const output = new SharedArrayBuffer(STEM_NAMES.length * ch * n * 4);
    await this.job(channels, sampleRate, output, options);
    options.onProgress?.(1);
    const stems = Object.fromEntries(STEM_NAMES.map((name, s) => [name, Array.from({ length: ch }, (_, c) => new Float32Array(output, (s * ch + c) * n * 4, n))]));
    return { sampleRate, stems: stems as StemSet['stems'] };
  }

  /**
   * Separates and measures the stems in the worker, returning only their figures (stemFeatures): what
   * the live daemon needs, with the STFTs of the stems' analysis off its thread and no stems copied back.
   */
  async separateFeatures(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<StemsProfile> {
    const features = await this.job(channels, sampleRate, null, options);
    if (!features) throw new AmaError('INTERNAL', 'the separator worker sent no stem figures');
    return features;
  }

  private async job(channels: readonly Float32Array[], sampleRate: number, output: SharedArrayBuffer | null, options: SeparateOptions): Promise<StemsProfile | undefined> {
    if (this.closed) throw new AmaError('INTERNAL', 'this separator was closed; open a new one');
    if (this.pending) throw new AmaError('INTERNAL', 'the separator worker runs one job at a time; wait for the last one');
    checkSeparatorInput(channels, sampleRate);
    const wait = this.notBefore - Date.now();
    if (wait > 0) throw new AmaError('INTERNAL', `the separator worker died and restarts in ${(wait / 1000).toFixed(1)} s`);
    const ch = channels.length, n = channels[0].length;
    // One job at a time, and the worker reads its input only until it replies (or is terminated).
    // Input written into inputArrays() is there already; anything else is copied in.
    const own = this.input?.byteLength === ch * n * 4 && channels.every((x, c) => x.buffer === this.input && x.byteOffset === c * n * 4);
    if (!own) this.inputArrays(ch, n).forEach((dst, c) => dst.set(channels[c]));
    const input = this.input as SharedArrayBuffer;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const done = new Promise<StemsProfile | undefined>((resolve, reject) => (this.pending = { id, resolve, reject }));
    const onAbort = () => this.fail(Object.assign(new Error('The separation was aborted.'), { name: 'AbortError' }), true);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      worker.postMessage({ id, sampleRate, channels: ch, frames: n, input, output } satisfies ToSeparatorWorker);
      const features = await done;
      this.backoffMs = 0;
      return features;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (this.exitWhenIdle) this.stopWorker();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.input = null;
    this.fail(new AmaError('INTERNAL', 'the separator was closed'), true);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    let w: Worker;
    try {
      w = new Worker(this.launch.entry, { eval: this.launch.eval ?? false, execArgv, resourceLimits: WORKER_RESOURCE_LIMITS });
    } catch (err) {
      this.died();
      throw new AmaError('INTERNAL', `the separator worker thread could not start: ${errorMessage(err)}`, { cause: err });
    }
    w.unref();
    w.on('message', (m: FromSeparatorWorker) => {
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      this.pending = null;
      if (m.ok) p.resolve(m.features);
      else p.reject(new AmaError('INTERNAL', `the separation failed: ${m.message}`));
    });
    w.on('error', (err) => { this.died(); this.fail(new AmaError('INTERNAL', `the separator worker failed: ${errorMessage(err)}`), false); });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.died();
      this.fail(new AmaError('INTERNAL', `the separator worker exited (code ${code})`), false);
    });
    this.worker = w;
    return w;
  }

  private died(): void {
    this.restarts++;
    this.worker = null;
    this.backoffMs = Math.min(RESTART_MAX_MS, this.backoffMs ? this.backoffMs * 2 : RESTART_MIN_MS);
    this.notBefore = Date.now() + this.backoffMs;
  }

  /** Rejects the job in flight; `terminate` also stops the thread (abort, close). */
  private fail(err: Error, terminate: boolean): void {
    const p = this.pending;
    this.pending = null;
    if (terminate) this.stopWorker();
    p?.reject(err);
  }

  /** Stops the thread on purpose (its exit is then not counted as a death); the next job starts a new one. */
  private stopWorker(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}
