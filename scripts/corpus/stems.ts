import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeWav } from '../../src/audio/wavWriter.js';
import { cacheDir } from '../../src/util/paths.js';
import { channelsInUse, filterChannels, parseMidi, type MidiEvent, type MidiFile } from './midi.js';

/**
 * Real multitrack stems: MIDI songs from Debian's planetblupi-music-midi rendered by fluidsynth with
 * the FluidR3 GM soundfont, one MIDI channel (one instrument) at a time, each into a stereo float WAV
 * at 48 kHz (fluidsynth's own reverb, chorus and the song's pan controllers included, so stems carry
 * real stereo). Each stem is the same excerpt of STEM_SEC seconds. Kept in the ama cache: later runs
 * only read the manifest.
 */

/** Where the MIDI files are (Debian package planetblupi-music-midi). */
export const MIDI_DIR = '/usr/share/planetblupi/music';
/** The General MIDI soundfont (Debian package fluid-soundfont-gm). */
export const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
/** Sample rate of every stem, Hz. */
export const CORPUS_RATE_HZ = 48000;
/** Length of each excerpt, s. */
export const STEM_SEC = 35;
/** Songs of the corpus, by file name: four arrangements with drums, a bass and 2-6 other parts. */
export const CORPUS_SONGS = ['music000', 'music003', 'music004', 'music007'] as const;
/** Channels whose first note comes later than this are left out when the excerpt's start is chosen, s. */
const LATE_ENTRY_SEC = 60;
/** Bump when the rendering or the excerpt rule changes: the cache is then rebuilt. */
const CORPUS_VERSION = 'corpus-1';
/**
 * A sung-like lead: every lead part rendered with GM program 54 "Synth Voice" and the modulation
 * wheel full up (the soundfont's vibrato). Most corpus leads are instruments (sax, brass, synth
 * leads), which a separator rightly puts in `other`, not `vocals`. Chosen by measurement
 * (docs/separation-onnx.md): of 52 Choir Aahs, 53 Voice Oohs and 54 Synth Voice, with and without
 * vibrato, only 54 with vibrato is heard by HTDemucs as vocals (music000: SDR 7.7 dB against the lead).
 */
export const VOICED_LEAD: RenderOptions = { leadProgram: 54, leadModulation: 127 };

/** How a song's stems are rendered. */
export interface RenderOptions {
  /** Render every lead part (roleOf) with this GM program instead of its own; default: its own. */
  leadProgram?: number;
  /** Modulation wheel (CC 1, 0..127) held on the re-programmed lead parts: the soundfont's vibrato. */
  leadModulation?: number;
}

/** Rough role of a stem in the mix. */
export type StemRole = 'drums' | 'bass' | 'lead' | 'other';

/** One rendered stem. */
export interface CorpusStem {
  /** `ch<channel>-<role>-p<program>`. */
  name: string;
  role: StemRole;
  channel: number;
  /** GM program it was rendered with. */
  program: number;
  /** The song's own program, when the stem was rendered with another (RenderOptions.leadProgram). */
  songProgram?: number;
  /** Stereo float32 WAV, CORPUS_RATE_HZ, STEM_SEC long. */
  file: string;
}

/** One song of the corpus. */
export interface CorpusSong {
  id: string;
  /** Start of the excerpt in the song, s. */
  startSec: number;
  stems: CorpusStem[];
}

/**
 * Role by MIDI channel and GM program: channel 10 (index 9) drums; programs 32-39 bass; solo voices
 * (52-54), brass solos (56-60), reeds and pipes (64-79) and synth leads (80-87) lead; the rest other.
 */
export function roleOf(channel: number, program: number): StemRole {
  if (channel === 9) return 'drums';
  if (program >= 32 && program <= 39) return 'bass';
  if ((program >= 52 && program <= 54) || (program >= 56 && program <= 60) || (program >= 64 && program <= 87)) return 'lead';
  return 'other';
}

