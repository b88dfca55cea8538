// Test signals for the profile analyzers, generated here so that the truths they carry come from
// the physics of the signal, not from the code under test. Deterministic (seeded).
import { writeFileSync } from 'node:fs';
import { mulberry32 } from '../../../../src/audio/generate.js';
import { Fft } from '../../../../src/dsp/fft.js';
import { ProfileAnalyzer, type LoudnessInputs } from '../../../../src/analysis/profile/index.js';
import type { MixProfile } from '../../../../src/analysis/profileSchema.js';
import type { ChannelRole } from '../../../../src/audio/types.js';

/** Seeded uniform PRNG (mulberry32), values in [0, 1): the one in src/audio/generate.ts. */
export const rng = mulberry32;

/** Gaussian white noise of standard deviation `sigma`. */
export function whiteNoise(length: number, seed: number, sigma = 0.1): Float32Array {
  const u = rng(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = sigma * r * Math.cos(th);
    if (i + 1 < length) out[i + 1] = sigma * r * Math.sin(th);
  }
  return out;
}

/**
 * Periodic random-phase multisine with power density proportional to f^slope (slope -1: pink),
 * from loHz to hiHz, scaled to an RMS of `rms`. Length must be a power of two. Every component has
 * its exact amplitude, so band powers carry no chi-square scatter.
 */
export function shapedNoise(length: number, sampleRate: number, seed: number, slope = -1, rms = 0.1, loHz = 10, hiHz = 22000): Float32Array {
  const fft = new Fft(length);
  const spec = new Float64Array(2 * length);
  const u = rng(seed);
  const df = sampleRate / length;
  for (let k = 1; k < length / 2; k++) {
    const f = k * df;
    if (f < loHz || f > hiHz) continue;
    const a = Math.sqrt(f ** slope);
    const ph = 2 * Math.PI * u();
    spec[2 * k] = a * Math.cos(ph);
    spec[2 * k + 1] = a * Math.sin(ph);
    spec[2 * (length - k)] = a * Math.cos(ph);
    spec[2 * (length - k) + 1] = -a * Math.sin(ph);
  }
  const time = new Float64Array(2 * length);
  fft.inverse(spec, time);
  let p = 0;
  for (let i = 0; i < length; i++) p += time[2 * i] ** 2;
  const g = rms / Math.sqrt(p / length);
  return Float32Array.from({ length }, (_, i) => time[2 * i] * g);
}

/** Sine of amplitude `amp` (peak) at freqHz. */
export function sine(length: number, sampleRate: number, freqHz: number, amp: number, phase = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => amp * Math.sin((2 * Math.PI * freqHz * i) / sampleRate + phase));
}

/** RBJ cookbook biquad, coded here independently of src/ (a0-normalised). */
export interface Biquad { b0: number; b1: number; b2: number; a1: number; a2: number }

/** RBJ peaking EQ. */
export function peaking(f0: number, gainDb: number, q: number, fs: number): Biquad {
  const A = 10 ** (gainDb / 40), w = (2 * Math.PI * f0) / fs, al = Math.sin(w) / (2 * q), c = Math.cos(w);
  const a0 = 1 + al / A;
  return { b0: (1 + al * A) / a0, b1: (-2 * c) / a0, b2: (1 - al * A) / a0, a1: (-2 * c) / a0, a2: (1 - al / A) / a0 };
}

/** RBJ high shelf with shelf slope S = 1. */
export function highShelf(f0: number, gainDb: number, fs: number): Biquad {
  const A = 10 ** (gainDb / 40), w = (2 * Math.PI * f0) / fs, c = Math.cos(w);
  const al = (Math.sin(w) / 2) * Math.SQRT2; // S = 1
  const sq = 2 * Math.sqrt(A) * al;
  const a0 = A + 1 - (A - 1) * c + sq;
  return {
    b0: (A * (A + 1 + (A - 1) * c + sq)) / a0, b1: (-2 * A * (A - 1 + (A + 1) * c)) / a0,
    b2: (A * (A + 1 + (A - 1) * c - sq)) / a0, a1: (2 * (A - 1 - (A + 1) * c)) / a0, a2: (A + 1 - (A - 1) * c - sq) / a0,
  };
}

