import { AmaError } from '../util/errors.js';

/**
 * Fractional-octave bands, base-10 (IEC 61260-1:2014, the standard's recommended system): the
 * octave ratio is G = 10^(3/10) ~ 1.99526, centres are 1000 * G^(x/b) for odd b and
 * 1000 * G^((2x+1)/(2b)) for even b, and band edges are centre * G^(+-1/(2b)). With this rule
 * the 1/6-octave bands split each 1/3-octave band into exactly two halves.
 */
export const OCTAVE_RATIO = 10 ** 0.3;

/** ISO 266 nominal 1/3-octave centre frequencies, 20 Hz..20 kHz (31 values, Hz). */
export const ISO_THIRD_OCTAVE_NOMINAL_HZ: readonly number[] = [
  20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800,
  1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
];

/** A set of contiguous or separate frequency bands (Hz); arrays are parallel, low to high. */
export interface BandSet {
  /** Exact centre frequencies (geometric mean of the edges), Hz. */
  readonly centerHz: Float64Array;
  /** Names people read: ISO nominal centres for 1/3 octaves, rounded exact centres otherwise, Hz. */
  readonly nominalHz: readonly number[];
  /** Lower edges, Hz. */
  readonly lowHz: Float64Array;
  /** Upper edges, Hz. */
  readonly highHz: Float64Array;
}

/** Number of bands in a set. */
export function bandCount(bands: BandSet): number {
  return bands.centerHz.length;
}

/**
 * IEC 61260-1 base-10 bands of 1/b octave whose edges lie inside [fromHz, toHz] (small tolerance).
 * Default range is the edges of the 20 Hz and 20 kHz 1/3-octave bands, 17.78..22387 Hz.
 */
export function fractionalOctaveBands(b: number, fromHz = 1000 * 10 ** -1.75, toHz = 1000 * 10 ** 1.35): BandSet {
  if (!Number.isInteger(b) || b < 1 || b > 48) {
    throw new AmaError('BAD_OPTION', `Bands per octave must be an integer in [1, 48], got ${b}.`);
  }
  const centers: number[] = [];
  const tol = 1e-9;
  const half = OCTAVE_RATIO ** (1 / (2 * b));
  const xMin = Math.floor((Math.log(fromHz / 1000) / Math.log(OCTAVE_RATIO)) * b) - 2;
  const xMax = Math.ceil((Math.log(toHz / 1000) / Math.log(OCTAVE_RATIO)) * b) + 2;
  for (let x = xMin; x <= xMax; x++) {
    const exp = b % 2 === 1 ? x / b : (2 * x + 1) / (2 * b);
    const fc = 1000 * OCTAVE_RATIO ** exp;
    if (fc / half >= fromHz * (1 - tol) && fc * half <= toHz * (1 + tol)) centers.push(fc);
  }
  const nominal = centers.map((fc) => (b === 3 ? isoNominal(fc) : roundSignificant(fc, 4)));
  return {
    centerHz: Float64Array.from(centers),
    nominalHz: nominal,
    lowHz: Float64Array.from(centers, (fc) => fc / half),
    highHz: Float64Array.from(centers, (fc) => fc * half),
  };
}

/** The 31 ISO 1/3-octave bands, nominal centres 20 Hz..20 kHz, exact base-10 edges. */
export function thirdOctaveBands(): BandSet {
  return fractionalOctaveBands(3);
}

/** The 62 IEC 1/6-octave bands covering exactly the same range; band 2i and 2i+1 make 1/3-octave band i. */
export function sixthOctaveBands(): BandSet {
  return fractionalOctaveBands(6);
}

/** Contiguous bands from a rising list of edges (Hz), e.g. [20, 60, 250] gives 20-60 and 60-250. */
export function bandsFromEdges(edgesHz: readonly number[]): BandSet {
  for (let i = 1; i < edgesHz.length; i++) {
    if (!(edgesHz[i] > edgesHz[i - 1]) || !(edgesHz[i - 1] > 0)) {
      throw new AmaError('BAD_OPTION', `Band edges must be positive and rising, got ${edgesHz.join(', ')}.`);
    }
  }
  const low = Float64Array.from(edgesHz.slice(0, -1));
  const high = Float64Array.from(edgesHz.slice(1));
  const center = low.map((lo, i) => Math.sqrt(lo * high[i]));
  return { centerHz: center, nominalHz: Array.from(center, (c) => roundSignificant(c, 4)), lowHz: low, highHz: high };
}

