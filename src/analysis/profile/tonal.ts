import { bandCount } from '../../dsp/bands.js';
import { createGatedSum, PROGRAMME_GATE, type GatedSum } from './gatedSum.js';
import { relativeLevelDb, round } from './db.js';
import { SIXTH_OCTAVE, THIRD_OCTAVE, type SpectralFrame } from './spectralFrame.js';

/** Level of one band of mid and side, relative to the programme loudness. */
export interface BandLevel {
  /** Band centre: ISO nominal for 1/3 octaves, exact (4 significant digits) for 1/6, Hz. */
  centerHz: number;
  /** Mid (L+R)/2 band power minus the programme loudness, dB (floor -120); null if unmeasurable. */
  midDb: number | null;
  /** Side (L-R)/2 band power minus the programme loudness, dB (floor -120); null if unmeasurable. */
  sideDb: number | null;
}

/** The tonal balance: long-term average spectrum over the programme-carrying frames. */
export interface TonalReading {
  /** Energy mean K-weighted loudness of the frames that passed the gates, LUFS; the 0 dB of every band; null in silence. */
  referenceLufs: number | null;
  /** Frames that passed the gates, 0..inf. */
  gatedFrames: number;
  /** 31 ISO 1/3-octave bands, 20 Hz..20 kHz. */
  thirdOctave: BandLevel[];
  /** 62 IEC 1/6-octave bands over the same range (for EQ fitting). */
  sixthOctave: BandLevel[];
}

/**
 * Long-term average power spectrum of mid and side in 1/6-octave bands (1/3 octaves are the sums
 * of pairs), averaged over frames gated by their own K-weighted loudness (-70 LUFS absolute, -20 LU
 * relative), and expressed relative to the gated loudness, so tracks of any level compare and
 * quiet intros, fades and silence do not dominate.
 */
export class TonalAnalyzer {
  private readonly n = bandCount(SIXTH_OCTAVE);
  private readonly sum: GatedSum;
  private readonly vector: Float64Array;
  private readonly total: Float64Array;
  private readonly nyquistHz: number;

  /** At `sampleRate` Hz; `recentFrames`: keep only that many recent frames (live view), session-long when omitted. */
  constructor(sampleRate: number, recentFrames?: number) {
    this.nyquistHz = sampleRate / 2;
    this.sum = createGatedSum(2 * this.n, PROGRAMME_GATE, recentFrames);
    this.vector = new Float64Array(2 * this.n);
    this.total = new Float64Array(2 * this.n);
  }

  /** Accumulates one frame. Allocates nothing. */
  processFrame(frame: SpectralFrame): void {
    this.vector.set(frame.mid, 0);
    this.vector.set(frame.side, this.n);
    this.sum.add(this.vector, frame.loudnessLufs);
  }

  /** A fresh reading; band levels are null where no frame passed the gates or the band is above Nyquist. */
  read(): TonalReading {
    const bandValid = (b: number): boolean => SIXTH_OCTAVE.lowHz[b] < this.nyquistHz;
    const t = this.total;
    const totals = this.sum.sum(t);
    const ref = totals.gatedLevelDb;
    const frames = totals.gatedFrames;
    const level = (p: number, valid: boolean): number | null =>
      valid && ref !== null ? round(relativeLevelDb(p / frames, ref)) : null;
    const sixthOctave: BandLevel[] = [];
    for (let b = 0; b < this.n; b++) {
      const ok = bandValid(b);
      sixthOctave.push({ centerHz: SIXTH_OCTAVE.nominalHz[b], midDb: level(t[b], ok), sideDb: level(t[this.n + b], ok) });
    }
    const thirdOctave: BandLevel[] = [];
    for (let i = 0; i < bandCount(THIRD_OCTAVE); i++) {
      const ok = bandValid(2 * i);
      const mid = t[2 * i] + t[2 * i + 1];
      const side = t[this.n + 2 * i] + t[this.n + 2 * i + 1];
      thirdOctave.push({ centerHz: THIRD_OCTAVE.nominalHz[i], midDb: level(mid, ok), sideDb: level(side, ok) });
    }
    return { referenceLufs: round(ref), gatedFrames: frames, thirdOctave, sixthOctave };
  }
}
