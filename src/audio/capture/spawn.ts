import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AmaError, errorMessage } from '../../util/errors.js';
import { FrameReader, type ChildConfig, type ChildStatus, type Frame } from './protocol.js';
import type { CaptureLaunch, InputDevice } from './types.js';

/** The compiled capture process next to this module. */
export function defaultLaunch(): CaptureLaunch {
  return { entry: fileURLToPath(new URL('./child.js', import.meta.url)) };
}

/** How a capture process ended: its exit code or signal, and the end of what it printed on stderr. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines of its stderr (ALSA/JACK messages), for error reports. */
  stderrTail: string;
  /** Set when ama stopped it, or could not read what it sent. */
  reason: string | null;
}

/** What a CaptureProcess reports, in order. */
export interface ChildHandlers {
  onFrame(frame: Frame): void;
  onExit(exit: ChildExit): void;
}

const STDERR_TAIL_CHARS = 2000;

/**
 * One capture process (child.ts): started at construction, reported through handlers until onExit,
 * which always comes exactly once. stop() ends it cleanly (stdin closed, so it quits its stream),
 * killing it when it does not exit within the grace period.
 */
export class CaptureProcess {
  private readonly child: ChildProcess;
  private readonly frames: Readable;
  private readonly reader = new FrameReader();
  private stderrTail = '';
  private reason: string | null = null;
  private exitInfo: ChildExit | null = null;
  private readonly exited: Promise<ChildExit>;

  /** Starts the process; throws AmaError INTERNAL when its entry module is missing (ama not built). */
  constructor(config: ChildConfig, launch: CaptureLaunch, private readonly handlers: ChildHandlers) {
    if (!existsSync(launch.entry)) {
      throw new AmaError('INTERNAL', `the capture process ${launch.entry} is missing; build ama first (npm run build)`);
    }
    this.child = spawn(process.execPath, [...(launch.execArgv ?? []), launch.entry, JSON.stringify(config)], {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      env: launch.env ?? process.env,
    });
    this.frames = this.child.stdio[3] as Readable;
    const stdin = this.child.stdin as Writable;
    stdin.on('error', () => undefined); // EPIPE when it has already gone; its exit is reported below
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (process.env.AMA_DEBUG) process.stderr.write(text.replace(/^(?=.)/gm, 'ama capture: '));
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    this.frames.on('data', (chunk: Buffer) => this.onData(chunk));
    this.frames.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.reason ??= `could not start the capture process: ${errorMessage(err)}`;
      });
      // 'close' comes after the exit and after fd 3 has delivered everything.
      this.child.on('close', (code, signal) => {
        this.exitInfo = { code, signal, stderrTail: this.stderrTail.trim(), reason: this.reason };
        resolve(this.exitInfo);
        try {
          this.handlers.onExit(this.exitInfo);
        } catch {
          // a handler's failure must not stop the others
        }
      });
    });
  }

  private onData(chunk: Buffer): void {
    if (this.exitInfo) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.reason ??= errorMessage(err);
      this.child.kill('SIGKILL');
      return;
    }
    for (const f of frames) this.handlers.onFrame(f);
  }

  /** Stops reading its frames (it then blocks or drops, as configured). */
  pause(): void {
    this.frames.pause();
  }

  /** Reads its frames again. */
  resume(): void {
    this.frames.resume();
  }

  /** Process id, for diagnostics. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ends it: closes its stdin, waits up to graceMs for it to close its stream and exit, then kills it. */
  async stop(reason: string, graceMs = 2000): Promise<ChildExit> {
    if (this.exitInfo) return this.exitInfo;
    this.reason ??= reason;
    this.frames.resume(); // a paused pipe would keep it blocked on a write
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** Runs a capture process in list mode: PortAudio's input devices now. */
export async function listInputDevices(opts: { launch?: CaptureLaunch; timeoutSec?: number } = {}): Promise<InputDevice[]> {
  let devices: InputDevice[] | null = null;
  let error: Extract<ChildStatus, { type: 'error' }> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const exit = await new Promise<ChildExit>((resolve) => {
    const proc = new CaptureProcess({ mode: 'list' }, opts.launch ?? defaultLaunch(), {
      onFrame(f) {
        if (f.kind !== 'status') return;
        if (f.status.type === 'devices') devices = f.status.devices;
        else if (f.status.type === 'error') error = f.status;
      },
      onExit: resolve,
    });
    timer = setTimeout(() => void proc.stop(`PortAudio did not list its devices within ${opts.timeoutSec ?? 15} s`, 0), (opts.timeoutSec ?? 15) * 1000);
  });
  clearTimeout(timer);
  if (devices) return devices;
  const why = (error as { message: string } | null)?.message ?? exit.reason ?? `the capture process ended (${exit.signal ?? `exit code ${exit.code}`})`;
  throw new AmaError('INTERNAL', `Could not list the input devices: ${why}${exit.stderrTail ? `\n${exit.stderrTail}` : ''}`);
}
