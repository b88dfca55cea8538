/**
 * The statistics of BS.1770-4 / EBU R128 over stored block energies: gated integrated loudness
 * (BS.1770-4 eq. 5-7) and Loudness Range (EBU Tech 3342). Pure functions over Float64Arrays.
 *
 * An "energy" here is the channel-weighted mean square sum_i G_i z_i of one block, so that
 * loudness = -0.691 + 10 log10(energy) LUFS.
 */

/** BS.1770 absolute gate for integrated loudness, LUFS (blocks at or below it are dropped). */
export const ABSOLUTE_GATE_LUFS = -70;
/** BS.1770 relative gate for integrated loudness, LU below the absolute-gated loudness. */
export const RELATIVE_GATE_LU = -10;
/** Tech 3342 relative gate for LRA, LU below the absolute-gated short-term power mean. */
export const LRA_RELATIVE_GATE_LU = -20;
/** Tech 3342 percentiles bounding the Loudness Range, in percent. */
export const LRA_LOW_PERCENTILE = 10;
/** Upper LRA percentile, in percent. */
export const LRA_HIGH_PERCENTILE = 95;

/** Loudness in LUFS of a channel-weighted mean square (>= 0); -Infinity for 0. */
export function energyToLufs(energy: number): number {
  return -0.691 + 10 * Math.log10(energy);
}

/** Channel-weighted mean square of a loudness in LUFS (inverse of energyToLufs). */
export function lufsToEnergy(lufs: number): number {
  return Math.pow(10, (lufs + 0.691) / 10);
}

/** Result of gating: the integrated loudness and the relative gate, LUFS, null when no block passes. */
export interface GatedLoudness {
  integratedLufs: number | null;
  relativeGateLufs: number | null;
}

/**
 * BS.1770-4 gated (integrated) loudness of `count` 400 ms block energies: blocks above -70 LUFS
 * (strictly, as J_g = {j : l_j > Gamma}) give a loudness from which 10 LU is taken for the relative
 * gate; the blocks above both gates are averaged in the energy domain.
 */
export function gatedLoudness(energies: Float64Array, count: number): GatedLoudness {
  const absGate = lufsToEnergy(ABSOLUTE_GATE_LUFS);
  let sum = 0, n = 0;
  for (let j = 0; j < count; j++) {
    const e = energies[j];
    if (e > absGate) {
      sum += e;
      n++;
    }
  }
  if (n === 0) return { integratedLufs: null, relativeGateLufs: null };
  const relativeGateLufs = energyToLufs(sum / n) + RELATIVE_GATE_LU;
  const relGate = lufsToEnergy(relativeGateLufs);
  sum = 0;
  n = 0;
  for (let j = 0; j < count; j++) {
    const e = energies[j];
    if (e > absGate && e > relGate) {
      sum += e;
      n++;
    }
  }
  // n >= 1: the loudest block is above the mean of the absolute-gated blocks, hence above the gate.
  return { integratedLufs: energyToLufs(sum / n), relativeGateLufs };
}

/**
 * EBU Tech 3342 Loudness Range in LU of `count` short-term (3 s) loudness values in LUFS, as its
 * MATLAB reference: keep values >= -70 LUFS, then values >= (their power mean - 20 LU), sort, and
 * take the nearest-rank percentiles sorted[round((n - 1) p / 100)] (0-based) for p = 10 and 95;
 * LRA = high - low. Null when no value passes the gates (silence, or shorter than one 3 s window).
 */
export function loudnessRange(shortTermLufs: Float64Array, count: number): number | null {
  let sumPower = 0, n = 0;
  for (let j = 0; j < count; j++) {
    const l = shortTermLufs[j];
    if (l >= ABSOLUTE_GATE_LUFS) {
      sumPower += Math.pow(10, l / 10);
      n++;
    }
  }
  if (n === 0) return null;
  const gate = 10 * Math.log10(sumPower / n) + LRA_RELATIVE_GATE_LU;
  const kept = new Float64Array(n);
  let m = 0;
  for (let j = 0; j < count; j++) {
    const l = shortTermLufs[j];
    if (l >= ABSOLUTE_GATE_LUFS && l >= gate) kept[m++] = l;
  }
  const sorted = kept.subarray(0, m).sort();
  const low = sorted[Math.round(((m - 1) * LRA_LOW_PERCENTILE) / 100)];
  const high = sorted[Math.round(((m - 1) * LRA_HIGH_PERCENTILE) / 100)];
  return high - low;
}

/**
 * The EBU Tech 3342 Loudness Range of a growing series of short-term values, kept up to date as
 * each value arrives, so that a live meter can read it at 10 Hz for hours: push() is O(log n) search
 * plus an O(n) memmove (36 000 values after an hour: microseconds), value() is O(log n).
 *
 * It is the same computation as loudnessRange() over the same values, to the last bit: values at or
 * above the absolute gate are kept sorted, the power sum behind the relative gate is accumulated in
 * arrival order (as loudnessRange sums them), the gate is found by binary search, and the
 * nearest-rank percentiles index the same sorted values.
 */
export class LoudnessRangeTracker {
  private sorted = new Float64Array(1024);
  private n = 0;
  private sumPower = 0;

  /** Adds the next short-term value, LUFS (values below -70 LUFS and -Infinity are counted out, as the gate does). */
  push(lufs: number): void {
    if (!(lufs >= ABSOLUTE_GATE_LUFS)) return;
    this.sumPower += Math.pow(10, lufs / 10);
    if (this.n === this.sorted.length) {
      const next = new Float64Array(this.sorted.length * 2);
      next.set(this.sorted);
      this.sorted = next;
    }
    const at = this.lowerBound(lufs, false);
    this.sorted.copyWithin(at + 1, at, this.n);
    this.sorted[at] = lufs;
    this.n++;
  }

  /** Loudness Range so far, LU; null when no value passes the gates. */
  value(): number | null {
    if (this.n === 0) return null;
    const gate = 10 * Math.log10(this.sumPower / this.n) + LRA_RELATIVE_GATE_LU;
    const first = this.lowerBound(gate, true);
    const m = this.n - first;
    const low = this.sorted[first + Math.round(((m - 1) * LRA_LOW_PERCENTILE) / 100)];
    const high = this.sorted[first + Math.round(((m - 1) * LRA_HIGH_PERCENTILE) / 100)];
    return high - low;
  }

  /** Number of values that passed the absolute gate. */
  get count(): number {
    return this.n;
  }

  /** First index whose value is >= v (inclusive) or > v (insertion point after equal values). */
  private lowerBound(v: number, inclusive: boolean): number {
    let lo = 0, hi = this.n;
    const s = this.sorted;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? s[mid] < v : s[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
