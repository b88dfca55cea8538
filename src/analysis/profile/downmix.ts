import type { AudioBlock, ChannelRole } from '../../audio/types.js';
import { AmaError } from '../../util/errors.js';

const H = Math.SQRT1_2;

/** Gains of a channel into left and right of the analysed pair (ITU-R BS.775 style fold-down, LFE dropped). */
export function foldGains(role: ChannelRole): [number, number] {
  switch (role) {
    case 'L': return [1, 0];
    case 'R': return [0, 1];
    case 'Ls': case 'Lb': return [H, 0];
    case 'Rs': case 'Rb': return [0, H];
    case 'LFE': return [0, 0];
    default: return [H, H]; // C, mono, other: centred
  }
}

/**
 * Folds a block of any layout to the pair the profile analyses: mono stays one channel (analysed as
 * dual mono, side zero); L/R pass through untouched; wider layouts fold down with `foldGains` into
 * scratch buffers that grow to the largest block seen (the only allocation, once).
 */
export class StereoFold {
  /** True when the output has one channel (right is null). */
  readonly mono: boolean;
  /** Left (or mono) samples of the last block. */
  left: Float32Array = new Float32Array(0);
  /** Right samples of the last block, null for mono. */
  right: Float32Array | null = null;
  /** Frames in the last block. */
  length = 0;
  private readonly gains: Array<[number, number]>;
  private readonly passThrough: boolean;
  private scratchL = new Float32Array(0);
  private scratchR = new Float32Array(0);

  constructor(layout: readonly ChannelRole[]) {
    if (layout.length < 1) throw new AmaError('BAD_FORMAT', 'Audio must have at least one channel.');
    this.mono = layout.length === 1;
    this.gains = layout.map(foldGains);
    this.passThrough = this.mono || (layout.length === 2 && layout[0] !== 'R' && layout[1] !== 'L' && !layout.includes('LFE'));
  }

  /** Takes one block; afterwards `left`, `right` and `length` describe it. */
  apply(block: AudioBlock): void {
    if (block.length !== this.gains.length) {
      throw new AmaError('BAD_FORMAT', `Expected blocks of ${this.gains.length} channels, got ${block.length}.`);
    }
    const n = block[0].length;
    this.length = n;
    if (this.passThrough) {
      this.left = block[0];
      this.right = this.mono ? null : block[1];
      return;
    }
    if (this.scratchL.length < n) {
      this.scratchL = new Float32Array(n);
      this.scratchR = new Float32Array(n);
    }
    const l = this.scratchL;
    const r = this.scratchR;
    l.fill(0, 0, n);
    r.fill(0, 0, n);
    for (let c = 0; c < block.length; c++) {
      const [gl, gr] = this.gains[c];
      const x = block[c];
      if (gl !== 0) for (let i = 0; i < n; i++) l[i] += gl * x[i];
      if (gr !== 0) for (let i = 0; i < n; i++) r[i] += gr * x[i];
    }
    this.left = l;
    this.right = r;
  }
}