/** Seconds per tick of a file with one tempo (the first tempo event, 120 bpm without one). */
function secPerTick(midi: MidiFile): number {
  const t = midi.tracks.flat().find((e) => e.bytes[0] === 0xff && e.bytes[1] === 0x51);
  const usPerQuarter = t ? (t.bytes[3] << 16) | (t.bytes[4] << 8) | t.bytes[5] : 500000;
  return usPerQuarter / 1e6 / midi.division;
}

/**
 * The excerpt's start: when the last instrument that enters within LATE_ENTRY_SEC has played its
 * first note, rounded up to a whole second, so the excerpt holds the full arrangement.
 */
export function excerptStartSec(midi: MidiFile): number {
  const spt = secPerTick(midi);
  const first = new Map<number, number>();
  for (const e of midi.tracks.flat()) {
    if (e.channel === null || e.bytes[0] >> 4 !== 0x9 || e.bytes[2] === 0) continue;
    first.set(e.channel, Math.min(first.get(e.channel) ?? Infinity, e.tick * spt));
  }
  const entries = [...first.values()].filter((s) => s <= LATE_ENTRY_SEC);
  return Math.ceil(Math.max(0, ...entries));
}

/**
 * The song cut at `endSec`: later events dropped, then sustain off, all notes off and all sound off
 * on every channel at the end of every track (so no track starts a note after them), because fluidsynth's fast render waits for every voice to end, and a
 * pad note held past the cut would never end.
 */
function truncated(midi: MidiFile, endSec: number): MidiFile {
  const endTick = Math.ceil(endSec / secPerTick(midi));
  const isEnd = (e: MidiEvent) => e.bytes[0] === 0xff && e.bytes[1] === 0x2f;
  const silence: MidiEvent[] = [];
  for (let ch = 0; ch < 16; ch++) {
    for (const cc of [64, 123, 120]) silence.push({ tick: endTick, channel: ch, bytes: Uint8Array.of(0xb0 | ch, cc, 0) });
  }
  const tracks = midi.tracks.map((t) => {
    const kept = t.filter((e) => e.tick < endTick && !isEnd(e));
    return [...kept, ...silence, { tick: endTick, channel: null, bytes: Uint8Array.of(0xff, 0x2f, 0) }];
  });
  return { ...midi, tracks };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // The time limit guards against a render that never ends (a voice that never decays).
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => reject(new Error(`${cmd} could not start (${e.message}); run scripts/install-system-deps.sh`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      reject(new Error(`${cmd} ${signal ? `was stopped by ${signal} (time limit 300 s)` : `exited ${code}`}: ${err.slice(-400)}`));
    });
  });
}

