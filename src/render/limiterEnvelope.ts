/**
 * The limiter's gain envelope, in deficits d = 1 - gain (0 = untouched): a sliding maximum over
 * `window` steps (a monotonic deque of the positive deficits; empty means 0), a one-pole release
 * towards 0 (d <- max(held, d * releaseCoeff)), then two moving averages of lengths a and b (an
 * S-shaped ramp of a + b - 1 steps). Each output is a weighted mean of held values, so it is never
 * above the largest deficit in reach: the guarantee the limiter rests on. While nothing needs
 * limiting the whole state is zero and a step costs one comparison.
 */
export class LimiterEnvelope {
  private readonly val: Float64Array;
  private readonly idx: Float64Array;
  private readonly mask: number;
  private head = 0;
  private tail = 0;
  private t = 0;
  private released = 0;
  private readonly ringA: Float64Array;
  private readonly ringB: Float64Array;
  private posA = 0;
  private posB = 0;
  private sumA = 0;
  private sumB = 0;
  private nonZeroA = 0;
  private nonZeroB = 0;

  /** Hold over `window` steps, release coefficient per step (0..1), ramp averages of `a` and `b` steps (>= 1). */
  constructor(private readonly window: number, private readonly releaseCoeff: number, a: number, b: number) {
    const cap = 2 ** Math.ceil(Math.log2(window + 2));
    this.val = new Float64Array(cap);
    this.idx = new Float64Array(cap);
    this.mask = cap - 1;
    this.ringA = new Float64Array(a);
    this.ringB = new Float64Array(b);
  }

  /**
   * In place over io[0..n): each value is the peak (linear) the limiter saw for the next step;
   * it becomes the gain (0..1] for the output sample due at that step. Peaks at or under `target`
   * need nothing. Allocates nothing.
   */
  run(io: Float64Array, n: number, target: number): void {
    const val = this.val, idx = this.idx, mask = this.mask, W = this.window, rc = this.releaseCoeff;
    const ringA = this.ringA, ringB = this.ringB, lenA = ringA.length, lenB = ringB.length;
    let head = this.head, tail = this.tail, t = this.t, released = this.released;
    let posA = this.posA, posB = this.posB, sumA = this.sumA, sumB = this.sumB, nzA = this.nonZeroA, nzB = this.nonZeroB;
    for (let k = 0; k < n; k++, t++) {
      const p = io[k];
      const d = p > target ? 1 - target / p : 0;
      if (d === 0 && tail === head && released === 0 && nzA === 0 && nzB === 0) {
        io[k] = 1; // idle: every ring holds zeros, so where their cursors stand does not matter
        continue;
      }
      while (tail > head && val[(tail - 1) & mask] <= d) tail--;
      if (d > 0) {
        val[tail & mask] = d;
        idx[tail & mask] = t;
        tail++;
      }
      while (tail > head && idx[head & mask] <= t - W) head++;
      const held = tail > head ? val[head & mask] : 0;
      let rel = released * rc;
      if (rel < 1e-12) rel = 0;
      released = held > rel ? held : rel;
      // Two running means; a sum whose window holds only zeros is reset to exactly 0.
      const oldA = ringA[posA];
      ringA[posA] = released;
      if (++posA === lenA) posA = 0;
      nzA += (released !== 0 ? 1 : 0) - (oldA !== 0 ? 1 : 0);
      sumA = nzA === 0 ? 0 : sumA + released - oldA;
      const meanA = sumA / lenA;
      const oldB = ringB[posB];
      ringB[posB] = meanA;
      if (++posB === lenB) posB = 0;
      nzB += (meanA !== 0 ? 1 : 0) - (oldB !== 0 ? 1 : 0);
      sumB = nzB === 0 ? 0 : sumB + meanA - oldB;
      io[k] = 1 - sumB / lenB;
    }
    this.head = head; this.tail = tail; this.t = t; this.released = released;
    this.posA = posA; this.posB = posB; this.sumA = sumA; this.sumB = sumB; this.nonZeroA = nzA; this.nonZeroB = nzB;
  }
}
