import type { InputDevice } from './types.js';

/**
 * What the capture process (child.ts) and ama say to each other on the child's fd 3: frames of a
 * 32-byte header and a payload. Audio frames carry interleaved float32 samples and the capture
 * process's counters; status frames carry one JSON message. Pure encoding, no I/O.
 *
 * Header (little-endian): u32 magic, u32 kind (1 audio, 2 status), u32 payload bytes,
 * u32 blocks dropped by the capture process, u32 PortAudio input overflows, u32 reserved,
 * f64 frame position of the block's first frame in what the process read from the device.
 */

/** Bytes of a frame header. */
export const HEADER_BYTES = 32;
/** "amac" read as a little-endian u32. */
const MAGIC = 0x63616d61;
/** Largest payload accepted, bytes (a block of 16384 frames of 32 channels, 2 MB). */
export const MAX_PAYLOAD_BYTES = 16384 * 32 * 4;

/** What the capture process is started with (JSON in argv[2]). */
export type ChildConfig =
  | { mode: 'list' }
  | {
      mode: 'capture';
      device: string | number | null;
      sampleRate: number | null;
      channels: number | null;
      framesPerBuffer: number;
      /** PortAudio-side queue, blocks (the callback waits when it is full). */
      nativeQueue: number;
      /** Seconds of audio waiting on fd 3 beyond which blocks are dropped (or waited for, when lossless). */
      backlogSec: number;
      lossless: boolean;
    };

/** Status messages from the capture process. */
export type ChildStatus =
  | { type: 'devices'; devices: InputDevice[] }
  | { type: 'opened'; device: InputDevice; sampleRate: number; channels: number; framesPerBuffer: number }
  /** reason: a few words for repeated retries; message: the full sentence (with the device list). */
  | { type: 'error'; code: 'NO_DEVICE' | 'BAD_FORMAT' | 'OPEN_FAILED' | 'NATIVE'; reason: string; message: string };

/** Counters that travel with every audio frame, cumulative for one capture process. */
export interface ChildCounters {
  droppedBlocks: number;
  inputOverflows: number;
}

/** One decoded frame. */
export type Frame =
  | { kind: 'audio'; startFrame: number; counters: ChildCounters; samples: Float32Array }
  | { kind: 'status'; status: ChildStatus };

function header(kind: number, payloadBytes: number, counters: ChildCounters, startFrame: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt32LE(kind, 4);
  h.writeUInt32LE(payloadBytes, 8);
  h.writeUInt32LE(counters.droppedBlocks >>> 0, 12);
  h.writeUInt32LE(counters.inputOverflows >>> 0, 16);
  h.writeDoubleLE(startFrame, 24);
  return h;
}

/** An audio frame: `samples` are interleaved float32 bytes as PortAudio gave them. */
export function encodeAudio(samples: Buffer, startFrame: number, counters: ChildCounters): Buffer[] {
  return [header(1, samples.length, counters, startFrame), samples];
}

/** A status frame. */
export function encodeStatus(status: ChildStatus): Buffer {
  const body = Buffer.from(JSON.stringify(status), 'utf8');
  return Buffer.concat([header(2, body.length, { droppedBlocks: 0, inputOverflows: 0 }, 0), body]);
}

/**
 * Reassembles frames from a byte stream cut anywhere. push() returns the frames completed by a chunk;
 * it throws on bytes that are not this protocol (the stream is then useless: stop the process).
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns every frame it completes, in order. */
  push(chunk: Buffer): Frame[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (buf.length >= HEADER_BYTES) {
      if (buf.readUInt32LE(0) !== MAGIC) throw new Error('capture process sent bytes that are not a frame');
      const kind = buf.readUInt32LE(4);
      const bytes = buf.readUInt32LE(8);
      if (bytes > MAX_PAYLOAD_BYTES || (kind === 1 && bytes % 4 !== 0)) throw new Error(`capture process sent a frame of ${bytes} bytes`);
      if (buf.length < HEADER_BYTES + bytes) break;
      const payload = buf.subarray(HEADER_BYTES, HEADER_BYTES + bytes);
      if (kind === 1) {
        // Copied into a fresh, aligned array: the payload may start at any byte offset.
        const samples = new Float32Array(bytes / 4);
        new Uint8Array(samples.buffer).set(payload);
        const counters = { droppedBlocks: buf.readUInt32LE(12), inputOverflows: buf.readUInt32LE(16) };
        frames.push({ kind: 'audio', startFrame: buf.readDoubleLE(24), counters, samples });
      } else if (kind === 2) {
        frames.push({ kind: 'status', status: JSON.parse(payload.toString('utf8')) as ChildStatus });
      } else {
        throw new Error(`capture process sent a frame of unknown kind ${kind}`);
      }
      buf = buf.subarray(HEADER_BYTES + bytes);
    }
    // Keep only the unfinished frame (a copy, so the chunk it came from can be collected).
    this.pending = Buffer.from(buf);
    return frames;
  }

  /** Bytes of an unfinished frame held back. */
  get pendingBytes(): number {
    return this.pending.length;
  }
}

/** Planar channels from interleaved samples. */
export function deinterleave(interleaved: Float32Array, channels: number): Float32Array[] {
  const frames = Math.floor(interleaved.length / channels);
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const ch = new Float32Array(frames);
    for (let i = 0, j = c; i < frames; i++, j += channels) ch[i] = interleaved[j];
    out.push(ch);
  }
  return out;
}
