import fs from 'node:fs';
import path from 'node:path';
import { VARIANTS } from '../scripts/corpus/build.js';
import { roleMix, roleStems, type RoleStems } from '../scripts/corpus/roleMix.js';
import { corpus, VOICED_LEAD, type StemRole } from '../scripts/corpus/stems.js';
import { writeWav } from '../src/audio/wavWriter.js';
import { openSeparator } from '../src/separation/index.js';
import { sdrDb } from '../src/separation/sdr.js';
import type { SeparatorId, StemName } from '../src/separation/types.js';
import { suggestForFiles } from '../src/suggest/engine.js';

/**
 * The stems agent against known balance faults, and a separator's SDR, on the efficacy corpus's real
 * rendered stems (scripts/corpus/roleMix.ts). For each song and each of lead, bass and drums, a mix
 * is built with that role offset by -6, -3, +3 or +6 dB; its references are the three balance
 * variants of the same song (scripts/corpus/build.ts VARIANTS: roles +-1.5 dB), built from the same
 * balanced stems. The lead parts are rendered with a voice patch (VOICED_LEAD), so "vocal/lead" has a
 * sung-like part for the vocals stem to hold. The agent gets the direction right when it proposes a stem gain on that role's
 * stem of the opposite sign. Parameterised by separator, so any backend runs the same cases.
 */

/** Roles that get offsets, and the stem each is read from. */
export const OFFSET_ROLES: ReadonlyArray<[StemRole, StemName]> = [['lead', 'vocals'], ['bass', 'bass'], ['drums', 'drums']];
/** Offsets tried, dB. */
export const OFFSETS_DB = [-6, -3, 3, 6] as const;
/** Which true role stem each separated stem is compared with for SDR. */
const TRUTH_OF: Record<StemName, StemRole> = { vocals: 'lead', drums: 'drums', bass: 'bass', other: 'other' };

/** One offset case and what the agent made of it. */
export interface OffsetCase {
  song: string;
  role: StemRole;
  stem: StemName;
  offsetDb: number;
  /** The stem gain proposed for that stem, dB; null when none. */
  proposedDb: number | null;
  verdict: 'right' | 'wrong' | 'missed';
  /** Stem gains proposed on other stems (false alarms for this case). */
  others: string[];
}

/** Writes one mix as float WAV. */
function write(file: string, audio: Float32Array[], sampleRate: number): string {
  writeWav(file, audio, sampleRate, { format: 'float32' });
  return file;
}

/** Runs the offset cases of some songs with one separator; `work` is a scratch folder. */
export async function runStemOffsets(
  songIds: readonly string[], separator: SeparatorId, work: string,
  opts: { offsets?: readonly number[]; log?: (line: string) => void } = {},
): Promise<OffsetCase[]> {
  const cases: OffsetCase[] = [];
  fs.mkdirSync(work, { recursive: true });
  for (const song of await corpus(songIds, opts.log, VOICED_LEAD)) {
    const rs = await roleStems(song);
    const refs = VARIANTS.map((v, i) => write(path.join(work, `${song.id}-ref${i + 1}.wav`), roleMix(rs, v).mix, rs.sampleRate));
    for (const [role, stem] of OFFSET_ROLES) {
      if (!rs.roles[role]) continue; // the song has no such part
      for (const offsetDb of opts.offsets ?? OFFSETS_DB) {
        const file = write(path.join(work, `${song.id}-${role}${offsetDb > 0 ? '+' : ''}${offsetDb}.wav`), roleMix(rs, { [role]: offsetDb }).mix, rs.sampleRate);
        const r = await suggestForFiles(file, refs, { only: 'stems', separator });
        const gains = r.suggestions.filter((s) => s.kind === 'stemGain');
        const mine = gains.find((s) => s.scope === `stem:${stem}`);
        const proposedDb = mine && mine.kind === 'stemGain' ? mine.params.gainDb : null;
        const verdict = proposedDb === null ? 'missed' : Math.sign(proposedDb) === -Math.sign(offsetDb) ? 'right' : 'wrong';
        const others = gains.filter((s) => s !== mine).map((s) => `${s.scope} ${s.kind === 'stemGain' ? s.params.gainDb : ''} dB`);
        cases.push({ song: song.id, role, stem, offsetDb, proposedDb, verdict, others });
        opts.log?.(`${song.id} ${role} ${offsetDb > 0 ? '+' : ''}${offsetDb} dB -> ${stem} ${proposedDb === null ? 'none' : `${proposedDb > 0 ? '+' : ''}${proposedDb} dB`} (${verdict})${others.length ? `; also ${others.join(', ')}` : ''}`);
        fs.rmSync(file);
      }
    }
  }
  return cases;
}

