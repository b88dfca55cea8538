import type { BiquadCoeffs } from './biquad.js';

/**
 * A cascade of biquads run in place over float64 blocks, for rendering (EQ, crossovers' all-passes).
 *
 * Direct form I, two sections per pass with every coefficient and state value in locals: the
 * recursion of a DF-I section is one multiply and one subtraction long (TDF-II's is three
 * operations), and running two sections in the same loop lets their recursions overlap. Float64
 * throughout, so low, narrow bands keep their precision. State per channel: [x1, x2, y1, y2] per section.
 */

// JavaScript cannot enable flush-to-zero: a recursion decaying into subnormals after the signal
// stops runs ~100x slower, so state below this (-500 dB) is zeroed at the end of each block.
const FLUSH = 1e-25;

/** A fixed chain of biquad sections; one instance serves any number of channels (state is per channel). */
export class BiquadCascade {
  /** Number of sections, 0..inf (0: identity). */
  readonly sections: number;
  private readonly c: Float64Array;

  /** A cascade of `sections`, applied in order (for LTI sections the order does not change the result). */
  constructor(sections: readonly BiquadCoeffs[]) {
    this.sections = sections.length;
    this.c = new Float64Array(5 * sections.length);
    sections.forEach((s, i) => this.c.set([s.b0, s.b1, s.b2, s.a1, s.a2], 5 * i));
  }

  /** Fresh, zeroed memory for one channel (the stream starts from silence). */
  createState(): Float64Array {
    return new Float64Array(4 * this.sections);
  }

  /** Filters x[0..n) in place, carrying `state` (from createState) across calls. Allocates nothing. */
  process(x: Float64Array, state: Float64Array, n: number): void {
    let s = 0;
    for (; s + 1 < this.sections; s += 2) this.pair(s, x, state, n);
    if (s < this.sections) this.single(s, x, state, n);
    for (let i = 0; i < state.length; i++) if (Math.abs(state[i]) < FLUSH) state[i] = 0;
  }

  /**
   * Filters two channels in place, as process() on each (same state layout: a section's input
   * history is the previous section's output history, so either method can continue the other):
   * one section at a time over both channels, whose independent recursions overlap, about twice the
   * speed of two process() calls.
   */
  processStereo(x: Float64Array, y: Float64Array, stX: Float64Array, stY: Float64Array, n: number): void {
    const c = this.c;
    for (let s = 0; s < this.sections; s++) {
      const k = 5 * s, o = 4 * s;
      const b0 = c[k], b1 = c[k + 1], b2 = c[k + 2], a1 = c[k + 3], a2 = c[k + 4];
      let x1 = stX[o], x2 = stX[o + 1], y1 = stX[o + 2], y2 = stX[o + 3];
      let p1 = stY[o], p2 = stY[o + 1], q1 = stY[o + 2], q2 = stY[o + 3];
      for (let i = 0; i < n; i++) {
        const v = x[i], w = y[i];
        const u = (b0 * v + b1 * x1 + b2 * x2 - a2 * y2) - a1 * y1;
        const r = (b0 * w + b1 * p1 + b2 * p2 - a2 * q2) - a1 * q1;
        x2 = x1; x1 = v; y2 = y1; y1 = u;
        p2 = p1; p1 = w; q2 = q1; q1 = r;
        x[i] = u;
        y[i] = r;
      }
      stX[o] = x1; stX[o + 1] = x2; stX[o + 2] = y1; stX[o + 3] = y2;
      stY[o] = p1; stY[o + 1] = p2; stY[o + 2] = q1; stY[o + 3] = q2;
    }
    for (let i = 0; i < stX.length; i++) {
      if (Math.abs(stX[i]) < FLUSH) stX[i] = 0;
      if (Math.abs(stY[i]) < FLUSH) stY[i] = 0;
    }
  }

  private pair(s: number, x: Float64Array, st: Float64Array, n: number): void {
    const c = this.c, k = 5 * s, o = 4 * s;
    const b0 = c[k], b1 = c[k + 1], b2 = c[k + 2], a1 = c[k + 3], a2 = c[k + 4];
    const d0 = c[k + 5], d1 = c[k + 6], d2 = c[k + 7], e1 = c[k + 8], e2 = c[k + 9];
    let x1 = st[o], x2 = st[o + 1], y1 = st[o + 2], y2 = st[o + 3];
    let z2 = st[o + 7], z1 = st[o + 6];
    // The second section's input history is the first one's output history (y1, y2).
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const y = (b0 * v + b1 * x1 + b2 * x2 - a2 * y2) - a1 * y1;
      const z = (d0 * y + d1 * y1 + d2 * y2 - e2 * z2) - e1 * z1;
      x2 = x1; x1 = v; y2 = y1; y1 = y; z2 = z1; z1 = z;
      x[i] = z;
    }
    st[o] = x1; st[o + 1] = x2; st[o + 2] = y1; st[o + 3] = y2;
    st[o + 4] = y1; st[o + 5] = y2; st[o + 6] = z1; st[o + 7] = z2;
  }

  private single(s: number, x: Float64Array, st: Float64Array, n: number): void {
    const c = this.c, k = 5 * s, o = 4 * s;
    const b0 = c[k], b1 = c[k + 1], b2 = c[k + 2], a1 = c[k + 3], a2 = c[k + 4];
    let x1 = st[o], x2 = st[o + 1], y1 = st[o + 2], y2 = st[o + 3];
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const y = (b0 * v + b1 * x1 + b2 * x2 - a2 * y2) - a1 * y1;
      x2 = x1; x1 = v; y2 = y1; y1 = y;
      x[i] = y;
    }
    st[o] = x1; st[o + 1] = x2; st[o + 2] = y1; st[o + 3] = y2;
  }
}