/** Renders one MIDI file with fluidsynth to planar stereo float32, cut to [startSec, startSec + STEM_SEC). */
async function renderExcerpt(mid: string, raw: string, startSec: number): Promise<[Float32Array, Float32Array]> {
  await run('fluidsynth', ['-ni', '-q', '-g', '0.5', '-r', String(CORPUS_RATE_HZ), '-T', 'raw', '-O', 'float', '-E', 'little', '-F', raw, SOUNDFONT, mid]);
  const bytes = fs.readFileSync(raw);
  fs.rmSync(raw);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 8) * 2);
  const n = STEM_SEC * CORPUS_RATE_HZ;
  const first = startSec * CORPUS_RATE_HZ;
  const out: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  const fade = Math.round(0.01 * CORPUS_RATE_HZ); // 10 ms fades: no clicks at the cut
  for (let i = 0; i < n && first + i < all.length / 2; i++) {
    const g = Math.min(1, (i + 1) / fade, (n - i) / fade);
    out[0][i] = all[2 * (first + i)] * g;
    out[1][i] = all[2 * (first + i) + 1] * g;
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * One channel's events with its program changes set to `program` (one at tick 0 when it had none)
 * and its bank selects (CC 0 and 32) dropped, so the GM melodic bank's `program` plays.
 */
export function withProgram(midi: MidiFile, channel: number, program: number, modulation?: number): MidiFile {
  let set = false;
  const tracks = midi.tracks.map((t) => t.flatMap((e): MidiEvent[] => {
    if (e.channel !== channel) return [e];
    const kind = e.bytes[0] >> 4;
    if (kind === 0xb && (e.bytes[1] === 0 || e.bytes[1] === 32 || (modulation !== undefined && e.bytes[1] === 1))) return [];
    if (kind !== 0xc) return [e];
    set = true;
    return [{ ...e, bytes: Uint8Array.of(e.bytes[0], program) }];
  }));
  const head: MidiEvent[] = set ? [] : [{ tick: 0, channel, bytes: Uint8Array.of(0xc0 | channel, program) }];
  if (modulation !== undefined) head.push({ tick: 0, channel, bytes: Uint8Array.of(0xb0 | channel, 1, modulation) });
  tracks[0] = [...head, ...tracks[0]];
  return { ...midi, tracks };
}

/** Renders (or reads from the cache) every stem of one song; each RenderOptions setting has its own cache folder. */
export async function songStems(id: string, log: (line: string) => void = () => {}, opts: RenderOptions = {}): Promise<CorpusSong> {
  if (opts.leadProgram !== undefined && !(Number.isInteger(opts.leadProgram) && opts.leadProgram >= 0 && opts.leadProgram <= 127)) {
    throw new Error(`leadProgram must be a GM program 0..127, got ${opts.leadProgram}`);
  }
  const key = opts.leadProgram === undefined ? CORPUS_VERSION : `${CORPUS_VERSION}-lead-p${opts.leadProgram}${opts.leadModulation !== undefined ? `-m${opts.leadModulation}` : ''}`;
  const dir = path.join(cacheDir(), 'corpus', key, id);
  const manifest = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifest)) {
    const song = JSON.parse(fs.readFileSync(manifest, 'utf8')) as CorpusSong;
    if (song.stems.every((s) => fs.existsSync(s.file))) return song;
  }
  const source = path.join(MIDI_DIR, `${id}.mid`);
  if (!fs.existsSync(source)) throw new Error(`${source} is missing: install planetblupi-music-midi (scripts/install-system-deps.sh)`);
  if (!fs.existsSync(SOUNDFONT)) throw new Error(`${SOUNDFONT} is missing: install fluid-soundfont-gm (scripts/install-system-deps.sh)`);
  fs.mkdirSync(dir, { recursive: true });
  const midi = parseMidi(fs.readFileSync(source));
  const startSec = excerptStartSec(midi);
  const cut = truncated(midi, startSec + STEM_SEC + 1);
  const stems: CorpusStem[] = [];
  const started = Date.now();
  await pool(channelsInUse(midi), 2, async (use) => {
    const role = roleOf(use.channel, use.program);
    const program = role === 'lead' && opts.leadProgram !== undefined ? opts.leadProgram : use.program;
    const name = `ch${use.channel}-${role}-p${program}`;
    const mid = path.join(dir, `${name}.mid`);
    fs.writeFileSync(mid, filterChannels(program === use.program ? cut : withProgram(cut, use.channel, program, opts.leadModulation), new Set([use.channel])));
    const audio = await renderExcerpt(mid, path.join(dir, `${name}.raw`), startSec);
    fs.rmSync(mid);
    let peak = 0;
    for (const ch of audio) for (const x of ch) peak = Math.max(peak, Math.abs(x));
    if (peak < 1e-4) return; // this instrument rests through the excerpt
    const file = path.join(dir, `${name}.wav`);
    writeWav(file, audio, CORPUS_RATE_HZ);
    stems.push({ name, role, channel: use.channel, program, ...(program !== use.program ? { songProgram: use.program } : {}), file });
  });
  stems.sort((a, b) => a.channel - b.channel);
  const song: CorpusSong = { id, startSec, stems };
  fs.writeFileSync(manifest, JSON.stringify(song, null, 1));
  log(`${id}: ${stems.length} stems from ${startSec} s rendered in ${((Date.now() - started) / 1000).toFixed(1)} s (${stems.map((s) => s.name).join(', ')})`);
  return song;
}

/** Renders (or reads from the cache) the whole corpus. */
export async function corpus(ids: readonly string[] = CORPUS_SONGS, log?: (line: string) => void, opts: RenderOptions = {}): Promise<CorpusSong[]> {
  const songs: CorpusSong[] = [];
  for (const id of ids) songs.push(await songStems(id, log, opts));
  return songs;
}