/**
 * How FFT bins feed bands. Bin k stands for the interval [(k-1/2), (k+1/2)] * binHz (bin 0 from
 * 0, the Nyquist bin up to Nyquist), and gives a band the fraction of that interval that lies
 * inside the band. Bands narrower than a bin still get a sensible share, and the bins' weights over
 * contiguous bands sum to 1. A band wholly above Nyquist has `firstBin` -1 and is not measurable.
 */
export interface BinBandMap {
  /** First bin touching each band, or -1 when the band lies above Nyquist. */
  readonly firstBin: Int32Array;
  /** Last bin touching each band (inclusive). */
  readonly lastBin: Int32Array;
  /** Weight of the first bin, 0..1. */
  readonly firstWeight: Float64Array;
  /** Weight of the last bin, 0..1 (unused when firstBin == lastBin). */
  readonly lastWeight: Float64Array;
  /** Width of each band that lies below Nyquist, Hz (0 for bands above it). */
  readonly coveredHz: Float64Array;
}

/** Maps the bins of an N-point FFT (bins = N/2+1, spacing binHz) onto bands. */
export function mapBinsToBands(bands: BandSet, binHz: number, bins: number): BinBandMap {
  const n = bandCount(bands);
  const map = {
    firstBin: new Int32Array(n), lastBin: new Int32Array(n),
    firstWeight: new Float64Array(n), lastWeight: new Float64Array(n), coveredHz: new Float64Array(n),
  };
  const nyquist = (bins - 1) * binHz;
  const overlap = (k: number, lo: number, hi: number): number => {
    const a = Math.max(lo, Math.max(0, (k - 0.5) * binHz));
    const bEdge = Math.min(hi, Math.min(nyquist, (k + 0.5) * binHz));
    return Math.max(0, bEdge - a) / binHz;
  };
  for (let i = 0; i < n; i++) {
    const lo = bands.lowHz[i];
    const hi = Math.min(bands.highHz[i], nyquist);
    if (lo >= nyquist) {
      map.firstBin[i] = -1;
      map.lastBin[i] = -2;
      continue;
    }
    const k0 = Math.max(0, Math.min(bins - 1, Math.round(lo / binHz)));
    const k1 = Math.max(k0, Math.min(bins - 1, Math.round(hi / binHz)));
    map.firstBin[i] = k0;
    map.lastBin[i] = k1;
    map.firstWeight[i] = overlap(k0, lo, hi);
    map.lastWeight[i] = overlap(k1, lo, hi);
    map.coveredHz[i] = hi - lo;
  }
  return map;
}

/**
 * Sums per-bin values into bands with the map's weights: out[offset + i] = sum over band i.
 * Bands above Nyquist get 0. Allocates nothing.
 */
export function sumBands(map: BinBandMap, values: Float64Array, out: Float64Array, offset = 0): void {
  const n = map.firstBin.length;
  for (let i = 0; i < n; i++) {
    const k0 = map.firstBin[i];
    const k1 = map.lastBin[i];
    if (k0 < 0) {
      out[offset + i] = 0;
      continue;
    }
    if (k0 === k1) {
      out[offset + i] = values[k0] * map.firstWeight[i];
      continue;
    }
    let s = values[k0] * map.firstWeight[i] + values[k1] * map.lastWeight[i];
    for (let k = k0 + 1; k < k1; k++) s += values[k];
    out[offset + i] = s;
  }
}

function isoNominal(fc: number): number {
  let best = fc;
  let bestErr = Infinity;
  for (const nom of ISO_THIRD_OCTAVE_NOMINAL_HZ) {
    const err = Math.abs(Math.log(nom / fc));
    if (err < bestErr) { bestErr = err; best = nom; }
  }
  return bestErr < 0.05 ? best : roundSignificant(fc, 3);
}

function roundSignificant(x: number, digits: number): number {
  const p = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * p) / p;
}
