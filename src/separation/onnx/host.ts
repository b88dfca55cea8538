import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AmaError, errorMessage, type AmaErrorCode } from '../../util/errors.js';
import { STEM_NAMES, type SeparateOptions, type StemName } from '../types.js';
import { resample } from '../../audio/resample.js';
import { mergeMallocTunables, MODEL_RATE, ONNX_WORKER_INIT_ENV, type FromOnnxWorker, type OnnxWorkerInit, type OnnxWorkerLaunch, type ToOnnxWorker } from './protocol.js';

/** Restart delays after consecutive worker deaths, ms (the last one repeats). */
export const RESTART_BACKOFF_MS = [200, 1000, 5000];
/** Attempts of one separation across worker deaths before it fails. */
const ATTEMPTS = 3;

interface Pending {
  id: number;
  channels: number;
  /** Frames of the request at MODEL_RATE: every stem channel is this long. */
  frames: number;
  stems: Partial<Record<StemName, Float32Array[]>>;
  /** Frames received so far per stem channel (stretches come in order), keyed `stem/channel`. */
  filled: Map<string, number>;
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
 * Runs the separation worker in a child process (worker.ts; Node with an IPC channel, advanced
 * serialisation, glibc malloc tunables in its environment, its init as JSON in ONNX_WORKER_INIT_ENV):
 * starts it on demand, waits for its model to load, sends one request at a time, and restarts it
 * after a death (an exception, a crash in onnxruntime, an exit, a kill) with growing delays
 * (RESTART_BACKOFF_MS), retrying the request in flight. A model that fails to load or a request the
 * worker refuses is not retried: it rejects with the worker's AmaError. Abort kills the process
 * (the model call cannot be interrupted otherwise); the next call starts a fresh one.
 *
 * The process writes nothing to ama's stdout (its stdout goes to ama's stderr; its stderr is
 * ama's). It ignores Ctrl-C (ama stops it) and exits when ama goes (its IPC channel closes).
 */
export class OnnxWorkerHost {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  private deaths = 0;
  private lastDeath = 0;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Worker starts so far (for tests and reports). */
  starts = 0;
  /** The largest peak resident memory the worker processes reported (after loading, with each result), bytes; null before the first report. */
  childPeakRssBytes: number | null = null;
  /** CPU seconds the worker processes used up to their last result (processes that died count what they reported). */
  get childCpuSeconds(): number {
    return this.cpuOfEarlierChildren + this.cpuOfThisChild;
  }
  private cpuOfEarlierChildren = 0;
  private cpuOfThisChild = 0;
  /** What the worker said when its model loaded (model and threads); null before. */
  description: string | null = null;

  constructor(
    private readonly init: OnnxWorkerInit,
    private readonly launch: OnnxWorkerLaunch,
    private readonly onNotice?: (line: string) => void,
  ) {}

  /** Process id of the running worker, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the worker and waits for its model to load and pass the contract checks. */
  async start(): Promise<void> {
    try {
      await this.ensure();
    } catch (err) {
      throw err instanceof Permanent ? err.error : err;
    }
  }

