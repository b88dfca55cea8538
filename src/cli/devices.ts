import { listInputDevices, type CaptureLaunch, type InputDevice } from '../audio/capture/index.js';
import { AmaError, errorMessage } from '../util/errors.js';

/** Options of `ama devices`. */
export interface DevicesOptions {
  /** Print a JSON array of { index, name, hostApi, maxInputChannels, defaultSampleRate, isDefault }. */
  json?: boolean;
  /** How to start the capture process (tests run the TypeScript sources). */
  launch?: CaptureLaunch;
}

/**
 * `ama devices [--json]`: the input devices PortAudio sees, with what `--device` accepts (the index or
 * the name). Returns the process exit code: 0 listed (even none), 1 PortAudio could not be asked.
 */
export async function runDevices(opts: DevicesOptions): Promise<number> {
  let devices: InputDevice[];
  try {
    devices = await listInputDevices({ launch: opts.launch });
  } catch (err) {
    process.stderr.write(`ama: ${errorMessage(err)}\n`);
    if (!(err instanceof AmaError) && process.env.AMA_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify(devices, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(renderDevices(devices) + '\n');
  return 0;
}

/** The readable table: index, name, host API, channels, default rate; `*` marks the default input. */
export function renderDevices(devices: InputDevice[]): string {
  if (devices.length === 0) {
    return [
      'No input devices found.',
      'Route your DAW\'s master into a capture device first: a loopback driver (BlackHole on macOS,',
      'VB-CABLE on Windows) or JACK/PipeWire on Linux, then run "ama devices" again.',
    ].join('\n');
  }
  const header = ['', 'index', 'name', 'host API', 'channels', 'default rate'];
  const rows = devices.map((d) => [d.isDefault ? '*' : '', String(d.index), d.name, d.hostApi, String(d.maxInputChannels), `${d.defaultSampleRate} Hz`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([1, 4, 5]);
  const line = (cells: string[]): string =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  out.push('', 'Capture with: ama listen --device NAME or --device INDEX (* is the default input).');
  return out.join('\n');
}
