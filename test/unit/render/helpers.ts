// Shared by the render tests: suggestions, signals and measurements, computed independently of src/render.
import { LoudnessMeter, type LoudnessReading } from '../../../src/analysis/loudness.js';
import { ProfileAnalyzer } from '../../../src/analysis/profile/index.js';
import type { MixProfile } from '../../../src/analysis/profileSchema.js';
import type { ChannelRole } from '../../../src/audio/types.js';
import { mulberry32 } from '../../../src/audio/generate.js';
import { renderSong, STEM_NAMES } from '../../../src/demo/synth.js';
import type { ParamsByKind, Scope, Suggestion } from '../../../src/suggest/types.js';

/** A suggestion of `kind` with `params`, as an agent would make it. */
export function sug<K extends keyof ParamsByKind>(kind: K, params: ParamsByKind[K], scope: Scope = 'master', key = `${kind}:${scope}`): Suggestion {
  return { key, agent: 'eq', scope, kind, params, confidence: 1, rationale: 'test', evidence: {} } as Suggestion;
}

/** Gaussian white noise of standard deviation `sigma`, seeded. */
export function noise(n: number, seed: number, sigma = 0.1): Float32Array {
  const u = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigma * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

/** A sine of peak amplitude `amp` at `freqHz`. */
export function tone(n: number, fs: number, freqHz: number, amp: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin(2 * Math.PI * ((i * freqHz / fs) % 1) + phase));
}

/** Layout roles for `channels` channels. */
export function layoutOf(channels: number): ChannelRole[] {
  return channels === 1 ? ['mono'] : channels === 2 ? ['L', 'R'] : Array.from({ length: channels }, (): ChannelRole => 'other');
}

/** The mix profile of planar audio. */
export function profile(audio: Float32Array[], fs: number): MixProfile {
  const a = new ProfileAnalyzer({ sampleRate: fs, channels: audio.length, layout: layoutOf(audio.length) });
  const n = audio[0].length;
  for (let s = 0; s < n; s += 8192) a.process(audio.map((c) => c.subarray(s, Math.min(n, s + 8192))));
  return a.read();
}

/** Absolute mid (or side) power per 1/3-octave band, dB re full scale^2: the profile's level plus its reference. */
export function bandLevels(p: MixProfile, which: 'midDb' | 'sideDb' = 'midDb'): Map<number, number> {
  const ref = p.tonal.referenceLufs as number;
  return new Map(p.tonal.thirdOctave.filter((b) => b[which] !== null).map((b) => [b.centerHz, (b[which] as number) + ref]));
}

/** The BS.1770 meter's reading of planar audio. */
export function meter(audio: Float32Array[], fs: number): LoudnessReading {
  const m = new LoudnessMeter({ sampleRate: fs, layout: layoutOf(audio.length) });
  m.process(audio);
  return m.read();
}

/** Music-like stereo material: the demo synthesiser's band, stems summed with a seed, peak-normalised to `peakDbfs`. */
export function music(fs: number, bars = 8, seed = 3, peakDbfs = -6): Float32Array[] {
  const song = renderSong({ bpm: 120, bars, sampleRate: fs, seed });
  const n = song.kick[0].length;
  const mix = [new Float32Array(n), new Float32Array(n)];
  for (const s of STEM_NAMES) for (let c = 0; c < 2; c++) for (let i = 0; i < n; i++) mix[c][i] += song[s][c][i];
  let peak = 0;
  for (const ch of mix) for (const v of ch) peak = Math.max(peak, Math.abs(v));
  const g = 10 ** (peakDbfs / 20) / peak;
  for (const ch of mix) for (let i = 0; i < n; i++) ch[i] *= g;
  return mix;
}

/** RMS of x[from..to), linear. */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

/** Amplitude of the component of x[from..to) at `freqHz` (single-bin DFT; use whole periods). */
export function amplitudeAt(x: ArrayLike<number>, fs: number, freqHz: number, from = 0, to = x.length): number {
  let re = 0, im = 0;
  for (let i = from; i < to; i++) {
    const ph = 2 * Math.PI * ((i * freqHz / fs) % 1);
    re += x[i] * Math.cos(ph);
    im += x[i] * Math.sin(ph);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

/** dB of a power ratio or an amplitude ratio. */
export const powerDb = (r: number): number => 10 * Math.log10(r);
export const ampDb = (r: number): number => 20 * Math.log10(r);
