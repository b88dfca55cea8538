import { Worker } from 'node:worker_threads';
import type { AudioBlock } from '../../audio/types.js';
import { AmaError, errorMessage } from '../../util/errors.js';
import type { ProfileAnalyzerOptions, ProfilePart, ProfilePartReadings } from './parts.js';

/** What the worker is started with (workerData). */
export interface ProfileWorkerInit {
  options: ProfileAnalyzerOptions;
  parts: ProfilePart[];
}

/** Messages to the worker: a block (channel c at floats [c * frames, (c+1) * frames) of buffer), or the end. */
export type ToProfileWorker =
  | { kind: 'block'; buffer: ArrayBuffer; channels: number; frames: number }
  | { kind: 'end' };

/** Messages from the worker: a block's buffer handed back, the readings at the end, or why it failed. */
export type FromProfileWorker =
  | { kind: 'free'; buffer: ArrayBuffer }
  | { kind: 'result'; readings: ProfilePartReadings }
  | { kind: 'failed'; message: string; stack?: string };

/** How to start the worker thread: its entry module, and for an eval entry, JavaScript source run as CommonJS. */
export interface ProfileWorkerLaunch {
  entry: URL | string;
  eval?: boolean;
}

/** Blocks in flight to the worker at most: enough to keep it busy while the reader waits on the disk, and bounded memory (4 x 128 KB for stereo). */
export const MAX_BLOCKS_IN_FLIGHT = 4;

/**
 * Runs some parts of the profile (ProfilePartsAnalyzer) in a worker thread. Blocks are copied into
 * a small pool of buffers that travel to the worker and back (transferred, not cloned); when all
 * are in flight, `process` waits, so memory stays bounded whatever the stream's length. Any failure
 * of the worker (an exception, a crash, an exit) rejects the pending and every later call with an
 * AmaError INTERNAL that says what failed; nothing hangs. `close` terminates the thread: call it
 * when done, also after a failure.
 */
export class ProfileThread {
  private readonly worker: Worker;
  private readonly free: ArrayBuffer[] = [];
  private created = 0;
  private failure: AmaError | null = null;
  private result: ProfilePartReadings | null = null;
  private ended = false;
  // At most one call waits at a time (the caller feeds blocks in order): for a buffer, or the result.
  private waiter: { resolve: () => void; reject: (err: AmaError) => void } | null = null;

  /** Starts the thread; it loads while the first blocks queue up. */
  constructor(init: ProfileWorkerInit, launch: ProfileWorkerLaunch = defaultLaunch()) {
    this.worker = new Worker(launch.entry, { workerData: init, eval: launch.eval ?? false });
    this.worker.on('message', (m: FromProfileWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.fail(`failed: ${errorMessage(err)}`, err));
    this.worker.on('messageerror', (err) => this.fail(`sent a message that could not be read: ${errorMessage(err)}`, err));
    this.worker.on('exit', (code) => {
      if (!this.result) this.fail(`stopped (exit code ${code}) before returning its figures`);
    });
  }

  /** Hands one block to the worker (copied; the caller keeps its arrays). Waits while MAX_BLOCKS_IN_FLIGHT are out. */
  async process(block: AudioBlock): Promise<void> {
    this.check();
    if (this.ended) throw new AmaError('INTERNAL', 'ProfileThread.process called after finish.');
    const channels = block.length;
    const frames = block[0]?.length ?? 0;
    if (frames === 0) return;
    if (this.free.length === 0 && this.created >= MAX_BLOCKS_IN_FLIGHT) await this.wait();
    let buffer = this.free.pop();
    if (buffer === undefined) this.created++;
    const bytes = channels * frames * Float32Array.BYTES_PER_ELEMENT;
    // A larger block than any before gets a larger buffer; the small one is dropped.
    if (buffer === undefined || buffer.byteLength < bytes) buffer = new ArrayBuffer(bytes);
    for (let c = 0; c < channels; c++) new Float32Array(buffer, c * frames * Float32Array.BYTES_PER_ELEMENT, frames).set(block[c]);
    this.post({ kind: 'block', buffer, channels, frames }, [buffer]);
  }

  /** Ends the stream and returns the readings of the worker's parts. */
  async finish(): Promise<ProfilePartReadings> {
    this.check();
    if (!this.ended) {
      this.ended = true;
      this.post({ kind: 'end' });
    }
    while (!this.result) await this.wait();
    return this.result;
  }

  /** Terminates the thread (idempotent); pending calls reject. */
  async close(): Promise<void> {
    if (!this.result) this.fail('was stopped before returning its figures');
    await this.worker.terminate();
  }

  private post(message: ToProfileWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(m: FromProfileWorker): void {
    switch (m.kind) {
      case 'free':
        this.free.push(m.buffer);
        break;
      case 'result':
        this.result = m.readings;
        break;
      case 'failed':
        this.fail(`failed: ${m.message}`);
        return;
    }
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.check();
      this.waiter = { resolve, reject };
    });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private fail(what: string, cause?: unknown): void {
    if (this.failure) return;
    this.failure = new AmaError('INTERNAL', `The profile analysis worker thread ${what}`, { cause });
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.failure);
  }
}

/** The compiled worker entry next to this module. */
function defaultLaunch(): ProfileWorkerLaunch {
  return { entry: new URL('./worker.js', import.meta.url) };
}

/** True when worker threads can be started from this build: compiled JavaScript, not TypeScript run by a test runner. */
export const workerAvailable: boolean = !import.meta.url.endsWith('.ts');
