import type { AudioBlock } from './types.js';

/**
 * Deterministic test signals as AudioBlocks (planar Float32Array per channel, full scale +-1):
 * sines, silence, seeded white and pink noise, fades, and concatenation into sequences. The same
 * arguments always give the same samples, on every machine (no Math.random).
 */

/** Linear amplitude of a level in dBFS (0 dBFS = 1.0). */
export function dbToLinear(db: number): number {
  return Math.pow(10, db / 20);
}

/** Number of frames for `durationSec` at `sampleRate` Hz, rounded to the nearest frame. */
export function frameCount(durationSec: number, sampleRate: number): number {
  if (!(durationSec >= 0) || !Number.isFinite(durationSec)) {
    throw new RangeError(`durationSec must be a finite number >= 0, got ${durationSec}`);
  }
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate must be a finite number > 0 Hz, got ${sampleRate}`);
  }
  return Math.round(durationSec * sampleRate);
}

function channelsOrThrow(channels: number): number {
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    throw new RangeError(`channels must be an integer within [1, 32], got ${channels}`);
  }
  return channels;
}

/** Options of sine(). Give the level as amplitudeDbfs (peak, dBFS) or amplitude (peak, linear). */
export interface SineOptions {
  /** Frequency in Hz, 0 <= f <= sampleRate / 2. */
  frequencyHz: number;
  /** Peak level in dBFS per channel (-23 gives a peak of 0.0708). */
  amplitudeDbfs?: number;
  /** Peak level as a linear fraction of full scale; used when amplitudeDbfs is absent. */
  amplitude?: number;
  /** Duration in seconds (rounded to the nearest frame). */
  durationSec: number;
  /** Sample rate in Hz. */
  sampleRate: number;
  /** Channel count (1..32), the same tone in phase on each; default 1. */
  channels?: number;
  /** Phase of the first sample in radians; default 0 (the sine starts at zero). */
  phaseRad?: number;
}

/** A sine tone, identical on every channel: x[n] = A sin(2 pi f n / fs + phase). */
export function sine(o: SineOptions): AudioBlock {
  const n = frameCount(o.durationSec, o.sampleRate);
  const channels = channelsOrThrow(o.channels ?? 1);
  const amp = o.amplitudeDbfs !== undefined ? dbToLinear(o.amplitudeDbfs) : (o.amplitude ?? 1);
  const phase = o.phaseRad ?? 0;
  if (!(o.frequencyHz >= 0 && o.frequencyHz <= o.sampleRate / 2)) {
    throw new RangeError(`frequencyHz must be within [0, sampleRate / 2 = ${o.sampleRate / 2}] Hz, got ${o.frequencyHz}`);
  }
  const cyclesPerSample = o.frequencyHz / o.sampleRate;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Reduce the cycle count before scaling by 2 pi so long tones keep full phase precision.
    const cycles = (i * cyclesPerSample) % 1;
    x[i] = amp * Math.sin(2 * Math.PI * cycles + phase);
  }
  const out: AudioBlock = [x];
  for (let c = 1; c < channels; c++) out.push(x.slice());
  return out;
}

/** Digital silence (all zeros) of `durationSec` seconds. */
export function silence(durationSec: number, sampleRate: number, channels = 1): AudioBlock {
  const n = frameCount(durationSec, sampleRate);
  return Array.from({ length: channelsOrThrow(channels) }, () => new Float32Array(n));
}

/** Blocks joined end to end in order (a sequence of segments); all must have the same channel count. */
export function concat(blocks: AudioBlock[]): AudioBlock {
  if (blocks.length === 0) throw new RangeError('concat needs at least one block, got none');
  const channels = blocks[0].length;
  for (const b of blocks) {
    if (b.length !== channels) {
      throw new RangeError(`every block must have ${channels} channels (as the first), got one with ${b.length}`);
    }
  }
  const total = blocks.reduce((s, b) => s + (b[0]?.length ?? 0), 0);
  const out: AudioBlock = [];
  for (let c = 0; c < channels; c++) {
    const x = new Float32Array(total);
    let at = 0;
    for (const b of blocks) {
      x.set(b[c], at);
      at += b[c].length;
    }
    out.push(x);
  }
  return out;
}

/** Applies linear fade-in and fade-out ramps of `fadeSec` seconds in place, and returns the block. */
export function applyFades(block: AudioBlock, sampleRate: number, fadeSec: number): AudioBlock {
  for (const x of block) {
    const n = Math.min(frameCount(fadeSec, sampleRate), Math.floor(x.length / 2));
    for (let i = 0; i < n; i++) {
      const g = i / n;
      x[i] *= g;
      x[x.length - 1 - i] *= g;
    }
  }
  return block;
}

/** Seeded uniform PRNG (mulberry32): returns a function giving numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box-Muller) from a seeded uniform source. */
function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand(); // (0, 1]: log never sees 0
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/** Options of whiteNoise() and pinkNoise(). */
export interface NoiseOptions {
  /** RMS level of each returned channel in dBFS, exact (the signal is scaled to it). */
  rmsDbfs: number;
  /** Duration in seconds (rounded to the nearest frame). */
  durationSec: number;
  /** Sample rate in Hz. */
  sampleRate: number;
  /** Channel count (1..32); default 1. Channels are independent unless `correlated`. */
  channels?: number;
  /** Seed of the PRNG (any 32-bit integer); default 1. */
  seed?: number;
  /** The same noise on every channel (default false: independent noise per channel). */
  correlated?: boolean;
}

// Paul Kellet's "refined" pinking filter (firstpr.com.au/dsp/pink-noise): six one-pole low-passes in
// parallel plus a direct and a one-sample-delayed path. Designed at 44.1 kHz; at another rate its
// corners scale with the rate. Accuracy, checked by the tests from the filter's exact response:
// within 0.07 dB of the ideal -3.01 dB/octave from 9.2 * fs / 44100 Hz up to fs / 2.
const PINK_POLES = [0.99886, 0.99332, 0.969, 0.8665, 0.55, -0.7616];
const PINK_GAINS = [0.0555179, 0.0750759, 0.153852, 0.3104856, 0.5329522, -0.016898];
const PINK_DIRECT = 0.5362;
const PINK_DELAYED = 0.115926;

/** Magnitude of the pinking filter in dB at `freqHz` for rate `sampleRate` (for tests and docs). */
export function pinkFilterMagnitudeDb(freqHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRate;
  let re = PINK_DIRECT + PINK_DELAYED * Math.cos(w);
  let im = -PINK_DELAYED * Math.sin(w);
  for (let k = 0; k < PINK_POLES.length; k++) {
    const p = PINK_POLES[k], g = PINK_GAINS[k];
    const dr = 1 - p * Math.cos(w), di = p * Math.sin(w);
    const den = dr * dr + di * di;
    re += (g * dr) / den;
    im -= (g * di) / den;
  }
  return 10 * Math.log10(re * re + im * im);
}

function scaleToRms(x: Float32Array, rmsDbfs: number, raw: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < raw.length; i++) sum += raw[i] * raw[i];
  const g = raw.length === 0 || sum === 0 ? 0 : dbToLinear(rmsDbfs) / Math.sqrt(sum / raw.length);
  for (let i = 0; i < raw.length; i++) x[i] = raw[i] * g;
}

function noise(o: NoiseOptions, pink: boolean): AudioBlock {
  const n = frameCount(o.durationSec, o.sampleRate);
  const channels = channelsOrThrow(o.channels ?? 1);
  const seed = o.seed ?? 1;
  const raw = new Float64Array(n);
  const out: AudioBlock = [];
  for (let c = 0; c < channels; c++) {
    if (o.correlated && c > 0) {
      out.push(out[0].slice());
      continue;
    }
    const g = gaussian(mulberry32((Math.imul(seed, 0x9e3779b1) + Math.imul(c + 1, 0x85ebca6b)) >>> 0));
    if (!pink) {
      for (let i = 0; i < n; i++) raw[i] = g();
    } else {
      const s = new Float64Array(PINK_POLES.length);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const w = g();
        let y = PINK_DIRECT * w + PINK_DELAYED * prev;
        for (let k = 0; k < s.length; k++) {
          s[k] = PINK_POLES[k] * s[k] + PINK_GAINS[k] * w;
          y += s[k];
        }
        prev = w;
        raw[i] = y;
      }
    }
    const x = new Float32Array(n);
    scaleToRms(x, o.rmsDbfs, raw);
    out.push(x);
  }
  return out;
}

/** Gaussian white noise, seeded, scaled so each channel's RMS is exactly `rmsDbfs` (peaks ~ +12 dB above). */
export function whiteNoise(o: NoiseOptions): AudioBlock {
  return noise(o, false);
}

/** Pink (-3.01 dB/octave) Gaussian noise, seeded, scaled so each channel's RMS is exactly `rmsDbfs`. */
export function pinkNoise(o: NoiseOptions): AudioBlock {
  return noise(o, true);
}
