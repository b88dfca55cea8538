/**
 * Live capture through PortAudio. PortAudio runs in a capture process of its own (child.ts, the only
 * code that loads naudiodon, through portaudio.ts); this side spawns it, reads its blocks into a
 * bounded queue, and retries it with backoff when the device is lost.
 */
export { openCapture } from './source.js';
export { listInputDevices, defaultLaunch } from './spawn.js';
export { describeDevice, resolveDevice } from './devices.js';
export { DEFAULT_FRAMES_PER_BUFFER } from './options.js';
export type { CaptureEvent, CaptureLaunch, CaptureOptions, CaptureSource, CaptureState, CaptureStats, InputDevice } from './types.js';
