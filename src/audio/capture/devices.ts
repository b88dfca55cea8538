import type { InputDevice } from './types.js';

/**
 * Choosing an input device from PortAudio's list, and the sentences that say why one cannot be used.
 * Pure functions: the capture process calls them on the list it just read.
 */

/** Rates probed to tell what a device supports when a rate is refused, Hz. */
export const STANDARD_RATES = [8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000];

/** `0 fakecapture (ALSA, 2 ch, 48000 Hz)`, with `, default` for the default input. */
export function describeDevice(d: InputDevice): string {
  return `${d.index} ${d.name} (${d.hostApi}, ${d.maxInputChannels} ch, ${d.defaultSampleRate} Hz${d.isDefault ? ', default' : ''})`;
}

/** `Available: 0 fakecapture (ALSA, 2 ch, 48000 Hz), 1 default (...)`, or why there are none. */
export function availableSentence(devices: InputDevice[]): string {
  if (devices.length === 0) {
    return 'PortAudio finds no input device at all: connect one, or start the loopback driver / JACK server that provides it, then run "ama devices".';
  }
  return `Available: ${devices.map(describeDevice).join(', ')}.`;
}

/** The device a --device value picks, or a sentence saying why none is picked (with the list). */
export type Resolution = { ok: true; device: InputDevice } | { ok: false; reason: string; message: string };

/**
 * Resolves a device spec: a number (or a string of digits) is an index; a string is a name, matched
 * exactly, then ignoring case, then as a part of one name (it must be unique); undefined/null is
 * PortAudio's default input.
 */
export function resolveDevice(devices: InputDevice[], spec: string | number | null | undefined): Resolution {
  const list = availableSentence(devices);
  if (spec === undefined || spec === null || spec === '') {
    const d = devices.find((x) => x.isDefault);
    if (d) return { ok: true, device: d };
    return { ok: false, reason: 'no default input device', message: `There is no default input device; pick one with --device NAME or INDEX. ${list}` };
  }
  if (typeof spec === 'number' || /^\d+$/.test(spec.trim())) {
    const index = typeof spec === 'number' ? spec : Number(spec.trim());
    const d = devices.find((x) => x.index === index);
    if (d) return { ok: true, device: d };
    return { ok: false, reason: `no input device ${index}`, message: `No input device has index ${index}. ${list}` };
  }
  const exact = devices.filter((x) => x.name === spec);
  if (exact.length >= 1) return { ok: true, device: exact[0] };
  const lower = spec.toLowerCase();
  const caseless = devices.filter((x) => x.name.toLowerCase() === lower);
  if (caseless.length >= 1) return { ok: true, device: caseless[0] };
  const partial = devices.filter((x) => x.name.toLowerCase().includes(lower));
  if (partial.length === 1) return { ok: true, device: partial[0] };
  if (partial.length > 1) {
    return {
      ok: false,
      reason: `"${spec}" matches several input devices`,
      message: `"${spec}" matches several input devices: ${partial.map(describeDevice).join(', ')}. Give the full name or the index.`,
    };
  }
  return { ok: false, reason: `no input device named "${spec}"`, message: `No input device named "${spec}". ${list}` };
}

/** Why `channels` cannot be captured from `d`, or null when it can. */
export function channelsProblem(d: InputDevice, channels: number): string | null {
  if (Number.isInteger(channels) && channels >= 1 && channels <= d.maxInputChannels) return null;
  return `Input device "${d.name}" has ${d.maxInputChannels} input channel${d.maxInputChannels === 1 ? '' : 's'}; cannot capture ${channels}. Pass --channels 1 to ${d.maxInputChannels}.`;
}

/** The sentence for a refused sample rate, given the standard rates the device accepted. */
export function rateProblem(d: InputDevice, sampleRate: number, supported: number[], detail: string): string {
  const which = supported.length ? `it supports ${supported.join(', ')} Hz` : 'it accepted none of the standard rates either';
  const fix = supported.length ? ` Pass --rate ${supported.includes(d.defaultSampleRate) ? d.defaultSampleRate : supported[0]}.` : '';
  return `Input device "${d.name}" cannot capture at ${sampleRate} Hz (PortAudio: ${detail}); ${which} (default ${d.defaultSampleRate} Hz).${fix}`;
}
