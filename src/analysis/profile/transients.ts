import { bandCount, fractionalOctaveBands, mapBinsToBands, type BinBandMap } from '../../dsp/bands.js';
import { nextPowerOfTwo } from '../../dsp/fft.js';
import { PairedStft } from '../../dsp/stft.js';
import { round } from './db.js';

/** Onset statistics. */
export interface TransientReading {
  /** Onsets detected, 0..inf. */
  onsets: number;
  /** Seconds of audio above -70 dBFS (mean channel power) in which onsets are counted, s. */
  activeSec: number;
  /** Onsets per active second, 1/s; null when less than 1 s was active. */
  onsetsPerSec: number | null;
}

// Onset detection: the mid signal is decimated to 22.05..44.1 kHz by averaging D samples (a crude
// low-pass: aliased energy is still energy, and onsets are about energy rising); half-octave band
// energies (45 Hz..16 kHz or Nyquist) of ~21 ms frames every ~10.7 ms; the
// detection function is the mean over bands of the positive rise in dB (positive log spectral
// flux). A frame is an onset when its flux is the local maximum within +-PEAK_SEC, exceeds the
// local mean within +-MEAN_SEC by DELTA_DB, and comes MIN_GAP_SEC after the previous onset.
const FRAME_SEC = 0.021;
const PEAK_SEC = 0.03;
const MEAN_SEC = 0.1;
const DELTA_DB = 1.5;
const MIN_GAP_SEC = 0.05;
const FLOOR_POWER = 1e-8; // -80 dBFS per band: rises out of near silence are not onsets
const ACTIVE_POWER = 1e-7; // -70 dBFS
const DECIMATED_MIN_HZ = 22050;
const CHUNK = 1024;

/**
 * Transient density from positive spectral flux of the mid signal with an adaptive threshold. Runs
 * its own short STFT (the long one of the tonal balance resolves ~0.17 s, too coarse for onsets).
 * Two consecutive frames share one complex FFT (PairedStft). Decisions lag by
 * MEAN_SEC; frames still in that look-ahead at read time are not counted.
 */
export class TransientAnalyzer {
  private readonly stft: PairedStft;
  private readonly map: BinBandMap;
  private readonly bands: number;
  private readonly prev: Float64Array;
  private readonly factor: number;
  private readonly decimated = new Float32Array(CHUNK);
  private partial = 0;
  private partialCount = 0;
  private readonly ring: Float64Array;
  private readonly radius: number;
  private readonly peakRadius: number;
  private readonly minGap: number;
  private readonly hopSec: number;
  private readonly sink = (power: Float64Array): void => this.frame(power);
  private frames = 0;
  private ringSum = 0;
  private lastOnset = -Infinity;
  private onsetCount = 0;
  private activeFrames = 0;

  /** At `sampleRate` Hz. */
  constructor(sampleRate: number) {
    this.factor = Math.max(1, Math.floor(sampleRate / DECIMATED_MIN_HZ));
    const rate = sampleRate / this.factor;
    const size = nextPowerOfTwo(Math.round(FRAME_SEC * rate));
    const hop = size / 2;
    this.hopSec = hop / rate;
    this.stft = new PairedStft({ size, hop });
    const set = fractionalOctaveBands(2, 44, Math.min(16000 * 1.01, rate / 2));
    this.map = mapBinsToBands(set, rate / size, size / 2 + 1);
    this.bands = bandCount(set);
    this.prev = new Float64Array(this.bands).fill(10 * Math.log10(FLOOR_POWER));
    this.radius = Math.max(1, Math.round(MEAN_SEC / this.hopSec));
    this.peakRadius = Math.max(1, Math.round(PEAK_SEC / this.hopSec));
    this.minGap = Math.max(1, Math.round(MIN_GAP_SEC / this.hopSec));
    this.ring = new Float64Array(2 * this.radius + 1);
  }

  /** Feeds `length` samples of left (or mono) and right (null for mono). */
  process(left: Float32Array, right: Float32Array | null, length = left.length): void {
    const d = this.factor;
    const out = this.decimated;
    const g = (right ? 0.5 : 1) / d;
    let acc = this.partial;
    let count = this.partialCount;
    let j = 0;
    const r = right ?? left;
    const rg = right ? 1 : 0;
    for (let i = 0; i < length; i++) {
      acc += left[i] + rg * r[i];
      if (++count === d) {
        out[j++] = acc * g;
        acc = 0;
        count = 0;
        if (j === CHUNK) { this.stft.process(out, null, this.sink, j); j = 0; }
      }
    }
    if (j > 0) this.stft.process(out, null, this.sink, j);
    this.partial = acc;
    this.partialCount = count;
  }

  private frame(q: Float64Array): void {
    const map = this.map;
    let total = 0;
    for (let i = 0; i < q.length; i++) total += q[i];
    if (total > ACTIVE_POWER) this.activeFrames++;
    let flux = 0;
    for (let b = 0; b < this.bands; b++) {
      const k0 = map.firstBin[b];
      const k1 = map.lastBin[b];
      let e = 0;
      for (let i = k0; i <= k1; i++) {
        const w = i === k0 ? map.firstWeight[b] : i === k1 ? map.lastWeight[b] : 1;
        e += q[i] * w;
      }
      const db = 10 * Math.log10(e + FLOOR_POWER);
      if (db > this.prev[b]) flux += db - this.prev[b];
      this.prev[b] = db;
    }
    this.push(flux / this.bands);
  }

  private push(flux: number): void {
    const len = this.ring.length;
    const slot = this.frames % len;
    this.ringSum += flux - this.ring[slot];
    this.ring[slot] = flux;
    this.frames++;
    if (this.frames < len) return;
    // Candidate: the frame at the centre of the ring, `radius` frames ago.
    const c = this.frames - 1 - this.radius;
    const value = this.ring[c % len];
    if (value < this.ringSum / len + DELTA_DB || c - this.lastOnset < this.minGap) return;
    for (let d = 1; d <= this.peakRadius; d++) {
      if (this.ring[(c - d) % len] >= value || this.ring[(c + d) % len] > value) return;
    }
    this.lastOnset = c;
    this.onsetCount++;
  }

  /** A fresh reading. */
  read(): TransientReading {
    const activeSec = this.activeFrames * this.hopSec;
    return {
      onsets: this.onsetCount,
      activeSec: round(activeSec, 2) ?? 0,
      onsetsPerSec: activeSec >= 1 ? round(this.onsetCount / activeSec, 3) : null,
    };
  }
}
