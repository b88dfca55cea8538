import { AmaError } from '../../util/errors.js';
import { markArrival } from '../arrival.js';
import { defaultLayout } from '../layout.js';
import type { AudioBlock, AudioFormat } from '../types.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { deinterleave, type ChildConfig, type Frame } from './protocol.js';
import { BlockRing } from './ring.js';
import { OpenFailed, startSession, type Opened, type Session as ProcessSession } from './session.js';
import { defaultLaunch, type CaptureProcess } from './spawn.js';
import type { CaptureEvent, CaptureOptions, CaptureSource, CaptureState, CaptureStats, InputDevice } from './types.js';

/**
 * Opens a live input through PortAudio (in its own process, see child.ts) and starts capturing into a
 * bounded queue. Throws AmaError BAD_OPTION when the device is not there (the message lists the
 * available ones) or refuses the rate or channel count (it says what the device supports).
 */
export async function openCapture(options: CaptureOptions): Promise<CaptureSource> {
  const capture = new PortAudioCapture(resolveOptions(options));
  await capture.open();
  return capture;
}

/** Counters of one capture process, folded into the totals when it ends. */
interface Counters {
  receivedFrames: number;
  droppedFrames: number;
  droppedBlocks: number;
  inputOverflows: number;
}

const newSession = (): Counters => ({ receivedFrames: 0, droppedFrames: 0, droppedBlocks: 0, inputOverflows: 0 });
const WATCHDOG_MS = 250;
const OVERRUN_EVENT_MS = 1000;

/**
 * The CaptureSource: one capture process at a time; after a loss (no audio for lostAfterSec, or the
 * process ending) the process is stopped and a new one is started after 0.5, 1, 2, 4, 8, 8 ... s,
 * until the device opens again and delivers audio. The format never changes: retries ask for the
 * rate and channel count of the first open.
 */
class PortAudioCapture implements CaptureSource {
  format!: AudioFormat;
  private device!: InputDevice;
  private opened!: Opened;
  private ring!: BlockRing;
  private state: CaptureState = 'retrying';
  private proc: CaptureProcess | null = null;
  private previous: Promise<unknown> = Promise.resolve(); // the stopping of the last process
  private session: Counters = newSession();
  private readonly done = newSession();
  private delivered = 0;
  private losses = 0;
  private gapMs = 0;
  private lostAt: number | null = null;
  private lastAudioAt = 0;
  private lastTick = 0;
  private paused = false;
  private retryMs: number;
  private attempts = 0;
  private failure = '';
  private watchdog: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private reading = false;
  private closing: Promise<void> | null = null;
  private lastOverruns = 0;
  private lastOverrunEvent = 0;

  constructor(private readonly o: ResolvedOptions) {
    this.retryMs = o.retryMinSec * 1000;
  }

