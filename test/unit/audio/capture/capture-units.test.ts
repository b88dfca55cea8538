import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableSentence, channelsProblem, rateProblem, resolveDevice } from '../../../../src/audio/capture/devices.js';
import { resolveOptions } from '../../../../src/audio/capture/options.js';
import { deinterleave, encodeAudio, encodeStatus, FrameReader, HEADER_BYTES } from '../../../../src/audio/capture/protocol.js';
import { BlockRing } from '../../../../src/audio/capture/ring.js';
import type { InputDevice } from '../../../../src/audio/capture/types.js';
import { renderDevices } from '../../../../src/cli/devices.js';
import { ROOT } from '../../../helpers/cli.js';

// The pure parts of capture (no PortAudio): the frame protocol, the queue, device choice, options.

const dev = (index: number, name: string, extra: Partial<InputDevice> = {}): InputDevice => ({
  index, name, hostApi: 'ALSA', maxInputChannels: 2, defaultSampleRate: 48000, isDefault: false, ...extra,
});
const DEVICES = [dev(0, 'BlackHole 2ch'), dev(1, 'BlackHole 16ch', { maxInputChannels: 16 }), dev(2, 'MacBook Pro Microphone', { maxInputChannels: 1, isDefault: true })];

describe('capture frame protocol', () => {
  it('round-trips audio and status frames however the byte stream is cut', () => {
    const samples = Float32Array.from({ length: 2 * 300 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? -1 : 1));
    const bytes = Buffer.concat([
      encodeStatus({ type: 'opened', device: DEVICES[0], sampleRate: 48000, channels: 2, framesPerBuffer: 300 }),
      ...encodeAudio(Buffer.from(samples.buffer), 1234567, { droppedBlocks: 3, inputOverflows: 1 }),
      ...encodeAudio(Buffer.from(samples.buffer, 4, 8 * 2), 1234567 + 300, { droppedBlocks: 4, inputOverflows: 1 }),
    ]);
    for (const cut of [1, 3, 7, HEADER_BYTES, 1000, bytes.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let i = 0; i < bytes.length; i += cut) frames.push(...reader.push(bytes.subarray(i, i + cut)));
      expect(reader.pendingBytes).toBe(0);
      expect(frames.map((f) => f.kind)).toEqual(['status', 'audio', 'audio']);
      expect(frames[0]).toMatchObject({ status: { type: 'opened', device: { name: 'BlackHole 2ch' }, framesPerBuffer: 300 } });
      const a = frames[1] as Extract<(typeof frames)[number], { kind: 'audio' }>;
      expect(a.startFrame).toBe(1234567);
      expect(a.counters).toEqual({ droppedBlocks: 3, inputOverflows: 1 });
      expect(Buffer.from(a.samples.buffer).equals(Buffer.from(samples.buffer))).toBe(true);
      const b = frames[2] as typeof a;
      expect(Array.from(b.samples)).toEqual(Array.from(samples.subarray(1, 5)));
    }
  });

  it('refuses bytes that are not frames', () => {
    expect(() => new FrameReader().push(Buffer.from('PortAudio V19.6.0-devel, revision unknown\n'))).toThrow(/not a frame/);
  });

  it('deinterleaves into planar channels', () => {
    expect(deinterleave(Float32Array.from([1, 2, 3, 4, 5, 6]), 3).map((c) => Array.from(c))).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});

describe('BlockRing', () => {
  const block = (v: number, n = 4): Float32Array[] => [new Float32Array(n).fill(v)];
  it('drops the oldest block when full, and counts it', () => {
    const ring = new BlockRing(3, 'drop');
    for (let v = 1; v <= 5; v++) ring.push(block(v));
    expect(ring.size).toBe(3);
    expect([ring.shift()![0][0], ring.shift()![0][0], ring.shift()![0][0]]).toEqual([3, 4, 5]);
    expect(ring.shift()).toBeUndefined();
    expect({ blocks: ring.droppedBlocks, frames: ring.droppedFrames }).toEqual({ blocks: 2, frames: 8 });
  });
  it("in 'wait' mode keeps every block and says when the producer should pause", () => {
    const ring = new BlockRing(2, 'wait');
    ring.push(block(1));
    expect(ring.full).toBe(false);
    ring.push(block(2));
    ring.push(block(3));
    expect(ring.full).toBe(true);
    expect(ring.droppedBlocks).toBe(0);
    expect([ring.shift()![0][0], ring.shift()![0][0], ring.shift()![0][0]]).toEqual([1, 2, 3]);
  });
});

describe('choosing an input device', () => {
  it('matches names exactly, then ignoring case, then by a unique part; indexes by number', () => {
    const pick = (spec: string | number | null) => {
      const r = resolveDevice(DEVICES, spec);
      return r.ok ? r.device.index : r.message;
    };
    expect(pick('BlackHole 16ch')).toBe(1);
    expect(pick('blackhole 2CH')).toBe(0);
    expect(pick('microphone')).toBe(2);
    expect(pick(1)).toBe(1);
    expect(pick('1')).toBe(1);
    expect(pick(null)).toBe(2);
    expect(pick('blackhole')).toBe('"blackhole" matches several input devices: 0 BlackHole 2ch (ALSA, 2 ch, 48000 Hz), 1 BlackHole 16ch (ALSA, 16 ch, 48000 Hz). Give the full name or the index.');
    expect(pick('Scarlett')).toBe('No input device named "Scarlett". Available: 0 BlackHole 2ch (ALSA, 2 ch, 48000 Hz), 1 BlackHole 16ch (ALSA, 16 ch, 48000 Hz), 2 MacBook Pro Microphone (ALSA, 1 ch, 48000 Hz, default).');
    expect(pick(7)).toMatch(/^No input device has index 7\. Available: 0 BlackHole 2ch/);
    expect(resolveDevice(DEVICES.slice(0, 2), null)).toMatchObject({ ok: false, reason: 'no default input device' });
    expect(availableSentence([])).toMatch(/^PortAudio finds no input device at all/);
  });

  it('says what the device supports', () => {
    expect(channelsProblem(DEVICES[2], 2)).toBe('Input device "MacBook Pro Microphone" has 1 input channel; cannot capture 2. Pass --channels 1 to 1.');
    expect(channelsProblem(DEVICES[1], 16)).toBeNull();
    expect(rateProblem(DEVICES[0], 44100, [48000, 96000], 'Format not supported: Invalid sample rate')).toBe(
      'Input device "BlackHole 2ch" cannot capture at 44100 Hz (PortAudio: Format not supported: Invalid sample rate); it supports 48000, 96000 Hz (default 48000 Hz). Pass --rate 48000.',
    );
  });

  it('prints the device table', () => {
    const table = renderDevices(DEVICES);
    expect(table.split('\n')[0]).toMatch(/^\s+index\s+name\s+host API\s+channels\s+default rate$/);
    expect(table).toMatch(/\*\s+2\s+MacBook Pro Microphone\s+ALSA\s+1\s+48000 Hz/);
    expect(renderDevices([])).toMatch(/^No input devices found\./);
  });
});

describe('capture options', () => {
  it('reports every problem at once, as name: problem', () => {
    expect(() => resolveOptions({ device: -1, queueSec: 0, retryMinSec: 2, retryMaxSec: 1 })).toThrow(
      'Capture options are not valid:\ndevice: an index must be an integer >= 0, got -1; run "ama devices" to see them\nqueueSec: must be a number within [0.1, 30], got 0\nretryMaxSec: must be >= retryMinSec (2), got 1',
    );
    expect(resolveOptions({ device: undefined })).toMatchObject({ device: null, sampleRate: null, channels: null, framesPerBuffer: 1024, queueSec: 1, lostAfterSec: 2, retryMinSec: 0.5, retryMaxSec: 8, lossless: false });
  });
});

describe('the native module stays in one adapter', () => {
  it('only src/audio/capture/portaudio.ts names naudiodon, and only the capture process imports that adapter', () => {
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const rel = (f: string) => path.relative(ROOT, f);
    const sources = [...files(path.join(ROOT, 'src')), ...files(path.join(ROOT, 'agents'))];
    const naming = sources.filter((f) => /['"]naudiodon['"/]/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(naming).toEqual(['src/audio/capture/portaudio.ts']);
    const importing = sources.filter((f) => /from '\.\/portaudio\.js'|capture\/portaudio\.js'/.test(fs.readFileSync(f, 'utf8'))).map(rel);
    expect(importing).toEqual(['src/audio/capture/child.ts']);
  });
});