  /**
   * Separates planar audio at its own rate (one request at a time; later calls wait their turn).
   * The audio is copied to the worker when the call's turn comes, and again if it has to be
   * retried: leave `channels` unchanged until the promise settles.
   */
  separate(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<Record<StemName, Float32Array[]>> {
    const run = this.queue.then(() => this.attempt(channels, sampleRate, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Kills the worker; idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop(new AmaError('SEPARATOR_FAILED', 'The separator was closed.'));
  }

  private async attempt(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions): Promise<Record<StemName, Float32Array[]>> {
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (options.signal?.aborted) throw abortError();
      try {
        await this.ensure();
        return await this.request(channels, sampleRate, options);
      } catch (err) {
        if (err instanceof Permanent) throw err.error;
        if ((err as Error).name === 'AbortError' || this.closed) throw err;
        lastError = err as Error;
      }
    }
    throw new AmaError('SEPARATOR_FAILED', `The ${this.init.kind} separation worker died ${ATTEMPTS} times in a row (last: ${errorMessage(lastError)}). Check free memory (HTDemucs needs about 1 GB), or use --separator dsp.`, { cause: lastError });
  }

  private async request(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions): Promise<Record<StemName, Float32Array[]>> {
    // The model works at MODEL_RATE: ama converts both ways, so the worker holds the audio once.
    let at44: readonly Float32Array[] | null = sampleRate === MODEL_RATE ? channels : await resample(channels, sampleRate, MODEL_RATE);
    const sent = this.send(at44, options);
    at44 = null; // IPC has copied it; a retry converts the caller's audio again
    const stems = await sent;
    if (sampleRate === MODEL_RATE) return stems;
    const frames = channels[0].length;
    const back = {} as Record<StemName, Float32Array[]>;
    for (const name of STEM_NAMES) {
      back[name] = [];
      for (const c of stems[name]) {
        const [converted] = await resample([c], MODEL_RATE, sampleRate);
        back[name].push(converted.length === frames ? converted : fitLength(converted, frames));
      }
      delete (stems as Partial<Record<StemName, Float32Array[]>>)[name]; // each 44.1 kHz stem goes once converted
    }
    return back;
  }

  private send(channels: readonly Float32Array[], options: SeparateOptions): Promise<Record<StemName, Float32Array[]>> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new AmaError('SEPARATOR_FAILED', 'The separation worker stopped before the request could be sent.'));
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
      this.pending = { id, channels: channels.length, frames: channels[0].length, stems: {}, filled: new Map(), resolve: done(resolve), reject: done(reject), onProgress: options.onProgress };
      // A failed send means the channel closed: the process is going, and its exit retries the request.
      const sent = (err: Error | null) => {
        if (err) child.kill('SIGKILL');
      };
      try {
        // One message per channel: IPC serialises each message into a buffer of its own (copies).
        channels.forEach((data, channel) => child.send({ kind: 'audio', id, channel, data } satisfies ToOnnxWorker, sent));
        child.send({ kind: 'separate', id, channels: channels.length } satisfies ToOnnxWorker, sent);
      } catch (err) {
        this.pending?.reject(new Permanent(new AmaError('SEPARATOR_FAILED', `The audio could not be sent to the separation worker: ${errorMessage(err)}`, { cause: err })));
        child.kill('SIGKILL');
      }
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
    if (this.closed) throw new AmaError('SEPARATOR_FAILED', 'The separator was closed.');
    this.starts++;
    const launch = this.launch;
    if ('entry' in launch && !existsSync(launch.entry)) {
      throw new Permanent(new AmaError('SEPARATOR_FAILED', `The separation worker ${launch.entry} is missing; build ama (npm run build) or reinstall it, or use --separator dsp.`));
    }
    const args = [...(launch.execArgv ?? []), ...('entry' in launch ? [launch.entry] : ['-e', launch.code])];
    const env = { ...process.env, GLIBC_TUNABLES: mergeMallocTunables(process.env.GLIBC_TUNABLES), [ONNX_WORKER_INIT_ENV]: JSON.stringify(this.init) };
    const cannotStart = (err: unknown) =>
      new Permanent(new AmaError('SEPARATOR_FAILED', `The separation worker process could not start (${errorMessage(err)}). Check that ${process.execPath} can be run and that the system allows another process (memory, ulimit -u), or use --separator dsp.`, { cause: err }));
    let child: ChildProcess;
    try {
      // Nothing of the worker may reach ama's stdout (--json output): its stdout goes to ama's stderr.
      child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], serialization: 'advanced', env, windowsHide: true });
    } catch (err) {
      throw cannotStart(err);
    }
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return new Promise((resolve, reject) => {
      let loaded = false;
      let spawned = false;
      child.on('spawn', () => {
        spawned = true;
        this.cpuOfEarlierChildren += this.cpuOfThisChild;
        this.cpuOfThisChild = 0;
      });
      child.on('message', (m: FromOnnxWorker) => {
        if (this.child !== child) return;
        if (m.kind === 'ready') {
          loaded = true;
          this.description = m.description;
          this.notePeak(m.peakRssBytes);
          resolve();
        } else if (m.kind === 'failed' && m.id === null) {
          // The model did not load: no use keeping (or restarting) this process.
          this.child = null;
          child.kill('SIGKILL');
          reject(new Permanent(new AmaError(m.code, m.message)));
        } else this.onMessage(m);
      });
      child.on('error', (err) => {
        // Not started at all (a failed kill or send is followed by the exit, which reports it).
        if (spawned || child.pid !== undefined) return;
        if (this.child === child) this.child = null;
        reject(cannotStart(err));
      });
      child.on('exit', (code, signal) => {
        if (this.child !== child) {
          // Stopped by ama (close, abort, a model that failed to load).
          if (!loaded) reject(new AmaError('SEPARATOR_FAILED', 'The separation worker was stopped before its model loaded.'));
          return;
        }
        const why = exitReason(code, signal);
        this.child = null;
        this.ready = null;
        this.deaths++;
        this.lastDeath = Date.now();
        const err = new AmaError('SEPARATOR_FAILED', `The separation worker process ${why}`);
        if (!this.closed) this.onNotice?.(`separation worker ${why}; restarting it`);
        if (!loaded) reject(err);
        this.pending?.reject(err);
      });
    });
  }

  private onMessage(m: FromOnnxWorker): void {
    if (m.kind === 'result') {
      this.notePeak(m.peakRssBytes);
      if (typeof m.cpuSeconds === 'number' && Number.isFinite(m.cpuSeconds)) this.cpuOfThisChild = m.cpuSeconds;
    }
    const p = this.pending;
    if (!p || m.kind === 'ready' || m.id !== p.id) return;
    if (m.kind === 'progress') p.onProgress?.(m.fraction);
    else if (m.kind === 'stem') {
      const key = `${m.stem}/${m.channel}`;
      const ok = m.data instanceof Float32Array && STEM_NAMES.includes(m.stem) && Number.isInteger(m.channel) && m.channel >= 0 && m.channel < p.channels
        && m.offset === (p.filled.get(key) ?? 0) && m.offset + m.data.length <= p.frames;
      if (!ok) {
        p.reject(new Permanent(new AmaError('INTERNAL', `The separation worker sent a malformed stretch of the ${String(m.stem)} stem (channel ${String(m.channel)}, at ${String(m.offset)}).`)));
        return;
      }
      const chans = (p.stems[m.stem] ??= []);
      // A stem that comes whole in one message keeps the array IPC made; stretches go into one array.
      if (m.offset === 0 && m.data.length === p.frames) chans[m.channel] = ownArray(m.data)!;
      else (chans[m.channel] ??= new Float32Array(p.frames)).set(m.data, m.offset);
      p.filled.set(key, m.offset + m.data.length);
    } else if (m.kind === 'result') {
      const missing = STEM_NAMES.filter((s) => p.stems[s]?.length !== p.channels || p.stems[s]!.some((c, ch) => !c || p.filled.get(`${s}/${ch}`) !== p.frames));
      if (missing.length > 0) {
        p.reject(new Permanent(new AmaError('INTERNAL', `The separation worker's result lacks channels of ${missing.join(', ')}.`)));
        return;
      }
      this.deaths = 0;
      p.resolve(p.stems as Record<StemName, Float32Array[]>);
    } else if (m.kind === 'failed') p.reject(new Permanent(new AmaError(m.code as AmaErrorCode, m.message)));
  }

  private notePeak(bytes: number | undefined): void {
    if (typeof bytes === 'number' && Number.isFinite(bytes) && bytes > 0) this.childPeakRssBytes = Math.max(this.childPeakRssBytes ?? 0, bytes);
  }

  private async stop(reason: Error): Promise<void> {
    const c = this.child;
    this.child = null;
    this.ready = null;
    this.pending?.reject(reason);
    if (c) await kill(c);
  }
}

