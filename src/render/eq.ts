import type { BiquadCoeffs } from '../dsp/biquad.js';
import { BiquadCascade } from '../dsp/biquadCascade.js';
import type { RenderStage } from './stage.js';

/**
 * Parametric EQ: one cascade of biquads (designs in src/dsp/eqDesign.ts) run on every channel of
 * the block it gets. For a mid or side EQ, wrap it in a MidSideStage built for one channel.
 */
export class EqStage implements RenderStage {
  readonly label: string;
  readonly latencyFrames = 0;
  private readonly cascade: BiquadCascade;
  private readonly states: Float64Array[];

  /** `sections` in order (any count, 0 = pass-through) for `channels` channels (1..8). */
  constructor(sections: readonly BiquadCoeffs[], channels: number, label = `EQ, ${sections.length} band(s)`) {
    this.label = label;
    this.cascade = new BiquadCascade(sections);
    this.states = Array.from({ length: channels }, () => this.cascade.createState());
  }

  process(block: Float64Array[], n: number): void {
    const st = this.states;
    let c = 0;
    for (; c + 1 < st.length; c += 2) this.cascade.processStereo(block[c], block[c + 1], st[c], st[c + 1], n);
    if (c < st.length) this.cascade.process(block[c], st[c], n);
  }
}
