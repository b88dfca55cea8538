import path from 'node:path';
import { AmaError } from '../util/errors.js';
import { markArrival } from './arrival.js';
import type { CaptureSource, CaptureState, CaptureStats } from './capture/types.js';
import { openAudioFile } from './decode.js';
import type { AudioBlock, AudioFormat } from './types.js';

/** Options of openPlayback. */
export interface PlaybackOptions {
  /** Start over at the end of the file (default true). */
  loop?: boolean;
  /** Deliver blocks at real-time pace, as a capture device would (default true); false: as fast as read. */
  paced?: boolean;
  /** Frames per block, 64..16384 (default 1024, 21 ms at 48 kHz, like capture). */
  blockFrames?: number;
  /** Seconds of audio the queue holds for a slow reader before the oldest blocks are dropped, 0.1..30 (default 1). */
  queueSec?: number;
  /** Stop after this much audio, s (default: never when looping, the file's length otherwise). */
  maxSec?: number;
  /** Name shown as the device (default `file:<basename>`). */
  name?: string;
  /** Longest file accepted, s (default 600): the file is held in memory. */
  maxFileSec?: number;
}

/** How often the pacing timer hands over the blocks that are due, ms. */
const PACE_TICK_MS = 10;

/**
 * A file played as a live input: the demo's stand-in for a capture device, and a way to listen to
 * a file through the same streaming path as `ama listen`. The file is decoded into memory once.
 * Paced, a timer hands blocks to a bounded queue at the file's real-time rate (from the wall clock,
 * so timer jitter does not drift); when the reader falls behind by more than queueSec the oldest
 * blocks are dropped and counted as overruns, as with capture. Unpaced, blocks are read on demand.
 */
export async function openPlayback(file: string, options: PlaybackOptions = {}): Promise<CaptureSource> {
  const blockFrames = options.blockFrames ?? 1024;
  if (!(Number.isInteger(blockFrames) && blockFrames >= 64 && blockFrames <= 16384)) {
    throw new AmaError('BAD_OPTION', `blockFrames must be a whole number within [64, 16384], got ${blockFrames}`);
  }
  const queueSec = options.queueSec ?? 1;
  if (!(queueSec >= 0.1 && queueSec <= 30)) throw new AmaError('BAD_OPTION', `queueSec must be within [0.1, 30] s, got ${queueSec}`);
  if (options.maxSec !== undefined && !(options.maxSec > 0)) throw new AmaError('BAD_OPTION', `maxSec must be a positive number of seconds, got ${options.maxSec}`);
  const source = await openAudioFile(file);
  const maxFileSec = options.maxFileSec ?? 600;
  if (source.format.durationSec !== null && source.format.durationSec > maxFileSec) {
    throw new AmaError('BAD_OPTION', `${file} is ${Math.round(source.format.durationSec)} s long; playback holds the file in memory and takes at most ${maxFileSec} s: cut an excerpt`);
  }
  const chunks: AudioBlock[] = [];
  for await (const block of source.blocks()) chunks.push(block);
  const channels = source.format.channels;
  const total = chunks.reduce((n, b) => n + b[0].length, 0);
  if (total === 0) throw new AmaError('EMPTY_FILE', `${file} holds no audio frames; choose a file with sound in it`);
  const audio = Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(total);
    let at = 0;
    for (const b of chunks) { out.set(b[c], at); at += b[c].length; }
    return out;
  });
  return new FilePlayback(audio, { ...source.format, durationSec: null }, {
    loop: options.loop ?? true, paced: options.paced ?? true, blockFrames, queueSec,
    maxFrames: options.maxSec !== undefined ? Math.round(options.maxSec * source.format.sampleRate) : (options.loop ?? true) ? Infinity : total,
    name: options.name ?? `file:${path.basename(file)}`,
  });
}

interface Resolved { loop: boolean; paced: boolean; blockFrames: number; queueSec: number; maxFrames: number; name: string }

