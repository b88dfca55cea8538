import { createRequire } from 'node:module';
import { listInputDevices, openCapture, resolveDevice } from '../audio/capture/index.js';
import type { CaptureEvent, CaptureSource } from '../audio/capture/types.js';
import { Daemon, loadTargetWithProgress, type DaemonOptions } from '../daemon/daemon.js';
import { AmaError } from '../util/errors.js';
import { dawSettings, type DawCliOptions } from './dawOptions.js';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

/** Options shared by `ama listen` and `ama demo`, as commander gives them (numbers as strings); the DAW push's come from src/cli/dawOptions.ts. */
export interface LiveCliOptions extends DawCliOptions {
  wsPort?: string;
  wsHost?: string;
  token?: string;
  /** False with --no-ws. */
  ws?: boolean;
  window?: string;
  /** False with --no-dashboard. */
  dashboard?: boolean;
  json?: boolean;
  seconds?: string;
}

/** Options of `ama listen`. */
export interface ListenCliOptions extends LiveCliOptions {
  device?: string;
  rate?: string;
  channels?: string;
  ref: string[];
  /** The device is not paced in real time (an ALSA file PCM, a render-to-device): wait for ama instead of dropping audio. */
  lossless?: boolean;
}

/** The live options, validated. */
export interface LiveSettings {
  feed: DaemonOptions['feed'];
  windowSec: number;
  output: DaemonOptions['output'];
  stopAfterSec: number | null;
  daw: DaemonOptions['daw'];
}

/** A number option within [lo, hi] (whole when `integer`), or a `--name: message` problem. */
function numberOption(problems: string[], name: string, raw: string | undefined, lo: number, hi: number, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    problems.push(`--${name}: must be a ${integer ? 'whole ' : ''}number within [${lo}, ${hi}], got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return v;
}

/**
 * Validates the live options once; throws one AmaError BAD_OPTION listing every problem as
 * `--name: message`. The dashboard needs a terminal: without one (or with --json or
 * --no-dashboard) the output is JSON lines (--json) or readable lines.
 */
export function liveSettings(o: LiveCliOptions, extraProblems: string[] = []): LiveSettings {
  const problems = [...extraProblems];
  const port = numberOption(problems, 'ws-port', o.wsPort, 0, 65535, true);
  const windowSec = numberOption(problems, 'window', o.window, 1, 600);
  const seconds = numberOption(problems, 'seconds', o.seconds, 0.1, 1e7);
  if (o.token !== undefined && o.token.length < 8) problems.push('--token: must be at least 8 characters, so that it cannot be guessed');
  const daw = dawSettings(o, problems);
  if (problems.length) throw new AmaError('BAD_OPTION', `invalid options:\n${problems.join('\n')}`);
  const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  const output: DaemonOptions['output'] = o.json ? 'json' : o.dashboard !== false && tty ? 'dashboard' : 'text';
  return {
    feed: o.ws === false ? null : { host: o.wsHost ?? '127.0.0.1', port: port ?? 8787, token: o.token ?? null },
    windowSec: windowSec ?? 30,
    output,
    stopAfterSec: seconds ?? null,
    daw,
  };
}

/** Runs a daemon on a source until it stops; returns the exit code. The source is closed on the way out. */
export async function runDaemon(source: CaptureSource, settings: LiveSettings, extra: Pick<DaemonOptions, 'sourceKind' | 'refs'> & Partial<DaemonOptions>, events?: { forward: (fn: (e: CaptureEvent) => void) => void }): Promise<number> {
  const daemon = new Daemon({ source, version, ...settings, ...extra });
  events?.forward((e) => daemon.sourceEvent(e));
  try {
    await daemon.start();
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  const result = await daemon.done();
  // blessed leaves stdin flowing after it gives the terminal back: let the process end.
  if (process.stdin.isTTY) process.stdin.pause();
  return result.exitCode;
}

/**
 * `ama listen --device D --ref A --ref B`: captures the DAW's master through PortAudio and keeps
 * the meters, the comparison with the references and the proposals current, on the dashboard,
 * the WebSocket feed, or JSON lines. Returns the exit code (0 after a clean stop).
 */
export async function runListen(o: ListenCliOptions): Promise<number> {
  const problems: string[] = [];
  const rate = numberOption(problems, 'rate', o.rate, 8000, 384000, true);
  const channels = numberOption(problems, 'channels', o.channels, 1, 32, true);
  if (!o.ref || o.ref.length === 0) problems.push('--ref: give 2-3 reference tracks (--ref A --ref B)');
  const settings = liveSettings(o, problems);
  const device = o.device === undefined ? undefined : /^\d+$/.test(o.device) ? Number(o.device) : o.device;
  // The device is checked first (a typo should not wait for the references), then the references
  // are loaded, then capture starts (it would overflow its queue while they are analysed).
  const found = resolveDevice(await listInputDevices(), device);
  if (!found.ok) throw new AmaError('BAD_OPTION', found.message);
  const refs = await loadTargetWithProgress(o.ref, (line) => process.stderr.write(line + '\n'));
  let onEvent: ((e: CaptureEvent) => void) | null = null;
  const source = await openCapture({ device, sampleRate: rate, channels, lossless: o.lossless, onEvent: (e) => onEvent?.(e) });
  // An unpaced device's time is its audio's time, and every evaluation is waited for (as `ama demo --fast`).
  return runDaemon(source, settings, { sourceKind: 'device', refs, unpaced: Boolean(o.lossless) }, { forward: (fn) => (onEvent = fn) });
}
