import { AmaError } from '../../util/errors.js';

/**
 * Sums of per-frame vectors (band powers) over the frames that carry the programme. A frame is kept
 * when its level is above an absolute gate and above a relative gate set below the energy mean of
 * the frames that passed the absolute one (the two-stage gating of BS.1770 / EBU Tech 3342).
 * The relative gate depends on the whole stream, so it is applied at read time.
 */

/** Gate settings, dB on the scale of the frame levels given to `add` (LUFS for K-weighted frames). */
export interface GateOptions {
  /** Frames at or below this level never count, dB (e.g. -70 LUFS). */
  absoluteDb: number;
  /** Frames more than this far below the mean of the absolute-gated frames are dropped, dB (e.g. -20). */
  relativeDb: number;
}

/** The programme gate of the profile: -70 LUFS absolute, -20 LU relative (as for LRA). */
export const PROGRAMME_GATE: Readonly<GateOptions> = { absoluteDb: -70, relativeDb: -20 };

/** Counts and levels that come with a gated sum. */
export interface GatedTotals {
  /** Frames added so far, 0..inf (for a recent window: frames in the window). */
  frames: number;
  /** Frames that passed both gates. */
  gatedFrames: number;
  /** Energy mean level of the frames that passed both gates, dB; null when none passed. */
  gatedLevelDb: number | null;
  /** The relative gate threshold, dB; null when no frame passed the absolute gate. */
  relativeGateDb: number | null;
}

/** A running gated sum of fixed-width vectors. */
export interface GatedSum {
  /** Entries per vector. */
  readonly width: number;
  /** Adds one frame's vector (copied) with the frame's level in dB. Allocates nothing. */
  add(vector: Float64Array, levelDb: number): void;
  /** Writes the sum of the vectors of the frames that pass both gates into out (width entries). */
  sum(out: Float64Array): GatedTotals;
  /** Forgets every frame. */
  reset(): void;
}

/** Width of a level bucket of the session sum, dB. */
export const BUCKET_DB = 0.25;
const RANGE_DB = 100;

/**
 * Session-long gated sum in constant memory: frames are accumulated into level buckets of
 * BUCKET_DB, and the relative gate keeps the buckets whose centre lies above it (frames within
 * BUCKET_DB/2 of the threshold may fall either side, as in histogram loudness meters).
 */
export class BucketGatedSum implements GatedSum {
  readonly width: number;
  private readonly gate: GateOptions;
  private readonly buckets: number;
  private readonly vectors: Float64Array;
  private readonly power: Float64Array;
  private readonly count: Float64Array;
  private frames = 0;

  constructor(width: number, gate: GateOptions = PROGRAMME_GATE) {
    this.width = width;
    this.gate = { ...gate };
    this.buckets = Math.round(RANGE_DB / BUCKET_DB);
    this.vectors = new Float64Array(this.buckets * width);
    this.power = new Float64Array(this.buckets);
    this.count = new Float64Array(this.buckets);
  }

  add(vector: Float64Array, levelDb: number): void {
    this.frames++;
    if (!(levelDb > this.gate.absoluteDb)) return;
    const b = Math.min(this.buckets - 1, Math.floor((levelDb - this.gate.absoluteDb) / BUCKET_DB));
    this.power[b] += 10 ** (levelDb / 10);
    this.count[b] += 1;
    const w = this.width;
    const v = this.vectors;
    for (let i = 0, o = b * w; i < w; i++, o++) v[o] += vector[i];
  }

  sum(out: Float64Array): GatedTotals {
    out.fill(0, 0, this.width);
    let p = 0;
    let n = 0;
    for (let b = 0; b < this.buckets; b++) { p += this.power[b]; n += this.count[b]; }
    if (n === 0) return { frames: this.frames, gatedFrames: 0, gatedLevelDb: null, relativeGateDb: null };
    const rel = 10 * Math.log10(p / n) + this.gate.relativeDb;
    let gp = 0;
    let gn = 0;
    for (let b = 0; b < this.buckets; b++) {
      const centre = this.gate.absoluteDb + (b + 0.5) * BUCKET_DB;
      if (centre <= rel || this.count[b] === 0) continue;
      gp += this.power[b];
      gn += this.count[b];
      for (let i = 0, o = b * this.width; i < this.width; i++, o++) out[i] += this.vectors[o];
    }
    return { frames: this.frames, gatedFrames: gn, gatedLevelDb: gn > 0 ? 10 * Math.log10(gp / gn) : null, relativeGateDb: rel };
  }

  reset(): void {
    this.vectors.fill(0);
    this.power.fill(0);
    this.count.fill(0);
    this.frames = 0;
  }
}

/**
 * Gated sum over the most recent `capacity` frames (a ring of per-frame vectors), for live views such
 * as "the last 30 s". Gates are applied exactly per frame at read time.
 */
export class RecentGatedSum implements GatedSum {
  readonly width: number;
  private readonly gate: GateOptions;
  private readonly capacity: number;
  private readonly vectors: Float64Array;
  private readonly levels: Float64Array;
  private head = 0;
  private filled = 0;

  constructor(width: number, capacity: number, gate: GateOptions = PROGRAMME_GATE) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new AmaError('BAD_OPTION', `A recent window must hold at least one frame, got ${capacity}.`);
    }
    this.width = width;
    this.capacity = capacity;
    this.gate = { ...gate };
    this.vectors = new Float64Array(capacity * width);
    this.levels = new Float64Array(capacity);
  }

  add(vector: Float64Array, levelDb: number): void {
    const o = this.head * this.width;
    for (let i = 0; i < this.width; i++) this.vectors[o + i] = vector[i];
    this.levels[this.head] = Number.isNaN(levelDb) ? -Infinity : levelDb;
    this.head = (this.head + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  sum(out: Float64Array): GatedTotals {
    out.fill(0, 0, this.width);
    let p = 0;
    let n = 0;
    for (let f = 0; f < this.filled; f++) {
      const l = this.levels[f];
      if (l > this.gate.absoluteDb) { p += 10 ** (l / 10); n++; }
    }
    if (n === 0) return { frames: this.filled, gatedFrames: 0, gatedLevelDb: null, relativeGateDb: null };
    const rel = 10 * Math.log10(p / n) + this.gate.relativeDb;
    let gp = 0;
    let gn = 0;
    for (let f = 0; f < this.filled; f++) {
      const l = this.levels[f];
      if (!(l > this.gate.absoluteDb && l > rel)) continue;
      gp += 10 ** (l / 10);
      gn++;
      for (let i = 0, o = f * this.width; i < this.width; i++, o++) out[i] += this.vectors[o];
    }
    return { frames: this.filled, gatedFrames: gn, gatedLevelDb: gn > 0 ? 10 * Math.log10(gp / gn) : null, relativeGateDb: rel };
  }

  reset(): void {
    this.head = 0;
    this.filled = 0;
  }
}

/** A session sum, or a recent-window sum when `recentFrames` is given. */
export function createGatedSum(width: number, gate: GateOptions = PROGRAMME_GATE, recentFrames?: number): GatedSum {
  return recentFrames === undefined ? new BucketGatedSum(width, gate) : new RecentGatedSum(width, recentFrames, gate);
}
