import type { AudioBlock, AudioSource } from '../audio/types.js';
import { errorMessage } from '../util/errors.js';
import { stemFeatures } from './features.js';
import type { StemsProfile } from './stemSchema.js';
import type { SourceSeparator } from './types.js';

/** How live separation is doing, for the status message, the dashboard and the feed. */
export interface LiveSeparationStatus {
  /** The separator that runs. */
  separator: string;
  /** Share of the stream separated so far, 0..1. */
  coverage: number;
  /** How far the latest separated window's end lay behind the live stream when its stems were ready, s; null before the first. */
  delaySec: number | null;
  /** Length of the window each separation covers, s. */
  windowSec: number;
  /** Separations finished. */
  separations: number;
  /** The last failure, or null. */
  error: string | null;
}

/** Options of LiveSeparation. */
export interface LiveSeparationOptions {
  sampleRate: number;
  /** Channels of the stream; only the first two are separated. */
  channels: number;
  separator: SourceSeparator;
  /** Window separated each time, s (default 10). */
  windowSec?: number;
  /** New audio needed before the next separation starts, s (default 1). */
  minNewSec?: number;
  /**
   * Share of one core the separations may take on average (default LIVE_SEPARATION_DUTY): after a
   * separation that took T s, the next waits for at least T / duty s of new audio. On a fast machine
   * that is the window length (every window separated); on a slow one coverage drops, and says so.
   */
  duty?: number;
}

/** Default share of one core live separation may take (the whole daemon aims under 10 %). */
export const LIVE_SEPARATION_DUTY = 0.02;

/** A separator that can also measure its stems where it runs (the dsp worker), sending back only their figures. */
interface FeatureSeparator extends SourceSeparator {
  separateFeatures(channels: readonly Float32Array[], sampleRate: number): Promise<StemsProfile>;
  /** Arrays to write the next window into, sparing the separator a copy (WorkerSeparator: its shared input buffer). */
  inputArrays?(channels: number, frames: number): Float32Array[];
}

function measuresItself(s: SourceSeparator): s is FeatureSeparator {
  return typeof (s as Partial<FeatureSeparator>).separateFeatures === 'function';
}

/**
 * Live separation that never holds up capture: `push` only copies the block into a ring of the
 * last `windowSec`; whenever the separator is free (and at least `minNewSec` of new audio has come
 * in, and the duty budget allows) the most recent window is handed to it (a worker thread for dsp,
 * which also measures the stems there), and its stems' figures become `features` when it finishes. Audio that arrives while it runs is skipped if it falls out
 * of the ring: `coverage` says how much of the stream was separated, `delaySec` how stale the
 * stems were when they arrived.
 */
export class LiveSeparation {
  readonly windowSec: number;
  private readonly ring: Float32Array[];
  private readonly size: number;
  private readonly minNew: number;
  private readonly duty: number;
  /** New audio the next separation waits for, frames (minNew, stretched by the duty budget). */
  private waitFrames: number;
  private frames = 0;
  private lastEnd = 0;
  private covered = 0;
  private busy = false;
  private closed = false;
  private latest: StemsProfile | null = null;
  private delaySec: number | null = null;
  private separations = 0;
  private error: string | null = null;
  private running: Promise<void> | null = null;
  /** The window handed to the separator, reused by the next full-length window (the separator is done with it by then). */
  private snapshot: Float32Array[] = [];

  constructor(private readonly o: LiveSeparationOptions) {
    this.windowSec = o.windowSec ?? 10;
    this.size = Math.max(1, Math.round(this.windowSec * o.sampleRate));
    this.minNew = Math.round((o.minNewSec ?? 1) * o.sampleRate);
    this.duty = Math.min(1, Math.max(0.001, o.duty ?? LIVE_SEPARATION_DUTY));
    this.waitFrames = this.minNew;
    this.ring = Array.from({ length: Math.min(2, o.channels) }, () => new Float32Array(this.size));
  }

  /** The per-stem figures of the latest separated window, or null before the first. */
  get features(): StemsProfile | null {
    return this.latest;
  }

  /** Copies a block into the ring and starts a separation when the separator is free. */
  push(block: AudioBlock): void {
    const n = block[0]?.length ?? 0;
    for (let c = 0; c < this.ring.length; c++) {
      const src = block[c], dst = this.ring[c];
      for (let i = 0; i < n; i++) dst[(this.frames + i) % this.size] = src[i];
    }
    this.frames += n;
    if (!this.busy && !this.closed && this.frames - this.lastEnd >= this.waitFrames) this.start();
  }

  /** The figures for the status message. */
  status(): LiveSeparationStatus {
    return {
      separator: this.o.separator.id, coverage: this.frames ? Math.min(1, this.covered / this.frames) : 0,
      delaySec: this.delaySec === null ? null : Math.round(this.delaySec * 100) / 100,
      windowSec: this.windowSec, separations: this.separations, error: this.error,
    };
  }

  /** Waits for a separation in flight (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Stops starting separations and closes the separator. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await this.o.separator.close();
  }

  private start(): void {
    const end = this.frames;
    const len = Math.min(this.size, end);
    const sep = this.o.separator;
    // One separation at a time, and its window is not read after it settles: the window goes straight
    // into the worker's input buffer, or into arrays reused from the last window (a window of another
    // length, or arrays a separator detached, get new ones): megabytes of copies and garbage spared.
    let snap = measuresItself(sep) ? sep.inputArrays?.(this.ring.length, len) : undefined;
    if (!snap) {
      const reuse = this.snapshot.length === this.ring.length && this.snapshot.every((x) => x.length === len);
      snap = reuse ? this.snapshot : this.ring.map(() => new Float32Array(len));
      if (len === this.size) this.snapshot = snap;
    }
    const window = snap;
    this.ring.forEach((ch, c) => {
      const out = window[c];
      for (let i = 0; i < len; i++) out[i] = ch[(end - len + i) % this.size];
    });
    this.busy = true;
    const t0 = performance.now();
    const figures = measuresItself(sep)
      ? sep.separateFeatures(window, this.o.sampleRate)
      : sep.separate(window, this.o.sampleRate).then((set) => stemFeatures(window, set, sep.id));
    this.running = figures.then(
      (features) => {
        const tookSec = (performance.now() - t0) / 1000;
        this.waitFrames = Math.max(this.minNew, Math.round((tookSec / this.duty) * this.o.sampleRate));
        this.latest = features;
        this.covered += Math.min(len, end - this.lastEnd);
        this.lastEnd = end;
        this.delaySec = (this.frames - end) / this.o.sampleRate;
        this.separations++;
        this.error = null;
      },
      (err: unknown) => {
        this.error = errorMessage(err);
        this.lastEnd = end; // wait for new audio before trying again
      },
    ).finally(() => { this.busy = false; });
  }
}

/** The source with every block also handed to `tap` (which must not hold on to the block's arrays). */
export function tapSource(source: AudioSource, tap: (block: AudioBlock) => void): AudioSource {
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'blocks') {
        return async function* (signal?: AbortSignal) {
          for await (const block of target.blocks(signal)) {
            tap(block);
            yield block;
          }
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
