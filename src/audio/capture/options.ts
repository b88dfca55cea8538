import { AmaError } from '../../util/errors.js';
import type { CaptureOptions } from './types.js';

/** CaptureOptions checked, with defaults filled in (rate and channels stay null: the device decides). */
export interface ResolvedOptions {
  device: string | number | null;
  sampleRate: number | null;
  channels: number | null;
  framesPerBuffer: number;
  queueSec: number;
  lossless: boolean;
  lostAfterSec: number;
  retryMinSec: number;
  retryMaxSec: number;
  openTimeoutSec: number;
  onEvent: CaptureOptions['onEvent'];
  launch: CaptureOptions['launch'];
}

/** Default frames per block: 21 ms at 48 kHz. */
export const DEFAULT_FRAMES_PER_BUFFER = 1024;

/** Checks every option; throws one AmaError BAD_OPTION listing every problem, each as `name: problem`. */
export function resolveOptions(o: CaptureOptions): ResolvedOptions {
  const problems: string[] = [];
  const num = (name: string, value: number | undefined, min: number, max: number, fallback: number, integer = false): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
      problems.push(`${name}: must be ${integer ? 'an integer' : 'a number'} within [${min}, ${max}], got ${String(value)}`);
    }
    return value;
  };
  const device = o.device ?? null;
  if (typeof device === 'number' && !(Number.isInteger(device) && device >= 0)) {
    problems.push(`device: an index must be an integer >= 0, got ${device}; run "ama devices" to see them`);
  } else if (device !== null && typeof device !== 'number' && typeof device !== 'string') {
    problems.push(`device: must be a name or an index, got ${typeof device}`);
  }
  const resolved: ResolvedOptions = {
    device,
    sampleRate: o.sampleRate === undefined ? null : num('sampleRate', o.sampleRate, 8000, 384000, 0, true),
    channels: o.channels === undefined ? null : num('channels', o.channels, 1, 32, 0, true),
    framesPerBuffer: num('framesPerBuffer', o.framesPerBuffer, 64, 16384, DEFAULT_FRAMES_PER_BUFFER, true),
    queueSec: num('queueSec', o.queueSec, 0.1, 30, 1),
    lossless: o.lossless ?? false,
    lostAfterSec: num('lostAfterSec', o.lostAfterSec, 0.2, 60, 2),
    retryMinSec: num('retryMinSec', o.retryMinSec, 0.05, 60, 0.5),
    retryMaxSec: num('retryMaxSec', o.retryMaxSec, 0.05, 600, 8),
    openTimeoutSec: num('openTimeoutSec', o.openTimeoutSec, 1, 120, 15),
    onEvent: o.onEvent,
    launch: o.launch,
  };
  if (resolved.retryMaxSec < resolved.retryMinSec) problems.push(`retryMaxSec: must be >= retryMinSec (${resolved.retryMinSec}), got ${resolved.retryMaxSec}`);
  if (problems.length) throw new AmaError('BAD_OPTION', `Capture options are not valid:\n${problems.join('\n')}`);
  return resolved;
}