  /** First open: any failure is thrown to the caller. */
  async open(): Promise<void> {
    await this.startProcess({ device: this.o.device, sampleRate: this.o.sampleRate, channels: this.o.channels });
    this.state = 'running';
    this.lastAudioAt = this.lastTick = Date.now();
    this.watchdog = setInterval(() => this.checkAudio(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  /** Starts a capture process; resolves once it has opened the device, rejects with OpenFailed. */
  private async startProcess(want: { device: string | number | null; sampleRate: number | null; channels: number | null }): Promise<void> {
    const config: ChildConfig = { mode: 'capture', ...want, framesPerBuffer: this.o.framesPerBuffer, nativeQueue: 32, backlogSec: 0.5, lossless: this.o.lossless };
    const session: ProcessSession = startSession(config, this.o.launch ?? defaultLaunch(), this.o.openTimeoutSec, {
      opened: (s) => this.onOpened(s),
      audio: (f) => {
        if (this.proc === session.proc) this.onAudio(f);
      },
      ended: (why) => {
        if (this.proc === session.proc && this.state === 'running') this.lose(why);
      },
    });
    this.proc = session.proc;
    this.session = newSession();
    this.paused = false;
    try {
      await session.opened;
    } catch (err) {
      if (this.proc === session.proc) this.proc = null;
      this.failure = err instanceof OpenFailed ? err.reason : String(err);
      throw err;
    }
  }

  private onOpened(s: Opened): void {
    if (this.ring) return; // a reopen: same rate and channels were asked for
    this.opened = s;
    this.device = s.device;
    this.format = {
      codec: 'pcm_f32le',
      container: 'portaudio',
      sampleRate: s.sampleRate,
      channels: s.channels,
      durationSec: null,
      bitsPerSample: 32,
      layout: defaultLayout(s.channels),
    };
    const capacity = Math.max(2, Math.ceil((this.o.queueSec * s.sampleRate) / s.framesPerBuffer));
    this.ring = new BlockRing(capacity, this.o.lossless ? 'wait' : 'drop');
  }

  private onAudio(f: Extract<Frame, { kind: 'audio' }>): void {
    const frames = f.samples.length / this.opened.channels;
    const s = this.session;
    s.droppedFrames = f.startFrame - s.receivedFrames;
    s.receivedFrames += frames;
    s.droppedBlocks = f.counters.droppedBlocks;
    s.inputOverflows = f.counters.inputOverflows;
    this.lastAudioAt = Date.now();
    if (this.retryMs !== this.o.retryMinSec * 1000) this.retryMs = this.o.retryMinSec * 1000; // it delivers again
    const block = deinterleave(f.samples, this.opened.channels);
    markArrival(block);
    this.ring.push(block);
    if (this.o.lossless && this.ring.full && !this.paused) {
      this.paused = true;
      this.proc?.pause();
    }
    this.reportOverruns();
    this.wakeReader();
  }

  private reportOverruns(): void {
    const overruns = this.ring.droppedBlocks + this.done.droppedBlocks + this.session.droppedBlocks;
    const now = Date.now();
    if (overruns === this.lastOverruns || now - this.lastOverrunEvent < OVERRUN_EVENT_MS) return;
    const droppedFrames = this.ring.droppedFrames + this.done.droppedFrames + this.session.droppedFrames;
    this.lastOverruns = overruns;
    this.lastOverrunEvent = now;
    const overflows = this.done.inputOverflows + this.session.inputOverflows;
    const sec = (droppedFrames / this.opened.sampleRate).toFixed(1);
    const so = `${overruns} overrun${overruns === 1 ? '' : 's'} so far, ${sec} s of audio dropped`;
    // PortAudio's own overflows mean the driver was not read in time (a stalled machine), not a slow analysis.
    if (overflows === overruns) this.emit('overrun', `The input device overflowed (PortAudio input overflow): ${so}.`);
    else this.emit('overrun', `Analysis is slower than real time: ${so}${overflows ? `, ${overflows} of them PortAudio input overflows` : ''}.`);
  }

  /** Watchdog: a running device that sends nothing for lostAfterSec is lost. */
  private checkAudio(): void {
    const now = Date.now();
    // After the event loop was blocked, the pipe holds audio not read yet: give it one more tick.
    if (now - this.lastTick > 4 * WATCHDOG_MS) this.lastAudioAt = Math.max(this.lastAudioAt, now);
    this.lastTick = now;
    if (this.state !== 'running' || this.paused) return;
    const quietSec = (now - this.lastAudioAt) / 1000;
    if (quietSec >= this.o.lostAfterSec) this.lose(`no audio for ${quietSec.toFixed(1)} s`);
  }

  /** The device is gone: stop its process, count the loss, schedule a retry. */
  private lose(why: string): void {
    if (this.state !== 'running') return;
    this.losses++;
    this.lostAt = Date.now();
    this.endProcess(`device lost: ${why}`);
    this.scheduleRetry(`Lost input device "${this.device.name}": ${why}.`);
  }

  private endProcess(reason: string): void {
    for (const k of ['droppedFrames', 'droppedBlocks', 'inputOverflows'] as const) this.done[k] += this.session[k];
    this.session = newSession();
    const p = this.proc;
    this.proc = null;
    this.paused = false;
    if (p) this.previous = p.stop(reason);
  }

  private scheduleRetry(sentence: string): void {
    this.state = 'lost';
    const delayMs = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.o.retryMaxSec * 1000);
    this.emit('lost', `${sentence} Retrying in ${delayMs / 1000} s.`, { retryInSec: delayMs / 1000 });
    // Not unref'd: while the device is away, this timer is what keeps a capturing process alive.
    this.retryTimer = setTimeout(() => void this.retry(), delayMs);
  }

  private async retry(): Promise<void> {
    this.retryTimer = null;
    if (this.state !== 'lost') return;
    this.state = 'retrying';
    this.attempts++;
    this.emit('retrying', `Reopening input device "${this.device.name}" (attempt ${this.attempts}).`);
    await this.previous.catch(() => undefined); // the old stream must be closed before the device is opened again
    try {
      if (this.state !== 'retrying') return;
      // By name, so a device that came back under another index is found; the format stays the first one's.
      await this.startProcess({ device: this.o.device ?? this.device.name, sampleRate: this.format.sampleRate, channels: this.format.channels });
    } catch {
      if (this.state === 'retrying') this.scheduleRetry(`Input device "${this.device.name}" is still unavailable (${this.failure}).`);
      return;
    }
    if (this.state !== 'retrying') return; // closed meanwhile: close() stops the process
    const gapMs = Date.now() - (this.lostAt ?? Date.now());
    this.gapMs += gapMs;
    this.lostAt = null;
    this.attempts = 0;
    this.state = 'running';
    this.lastAudioAt = Date.now();
    this.emit('resumed', `Input device "${this.device.name}" is back after ${(gapMs / 1000).toFixed(1)} s; capture resumed.`, { gapSec: gapMs / 1000 });
  }

  async *blocks(signal?: AbortSignal): AsyncGenerator<AudioBlock> {
    if (this.reading) throw new AmaError('BAD_OPTION', 'this capture is already being read; a capture has one reader at a time');
    this.reading = true;
    const onAbort = (): void => void this.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (this.state !== 'stopped' && !signal?.aborted) {
        const block = this.ring.shift();
        if (!block) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (this.paused && this.ring.size <= this.ring.capacity / 2) {
          this.paused = false;
          this.lastAudioAt = Date.now();
          this.proc?.resume();
        }
        this.delivered += block[0].length;
        yield block;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.reading = false;
      await this.close();
    }
  }

  private wakeReader(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  stats(): CaptureStats {
    const t = (k: 'droppedFrames' | 'droppedBlocks' | 'inputOverflows'): number => this.done[k] + this.session[k];
    return {
      state: this.state,
      deviceName: this.device.name,
      hostApi: this.device.hostApi,
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      framesPerBuffer: this.opened.framesPerBuffer,
      overruns: this.ring.droppedBlocks + t('droppedBlocks'),
      droppedFrames: this.ring.droppedFrames + t('droppedFrames'),
      inputOverflows: t('inputOverflows'),
      queuedBlocks: this.ring.size,
      queueCapacity: this.ring.capacity,
      deliveredFrames: this.delivered,
      losses: this.losses,
      gapSec: (this.gapMs + (this.lostAt === null ? 0 : Date.now() - this.lostAt)) / 1000,
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.lostAt !== null) this.gapMs += Date.now() - this.lostAt;
      this.lostAt = null;
      this.state = 'stopped';
      if (this.watchdog) clearInterval(this.watchdog);
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.wakeReader();
      this.endProcess('capture stopped');
      await this.previous.catch(() => undefined);
      this.ring.clear();
      this.emit('stopped', `Capture from "${this.device.name}" stopped.`);
    })();
    return this.closing;
  }

  private emit(type: CaptureEvent['type'], message: string, extra: Partial<CaptureEvent> = {}): void {
    try {
      this.o.onEvent?.({ type, state: this.state, message, ...extra });
    } catch {
      // a listener's failure must not stop the capture
    }
  }
}
