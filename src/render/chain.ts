import type { RenderStage } from './stage.js';

/** Largest finite float32, for writing float64 results back without producing Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A chain of render stages over float32 audio, block by block: the streaming form that the offline
 * render and a live preview share. Input is converted to float64 (non-finite samples become 0 and
 * are counted), every stage runs in place, and the result is written back to float32, clamped to
 * the finite float32 range. The output is the input delayed by `latencyFrames`.
 */
export class RenderChain {
  /** Total delay of the stages, frames (the limiter's look-ahead; 0 without one). */
  readonly latencyFrames: number;
  /** Non-finite input samples replaced by 0 so far. */
  nonFiniteInput = 0;
  private readonly work: Float64Array[];

  /** `stages` in order, for `channels` channels, in internal blocks of at most `blockFrames` frames. */
  constructor(private readonly stages: readonly RenderStage[], readonly channels: number, private readonly blockFrames = 4096) {
    this.latencyFrames = stages.reduce((sum, s) => sum + s.latencyFrames, 0);
    this.work = Array.from({ length: channels }, () => new Float64Array(blockFrames));
  }

  /** Labels of the stages, in processing order. */
  get labels(): string[] {
    return this.stages.map((s) => s.label);
  }

  /**
   * Processes frames [0, n) of `input` into `output` (one array per channel, at least n frames each;
   * they may be the same arrays). n defaults to the input length. Allocates nothing.
   */
  process(input: readonly Float32Array[], output: Float32Array[], n = input[0]?.length ?? 0): void {
    const work = this.work;
    for (let pos = 0; pos < n; pos += this.blockFrames) {
      const m = Math.min(this.blockFrames, n - pos);
      for (let c = 0; c < this.channels; c++) this.nonFiniteInput += load(input[c], pos, work[c], m);
      for (const stage of this.stages) stage.process(work, m);
      for (let c = 0; c < this.channels; c++) store(work[c], output[c], pos, m);
    }
  }
}

/** Copies x[pos..pos+m) into w[0..m), non-finite values as 0; returns how many there were. */
function load(x: Float32Array, pos: number, w: Float64Array, m: number): number {
  let probe = 0;
  for (let i = 0; i < m; i++) {
    const v = x[pos + i];
    w[i] = v;
    probe += v * 0; // NaN as soon as one value is NaN or infinite
  }
  if (probe === 0) return 0;
  let bad = 0;
  for (let i = 0; i < m; i++) {
    if (w[i] - w[i] !== 0) {
      w[i] = 0;
      bad++;
    }
  }
  return bad;
}

/** Writes w[0..m) to y[pos..pos+m), clamped to the finite float32 range (NaN, which finite input cannot produce, as 0). */
function store(w: Float64Array, y: Float32Array, pos: number, m: number): void {
  for (let i = 0; i < m; i++) {
    const v = w[i];
    y[pos + i] = v > FLOAT32_MAX ? FLOAT32_MAX : v < -FLOAT32_MAX ? -FLOAT32_MAX : v;
  }
  for (let i = 0; i < m; i++) if (y[pos + i] !== y[pos + i]) y[pos + i] = 0;
}
