/**
 * A small deterministic synthesiser for ama's demo material: drums, bass, pad and a lead line,
 * rendered as separate stereo stems so demo mixes with known balance (and known faults) can be built
 * without shipping audio files.
 */

/** A stereo stem: [left, right] at the given sample rate. */
export type Stem = [Float32Array, Float32Array];

/** Names of the stems the synthesiser renders. */
export const STEM_NAMES = ['kick', 'snare', 'hats', 'bass', 'pad', 'lead'] as const;
export type StemName = (typeof STEM_NAMES)[number];

/** Song settings: tempo in BPM, length in bars of 4/4, sample rate in Hz, PRNG seed. */
export interface SongSpec {
  bpm: number;
  bars: number;
  sampleRate: number;
  seed: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296 * 2 - 1;
  };
}

const midiHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

/** Adds a mono signal into a stem at a constant-power pan position (-1 left .. +1 right). */
function addPanned(stem: Stem, start: number, sig: Float32Array, pan: number): void {
  const a = ((pan + 1) * Math.PI) / 4;
  const gl = Math.cos(a) * Math.SQRT2;
  const gr = Math.sin(a) * Math.SQRT2;
  const [l, r] = stem;
  const n = Math.min(sig.length, l.length - start);
  for (let i = 0; i < n; i++) {
    l[start + i] += sig[i] * gl;
    r[start + i] += sig[i] * gr;
  }
}

/** Renders every stem of the demo song. Deterministic for a given spec. */
export function renderSong(spec: SongSpec): Record<StemName, Stem> {
  const fs = spec.sampleRate;
  const beat = 60 / spec.bpm;
  const total = Math.ceil(spec.bars * 4 * beat * fs) + fs;
  const rnd = prng(spec.seed);
  const mk = (): Stem => [new Float32Array(total), new Float32Array(total)];
  const stems = { kick: mk(), snare: mk(), hats: mk(), bass: mk(), pad: mk(), lead: mk() } as Record<StemName, Stem>;
  const at = (beats: number) => Math.round(beats * beat * fs);
  // Chord roots (MIDI) per bar: a i-VI-III-VII progression in A minor.
  const roots = [57, 53, 48, 55];
  for (let bar = 0; bar < spec.bars; bar++) {
    const root = roots[bar % roots.length];
    for (let b = 0; b < 4; b++) {
      const t = bar * 4 + b;
      // Kick on every beat: a sine swept from 110 Hz down to 45 Hz with a fast decay.
      const kick = new Float32Array(Math.round(0.35 * fs));
      let ph = 0;
      for (let i = 0; i < kick.length; i++) {
        const s = i / fs;
        ph += (2 * Math.PI * (45 + 65 * Math.exp(-s * 30))) / fs;
        kick[i] = 0.9 * Math.sin(ph) * Math.exp(-s * 9);
      }
      addPanned(stems.kick, at(t), kick, 0);
      // Snare on 2 and 4: a 190 Hz body and a noise burst, slightly decorrelated between channels.
      if (b % 2 === 1) {
        const len = Math.round(0.22 * fs);
        const nl = new Float32Array(len);
        const nr = new Float32Array(len);
        for (let i = 0; i < len; i++) {
          const s = i / fs;
          const body = 0.35 * Math.sin(2 * Math.PI * 190 * s) * Math.exp(-s * 25);
          const env = 0.5 * Math.exp(-s * 18);
          nl[i] = body + env * rnd();
          nr[i] = body + env * rnd();
        }
        const o = at(t);
        for (let i = 0; i < len && o + i < total; i++) {
          stems.snare[0][o + i] += nl[i];
          stems.snare[1][o + i] += nr[i];
        }
      }
      // Hats on eighths: first-differenced noise (a 6 dB/oct high-pass), panned right of centre.
      for (let e = 0; e < 2; e++) {
        const len = Math.round(0.06 * fs);
        const h = new Float32Array(len);
        let prev = 0;
        for (let i = 0; i < len; i++) {
          const n = rnd();
          h[i] = 0.35 * (n - prev) * Math.exp((-i / fs) * 60);
          prev = n;
        }
        addPanned(stems.hats, at(t + e / 2), h, 0.35);
      }
      // Bass: root an octave down, eighth notes, a few harmonics of a saw with a soft envelope.
      for (let e = 0; e < 2; e++) {
        const f = midiHz(root - 24);
        const len = Math.round(beat * 0.5 * fs * 0.95);
        const sig = new Float32Array(len);
        for (let i = 0; i < len; i++) {
          const s = i / fs;
          let v = 0;
          for (let k = 1; k <= 6; k++) v += Math.sin(2 * Math.PI * f * k * s) / k;
          sig[i] = 0.28 * v * Math.min(1, s * 200) * Math.exp(-s * 2.5);
        }
        addPanned(stems.bass, at(t + e / 2), sig, 0);
      }
    }
    // Pad: a minor/major triad per bar, each note detuned between left and right for width.
    const third = bar % 4 === 0 || bar % 4 === 2 ? 3 : 4;
    const notes = [root, root + third, root + 7];
    const len = at(4);
    const o = at(bar * 4);
    for (const n of notes) {
      const f = midiHz(n);
      for (let i = 0; i < len && o + i < total; i++) {
        const s = i / fs;
        const env = Math.min(1, s * 4) * Math.min(1, (len - i) / (0.2 * fs));
        stems.pad[0][o + i] += 0.06 * env * (Math.sin(2 * Math.PI * f * 0.997 * s) + 0.3 * Math.sin(4 * Math.PI * f * 0.997 * s));
        stems.pad[1][o + i] += 0.06 * env * (Math.sin(2 * Math.PI * f * 1.003 * s) + 0.3 * Math.sin(4 * Math.PI * f * 1.003 * s));
      }
    }
    // Lead: a vowel-like tone (harmonics shaped around 700 Hz and 1.2 kHz) with vibrato, centred.
    const melody = [0, 3, 7, 5, 3, 2, 0, -2];
    for (let q = 0; q < 8; q++) {
      const f0 = midiHz(root + 12 + melody[(q + bar) % melody.length]);
      const l2 = Math.round(beat * 0.5 * fs);
      const sig = new Float32Array(l2);
      let phase = 0;
      for (let i = 0; i < l2; i++) {
        const s = i / fs;
        phase += (2 * Math.PI * f0 * (1 + 0.006 * Math.sin(2 * Math.PI * 5.5 * s))) / fs;
        let v = 0;
        for (let k = 1; k * f0 < 6000; k++) {
          const fk = k * f0;
          const formant = Math.exp(-(((fk - 700) / 300) ** 2)) + 0.6 * Math.exp(-(((fk - 1200) / 400) ** 2)) + 0.05;
          v += (formant * Math.sin(k * phase)) / k;
        }
        sig[i] = 0.3 * v * Math.min(1, s * 40) * Math.min(1, (l2 - i) / (0.02 * fs));
      }
      addPanned(stems.lead, o + Math.round(q * 0.5 * beat * fs), sig, 0);
    }
  }
  return stems;
}