class FilePlayback implements CaptureSource {
  private readonly queue: AudioBlock[] = [];
  private readonly capacity: number;
  private pos = 0; // next frame of the file
  private produced = 0; // frames produced (delivered or queued or dropped)
  private delivered = 0;
  private overruns = 0;
  private droppedFrames = 0;
  private state: CaptureState = 'running';
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private wake: (() => void) | null = null;
  private reading = false;

  constructor(private readonly audio: Float32Array[], readonly format: AudioFormat, private readonly o: Resolved) {
    this.capacity = Math.max(2, Math.ceil((o.queueSec * format.sampleRate) / o.blockFrames));
  }

  /** The next block of the file (wrapping round when looping), or null at the end. */
  private next(): AudioBlock | null {
    const len = this.audio[0].length;
    const want = Math.min(this.o.blockFrames, this.o.maxFrames - this.produced);
    if (want <= 0 || (!this.o.loop && this.pos >= len)) return null;
    let block: AudioBlock;
    if (this.pos + want <= len) {
      block = this.audio.map((ch) => ch.subarray(this.pos, this.pos + want));
      this.pos += want;
    } else if (!this.o.loop) {
      block = this.audio.map((ch) => ch.subarray(this.pos, len));
      this.pos = len;
    } else {
      block = this.audio.map(() => new Float32Array(want));
      for (let done = 0; done < want;) {
        if (this.pos >= len) this.pos = 0;
        const n = Math.min(want - done, len - this.pos);
        block.forEach((out, c) => out.set(this.audio[c].subarray(this.pos, this.pos + n), done));
        this.pos += n;
        done += n;
      }
    }
    this.produced += block[0].length;
    return block;
  }

  private tick(): void {
    const due = ((performance.now() - this.startedAt) / 1000) * this.format.sampleRate;
    const { blockFrames, maxFrames } = this.o;
    while (this.produced < maxFrames && this.produced + Math.min(blockFrames, maxFrames - this.produced) <= due) {
      const block = this.next();
      if (!block) { this.finish(); break; }
      // Captured when its last frame falls due in real time (timer jitter counts in the delay).
      markArrival(block, this.startedAt + (this.produced / this.format.sampleRate) * 1000);
      this.queue.push(block);
      if (this.queue.length > this.capacity) {
        const dropped = this.queue.shift()!;
        this.overruns++;
        this.droppedFrames += dropped[0].length;
      }
    }
    if (this.produced >= this.o.maxFrames || (!this.o.loop && this.pos >= this.audio[0].length)) this.finish();
    this.wake?.();
  }

  private finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.state === 'running') this.state = 'stopped';
  }

  async *blocks(signal?: AbortSignal): AsyncIterable<AudioBlock> {
    if (this.reading) throw new AmaError('BAD_OPTION', 'a playback source has one reader at a time');
    this.reading = true;
    const onAbort = () => { this.finish(); this.wake?.(); };
    signal?.addEventListener('abort', onAbort);
    try {
      if (!this.o.paced) {
        for (let b = this.next(); b && !signal?.aborted && this.state === 'running'; b = this.next()) {
          this.delivered += b[0].length;
          yield b;
        }
        return;
      }
      this.startedAt = performance.now();
      this.timer = setInterval(() => this.tick(), PACE_TICK_MS);
      while (!signal?.aborted) {
        const block = this.queue.shift();
        if (block) {
          this.delivered += block[0].length;
          yield block;
          continue;
        }
        if (this.state !== 'running') return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.finish();
      this.reading = false;
    }
  }

  stats(): CaptureStats {
    return {
      state: this.state, deviceName: this.o.name, hostApi: this.o.paced ? 'file (real time)' : 'file (unpaced)',
      sampleRate: this.format.sampleRate, channels: this.format.channels, framesPerBuffer: this.o.blockFrames,
      overruns: this.overruns, droppedFrames: this.droppedFrames, inputOverflows: 0, queuedBlocks: this.queue.length,
      queueCapacity: this.capacity, deliveredFrames: this.delivered, losses: 0, gapSec: 0,
    };
  }

  async close(): Promise<void> {
    this.finish();
    this.queue.length = 0;
    this.wake?.();
  }
}
