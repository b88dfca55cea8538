import type { AudioBlock } from './types.js';

/**
 * When each live block was captured (performance.now() ms): set by the sources (the capture reader
 * when a block comes off the device, a paced playback when the block's last frame falls due in real
 * time), read by the daemon to measure the delay from a captured block to the meter frame that
 * includes it (AMA_LIVE_STATS). A WeakMap: nothing is kept once the block is gone.
 */
const arrivals = new WeakMap<AudioBlock, number>();

/** Notes when a block was captured (default: now). */
export function markArrival(block: AudioBlock, atMs: number = performance.now()): void {
  arrivals.set(block, atMs);
}

/** When a block was captured, or null when its source did not say. */
export function arrivalOf(block: AudioBlock): number | null {
  return arrivals.get(block) ?? null;
}
