import { bandCount, bandsFromEdges, mapBinsToBands, sixthOctaveBands, thirdOctaveBands, type BandSet, type BinBandMap } from '../../dsp/bands.js';
import type { StftFrame } from '../../dsp/stft.js';
import { kWeightingPowerTable, LOUDNESS_OFFSET_DB } from './kWeighting.js';

/** The 1/3-octave bands of the profile (ISO 20 Hz..20 kHz, 31 bands). */
export const THIRD_OCTAVE: BandSet = thirdOctaveBands();
/** The 1/6-octave bands of the profile (62 bands); bands 2i and 2i+1 make 1/3-octave band i. */
export const SIXTH_OCTAVE: BandSet = sixthOctaveBands();
/** Names of the tonal regions whose energy share the profile reports, low to high. */
export const REGION_NAMES = ['sub', 'bass', 'lowMids', 'mids', 'presence', 'brilliance', 'air'] as const;
/** Edges of the tonal regions, Hz: sub 20-60, bass 60-250, ..., air 10k-20k. */
export const REGION_EDGES_HZ: readonly number[] = [20, 60, 250, 500, 2000, 5000, 10000, 20000];
const REGIONS = bandsFromEdges(REGION_EDGES_HZ);

/**
 * What each spectral analyzer receives per STFT frame: the frame, its loudness, and its powers per
 * 1/6-octave band, computed once and shared. Reused for every frame (read, do not keep).
 */
export class SpectralFrame {
  /** Number of 1/6-octave bands (62). */
  readonly bands = bandCount(SIXTH_OCTAVE);
  /** The STFT frame these figures come from. */
  stft: StftFrame | null = null;
  /** Frame loudness, LUFS: BS.1770 K-weighted power of L and R summed (mono counts as dual mono); -Infinity in silence. */
  loudnessLufs = -Infinity;
  /** Mid power per 1/6-octave band, full scale^2 (mean square). */
  readonly mid = new Float64Array(this.bands);
  /** Side power per 1/6-octave band, full scale^2. */
  readonly side = new Float64Array(this.bands);
  /** Re(M S*) per 1/6-octave band, full scale^2 (positive when left is louder). */
  readonly cross = new Float64Array(this.bands);
  /** First moment of mid+side power per 1/6-octave band, Hz * full scale^2 (for the centroid). */
  readonly moment = new Float64Array(this.bands);
  /** Mean-channel power (mid+side) in each tonal region, full scale^2. */
  readonly regions = new Float64Array(REGION_NAMES.length);
}

/** Turns STFT frames into SpectralFrames; holds the bin-to-band maps and the K-weighting table. */
export class SpectralFrameBuilder {
  private readonly out = new SpectralFrame();
  private readonly sixth: BinBandMap;
  private readonly regions: BinBandMap;
  private readonly kTable: Float64Array;
  private readonly binHz: number;
  private readonly channelFactor: number;

  /** For an STFT of `size` points at `sampleRate` Hz. */
  constructor(sampleRate: number, size: number) {
    const bins = size / 2 + 1;
    this.binHz = sampleRate / size;
    this.sixth = mapBinsToBands(SIXTH_OCTAVE, this.binHz, bins);
    this.regions = mapBinsToBands(REGIONS, this.binHz, bins);
    this.kTable = kWeightingPowerTable(bins, this.binHz, sampleRate);
    // |L|^2 + |R|^2 = 2 (|M|^2 + |S|^2): loudness sums both channels.
    this.channelFactor = 2;
  }

  /** Fills the shared SpectralFrame from an STFT frame. Allocates nothing. */
  build(frame: StftFrame): SpectralFrame {
    const o = this.out;
    o.stft = frame;
    const pm = frame.midPower;
    const ps = frame.sidePower;
    const px = frame.crossPower;
    const kt = this.kTable;
    let k = 0;
    for (let i = 0; i < frame.bins; i++) k += kt[i] * (pm[i] + ps[i]);
    o.loudnessLufs = k > 0 ? LOUDNESS_OFFSET_DB + 10 * Math.log10(this.channelFactor * k) : -Infinity;
    const map = this.sixth;
    const df = this.binHz;
    for (let b = 0; b < o.bands; b++) {
      const k0 = map.firstBin[b];
      const k1 = map.lastBin[b];
      if (k0 < 0) {
        o.mid[b] = o.side[b] = o.cross[b] = o.moment[b] = 0;
        continue;
      }
      // Edge bins carry fractional weights; the interior loop has none.
      const w0 = map.firstWeight[b];
      let m = pm[k0] * w0, s = ps[k0] * w0, x = px[k0] * w0, mo = (pm[k0] + ps[k0]) * w0 * k0;
      if (k1 > k0) {
        const w1 = map.lastWeight[b];
        m += pm[k1] * w1; s += ps[k1] * w1; x += px[k1] * w1; mo += (pm[k1] + ps[k1]) * w1 * k1;
      }
      for (let i = k0 + 1; i < k1; i++) {
        const a = pm[i], c = ps[i];
        m += a; s += c; x += px[i]; mo += (a + c) * i;
      }
      o.mid[b] = m;
      o.side[b] = s;
      o.cross[b] = x;
      o.moment[b] = mo * df;
    }
    const rm = this.regions;
    for (let r = 0; r < o.regions.length; r++) {
      const k0 = rm.firstBin[r];
      const k1 = rm.lastBin[r];
      if (k0 < 0) { o.regions[r] = 0; continue; }
      let p = (pm[k0] + ps[k0]) * rm.firstWeight[r];
      if (k1 > k0) p += (pm[k1] + ps[k1]) * rm.lastWeight[r];
      for (let i = k0 + 1; i < k1; i++) p += pm[i] + ps[i];
      o.regions[r] = p;
    }
    return o;
  }
}
