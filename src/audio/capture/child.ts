import net from 'node:net';
import { errorMessage } from '../../util/errors.js';
import { channelsProblem, rateProblem, resolveDevice, STANDARD_RATES } from './devices.js';
import { openInput, enumerateInputDevices, probeRates, type PortAudioInput } from './portaudio.js';
import { encodeAudio, encodeStatus, type ChildConfig, type ChildCounters, type ChildStatus } from './protocol.js';

/**
 * The capture process: the only process of ama that loads PortAudio. Started by spawn.ts with its
 * config as JSON in argv[2]; its stdout (where PortAudio prints) is discarded, its stderr (ALSA and
 * JACK messages) goes to the parent, and frames (protocol.ts) go out on fd 3.
 * In 'list' mode it sends the input devices and exits. In 'capture' mode it opens the device, sends
 * `opened`, and then reads blocks as fast as the device gives them, never waiting for ama: a block
 * that does not fit in the fd 3 backlog is dropped and counted (lossless: it waits instead).
 * It stops (closing the stream) when its stdin ends (ama closed it, or died) or on SIGTERM; it ignores
 * SIGINT, which a terminal's Ctrl-C sends to ama and to it alike.
 */

const out = new net.Socket({ fd: 3, readable: false, writable: true });
let stopping: Promise<never> | null = null;
let input: PortAudioInput | null = null;

function send(status: ChildStatus): void {
  out.write(encodeStatus(status));
}

/** Closes the stream, flushes fd 3 and exits; the first call decides the exit code. */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    // A stuck driver or reader must not keep the process: ama kills it after its own grace period anyway.
    const closing = input?.close();
    await Promise.race([closing, delay(1500)]).catch(() => undefined);
    await Promise.race([new Promise<void>((r) => out.end(r)), delay(1500)]);
    process.exit(code);
  })();
  return stopping;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function fail(code: Extract<ChildStatus, { type: 'error' }>['code'], reason: string, message: string): Promise<never> {
  send({ type: 'error', code, reason, message });
  return stop(1);
}

async function capture(cfg: Extract<ChildConfig, { mode: 'capture' }>): Promise<never> {
  const devices = enumerateInputDevices();
  const picked = resolveDevice(devices, cfg.device);
  if (!picked.ok) return fail('NO_DEVICE', picked.reason, picked.message);
  const device = picked.device;
  const channels = cfg.channels ?? Math.min(2, device.maxInputChannels);
  const sampleRate = cfg.sampleRate ?? device.defaultSampleRate;
  const badChannels = channelsProblem(device, channels);
  if (badChannels) return fail('BAD_FORMAT', `${channels} channels refused`, badChannels);
  try {
    input = openInput({ deviceIndex: device.index, sampleRate, channels, framesPerBuffer: cfg.framesPerBuffer, nativeQueue: cfg.nativeQueue });
  } catch (err) {
    const detail = errorMessage(err);
    if (/sample rate/i.test(detail)) {
      const supported = await probeRates(device.index, channels, STANDARD_RATES.filter((r) => r !== sampleRate));
      return fail('BAD_FORMAT', `${sampleRate} Hz refused`, rateProblem(device, sampleRate, supported, detail));
    }
    return fail('OPEN_FAILED', detail, `Could not open input device "${device.name}" at ${sampleRate} Hz, ${channels} ch: ${detail}.`);
  }
  try {
    input.start();
  } catch (err) {
    return fail('OPEN_FAILED', errorMessage(err), `Could not start capturing from input device "${device.name}": ${errorMessage(err)}.`);
  }
  send({ type: 'opened', device, sampleRate, channels, framesPerBuffer: cfg.framesPerBuffer });

  const backlogBytes = Math.max(cfg.backlogSec * sampleRate, cfg.framesPerBuffer) * channels * 4;
  const counters: ChildCounters = { droppedBlocks: 0, inputOverflows: 0 };
  let position = 0; // frames read from the device, dropped ones included
  while (!stopping) {
    const r = await input.read(cfg.framesPerBuffer);
    if (r.kind === 'end') break;
    if (r.kind === 'status') {
      // The read that carries a status flag loses its block (naudiodon's binding returns no data with it).
      if (/input overflow/.test(r.text)) counters.inputOverflows++;
      counters.droppedBlocks++;
      position += cfg.framesPerBuffer;
      continue;
    }
    const frames = r.bytes.length / (4 * channels);
    if (out.writableLength > backlogBytes) {
      if (cfg.lossless) {
        await new Promise((resolve) => out.once('drain', resolve));
      } else {
        counters.droppedBlocks++;
        position += frames;
        continue;
      }
    }
    out.cork();
    for (const part of encodeAudio(r.bytes, position, counters)) out.write(part);
    out.uncork();
    position += frames;
  }
  return stop(0);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  process.stdin.on('end', () => void stop(0));
  process.stdin.on('error', () => void stop(0));
  process.stdin.resume();
  process.on('SIGTERM', () => void stop(0));
  // Ctrl-C reaches the whole process group: ama decides when capture stops (and closes stdin if it dies).
  process.on('SIGINT', () => undefined);
  out.on('error', () => void stop(0)); // ama went away: nobody reads the audio
  try {
    if (cfg.mode === 'list') {
      send({ type: 'devices', devices: enumerateInputDevices() });
      await stop(0);
    } else if (cfg.mode === 'capture') {
      await capture(cfg);
    } else {
      await fail('NATIVE', 'bad config', `The capture process was started with an unknown config: ${process.argv[2]}`);
    }
  } catch (err) {
    await fail('NATIVE', errorMessage(err), `PortAudio failed: ${errorMessage(err)}`);
  }
}

void main();
