/**
 * An append-only Float64Array that doubles its capacity when full: amortised O(1) pushes and one
 * allocation per doubling, so per-100 ms histories stay cheap for hours (8 bytes per value).
 */
export class GrowableFloat64 {
  private buf: Float64Array;
  private n = 0;

  /** `initialCapacity` values are preallocated (>= 1). */
  constructor(initialCapacity = 1024) {
    this.buf = new Float64Array(Math.max(1, Math.floor(initialCapacity)));
  }

  /** Number of values pushed so far (0..). */
  get length(): number {
    return this.n;
  }

  /** The backing array; only indices [0, length) hold values. Valid until the next push. */
  get data(): Float64Array {
    return this.buf;
  }

  /** Appends one value. */
  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  /** A copy of the values pushed so far. */
  toArray(): Float64Array {
    return this.buf.slice(0, this.n);
  }

  /** Forgets every value (keeps the capacity). */
  clear(): void {
    this.n = 0;
  }
}