/** RBJ low shelf with shelf slope S = 1. */
export function lowShelf(f0: number, gainDb: number, fs: number): Biquad {
  const A = 10 ** (gainDb / 40), w = (2 * Math.PI * f0) / fs, c = Math.cos(w);
  const al = (Math.sin(w) / 2) * Math.SQRT2;
  const sq = 2 * Math.sqrt(A) * al;
  const a0 = A + 1 + (A - 1) * c + sq;
  return {
    b0: (A * (A + 1 - (A - 1) * c + sq)) / a0, b1: (2 * A * (A - 1 - (A + 1) * c)) / a0,
    b2: (A * (A + 1 - (A - 1) * c - sq)) / a0, a1: (-2 * (A - 1 + (A + 1) * c)) / a0, a2: (A + 1 + (A - 1) * c - sq) / a0,
  };
}

/** Filters x through a biquad (direct form I, float64 state). */
export function filter(x: Float32Array, q: Biquad): Float32Array {
  const y = new Float32Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = q.b0 * x[i] + q.b1 * x1 + q.b2 * x2 - q.a1 * y1 - q.a2 * y2;
    x2 = x1; x1 = x[i]; y2 = y1; y1 = v;
    y[i] = v;
  }
  return y;
}

/** |H(f)|^2 of a biquad. */
export function powerAt(q: Biquad, f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const re = (b0: number, b1: number, b2: number): [number, number] =>
    [b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w), -(b1 * Math.sin(w) + b2 * Math.sin(2 * w))];
  const [nr, ni] = re(q.b0, q.b1, q.b2);
  const [dr, di] = re(1, q.a1, q.a2);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/** Runs the profile analyzer over planar channels in blocks of `block` frames. */
export function profileOf(channels: Float32Array[], sampleRate: number, block = 4096, loudness?: LoudnessInputs, layout?: ChannelRole[]): MixProfile {
  const roles = layout ?? (channels.length === 1 ? ['mono'] : channels.length === 2 ? ['L', 'R'] : channels.map(() => 'other')) as ChannelRole[];
  const a = new ProfileAnalyzer({ sampleRate, channels: channels.length, layout: roles });
  const n = channels[0].length;
  for (let s = 0; s < n; s += block) a.process(channels.map((c) => c.subarray(s, Math.min(n, s + block))));
  return a.read(loudness);
}

/** Absolute band level (dBFS mean-square) of a tonal band: midDb + the reference loudness. */
export function absoluteMid(p: MixProfile, centerHz: number, set: 'thirdOctave' | 'sixthOctave' = 'thirdOctave'): number {
  const band = p.tonal[set].find((b) => b.centerHz === centerHz);
  if (!band || band.midDb === null || p.tonal.referenceLufs === null) throw new Error(`no level at ${centerHz} Hz`);
  return band.midDb + p.tonal.referenceLufs;
}

/** Writes a 32-bit float WAV (WAVE_FORMAT_IEEE_FLOAT), interleaving the channels. */
export function writeFloatWav(path: string, channels: Float32Array[], sampleRate: number): void {
  const ch = channels.length;
  const n = channels[0].length;
  const data = Buffer.alloc(n * ch * 4);
  for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) data.writeFloatLE(channels[c][i], (i * ch + c) * 4);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(3, 20); h.writeUInt16LE(ch, 22);
  h.writeUInt32LE(sampleRate, 24); h.writeUInt32LE(sampleRate * ch * 4, 28); h.writeUInt16LE(ch * 4, 32); h.writeUInt16LE(32, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}
