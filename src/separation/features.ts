import { kWeightingPowerTable } from '../analysis/profile/kWeighting.js';
import { stftSizeFor } from '../analysis/profile/parts.js';
import { Stft } from '../dsp/stft.js';
import { STEM_FEATURES_VERSION, STEM_OCTAVES_HZ, type StemFeatures, type StemsProfile } from './stemSchema.js';
import { STEM_NAMES, type SeparatorId, type StemSet } from './types.js';

/** Power sums of one signal over all its frames: K-weighted total, per octave, mid, side, cross. */
interface PowerSums {
  kWeighted: number;
  octaves: Float64Array;
  mid: number;
  side: number;
  cross: number;
}

const clampDb = (x: number) => Math.max(-120, Math.min(120, x));
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Sums a planar signal's STFT power (mid/side, the profile's frame size) into PowerSums. */
function powerSums(channels: readonly Float32Array[], sampleRate: number): PowerSums {
  const { size, hop } = stftSizeFor(sampleRate);
  const stft = new Stft({ size, hop }, sampleRate);
  const bins = size / 2 + 1;
  const binHz = sampleRate / size;
  const kw = kWeightingPowerTable(bins, binHz, sampleRate);
  const band = new Int16Array(bins).fill(-1);
  for (let k = 1; k < bins; k++) {
    const f = k * binHz;
    const i = STEM_OCTAVES_HZ.findIndex((c) => f >= c / Math.SQRT2 && f < c * Math.SQRT2);
    band[k] = i;
  }
  const s: PowerSums = { kWeighted: 0, octaves: new Float64Array(STEM_OCTAVES_HZ.length), mid: 0, side: 0, cross: 0 };
  const left = channels[0], right = channels.length > 1 ? channels[1] : null;
  stft.process(left, right, (fr) => {
    for (let k = 0; k < bins; k++) {
      const p = fr.midPower[k] + fr.sidePower[k];
      s.kWeighted += kw[k] * p;
      if (band[k] >= 0) s.octaves[band[k]] += p;
      s.mid += fr.midPower[k];
      s.side += fr.sidePower[k];
      s.cross += fr.crossPower[k];
    }
  });
  return s;
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
  const rate = stems.sampleRate;
  const stereo = mix.length > 1;
  const mixSums = powerSums(mix, rate);
  const out = {} as StemsProfile['stems'];
  for (const name of STEM_NAMES) out[name] = featuresOf(powerSums(stems.stems[name], rate), mixSums.kWeighted, stereo);
  return { version: STEM_FEATURES_VERSION, separator, stems: out };
}