/** Why a worker process ended, for messages ("The separation worker process ..."). */
function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') return 'was killed (SIGKILL; the system may have run out of memory)';
  if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL' || signal === 'SIGABRT' || signal === 'SIGFPE') return `crashed (${signal})`;
  if (signal) return `was stopped by ${signal}`;
  return `stopped (exit code ${code})`;
}

/**
 * The array as a Float32Array over a buffer of its own. Advanced IPC serialisation gives typed
 * arrays that can be views into the whole message's buffer (when their bytes happen to be aligned):
 * kept as they are, they would pin that buffer and surprise code that uses `.buffer`.
 */
/** `x` trimmed or padded with zeros to `frames` (libsamplerate may end a frame short or long). */
function fitLength(x: Float32Array, frames: number): Float32Array {
  const out = new Float32Array(frames);
  out.set(x.subarray(0, Math.min(frames, x.length)));
  return out;
}

function ownArray(x: unknown): Float32Array | null {
  if (!(x instanceof Float32Array)) return null;
  return x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? x : x.slice();
}

/** Kills a worker process (SIGKILL: it holds nothing to save) and waits for it to be gone. */
function kill(c: ChildProcess): Promise<void> {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    if (!c.kill('SIGKILL') && (c.exitCode !== null || c.signalCode !== null)) resolve();
  });
}

function abortError(): Error {
  const e = new Error('The separation was aborted.');
  e.name = 'AbortError';
  return e;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
