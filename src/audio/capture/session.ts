import { AmaError } from '../../util/errors.js';
import type { ChildConfig, ChildStatus, Frame } from './protocol.js';
import { CaptureProcess, type ChildExit } from './spawn.js';
import type { CaptureLaunch } from './types.js';

/** The `opened` status: the device, rate, channels and block size the capture process got. */
export type Opened = Extract<ChildStatus, { type: 'opened' }>;

/** Why a capture process could not open its device: the AmaError for the caller, and a few words for retries. */
export class OpenFailed extends AmaError {
  /** e.g. `no input device named "dawjack"`, for "still unavailable (...)" sentences. */
  readonly reason: string;
  constructor(code: 'BAD_OPTION' | 'INTERNAL', message: string, reason: string) {
    super(code, message);
    this.reason = reason;
  }
}

/** What a session reports, in order: opened (once), audio frames, and ended when it stops after opening. */
export interface SessionHandlers {
  opened(status: Opened): void;
  audio(frame: Extract<Frame, { kind: 'audio' }>): void;
  /** The process ended after opening (not by stop()): a sentence fragment saying how. */
  ended(why: string): void;
}

/** One capture process opening a device: `opened` resolves once the device is open, or rejects with OpenFailed. */
export interface Session {
  proc: CaptureProcess;
  opened: Promise<void>;
}

/** Starts a capture process; throws AmaError INTERNAL at once when it cannot even be started. */
export function startSession(config: ChildConfig, launch: CaptureLaunch, openTimeoutSec: number, on: SessionHandlers): Session {
  let settle: { resolve: () => void; reject: (e: OpenFailed) => void } | null = null;
  const opened = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let error: Extract<ChildStatus, { type: 'error' }> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const proc = new CaptureProcess(config, launch, {
    onFrame(f) {
      if (f.kind === 'audio') {
        if (!settle) on.audio(f);
      } else if (f.status.type === 'error') {
        error = f.status;
      } else if (f.status.type === 'opened' && settle) {
        const s = settle;
        settle = null;
        clearTimeout(timer);
        on.opened(f.status); // before any audio frame of the same chunk
        s.resolve();
      }
    },
    onExit(exit) {
      clearTimeout(timer);
      const ended = exit.reason ?? `the capture process ended (${exit.signal ?? `exit code ${exit.code}`})${lastLine(exit.stderrTail)}`;
      if (settle) {
        const s = settle;
        settle = null;
        s.reject(openFailed(error, exit, ended));
      } else {
        on.ended(ended);
      }
    },
  });
  timer = setTimeout(() => void proc.stop(`the device did not open within ${openTimeoutSec} s`, 0), openTimeoutSec * 1000);
  return { proc, opened };
}

function openFailed(error: Extract<ChildStatus, { type: 'error' }> | null, exit: ChildExit, ended: string): OpenFailed {
  if (error) return new OpenFailed(error.code === 'NO_DEVICE' || error.code === 'BAD_FORMAT' ? 'BAD_OPTION' : 'INTERNAL', error.message, error.reason);
  const tail = exit.stderrTail ? `\n${exit.stderrTail}` : '';
  return new OpenFailed('INTERNAL', `Could not start capturing: ${exit.reason ?? `${ended} before opening the device`}.${tail}`, exit.reason ?? ended);
}

function lastLine(text: string): string {
  const line = text.trim().split('\n').pop();
  return line ? `: ${line}` : '';
}
