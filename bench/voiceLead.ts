import { roleMix, roleStems } from '../scripts/corpus/roleMix.js';
import { songStems, type RenderOptions } from '../scripts/corpus/stems.js';
import { openSeparator, parseSeparatorId } from '../src/separation/index.js';
import { sdrDb } from '../src/separation/sdr.js';

/**
 * Bench-only: which GM patch a separator hears as vocals. The corpus songs with a lead part are
 * rendered with their lead re-programmed (scripts/corpus/stems.ts RenderOptions), and the 12 s
 * excerpt EXCERPT_SEC of each balanced role mix is separated; prints the lead's level against the
 * mix, the vocals stem's level and its SDR against the lead part (what scripts/corpus VOICED_LEAD
 * was chosen by).
 *
 * Usage: node dist/bench/voiceLead.js [htdemucs|dsp|umx] own 52 53 54:127 ...   (program[:modulation], `own` = the song's own)
 */

/** Excerpt of the 35 s role mix that is separated, s: two HTDemucs segments. */
const EXCERPT_SEC = [5, 17] as const;
/** Songs of the corpus that have a lead part. */
const SONGS = ['music000', 'music003'];

const energy = (a: Float32Array[]) => a.reduce((s, ch) => s + ch.reduce((t, x) => t + x * x, 0), 0);
const dbOf = (x: number, ref: number) => (10 * Math.log10(x / ref)).toFixed(1).padStart(6);

const args = process.argv.slice(2);
const id = parseSeparatorId(args.find((a) => /^[a-z]/.test(a) && a !== 'own') ?? 'htdemucs');
const settings: Array<[string, RenderOptions]> = args.filter((a) => a === 'own' || /^\d/.test(a)).map((a) => {
  if (a === 'own') return [a, {}];
  const [program, modulation] = a.split(':').map(Number);
  return [a, { leadProgram: program, ...(modulation === undefined ? {} : { leadModulation: modulation }) }];
});
const { separator, notice } = await openSeparator(id);
if (notice) console.log(`note: ${notice}`);
console.log(`song      lead patch   lead vs mix  vocals stem vs mix  SDR vocals/lead (dB; separator ${separator.id})`);
try {
  for (const song of SONGS) {
    for (const [label, opts] of settings) {
      const rs = await roleStems(await songStems(song, undefined, opts));
      const { mix, sources } = roleMix(rs);
      const cut = (a: Float32Array[]) => a.map((ch) => ch.slice(EXCERPT_SEC[0] * rs.sampleRate, EXCERPT_SEC[1] * rs.sampleRate));
      const m = cut(mix), lead = cut(sources.lead!);
      const set = await separator.separate(m, rs.sampleRate);
      console.log(`${song}  ${label.padEnd(10)} ${dbOf(energy(lead), energy(m))}       ${dbOf(energy(set.stems.vocals), energy(m))}             ${(sdrDb(lead, set.stems.vocals)?.toFixed(1) ?? "n/a").padStart(5)}`);
    }
  }
} finally {
  await separator.close();
}
