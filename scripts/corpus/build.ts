import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWav } from '../../src/audio/wavWriter.js';
import { cacheDir } from '../../src/util/paths.js';
import { FAULT_NAMES, FAULTS, type FaultName } from './faults.js';
import { balancedMix, measure, readAudio, type StemSetting } from './mix.js';
import { corpus, CORPUS_SONGS, type StemRole } from './stems.js';

/**
 * The efficacy corpus on disk: per song, its balanced mix, three balance variants and one faulty
 * mix per fault, as float32 WAVs in the ama cache (corpus/mixes/<song>/). They are made again when
 * the code that makes them changes (ama's render DSP, meter, this folder: see codeHash), otherwise
 * read from there.
 *
 * `node dist/scripts/corpus/build.js` builds it and prints what each fault measures.
 */

/**
 * Balance variants of each song, stem-role gain offsets in dB: another engineer's equally sensible
 * balance. Three of them serve as the references of the "variants" set; the balanced mix itself
 * (no offsets) sits between them and is the truth the faults are measured against.
 */
export const VARIANTS: ReadonlyArray<Partial<Record<StemRole, number>>> = [
  { drums: 1.5, bass: -1 },
  { bass: 1.5, other: -1.5 },
  { lead: 1.5, other: 1, drums: -1.5 },
];

/** One song's mixes. */
export interface SongMixes {
  id: string;
  balanced: string;
  /** The balance variants (VARIANTS), same loudness as the balanced mix. */
  variants: string[];
  faults: Record<FaultName, string>;
  stems: StemSetting[];
  limiterDb: number;
  /** Seconds spent mixing this song. */
  mixSec: number;
}

/**
 * SHA-256 over the built JavaScript that makes the mixes: this module and everything it imports,
 * followed through relative imports (ama's render DSP, meter, decoder, this folder). A change
 * anywhere there remakes them; changes elsewhere in ama do not.
 */
export function codeHash(): string {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    hash.update(`${path.basename(file)}\0${text}`);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+\.js)'/g)) visit(path.resolve(path.dirname(file), m[1]));
  };
  visit(fileURLToPath(import.meta.url));
  return hash.digest('hex');
}

/** Renders stems (cached) and writes every song's balanced and faulty mixes (cached by codeHash). */
export async function buildMixes(ids: readonly string[] = CORPUS_SONGS, log: (line: string) => void = () => {}): Promise<SongMixes[]> {
  const songs = await corpus(ids, log);
  const code = codeHash();
  const out: SongMixes[] = [];
  for (const song of songs) {
    const t0 = Date.now();
    const dir = path.join(cacheDir(), 'corpus', 'mixes', song.id);
    const manifest = path.join(dir, 'mixes.json');
    const cached = readManifest(manifest, code);
    if (cached) {
      out.push({ ...cached, mixSec: (Date.now() - t0) / 1000 });
      continue;
    }
    fs.mkdirSync(dir, { recursive: true });
    const mix = await balancedMix(song);
    const balanced = path.join(dir, 'balanced.wav');
    writeWav(balanced, mix.audio, mix.sampleRate);
    const variants: string[] = [];
    for (const [i, offsets] of VARIANTS.entries()) {
      const v = await balancedMix(song, offsets);
      variants.push(path.join(dir, `variant-${i + 1}.wav`));
      writeWav(variants[i], v.audio, v.sampleRate);
    }
    const faults = {} as Record<FaultName, string>;
    for (const name of FAULT_NAMES) {
      faults[name] = path.join(dir, `${name}.wav`);
      writeWav(faults[name], FAULTS[name].apply(mix.audio, mix.sampleRate), mix.sampleRate);
    }
    const result: SongMixes = { id: song.id, balanced, variants, faults, stems: mix.stems, limiterDb: mix.limiterDb, mixSec: (Date.now() - t0) / 1000 };
    fs.writeFileSync(manifest, JSON.stringify({ code, result }, null, 1));
    out.push(result);
  }
  return out;
}

/** A song's mixes from its manifest, when they were made by the same code and are all there. */
function readManifest(file: string, code: string): SongMixes | null {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { code: string; result: SongMixes };
    const files = [m.result.balanced, ...m.result.variants, ...Object.values(m.result.faults)];
    return m.code === code && files.every((f) => fs.existsSync(f)) ? m.result : null;
  } catch {
    return null; // none yet, or damaged: make the mixes again
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const songs = await buildMixes(CORPUS_SONGS, (l) => console.log(l));
  for (const s of songs) {
    console.log(`\n${s.id}: mixed in ${s.mixSec.toFixed(1)} s, limiter ${s.limiterDb.toFixed(1)} dB on the loudest peak`);
    for (const st of s.stems) console.log(`  ${st.name.padEnd(18)} ${st.role.padEnd(6)} gain ${st.gainDb.toFixed(1).padStart(6)} dB  pan ${st.pan.toFixed(2)}`);
    for (const file of [s.balanced, ...s.variants, ...Object.values(s.faults)]) {
      const { audio, sampleRate } = await readAudio(file);
      const r = measure(audio, sampleRate);
      console.log(`  ${path.basename(file).padEnd(14)} I ${r.integratedLufs?.toFixed(1)} LUFS  TP ${r.truePeakDbtp?.toFixed(1)} dBTP  PLR ${r.plrDb?.toFixed(1)} dB  LRA ${r.loudnessRangeLu?.toFixed(1)} LU`);
    }
  }
  console.log(`\ncorpus ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
