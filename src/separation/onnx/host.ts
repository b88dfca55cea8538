import { Worker } from 'node:worker_threads';
import { AmaError, errorMessage, type AmaErrorCode } from '../../util/errors.js';
import type { SeparateOptions, StemName } from '../types.js';
import type { FromOnnxWorker, OnnxWorkerInit, OnnxWorkerLaunch, ToOnnxWorker } from './protocol.js';

/** Restart delays after consecutive worker deaths, ms (the last one repeats). */
export const RESTART_BACKOFF_MS = [200, 1000, 5000];
/** Attempts of one separation across worker deaths before it fails. */
const ATTEMPTS = 3;

interface Pending {
  id: number;
  resolve: (stems: Record<StemName, Float32Array[]>) => void;
  reject: (err: Error) => void;
  onProgress?: (fraction: number) => void;
}

/** A failure that a restart cannot fix (the model or the request is wrong). */
class Permanent extends Error {
  constructor(readonly error: AmaError) {
    super(error.message);
  }
}

/**
 * Runs the separation worker: starts it on demand, waits for its model to load, sends one request
 * at a time, and restarts it after a death (an exception, a crash, an exit) with growing delays
 * (RESTART_BACKOFF_MS), retrying the request in flight. A model that fails to load or a request the
 * worker refuses is not retried: it rejects with the worker's AmaError. Abort terminates the worker
 * (the model call cannot be interrupted otherwise); the next call starts a fresh one.
 */
export class OnnxWorkerHost {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  private deaths = 0;
  private lastDeath = 0;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Worker starts so far (for tests and reports). */
  starts = 0;

  constructor(
    private readonly init: OnnxWorkerInit,
    private readonly launch: OnnxWorkerLaunch,
    private readonly onNotice?: (line: string) => void,
  ) {}

  /** Starts the worker and waits for its model to load and pass the contract checks. */
  async start(): Promise<void> {
    try {
      await this.ensure();
    } catch (err) {
      throw err instanceof Permanent ? err.error : err;
    }
  }

  /** Separates planar audio at its own rate (one request at a time; later calls wait their turn). */
  separate(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<Record<StemName, Float32Array[]>> {
    const run = this.queue.then(() => this.attempt(channels, sampleRate, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Terminates the worker; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop(new AmaError('SEPARATOR_FAILED', 'The separator was closed.'));
  }

  private async attempt(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions): Promise<Record<StemName, Float32Array[]>> {
    // Shared memory: the worker reads the audio without a copy and no buffer gets detached.
    const input = channels.map((c) => {
      const s = new Float32Array(new SharedArrayBuffer(c.length * Float32Array.BYTES_PER_ELEMENT));
      s.set(c);
      return s;
    });
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (options.signal?.aborted) throw abortError();
      try {
        await this.ensure();
        return await this.request(input, sampleRate, options);
      } catch (err) {
        if (err instanceof Permanent) throw err.error;
        if ((err as Error).name === 'AbortError' || this.closed) throw err;
        lastError = err as Error;
      }
    }
    throw new AmaError('SEPARATOR_FAILED', `The ${this.init.kind} separation worker died ${ATTEMPTS} times in a row (last: ${errorMessage(lastError)}). Check free memory (HTDemucs needs about 1 GB), or use --separator dsp.`, { cause: lastError });
  }

  private request(channels: Float32Array[], sampleRate: number, options: SeparateOptions): Promise<Record<StemName, Float32Array[]>> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new AmaError('SEPARATOR_FAILED', 'The separation worker stopped before the request could be sent.'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const onAbort = () => {
        reject(abortError());
        void this.stop(abortError());
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const done = <T>(f: (v: T) => void) => (v: T) => {
        options.signal?.removeEventListener('abort', onAbort);
        this.pending = null;
        f(v);
      };
      this.pending = { id, resolve: done(resolve), reject: done(reject), onProgress: options.onProgress };
      const message: ToOnnxWorker = { kind: 'separate', id, channels, sampleRate };
      worker.postMessage(message);
    });
  }

  private async ensure(): Promise<void> {
    if (this.closed) throw new AmaError('SEPARATOR_FAILED', 'The separator was closed.');
    if (!this.ready) {
      const wait = this.deaths === 0 ? 0 : RESTART_BACKOFF_MS[Math.min(this.deaths - 1, RESTART_BACKOFF_MS.length - 1)] - (Date.now() - this.lastDeath);
      this.ready = (wait > 0 ? sleep(wait) : Promise.resolve()).then(() => this.spawn());
      this.ready.catch(() => (this.ready = null));
    }
    await this.ready;
  }

  private spawn(): Promise<void> {
    this.starts++;
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    let worker: Worker;
    try {
      worker = new Worker(this.launch.entry, { workerData: this.init, eval: this.launch.eval ?? false, execArgv });
    } catch (err) {
      throw new Permanent(new AmaError('SEPARATOR_FAILED', `The separation worker thread could not start: ${errorMessage(err)}`, { cause: err }));
    }
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let loaded = false;
      worker.on('message', (m: FromOnnxWorker) => {
        if (m.kind === 'ready') {
          loaded = true;
          resolve();
        } else if (m.kind === 'failed' && m.id === null) {
          reject(new Permanent(new AmaError(m.code, m.message)));
        } else this.onMessage(m);
      });
      const died = (why: string, cause?: unknown) => {
        if (this.worker !== worker) return;
        this.worker = null;
        this.ready = null;
        this.deaths++;
        this.lastDeath = Date.now();
        const err = new AmaError('SEPARATOR_FAILED', `The separation worker ${why}`, cause === undefined ? undefined : { cause });
        if (!this.closed) this.onNotice?.(`separation worker ${why}; restarting it`);
        if (!loaded) reject(err);
        this.pending?.reject(err);
      };
      worker.on('error', (err) => died(`failed: ${errorMessage(err)}`, err));
      worker.on('exit', (code) => died(`stopped (exit code ${code})`));
    });
  }

  private onMessage(m: FromOnnxWorker): void {
    const p = this.pending;
    if (!p || (m.kind !== 'ready' && m.id !== p.id)) return;
    if (m.kind === 'progress') p.onProgress?.(m.fraction);
    else if (m.kind === 'result') {
      this.deaths = 0;
      p.resolve(m.stems);
    } else if (m.kind === 'failed') p.reject(new Permanent(new AmaError(m.code as AmaErrorCode, m.message)));
  }

  private async stop(reason: Error): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    this.pending?.reject(reason);
    if (w) await w.terminate();
  }
}

function abortError(): Error {
  const e = new Error('The separation was aborted.');
  e.name = 'AbortError';
  return e;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
