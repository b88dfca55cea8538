import { AmaError } from '../util/errors.js';

/**
 * The unit of ama's render chain: a stateful processor over planar float64 blocks, in place.
 * The same stages serve the offline `ama apply` render and a block-by-block live preview.
 */

/** One processing stage: works on frames [0, n) of each channel of a float64 block, in place. */
export interface RenderStage {
  /** What the stage does, one line, for notes and logs. */
  readonly label: string;
  /** Delay the stage adds, frames (0 for all but the limiter); the chain compensates it offline. */
  readonly latencyFrames: number;
  /** Processes the block in place; channel count is fixed at construction. Allocates only to grow scratch for a longer block than before. */
  process(block: Float64Array[], n: number): void;
}

/** In place: channel a becomes mid (a + b) / 2, channel b side (a - b) / 2. */
export function encodeMidSide(a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const l = a[i], r = b[i];
    a[i] = 0.5 * (l + r);
    b[i] = 0.5 * (l - r);
  }
}

/** In place: mid/side back to left = mid + side, right = mid - side (the inverse of encodeMidSide). */
export function decodeMidSide(a: Float64Array, b: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const m = a[i], s = b[i];
    a[i] = m + s;
    b[i] = m - s;
  }
}

/**
 * Runs a one-channel stage on the mid or the side of channels 0 and 1 (M = (L+R)/2, S = (L-R)/2),
 * then decodes back; other channels pass untouched. The block must have at least two channels.
 */
export class MidSideStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames: number;
  private readonly one: Float64Array[] = [new Float64Array(0)];

  /** `inner` must be built for one channel; `which` selects what it sees. */
  constructor(private readonly inner: RenderStage, private readonly which: 'mid' | 'side') {
    this.label = `${which}: ${inner.label}`;
    this.latencyFrames = inner.latencyFrames;
    if (inner.latencyFrames !== 0) throw new AmaError('INTERNAL', `MidSideStage cannot wrap ${inner.label}: it has latency`);
  }

  process(block: Float64Array[], n: number): void {
    const [a, b] = block;
    encodeMidSide(a, b, n);
    this.one[0] = this.which === 'mid' ? a : b;
    this.inner.process(this.one, n);
    decodeMidSide(a, b, n);
  }
}
