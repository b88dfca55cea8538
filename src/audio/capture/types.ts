import type { AudioSource } from '../types.js';

/** An input device as PortAudio lists it. */
export interface InputDevice {
  /** PortAudio device index (changes when devices come and go; names are steadier). */
  index: number;
  /** Device name as the host API gives it, e.g. "BlackHole 2ch", "dawjack". */
  name: string;
  /** Host API: ALSA, OSS, CoreAudio, WASAPI, ... */
  hostApi: string;
  /** Most input channels the device offers, >= 1. */
  maxInputChannels: number;
  /** The device's default sample rate, Hz. */
  defaultSampleRate: number;
  /** Whether this is PortAudio's default input device. */
  isDefault: boolean;
}

/** How to start the capture process (the only process that loads PortAudio). */
export interface CaptureLaunch {
  /** Its entry module: the compiled child.js by default. */
  entry: string;
  /** Node options for it (tests pass a TypeScript loader here). */
  execArgv?: string[];
  /** Its environment; process.env by default (ALSA_CONFIG_PATH, JACK_DEFAULT_SERVER are read there). */
  env?: NodeJS.ProcessEnv;
}

/** Options of openCapture. */
export interface CaptureOptions {
  /** Device name (exact, then case-insensitive, then a unique part of it), index, or undefined for the default input. */
  device: string | number | undefined;
  /** Sample rate in Hz; default: the device's default rate. */
  sampleRate?: number;
  /** Channels to capture, 1..device maximum; default min(2, maximum). */
  channels?: number;
  /** Frames per block, 64..16384; default 1024 (21 ms at 48 kHz). */
  framesPerBuffer?: number;
  /** Seconds of audio the queue holds for a slow reader before dropping, 0.1..30; default 1. */
  queueSec?: number;
  /**
   * Wait for the reader instead of dropping audio. Only for devices that are not paced in real time
   * (an ALSA file PCM, a render-to-device): on a live device the driver would overflow instead.
   */
  lossless?: boolean;
  /** Seconds without audio, while running, after which the device counts as lost; default 2. */
  lostAfterSec?: number;
  /** First retry delay after a loss, s (doubles up to retryMaxSec); default 0.5. */
  retryMinSec?: number;
  /** Longest retry delay, s; default 8. */
  retryMaxSec?: number;
  /** Seconds to wait for the device to open (first open and each retry); default 15. */
  openTimeoutSec?: number;
  /** Called on every state change and (at most once a second) on overruns; errors it throws are ignored. */
  onEvent?: (event: CaptureEvent) => void;
  /** How to start the capture process; tests use it to run the TypeScript sources. */
  launch?: CaptureLaunch;
}

/** running: audio flows; lost: the device is gone and a retry is scheduled; retrying: reopening it; stopped: closed. */
export type CaptureState = 'running' | 'lost' | 'retrying' | 'stopped';

/** Something the engineer should see: a state change or overruns, with a sentence. */
export interface CaptureEvent {
  /** lost / retrying / resumed / stopped are state changes; overrun reports dropped audio. */
  type: 'lost' | 'retrying' | 'resumed' | 'stopped' | 'overrun';
  /** The state after the event. */
  state: CaptureState;
  /** One sentence a musician can read, e.g. `Lost input device "dawjack": no audio for 2.0 s. Retrying in 0.5 s.` */
  message: string;
  /** Seconds until the next retry (lost only). */
  retryInSec?: number;
  /** Seconds without audio (resumed only). */
  gapSec?: number;
}

/** Counters of a capture, cumulative since openCapture. */
export interface CaptureStats {
  state: CaptureState;
  /** Name of the device being captured. */
  deviceName: string;
  /** Host API of the device. */
  hostApi: string;
  /** Hz. */
  sampleRate: number;
  channels: number;
  /** Frames per block. */
  framesPerBuffer: number;
  /**
   * Times audio was dropped because ama did not keep up: blocks dropped from the full queue (the oldest
   * go), blocks the capture process could not hand over (the newest go), and PortAudio input overflows.
   */
  overruns: number;
  /** Frames lost to overruns (device-loss gaps are in gapSec, not here). */
  droppedFrames: number;
  /** Of the overruns, input overflows that PortAudio itself flagged. */
  inputOverflows: number;
  /** Blocks waiting in the queue now. */
  queuedBlocks: number;
  /** Most blocks the queue holds. */
  queueCapacity: number;
  /** Frames handed to the reader so far. */
  deliveredFrames: number;
  /** Times the device was lost. */
  losses: number;
  /** Seconds without a device, summed over losses (the current one included). */
  gapSec: number;
}

/** A live input: an AudioSource whose blocks() goes on until aborted, through device losses. */
export interface CaptureSource extends AudioSource {
  /**
   * Captured blocks of framesPerBuffer frames, planar float32. One reader at a time; it waits while the
   * device is lost and goes on when it is back (no marker in the stream: see events and stats().gapSec).
   * Ends (without error) when the signal aborts or close() is called, and then closes the capture.
   */
  blocks(signal?: AbortSignal): AsyncIterable<Float32Array[]>;
  /** Counters and state, as a fresh object. */
  stats(): CaptureStats;
  /** Stops capturing and closes the PortAudio stream; safe to call more than once. */
  close(): Promise<void>;
}
