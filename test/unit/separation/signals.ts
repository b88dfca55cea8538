import { mulberry32 } from '../../../src/audio/generate.js';

/**
 * Constructed test material with known content: a centred harmonic tone (a "voice"), noise bursts
 * panned off-centre (a "drum kit"), a low sine (a "bass"), each returned on its own so that a test
 * can tell where each one went.
 */
export interface Constructed {
  sampleRate: number;
  tone: Float32Array[];
  bursts: Float32Array[];
  low: Float32Array[];
  mix: Float32Array[];
}

/** Builds the three sources and their sum, stereo, `seconds` long. */
export function constructedMix(seconds = 6, sampleRate = 48000, seed = 7): Constructed {
  const n = Math.round(seconds * sampleRate);
  const rnd = mulberry32(seed);
  const stereo = () => [new Float32Array(n), new Float32Array(n)];
  const tone = stereo(), bursts = stereo(), low = stereo();
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    // 220 Hz with 10 harmonics falling 1/h and a slow 5 Hz vibrato of +-0.5 %: a sung vowel's shape.
    const phase = 2 * Math.PI * 220 * (t + (0.005 / (2 * Math.PI * 5)) * Math.sin(2 * Math.PI * 5 * t));
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin(h * phase) / h;
    tone[0][i] = tone[1][i] = 0.08 * v;
    low[0][i] = low[1][i] = 0.25 * Math.sin(2 * Math.PI * 55 * t);
  }
  // A burst every 250 ms: 60 ms of white noise with a 12 ms decay, alternately panned left and right.
  const every = Math.round(0.25 * sampleRate), len = Math.round(0.06 * sampleRate);
  for (let start = Math.round(0.05 * sampleRate), b = 0; start + len < n; start += every, b++) {
    const theta = ((b % 2 === 0 ? -0.6 : 0.6) + 1) * Math.PI / 4;
    const gl = Math.SQRT2 * Math.cos(theta), gr = Math.SQRT2 * Math.sin(theta);
    for (let i = 0; i < len; i++) {
      const x = 0.5 * (2 * rnd() - 1) * Math.exp(-i / (0.012 * sampleRate));
      bursts[0][start + i] = gl * x;
      bursts[1][start + i] = gr * x;
    }
  }
  const mix = [0, 1].map((c) => tone[c].map((v, i) => v + bursts[c][i] + low[c][i]));
  return { sampleRate, tone, bursts, low, mix };
}

/** Share of a source's energy found in an estimate: <source, estimate> / <source, source>. */
export function captured(source: readonly Float32Array[], estimate: readonly Float32Array[]): number {
  let dot = 0, energy = 0;
  source.forEach((s, c) => {
    for (let i = 0; i < s.length; i++) { dot += s[i] * estimate[c][i]; energy += s[i] * s[i]; }
  });
  return dot / energy;
}
