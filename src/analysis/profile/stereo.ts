import { bandCount } from '../../dsp/bands.js';
import { createGatedSum, PROGRAMME_GATE, type GatedSum } from './gatedSum.js';
import { powerRatioDb, round } from './db.js';
import { SIXTH_OCTAVE, THIRD_OCTAVE, type SpectralFrame } from './spectralFrame.js';

/** Stereo image of one 1/3-octave band. */
export interface StereoBand {
  /** ISO nominal band centre, Hz. */
  centerHz: number;
  /** Re(sum L R*) / sqrt(sum|L|^2 sum|R|^2), -1..1; null when a channel is silent in the band. */
  correlation: number | null;
  /** Side power over mid power, dB (+-120 cap: -120 no side, +120 no mid); null when silent. */
  sideToMidDb: number | null;
  /** Pan position -1 (left) .. +1 (right), inverting the sin/cos constant-power law; null when silent. */
  pan: number | null;
}

/** Low-end summary below `maxHz`. */
export interface LowEndReading {
  /** Upper edge of the low-end range: the 1/6-octave edge nearest 150 Hz, Hz. */
  maxHz: number;
  /** L/R correlation in the range, -1..1 (1 = mono bass); null when silent. */
  correlation: number | null;
  /** Side over mid power in the range, dB (+-120 cap); null when silent. */
  sideToMidDb: number | null;
}

/** Stereo reading over the programme-carrying frames. */
export interface StereoReading {
  /** True when the input had a single channel: width is zero by construction. */
  monoInput: boolean;
  /** A sentence when the image is degenerate (mono input, dual mono, one silent channel), else null. */
  note: string | null;
  /** Right minus left channel level, dB (+-120 cap; negative = left heavier); null in silence. */
  balanceDb: number | null;
  /** L/R correlation over 18 Hz..22 kHz, -1..1; null when a channel is silent. */
  correlation: number | null;
  /** Side over mid power, dB (+-120 cap); null in silence. */
  sideToMidDb: number | null;
  /** Share of the power in the side channel, 0 (mono) .. 1 (anti-phase); null in silence. */
  sideShare: number | null;
  /** Level lost on mono fold-down (L+R)/2 relative to the mean channel power, dB, 0..120 (120 = total cancellation); null in silence. */
  monoLossDb: number | null;
  /** How mono the low end is. */
  lowEnd: LowEndReading;
  /** Per 1/3-octave band (31 bands). */
  bands: StereoBand[];
}

const LOW_END_HZ = 150;

/** Correlation, width, balance and pan from the shared STFT, gated like the tonal balance. */
export class StereoAnalyzer {
  private readonly n = bandCount(SIXTH_OCTAVE);
  private readonly sum: GatedSum;
  private readonly vector: Float64Array;
  private readonly total: Float64Array;
  private readonly monoInput: boolean;
  private readonly nyquistHz: number;

  /** At `sampleRate` Hz; `monoInput` when the source has one channel; `recentFrames` for a live window. */
  constructor(sampleRate: number, monoInput: boolean, recentFrames?: number) {
    this.monoInput = monoInput;
    this.nyquistHz = sampleRate / 2;
    this.sum = createGatedSum(3 * this.n, PROGRAMME_GATE, recentFrames);
    this.vector = new Float64Array(3 * this.n);
    this.total = new Float64Array(3 * this.n);
  }

  /** Accumulates one frame. Allocates nothing. */
  processFrame(frame: SpectralFrame): void {
    this.vector.set(frame.mid, 0);
    this.vector.set(frame.side, this.n);
    this.vector.set(frame.cross, 2 * this.n);
    this.sum.add(this.vector, frame.loudnessLufs);
  }

  /** A fresh reading. */
  read(): StereoReading {
    const t = this.total;
    const totals = this.sum.sum(t);
    const n = this.n;
    const silent = totals.gatedFrames === 0;
    const range = (from: number, to: number): Image => {
      let m = 0, s = 0, x = 0;
      for (let b = from; b < to; b++) {
        if (SIXTH_OCTAVE.lowHz[b] >= this.nyquistHz) continue;
        m += t[b]; s += t[n + b]; x += t[2 * n + b];
      }
      return image(m, s, x);
    };
    const bands: StereoBand[] = [];
    for (let i = 0; i < bandCount(THIRD_OCTAVE); i++) {
      const im = silent || SIXTH_OCTAVE.lowHz[2 * i] >= this.nyquistHz ? NONE : range(2 * i, 2 * i + 2);
      bands.push({ centerHz: THIRD_OCTAVE.nominalHz[i], correlation: im.correlation, sideToMidDb: im.sideToMidDb, pan: im.pan });
    }
    let lowBands = 0;
    while (lowBands < n && SIXTH_OCTAVE.highHz[lowBands] <= LOW_END_HZ * 1.1) lowBands++;
    const all = silent ? NONE : range(0, n);
    const low = silent ? NONE : range(0, lowBands);
    return {
      monoInput: this.monoInput,
      note: silent ? 'No programme above the gates: stereo figures are not measurable.' : noteFor(this.monoInput, all),
      balanceDb: all.balanceDb,
      correlation: all.correlation,
      sideToMidDb: all.sideToMidDb,
      sideShare: all.sideShare,
      monoLossDb: all.monoLossDb,
      lowEnd: { maxHz: round(SIXTH_OCTAVE.highHz[lowBands - 1], 1) ?? LOW_END_HZ, correlation: low.correlation, sideToMidDb: low.sideToMidDb },
      bands,
    };
  }
}

interface Image {
  correlation: number | null;
  sideToMidDb: number | null;
  pan: number | null;
  balanceDb: number | null;
  sideShare: number | null;
  monoLossDb: number | null;
}

const NONE: Image = { correlation: null, sideToMidDb: null, pan: null, balanceDb: null, sideShare: null, monoLossDb: null };

// A channel this far below the other counts as silent for correlation (rounding of the M/S split).
const SILENT_RATIO = 1e-12;

/** Figures from summed mid, side and Re(M S*) powers: L = M + S, R = M - S. */
function image(m: number, s: number, x: number): Image {
  const pl = Math.max(0, m + s + 2 * x);
  const pr = Math.max(0, m + s - 2 * x);
  const total = pl + pr;
  if (!(total > 0)) return NONE;
  const oneSilent = Math.min(pl, pr) <= SILENT_RATIO * Math.max(pl, pr);
  const corr = oneSilent ? null : Math.max(-1, Math.min(1, (m - s) / Math.sqrt(pl * pr)));
  const pan = (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, (pr - pl) / total)));
  return {
    correlation: round(corr, 4),
    sideToMidDb: round(powerRatioDb(s, m)),
    pan: round(pan, 4),
    balanceDb: round(powerRatioDb(pr, pl)),
    sideShare: round(s / (m + s), 4),
    monoLossDb: round(powerRatioDb(m + s, m)),
  };
}

function noteFor(monoInput: boolean, all: Image): string | null {
  if (monoInput) return 'Mono input: played as dual mono, so there is no side signal and width is zero.';
  if (all.sideToMidDb !== null && all.sideToMidDb <= -100) return 'Left and right are identical (dual mono): width is zero.';
  if (all.correlation === null) return 'One channel is silent: the mix is hard-panned to one side.';
  return null;
}
