import { createRequire } from 'node:module';
import path from 'node:path';
import { AmaError, errorMessage } from '../../util/errors.js';
import type { InputDevice } from './types.js';

/**
 * The one adapter over naudiodon (PortAudio), loaded lazily on first use. ama calls it only from the
 * capture process (child.ts), so PortAudio's and its drivers' prints, a stuck driver or a crash never
 * reach the daemon.
 *
 * It uses naudiodon's native binding directly (create/start/read/quit, getDevices, getHostAPIs: the
 * API its index.js wraps), not the Readable wrapper: that wrapper installs a segfault handler writing
 * crash.log into the working directory, reads ahead into a stream buffer, and destroys the stream on
 * any PortAudio status flag. Here a status flag is counted and capture goes on.
 */

interface NativeDevice {
  id: number;
  name: string;
  maxInputChannels: number;
  defaultSampleRate: number;
  hostAPIName: string;
}

interface NativeHostApis {
  defaultHostAPI: number;
  HostAPIs: Array<{ defaultInput: number }>;
}

interface NativeReadResult {
  buf?: Buffer;
  finished?: boolean;
  err?: string;
}

interface NativeStream {
  start(): void;
  read(bytes: number): Promise<NativeReadResult>;
  quit(how: 'WAIT' | 'ABORT'): Promise<void>;
}

interface NativeBinding {
  getDevices(): NativeDevice[];
  getHostAPIs(): NativeHostApis;
  create(options: { inOptions: Record<string, number | boolean> }): NativeStream;
}

/** naudiodon's sampleFormat code for 32-bit float. */
const SAMPLE_FORMAT_FLOAT32 = 1;
/** PortAudio's paNoDevice as naudiodon reports it (an unsigned -1). */
const NO_DEVICE = 0xffffffff;

let binding: NativeBinding | null = null;

function native(): NativeBinding {
  if (binding) return binding;
  try {
    const require = createRequire(import.meta.url);
    const root = path.dirname(require.resolve('naudiodon/package.json'));
    // Resolve `bindings` as naudiodon itself does, from its own folder.
    const bindings = createRequire(path.join(root, 'index.js'))('bindings') as (o: { bindings: string; module_root: string }) => NativeBinding;
    binding = bindings({ bindings: 'naudiodon.node', module_root: root });
    return binding;
  } catch (err) {
    throw new AmaError(
      'INTERNAL',
      `PortAudio support could not be loaded (${errorMessage(err)}); run "npm rebuild naudiodon" (it needs a C++ compiler and, on Linux, libasound2-dev)`,
      { cause: err },
    );
  }
}

/** Input devices PortAudio sees now (each call re-reads the host APIs when no stream is open). */
export function enumerateInputDevices(): InputDevice[] {
  const pa = native();
  const devices = pa.getDevices();
  const apis = pa.getHostAPIs();
  const defaultInput = apis.HostAPIs[apis.defaultHostAPI]?.defaultInput ?? NO_DEVICE;
  return devices
    .filter((d) => d.maxInputChannels > 0)
    .map((d) => ({
      index: d.id,
      name: d.name,
      hostApi: d.hostAPIName,
      maxInputChannels: d.maxInputChannels,
      defaultSampleRate: d.defaultSampleRate,
      isDefault: d.id === defaultInput,
    }));
}

/** What one read of a PortAudioInput returned. */
export type InputRead =
  | { kind: 'audio'; bytes: Buffer }
  /** PortAudio flagged the stream (e.g. input overflow); the block read with the flag is lost. */
  | { kind: 'status'; text: string }
  /** The stream was quit. */
  | { kind: 'end' };

/** An open PortAudio float32 input stream. */
export interface PortAudioInput {
  /** Starts the stream (the device's callback begins filling the native queue). */
  start(): void;
  /** Waits for `frames` frames, interleaved float32. */
  read(frames: number): Promise<InputRead>;
  /** Stops and closes the stream (abort: drops what the driver holds), and releases a pending read. */
  close(): Promise<void>;
}

/** Options of openInput. */
export interface OpenInputOptions {
  deviceIndex: number;
  /** Hz. */
  sampleRate: number;
  channels: number;
  /** Frames per PortAudio callback. */
  framesPerBuffer: number;
  /** Blocks the native queue holds before the PortAudio callback waits for a reader. */
  nativeQueue: number;
}

/** Opens a float32 input stream; throws PortAudio's own message ("Format not supported: Invalid sample rate"). */
export function openInput(o: OpenInputOptions): PortAudioInput {
  const stream = native().create({
    inOptions: {
      deviceId: o.deviceIndex,
      sampleRate: o.sampleRate,
      channelCount: o.channels,
      sampleFormat: SAMPLE_FORMAT_FLOAT32,
      maxQueue: o.nativeQueue,
      framesPerBuffer: o.framesPerBuffer,
      closeOnError: true, // status flags come back from read() instead of being printed
    },
  });
  const bytesPerFrame = 4 * o.channels;
  let closing: Promise<void> | null = null;
  return {
    start: () => stream.start(),
    async read(frames: number): Promise<InputRead> {
      if (closing) return { kind: 'end' };
      const r = await stream.read(frames * bytesPerFrame);
      if (r.err) return { kind: 'status', text: r.err.replace(/^portAudio status - /, '').trim() };
      if (r.finished || !r.buf || r.buf.length === 0) return { kind: 'end' };
      return { kind: 'audio', bytes: r.buf };
    },
    close(): Promise<void> {
      closing ??= stream.quit('ABORT');
      return closing;
    },
  };
}

/** The standard rates among `rates` at which the device opens with `channels` channels (each is opened and closed). */
export async function probeRates(deviceIndex: number, channels: number, rates: number[]): Promise<number[]> {
  const ok: number[] = [];
  for (const sampleRate of rates) {
    try {
      const s = openInput({ deviceIndex, sampleRate, channels, framesPerBuffer: 1024, nativeQueue: 2 });
      await s.close();
      ok.push(sampleRate);
    } catch {
      // refused: not supported
    }
  }
  return ok;
}
