import { measure, move, render } from './mix.js';

/**
 * Known faults, each made from a balanced mix with ama's own render DSP (src/render), so the size of
 * every fault is exact and documented. The aspect says which distance must shrink when the fault is
 * undone: tonal for EQ faults, stereo for width faults, dynamics for over-compression, loudness and
 * true peak for level faults.
 */

/** Names of the faults, in the order the benchmark prints them. */
export const FAULT_NAMES = ['lowUp', 'lowDown', 'harsh', 'dull', 'narrow', 'wide', 'squashed', 'quiet', 'loud'] as const;
/** One fault's name. */
export type FaultName = (typeof FAULT_NAMES)[number];
/** Which part of the distance a fault moves. */
export type FaultAspect = 'tonal' | 'stereo' | 'dynamics' | 'level';

/** A fault: what it is, which aspect it touches, and how it is made. */
export interface Fault {
  name: FaultName;
  /** One line for the table, with the numbers. */
  label: string;
  aspect: FaultAspect;
  /** Makes the faulty mix from a balanced one (planar stereo, new arrays). */
  apply(audio: Float32Array[], sampleRate: number): Float32Array[];
}

const FULL_BAND = { lowHz: 0, highHz: 24000 }; // the width stage reads these as DC..Nyquist

/** Hard clipping at full scale, as a fixed-point bounce of an overloaded mix does. */
function clip(audio: Float32Array[]): Float32Array[] {
  for (const ch of audio) for (let i = 0; i < ch.length; i++) ch[i] = Math.max(-1, Math.min(1, ch[i]));
  return audio;
}

/**
 * Over-compression as a loudness-war master does it: a brickwall limiter driven 10 dB into -1 dBTP
 * (crest and PLR down by about 6 dB), then the loudness brought back to the original's, so only the
 * dynamics differ. (ama's compressor, with its few-ms attack, lets drum transients through and
 * raises the PLR of these mixes, so it cannot make this fault.)
 */
function squash(audio: Float32Array[], sampleRate: number): Float32Array[] {
  const lufs = measure(audio, sampleRate).integratedLufs ?? -18;
  const squashed = render(audio, sampleRate, [move('limiter', { inputGainDb: 10, ceilingDbtp: -1, releaseMs: 50, lookaheadMs: 1 })]);
  const after = measure(squashed, sampleRate).integratedLufs ?? lufs;
  return render(squashed, sampleRate, [move('gain', { gainDb: lufs - after })]);
}

/** The fault set. */
export const FAULTS: Record<FaultName, Fault> = {
  lowUp: {
    name: 'lowUp', aspect: 'tonal', label: 'too much low end: +6 dB low shelf at 120 Hz',
    apply: (a, fs) => render(a, fs, [move('eqBand', { type: 'lowShelf', frequencyHz: 120, gainDb: 6, q: 0.707 })]),
  },
  lowDown: {
    name: 'lowDown', aspect: 'tonal', label: 'too little low end: -6 dB low shelf at 120 Hz',
    apply: (a, fs) => render(a, fs, [move('eqBand', { type: 'lowShelf', frequencyHz: 120, gainDb: -6, q: 0.707 })]),
  },
  harsh: {
    name: 'harsh', aspect: 'tonal', label: 'harsh presence: +6 dB peak at 3.5 kHz, Q 1',
    apply: (a, fs) => render(a, fs, [move('eqBand', { type: 'peaking', frequencyHz: 3500, gainDb: 6, q: 1 })]),
  },
  dull: {
    name: 'dull', aspect: 'tonal', label: 'dull top: -6 dB high shelf at 6 kHz',
    apply: (a, fs) => render(a, fs, [move('eqBand', { type: 'highShelf', frequencyHz: 6000, gainDb: -6, q: 0.707 })]),
  },
  narrow: {
    name: 'narrow', aspect: 'stereo', label: 'too narrow: side -9 dB, full band',
    apply: (a, fs) => render(a, fs, [move('width', { ...FULL_BAND, sideGainDb: -9 })]),
  },
  wide: {
    name: 'wide', aspect: 'stereo', label: 'too wide: side +6 dB, full band',
    apply: (a, fs) => render(a, fs, [move('width', { ...FULL_BAND, sideGainDb: 6 })]),
  },
  squashed: {
    name: 'squashed', aspect: 'dynamics', label: 'over-compressed: limiter driven 10 dB, loudness restored',
    apply: squash,
  },
  quiet: {
    name: 'quiet', aspect: 'level', label: 'too quiet: -10 dB',
    apply: (a, fs) => render(a, fs, [move('gain', { gainDb: -10 })]),
  },
  loud: {
    name: 'loud', aspect: 'level', label: 'too loud: +6 dB, clipped at full scale',
    apply: (a, fs) => clip(render(a, fs, [move('gain', { gainDb: 6 })])),
  },
};
