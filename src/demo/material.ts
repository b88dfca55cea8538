import fs from 'node:fs';
import path from 'node:path';
import { writeWav } from '../audio/wavWriter.js';
import { cacheDir } from '../util/paths.js';
import { renderSong, STEM_NAMES, type Stem, type StemName } from './synth.js';

/** Paths of the generated demo material: a mix with known faults and two balanced references. */
export interface DemoMaterial {
  dir: string;
  mix: string;
  refs: string[];
}

/** Version of the demo recipe; bump it when the material changes so caches are rebuilt. */
const DEMO_VERSION = 1;

type Balance = Record<StemName, number>;

/** Stem gains in dB for the balanced references and for the faulty demo mix. */
const BALANCED: Balance = { kick: 0, snare: -2, hats: -5, bass: -2, pad: -4, lead: 0 };
const FAULTY: Balance = { kick: 1, snare: -2, hats: -12, bass: 4, pad: -4, lead: -3 };

/** Sums stems with gains (dB), then masters: optional soft limiting and a peak ceiling in dBFS. */
function mixdown(stems: Record<StemName, Stem>, gains: Balance, drive: number, ceilingDbfs: number): Stem {
  const n = stems.kick[0].length;
  const out: Stem = [new Float32Array(n), new Float32Array(n)];
  for (const name of STEM_NAMES) {
    const g = 10 ** (gains[name] / 20);
    const [l, r] = stems[name];
    for (let i = 0; i < n; i++) {
      out[0][i] += g * l[i];
      out[1][i] += g * r[i];
    }
  }
  let peak = 0;
  for (const ch of out) for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(ch[i]));
  const pre = drive / (peak || 1);
  let peak2 = 0;
  for (const ch of out) {
    for (let i = 0; i < n; i++) {
      ch[i] = drive > 1 ? Math.tanh(ch[i] * pre) : ch[i] * pre;
      peak2 = Math.max(peak2, Math.abs(ch[i]));
    }
  }
  const post = 10 ** (ceilingDbfs / 20) / (peak2 || 1);
  for (const ch of out) for (let i = 0; i < n; i++) ch[i] *= post;
  return out;
}

/**
 * Makes (once, then reuses from the cache) ama's demo material: 24 s of a synthesised band at
 * 48 kHz, as two mastered references and a mix whose bass is hot, hats dull and level low.
 */
export function ensureDemoMaterial(dir = path.join(cacheDir(), `demo-v${DEMO_VERSION}`)): DemoMaterial {
  const mix = path.join(dir, 'demo-mix.wav');
  const refs = [path.join(dir, 'demo-ref-a.wav'), path.join(dir, 'demo-ref-b.wav')];
  if ([mix, ...refs].every((f) => fs.existsSync(f))) return { dir, mix, refs };
  fs.mkdirSync(dir, { recursive: true });
  const fsHz = 48000;
  const songA = renderSong({ bpm: 120, bars: 12, sampleRate: fsHz, seed: 1 });
  const songB = renderSong({ bpm: 120, bars: 12, sampleRate: fsHz, seed: 2 });
  // Write to temporary names and rename, so an interrupted run never leaves half a file in the cache.
  const put = (file: string, stem: Stem) => {
    writeWav(file + '.part', stem, fsHz, { format: 'pcm24' });
    fs.renameSync(file + '.part', file);
  };
  put(refs[0], mixdown(songA, BALANCED, 2.5, -1));
  put(refs[1], mixdown(songB, { ...BALANCED, hats: -4, pad: -3 }, 2.2, -1));
  put(mix, mixdown(songA, FAULTY, 1, -6));
  return { dir, mix, refs };
}
