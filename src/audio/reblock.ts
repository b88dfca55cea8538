import type { AudioBlock } from './types.js';

/** Frames per block that file sources yield (the last block of a file is shorter). */
export const BLOCK_FRAMES = 16384;

/**
 * Collects planar audio of any chunk size (what a codec returns per packet) into blocks of exactly
 * BLOCK_FRAMES frames. Completed blocks wait in `ready` until the caller takes them.
 */
export class Reblocker {
  private current: Float32Array[];
  private fill = 0;
  private readonly ready: AudioBlock[] = [];

  constructor(private readonly channels: number, private readonly blockFrames = BLOCK_FRAMES) {
    this.current = this.fresh();
  }

  /** Appends `frames` frames of `planar[c]` (from `start`) for each channel c < channels. */
  pushPlanar(planar: Float32Array[], start: number, frames: number): void {
    let done = 0;
    while (done < frames) {
      const n = Math.min(frames - done, this.blockFrames - this.fill);
      for (let c = 0; c < this.channels; c++) {
        this.current[c].set(planar[c].subarray(start + done, start + done + n), this.fill);
      }
      this.advance(n);
      done += n;
    }
  }

  /** Appends `frames` interleaved float frames of `src` (from frame 0). */
  pushInterleaved(src: Float32Array, frames: number): void {
    const ch = this.channels;
    let done = 0;
    while (done < frames) {
      const n = Math.min(frames - done, this.blockFrames - this.fill);
      for (let c = 0; c < ch; c++) {
        const o = this.current[c];
        for (let i = 0, j = done * ch + c, k = this.fill; i < n; i++, j += ch, k++) o[k] = src[j];
      }
      this.advance(n);
      done += n;
    }
  }

  /** Ends the stream: a partial block becomes the (shorter) last block. */
  finish(): void {
    if (this.fill > 0) this.ready.push(this.current.map((ch) => ch.slice(0, this.fill)));
    this.fill = 0;
  }

  /** Removes and returns the completed blocks, oldest first. */
  take(): AudioBlock[] {
    return this.ready.splice(0, this.ready.length);
  }

  private advance(n: number): void {
    this.fill += n;
    if (this.fill === this.blockFrames) {
      this.ready.push(this.current);
      this.current = this.fresh();
      this.fill = 0;
    }
  }

  private fresh(): Float32Array[] {
    return Array.from({ length: this.channels }, () => new Float32Array(this.blockFrames));
  }
}
