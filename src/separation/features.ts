import { kWeightingPowerTable } from '../analysis/profile/kWeighting.js';
import { stftSizeFor } from '../analysis/profile/framing.js';
import { Stft, type StftFrame } from '../dsp/stft.js';
import { STEM_FEATURES_VERSION, STEM_OCTAVES_HZ } from './stemConstants.js';
import type { StemFeatures, StemsProfile } from './stemSchema.js';
import { STEM_NAMES, type SeparatorId, type StemName, type StemSet } from './types.js';

// Imports nothing with zod or the profile's analyzers: the separator's worker thread measures stems with it.

/** Power sums of one signal over all its frames (StftFrame's scaling): K-weighted total, per octave (STEM_OCTAVES_HZ), mid, side, cross. */
export interface PowerSums {
  kWeighted: number;
  octaves: Float64Array;
  mid: number;
  side: number;
  cross: number;
}

/** The signals a StemFeatureMeter measures: the mix and its four stems. */
export type MeteredSignal = 'mix' | StemName;

/** One signal's frame being filled (its first `fill` samples per channel) and its sums so far. */
interface Feed {
  left: Float32Array;
  right: Float32Array;
  /** Whether the signal has a second channel (set by its first chunk). */
  stereo: boolean | null;
  fill: number;
  sums: PowerSums;
}

const clampDb = (x: number) => Math.max(-120, Math.min(120, x));
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Streaming stemFeatures(): push the mix and each stem in chunks of any size, then read `result`.
 * Holds one frame of the profile's STFT per signal and one STFT shared by all five (about 0.7 MB
 * at 48 kHz stereo), so a separator can measure its stems as it produces them instead of keeping
 * them whole. Each signal is framed exactly as one streaming Stft over the whole signal would frame
 * it (frames every hop from sample 0, a tail shorter than a hop left out), so the figures equal
 * stemFeatures() on the materialised stems.
 */
export class StemFeatureMeter {
  private readonly size: number;
  private readonly hop: number;
  private readonly bins: number;
  private readonly stft: Stft;
  private readonly kw: Float64Array;
  /** Octave band of each bin (index into STEM_OCTAVES_HZ), -1 outside them. */
  private readonly band: Int16Array;
  private readonly feeds = new Map<MeteredSignal, Feed>();
  private current: PowerSums | null = null;
  private readonly sink: (fr: StftFrame) => void;

  /** `sampleRate`: of the mix and the stems, Hz. */
  constructor(sampleRate: number) {
    const { size, hop } = stftSizeFor(sampleRate);
    this.size = size;
    this.hop = hop;
    this.stft = new Stft({ size, hop }, sampleRate);
    const bins = (this.bins = size / 2 + 1);
    const binHz = sampleRate / size;
    this.kw = kWeightingPowerTable(bins, binHz, sampleRate);
    this.band = new Int16Array(bins).fill(-1);
    for (let k = 1; k < bins; k++) {
      const f = k * binHz;
      this.band[k] = STEM_OCTAVES_HZ.findIndex((c) => f >= c / Math.SQRT2 && f < c * Math.SQRT2);
    }
    this.sink = (fr) => this.add(fr);
  }

  /**
   * Feeds samples from..from+length of a signal's planar channels (1 or 2 used: a mono signal has no
   * side). Each signal's chunks must follow one another; the channel count must not change.
   */
  push(signal: MeteredSignal, channels: readonly Float32Array[], from: number, length: number): void {
    const N = this.size;
    const f = this.feed(signal);
    f.stereo ??= channels.length > 1;
    const left = channels[0], right = f.stereo ? channels[1] : null;
    let pos = from;
    const end = from + length;
    while (pos < end) {
      const n = Math.min(N - f.fill, end - pos);
      const l = f.left, r = f.right;
      for (let i = 0; i < n; i++) l[f.fill + i] = left[pos + i];
      if (right) for (let i = 0; i < n; i++) r[f.fill + i] = right[pos + i];
      f.fill += n;
      pos += n;
      if (f.fill === N) {
        // One frame through the shared STFT: reset, then exactly N samples give exactly this frame.
        this.current = f.sums;
        this.stft.reset();
        this.stft.process(f.left, right ? f.right : null, this.sink, N);
        f.left.copyWithin(0, this.hop, N);
        if (right) f.right.copyWithin(0, this.hop, N);
        f.fill = N - this.hop;
      }
    }
  }

