import type { AudioBlock } from '../types.js';

/**
 * The bounded queue between capture and its reader. In 'drop' mode a push onto a full queue drops
 * the oldest block (a live meter should show what plays now, and latency stays at most `capacity`
 * blocks); in 'wait' mode it takes every block and `full` tells the producer to pause.
 */
export class BlockRing {
  private readonly slots: (AudioBlock | undefined)[];
  private head = 0;
  private count = 0;
  /** Blocks dropped because the queue was full. */
  droppedBlocks = 0;
  /** Frames in those blocks. */
  droppedFrames = 0;

  /** capacity: most blocks held, >= 1; mode: what a push onto a full queue does. */
  constructor(readonly capacity: number, readonly mode: 'drop' | 'wait') {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    // 'wait' may overfill by what one read of the pipe holds before the producer pauses.
    this.slots = new Array(mode === 'wait' ? capacity * 2 + 64 : capacity);
  }

  /** Blocks queued now. */
  get size(): number {
    return this.count;
  }

  /** True when the queue holds capacity blocks or more (the producer should pause in 'wait' mode). */
  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Adds a block; returns false when it made room by dropping the oldest one. */
  push(block: AudioBlock): boolean {
    let kept = true;
    if (this.count === this.slots.length || (this.mode === 'drop' && this.count >= this.capacity)) {
      const old = this.shift();
      this.droppedBlocks++;
      this.droppedFrames += old ? (old[0]?.length ?? 0) : 0;
      kept = false;
    }
    this.slots[(this.head + this.count) % this.slots.length] = block;
    this.count++;
    return kept;
  }

  /** Removes and returns the oldest block, or undefined when empty. */
  shift(): AudioBlock | undefined {
    if (this.count === 0) return undefined;
    const block = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    return block;
  }

  /** Drops every queued block without counting them (used when capture stops). */
  clear(): void {
    while (this.shift()) {
      /* empty */
    }
  }
}