/** SDR of one separated song, per stem (dB; null where the song has no such part), and timing. */
export interface SongSdr {
  song: string;
  perStem: Record<StemName, number | null>;
  seconds: number;
  wallSec: number;
}

/** Separates each song's balanced role mix and measures SDR against the true role stems. */
export async function measureSdr(songIds: readonly string[], separator: SeparatorId, log?: (line: string) => void): Promise<{ songs: SongSdr[]; notice?: string }> {
  const { separator: sep, notice } = await openSeparator(separator);
  const songs: SongSdr[] = [];
  try {
    for (const song of await corpus(songIds, log, VOICED_LEAD)) {
      const rs: RoleStems = await roleStems(song);
      const { mix, sources } = roleMix(rs);
      const t0 = performance.now();
      const set = await sep.separate(mix, rs.sampleRate);
      const wallSec = (performance.now() - t0) / 1000;
      const perStem = {} as Record<StemName, number | null>;
      for (const stem of Object.keys(TRUTH_OF) as StemName[]) {
        const truth = sources[TRUTH_OF[stem]];
        perStem[stem] = truth ? sdrDb(truth, set.stems[stem]) : null;
      }
      songs.push({ song: song.id, perStem, seconds: mix[0].length / rs.sampleRate, wallSec });
    }
  } finally {
    await sep.close();
  }
  return { songs, ...(notice ? { notice } : {}) };
}

/** Mean of the non-null values, or null. */
const meanOf = (xs: Array<number | null>) => { const v = xs.filter((x): x is number => x !== null); return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null; };
const f1 = (x: number | null) => (x === null ? '   n/a' : x.toFixed(1).padStart(6));

/**
 * `node dist/bench/efficacy.js stems [dsp|htdemucs|umx ...] [musicNNN ...]`: per separator, the SDR
 * of each stem on the corpus's balanced role mixes, then the offset cases' directions.
 */
export async function benchStemOffsets(args: readonly string[]): Promise<void> {
  const ids = args.filter((a) => a === 'dsp' || a === 'htdemucs' || a === 'umx') as SeparatorId[];
  const songs = args.filter((a) => /^music\d+$/.test(a));
  const { CORPUS_SONGS } = await import('../scripts/corpus/stems.js');
  const { cacheDir } = await import('../src/util/paths.js');
  const list = songs.length ? songs : [...CORPUS_SONGS];
  for (const id of ids.length ? ids : (['dsp'] as SeparatorId[])) {
    console.log(`\n== stems (${id}): SDR per stem on the balanced role mixes (true sources: the rendered role stems; vocals = the lead part, rendered with a voice patch)`);
    const sdr = await measureSdr(list, id, (l) => console.log(l));
    if (sdr.notice) console.log(`note: ${sdr.notice}`);
    console.log(`song       vocals  drums   bass  other   mean   speed`);
    for (const s of sdr.songs) console.log(`${s.song.padEnd(9)}${f1(s.perStem.vocals)} ${f1(s.perStem.drums)} ${f1(s.perStem.bass)} ${f1(s.perStem.other)} ${f1(meanOf(Object.values(s.perStem)))}  ${(s.seconds / s.wallSec).toFixed(0)}x`);
    const col = (k: StemName) => meanOf(sdr.songs.map((s) => s.perStem[k]));
    console.log(`mean     ${f1(col('vocals'))} ${f1(col('drums'))} ${f1(col('bass'))} ${f1(col('other'))} ${f1(meanOf([col('vocals'), col('drums'), col('bass'), col('other')]))}`);

    console.log(`\n== stems (${id}): one role offset by ${OFFSETS_DB.join(', ')} dB, references = the song's three balance variants`);
    const work = fs.mkdtempSync(path.join(cacheDir(), 'stem-offsets-'));
    try {
      const cases = await runStemOffsets(list, id, work, { log: (l) => console.log(`  ${l}`) });
      for (const [role] of OFFSET_ROLES) {
        for (const off of [[-6, 6], [-3, 3]] as const) {
          const c = cases.filter((x) => x.role === role && Math.abs(x.offsetDb) === off[1]);
          if (!c.length) continue;
          const right = c.filter((x) => x.verdict === 'right').length, wrong = c.filter((x) => x.verdict === 'wrong').length;
          console.log(`${role.padEnd(6)} +-${off[1]} dB: direction right ${right}/${c.length}, wrong ${wrong}, missed ${c.length - right - wrong}`);
        }
      }
      const right = cases.filter((x) => x.verdict === 'right').length;
      console.log(`all: direction right in ${right}/${cases.length} cases (${((100 * right) / cases.length).toFixed(0)} %), wrong in ${cases.filter((x) => x.verdict === 'wrong').length}, false alarms on other stems in ${cases.filter((x) => x.others.length).length}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}
