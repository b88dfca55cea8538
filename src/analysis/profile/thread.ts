import { Worker } from 'node:worker_threads';
import type { AudioBlock } from '../../audio/types.js';
import { AmaError, errorMessage } from '../../util/errors.js';
import { WORKER_RESOURCE_LIMITS } from '../../util/workerLimits.js';
import type { ProfileAnalyzerOptions, ProfilePart, ProfilePartReadings } from './parts.js';

/** What the worker is started with (workerData). */
export interface ProfileWorkerInit {
  options: ProfileAnalyzerOptions;
  parts: ProfilePart[];
  /** The block slots shared with the caller: slot s, channel c at floats [(s * channels + c) * slotFrames, ... + slotFrames). */
  slots: SharedArrayBuffer;
  /** Frames per slot and channel. */
  slotFrames: number;
}

/** Messages to the worker: `frames` frames wait in slot `slot`; or the end of the stream. */
export type ToProfileWorker = { kind: 'block'; slot: number; frames: number } | { kind: 'end' };

/** Messages from the worker: a slot is free again, the readings at the end, or why it failed. */
export type FromProfileWorker =
  | { kind: 'free'; slot: number }
  | { kind: 'result'; readings: ProfilePartReadings }
  | { kind: 'failed'; message: string; stack?: string };

/** How to start the worker thread: its entry module, or (eval) JavaScript source run as CommonJS. */
export interface ProfileWorkerLaunch {
  entry: URL | string;
  eval?: boolean;
}

/** Slots, so blocks in flight to the worker at most: enough to ride out the reader's waits on the disk, in bounded memory. */
export const SLOTS = 4;
/** Frames per slot (larger blocks travel in pieces: the analyzers do not depend on block sizes). */
export const SLOT_FRAMES = 16384;

/**
 * Runs some parts of the profile (ProfilePartsAnalyzer) in a worker thread. Blocks are copied into
 * SLOTS slots of a SharedArrayBuffer and announced by message; the worker frees each slot when done,
 * and `process` waits while none is free, so memory stays bounded whatever the stream's length.
 * (Shared memory, not transferred buffers: detaching any ArrayBuffer makes V8 check every typed
 * array access for detachment from then on, which slowed every DSP loop of a thread by ~25%.)
 * Any failure of the worker (an exception, a crash, an exit) rejects the pending and every later
 * call with an AmaError INTERNAL that says what failed; nothing hangs. `close` terminates the
 * thread: call it when done, also after a failure.
 */
export class ProfileThread {
  private readonly worker: Worker;
  private readonly channels: number;
  private readonly slots: Float32Array;
  private readonly free: number[] = [];
  private failure: AmaError | null = null;
  private result: ProfilePartReadings | null = null;
  private ended = false;
  // At most one call waits at a time (the caller feeds blocks in order): for a slot, or the result.
  private waiter: { resolve: () => void; reject: (err: AmaError) => void } | null = null;

  /** Starts the thread; it loads while the first blocks queue up. */
  constructor(init: { options: ProfileAnalyzerOptions; parts: ProfilePart[] }, launch: ProfileWorkerLaunch = defaultLaunch()) {
    this.channels = init.options.channels;
    const shared = new SharedArrayBuffer(SLOTS * this.channels * SLOT_FRAMES * Float32Array.BYTES_PER_ELEMENT);
    this.slots = new Float32Array(shared);
    for (let s = SLOTS - 1; s >= 0; s--) this.free.push(s);
    const workerData: ProfileWorkerInit = { ...init, slots: shared, slotFrames: SLOT_FRAMES };
    // The worker inherits the process's Node options, except one that only an --eval parent may have.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    try {
      this.worker = new Worker(launch.entry, { workerData, eval: launch.eval ?? false, execArgv, resourceLimits: WORKER_RESOURCE_LIMITS });
    } catch (err) {
      throw new AmaError('INTERNAL', `The profile analysis worker thread could not start: ${errorMessage(err)}`, { cause: err });
    }
    this.worker.on('message', (m: FromProfileWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.fail(`failed: ${errorMessage(err)}`, err));
    this.worker.on('messageerror', (err) => this.fail(`sent a message that could not be read: ${errorMessage(err)}`, err));
    this.worker.on('exit', (code) => {
      if (!this.result) this.fail(`stopped (exit code ${code}) before returning its figures`);
    });
  }

  /** Hands one block to the worker (copied: the caller keeps its arrays); waits while every slot is in flight. */
  async process(block: AudioBlock): Promise<void> {
    this.check();
    if (this.ended) throw new AmaError('INTERNAL', 'ProfileThread.process was called after finish.');
    if (block.length !== this.channels) {
      throw new AmaError('BAD_FORMAT', `Expected blocks of ${this.channels} channels, got ${block.length}.`);
    }
    const frames = block[0]?.length ?? 0;
    for (let start = 0; start < frames; start += SLOT_FRAMES) {
      const n = Math.min(SLOT_FRAMES, frames - start);
      while (this.free.length === 0) await this.wait();
      const slot = this.free.pop()!;
      for (let c = 0; c < this.channels; c++) {
        this.slots.set(block[c].subarray(start, start + n), (slot * this.channels + c) * SLOT_FRAMES);
      }
      this.post({ kind: 'block', slot, frames: n });
    }
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

  /** Terminates the thread (idempotent); a call still waiting rejects. */
  async close(): Promise<void> {
    if (!this.result) this.fail('was stopped before returning its figures');
    await this.worker.terminate();
  }

  private post(message: ToProfileWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(m: FromProfileWorker): void {
    switch (m.kind) {
      case 'free':
        this.free.push(m.slot);
        break;
      case 'result':
        this.result = m.readings;
        break;
      case 'failed': {
        const cause = new Error(m.message);
        if (m.stack) cause.stack = m.stack;
        this.fail(`failed: ${m.message}`, cause);
        return;
      }
    }
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) reject(this.failure);
      else if (this.waiter) reject(new AmaError('INTERNAL', 'ProfileThread calls must be awaited one at a time.'));
      else this.waiter = { resolve, reject };
    });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private fail(what: string, cause?: unknown): void {
    if (this.failure) return;
    this.failure = new AmaError('INTERNAL', `The profile analysis worker thread ${what}`, cause === undefined ? undefined : { cause });
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