  /** The figures of everything pushed so far; `mixChannels` decides mono (no width, centred) or stereo. */
  result(separator: SeparatorId, mixChannels: number): StemsProfile {
    const mixKWeighted = this.feeds.get('mix')?.sums.kWeighted ?? 0;
    // A signal never pushed (an empty input) reads as silent, as stemFeatures() of empty stems does.
    const stereo = mixChannels > 1;
    const out = {} as StemsProfile['stems'];
    for (const name of STEM_NAMES) out[name] = featuresOf(this.feeds.get(name)?.sums ?? emptySums(), mixKWeighted, stereo);
    return { version: STEM_FEATURES_VERSION, separator, stems: out };
  }

  /** A signal's power sums so far (a copy), or null if it was never pushed; the figures are made from these. */
  sums(signal: MeteredSignal): PowerSums | null {
    const s = this.feeds.get(signal)?.sums;
    return s ? { ...s, octaves: s.octaves.slice() } : null;
  }

  /** Forgets everything pushed, keeping the buffers (a meter per worker, reused job after job). */
  reset(): void {
    for (const f of this.feeds.values()) {
      f.stereo = null;
      f.fill = 0;
      f.sums.kWeighted = f.sums.mid = f.sums.side = f.sums.cross = 0;
      f.sums.octaves.fill(0);
    }
  }

  private feed(signal: MeteredSignal): Feed {
    let f = this.feeds.get(signal);
    if (!f) {
      f = { left: new Float32Array(this.size), right: new Float32Array(this.size), stereo: null, fill: 0, sums: emptySums() };
      this.feeds.set(signal, f);
    }
    return f;
  }

  private add(fr: StftFrame): void {
    const s = this.current as PowerSums;
    const { kw, band } = this;
    for (let k = 0; k < this.bins; k++) {
      const p = fr.midPower[k] + fr.sidePower[k];
      s.kWeighted += kw[k] * p;
      if (band[k] >= 0) s.octaves[band[k]] += p;
      s.mid += fr.midPower[k];
      s.side += fr.sidePower[k];
      s.cross += fr.crossPower[k];
    }
  }
}

function emptySums(): PowerSums {
  return { kWeighted: 0, octaves: new Float64Array(STEM_OCTAVES_HZ.length), mid: 0, side: 0, cross: 0 };
}

/** One stem's figures from its power sums and the mix's K-weighted total. */
function featuresOf(s: PowerSums, mixKWeighted: number, stereo: boolean): StemFeatures {
  const total = s.mid + s.side;
  const silent = total <= 1e-20 || mixKWeighted <= 1e-20;
  const db = (x: number, ref: number) => (x > 0 && ref > 0 ? r2(clampDb(10 * Math.log10(x / ref))) : silent ? null : -120);
  return {
    levelDb: silent ? null : s.kWeighted > 0 ? r2(clampDb(10 * Math.log10(s.kWeighted / mixKWeighted))) : -120,
    octaves: STEM_OCTAVES_HZ.map((centerHz, i) => ({ centerHz, levelDb: silent ? null : db(s.octaves[i], total) })),
    sideToMidDb: silent ? null : !stereo ? -120 : db(s.side, s.mid),
    // |L|^2 = M^2 + S^2 + 2X, |R|^2 = M^2 + S^2 - 2X (see StftFrame.crossPower).
    pan: silent || !stereo ? (silent ? null : 0) : r2(Math.max(-1, Math.min(1, (-2 * s.cross) / total))),
  };
}

/**
 * The per-stem figures of a track: each stem's level against the mix (K-weighted energy, so the
 * loudness meter's frequency weighting), its octave balance, width and pan. `mix` is the audio the
 * stems were separated from.
 */
export function stemFeatures(mix: readonly Float32Array[], stems: StemSet, separator: SeparatorId): StemsProfile {
  const meter = new StemFeatureMeter(stems.sampleRate);
  meter.push('mix', mix, 0, mix[0]?.length ?? 0);
  for (const name of STEM_NAMES) {
    const x = stems.stems[name];
    meter.push(name, x, 0, x[0]?.length ?? 0);
  }
  return meter.result(separator, mix.length);
}
