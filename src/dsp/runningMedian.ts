/**
 * Sliding medians over short odd-length windows, kept as sorted arrays so that each step costs one
 * removal and one insertion (O(k)) instead of a sort. Used by median-filter source separation
 * (harmonic/percussive), where a 17-point median runs once per bin per frame.
 */

/** Removes `old` from the sorted run a[from..from+k) and inserts `value`, keeping it sorted. No allocation. */
export function replaceSorted(a: Float64Array, from: number, k: number, old: number, value: number): void {
  const end = from + k;
  // Find `old` (it is there: the caller put it in); the last equal one is as good as the first.
  let i = from;
  while (i < end - 1 && a[i] !== old) i++;
  // Slide toward where `value` belongs, shifting neighbours over the hole.
  if (value > old) {
    while (i + 1 < end && a[i + 1] < value) { a[i] = a[i + 1]; i++; }
  } else {
    while (i > from && a[i - 1] > value) { a[i] = a[i - 1]; i--; }
  }
  a[i] = value;
}

/**
 * Per-bin medians over the last k frames (k odd): `push(frame)` adds a frame of `bins` values and
 * the median of the last k frames, per bin, is then in `median`. Before k frames have been pushed the
 * missing frames count as zeros.
 */
export class TimeMedian {
  /** Window length in frames (odd). */
  readonly k: number;
  /** Values per frame. */
  readonly bins: number;
  /** Median per bin of the last k frames; rewritten by every push. */
  readonly median: Float64Array;
  private readonly sorted: Float64Array;
  private readonly history: Float64Array;
  private slot = 0;

  constructor(bins: number, k: number) {
    this.k = k;
    this.bins = bins;
    this.median = new Float64Array(bins);
    this.sorted = new Float64Array(bins * k);
    this.history = new Float64Array(bins * k);
  }

  /** Adds one frame (length >= bins) and updates `median`. Allocates nothing. */
  push(frame: Float64Array): void {
    const { k, bins, sorted, history } = this;
    const mid = k >> 1;
    const s = this.slot;
    for (let b = 0; b < bins; b++) {
      const from = b * k;
      const old = history[s * bins + b];
      const v = frame[b];
      history[s * bins + b] = v;
      if (v !== old) replaceSorted(sorted, from, k, old, v);
      this.median[b] = sorted[from + mid];
    }
    this.slot = (s + 1) % k;
  }

  /** Forgets every frame. */
  reset(): void {
    this.sorted.fill(0);
    this.history.fill(0);
    this.median.fill(0);
    this.slot = 0;
  }
}

/**
 * Median across neighbouring values of one frame: out[i] = median of x[i-h..i+h] (k = 2h+1, odd),
 * values beyond the ends counting as zeros. `scratch` has length exactly k. Allocates nothing.
 */
export function medianAcross(x: Float64Array, n: number, k: number, out: Float64Array, scratch: Float64Array): void {
  const h = k >> 1;
  // The window starts as [zeros x h, x[0..h]] and slides one value per output.
  for (let j = 0; j < k; j++) scratch[j] = j < h ? 0 : j - h < n ? x[j - h] : 0;
  scratch.sort();
  for (let i = 0; i < n; i++) {
    out[i] = scratch[h];
    const leaving = i - h >= 0 ? x[i - h] : 0;
    const entering = i + h + 1 < n ? x[i + h + 1] : 0;
    if (leaving !== entering) replaceSorted(scratch, 0, k, leaving, entering);
  }
}
