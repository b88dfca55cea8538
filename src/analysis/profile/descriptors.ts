import { bandCount } from '../../dsp/bands.js';
import { createGatedSum, PROGRAMME_GATE, type GatedSum } from './gatedSum.js';
import { round } from './db.js';
import { REGION_NAMES, SIXTH_OCTAVE, THIRD_OCTAVE, type SpectralFrame } from './spectralFrame.js';

/** Share of the 20 Hz..20 kHz power in each region, 0..1 (the seven sum to 1); null in silence. */
export type EnergyShare = Record<(typeof REGION_NAMES)[number], number | null>;

/** Tonal descriptors of the programme-carrying frames. */
export interface DescriptorReading {
  /** Least-squares slope of the 1/3-octave mid levels against log2(frequency), 50 Hz..16 kHz, dB/octave (0 for pink noise, +3.01 for white); null in silence. */
  tiltDbPerOctave: number | null;
  /** Power-weighted mean frequency of mid+side, 18 Hz..22 kHz, Hz; null in silence. */
  centroidHz: number | null;
  /** Energy share of sub 20-60, bass 60-250, lowMids 250-500, mids 500-2k, presence 2-5k, brilliance 5-10k, air 10-20k Hz. */
  energyShare: EnergyShare;
}

const TILT_FROM_HZ = 50;
const TILT_TO_HZ = 16000;

/** Spectral tilt, centroid and regional energy shares, gated like the tonal balance. */
export class DescriptorAnalyzer {
  private readonly n = bandCount(SIXTH_OCTAVE);
  private readonly regions = REGION_NAMES.length;
  private readonly sum: GatedSum;
  private readonly vector: Float64Array;
  private readonly total: Float64Array;
  private readonly nyquistHz: number;

  /** At `sampleRate` Hz; `recentFrames` for a live window, session-long when omitted. */
  constructor(sampleRate: number, recentFrames?: number) {
    this.nyquistHz = sampleRate / 2;
    const width = this.n + 2 + this.regions;
    this.sum = createGatedSum(width, PROGRAMME_GATE, recentFrames);
    this.vector = new Float64Array(width);
    this.total = new Float64Array(width);
  }

  /** Accumulates one frame. Allocates nothing. */
  processFrame(frame: SpectralFrame): void {
    const v = this.vector;
    v.set(frame.mid, 0);
    let moment = 0, power = 0;
    for (let b = 0; b < this.n; b++) {
      moment += frame.moment[b];
      power += frame.mid[b] + frame.side[b];
    }
    v[this.n] = moment;
    v[this.n + 1] = power;
    v.set(frame.regions, this.n + 2);
    this.sum.add(v, frame.loudnessLufs);
  }

  /** A fresh reading. */
  read(): DescriptorReading {
    const t = this.total;
    const totals = this.sum.sum(t);
    const share = {} as EnergyShare;
    let regionTotal = 0;
    for (let r = 0; r < this.regions; r++) regionTotal += t[this.n + 2 + r];
    for (let r = 0; r < this.regions; r++) {
      share[REGION_NAMES[r]] = totals.gatedFrames > 0 && regionTotal > 0 ? round(t[this.n + 2 + r] / regionTotal, 4) : null;
    }
    const power = t[this.n + 1];
    return {
      tiltDbPerOctave: totals.gatedFrames > 0 ? round(this.tilt(t), 3) : null,
      centroidHz: totals.gatedFrames > 0 && power > 0 ? round(t[this.n] / power, 1) : null,
      energyShare: share,
    };
  }

  private tilt(t: Float64Array): number | null {
    let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = 0; i < bandCount(THIRD_OCTAVE); i++) {
      const fc = THIRD_OCTAVE.nominalHz[i];
      if (fc < TILT_FROM_HZ || fc > TILT_TO_HZ || THIRD_OCTAVE.highHz[i] > this.nyquistHz) continue;
      const p = t[2 * i] + t[2 * i + 1];
      if (!(p > 0)) continue;
      const x = Math.log2(THIRD_OCTAVE.centerHz[i]);
      const y = 10 * Math.log10(p);
      n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    const den = n * sxx - sx * sx;
    return n >= 2 && den > 0 ? (n * sxy - sx * sy) / den : null;
  }
}
