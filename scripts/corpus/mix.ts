import { LoudnessMeter, type LoudnessReading } from '../../src/analysis/loudness.js';
import { openAudioFile } from '../../src/audio/decode.js';
import { defaultLayout } from '../../src/audio/layout.js';
import { renderSuggestions } from '../../src/render/index.js';
import type { Suggestion } from '../../src/suggest/types.js';
import type { CorpusSong, StemRole } from './stems.js';

/**
 * The balanced-mix recipe of the efficacy corpus ("in balance" = what a careful rough mix does):
 * 1. Stem gains by loudness: each role's group of stems sits at a loudness of its own (ROLE_LUFS; a
 *    group of n stems shares it, each stem at ROLE_LUFS - 10 log10 n), so no part buries another.
 * 2. Mild pan spread: drums, bass and the first lead stay where fluidsynth put them (the song's own
 *    pan controllers); further leads and the other parts alternate left and right, +-0.25, +-0.4, ...
 *    (constant-power pan of the stereo stem), never wider than +-0.55.
 * 3. Master: ama's true-peak limiter at MIX_CEILING_DBTP, driven so the result measures MIX_LUFS
 *    integrated (it catches the drum peaks only, 1-4 dB: see `limiterDb`, printed by the benchmark).
 */

/** Loudness of each role's group of stems before the master, LUFS. */
export const ROLE_LUFS: Record<StemRole, number> = { drums: -20, bass: -21, lead: -21, other: -21 };
/** Integrated loudness of every balanced mix, LUFS. */
export const MIX_LUFS = -18;
/** True-peak ceiling of the balanced mixes' limiter, dBTP. */
export const MIX_CEILING_DBTP = -1;

/** Planar stereo audio and its rate. */
export interface StereoAudio {
  audio: Float32Array[];
  sampleRate: number;
}

/** Reads a whole (short) audio file into planar channels. */
export async function readAudio(file: string): Promise<StereoAudio> {
  const src = await openAudioFile(file);
  const parts: Float32Array[][] = src.format.layout.map(() => []);
  for await (const block of src.blocks()) block.forEach((ch, c) => parts[c].push(Float32Array.from(ch)));
  const audio = parts.map((p) => {
    const out = new Float32Array(p.reduce((a, x) => a + x.length, 0));
    let at = 0;
    for (const x of p) out.set(x, (at += x.length) - x.length);
    return out;
  });
  return { audio, sampleRate: src.format.sampleRate };
}

/** BS.1770 loudness and true peak of planar audio. */
export function measure(audio: Float32Array[], sampleRate: number): LoudnessReading {
  const meter = new LoudnessMeter({ sampleRate, layout: defaultLayout(audio.length) });
  const block = 4800;
  for (let i = 0; i < audio[0].length; i += block) meter.process(audio.map((ch) => ch.subarray(i, i + block)));
  return meter.read();
}

/** A synthetic proposal, for rendering faults and the recipe's master moves with ama's own DSP. */
export function move<K extends Suggestion['kind']>(kind: K, params: Extract<Suggestion, { kind: K }>['params'], scope: Suggestion['scope'] = 'master'): Suggestion {
  return { key: `corpus:${scope}:${kind}`, agent: 'eq', scope, kind, params, confidence: 1, rationale: 'efficacy corpus', evidence: {} } as Suggestion;
}

/** Renders moves onto audio with ama's renderer (src/render). */
export function render(audio: Float32Array[], sampleRate: number, moves: Suggestion[]): Float32Array[] {
  return renderSuggestions(audio, sampleRate, moves).audio;
}

/** Pan positions, -1 (left) .. +1 (right), for the stems after the centred ones. */
function spreadPositions(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? -1 : 1) * Math.min(0.55, 0.25 + 0.15 * Math.floor(i / 2)));
}

/** What the recipe did to one stem. */
export interface StemSetting {
  name: string;
  role: StemRole;
  gainDb: number;
  pan: number;
}

/** A balanced mix and how it was made. */
export interface BalancedMix extends StereoAudio {
  stems: StemSetting[];
  /** Limiter gain reduction needed on the loudest peak, dB (0: the limiter did nothing). */
  limiterDb: number;
  reading: LoudnessReading;
}

/** Mixes a song's stems with the recipe above; `roleOffsetsDb` nudges whole roles (balance variants). */
export async function balancedMix(song: CorpusSong, roleOffsetsDb: Partial<Record<StemRole, number>> = {}): Promise<BalancedMix> {
  const stems = await Promise.all(song.stems.map(async (s) => ({ ...s, ...(await readAudio(s.file)) })));
  const sampleRate = stems[0].sampleRate;
  const frames = stems[0].audio[0].length;
  const mix = [new Float32Array(frames), new Float32Array(frames)];
  const count = (role: StemRole) => stems.filter((s) => s.role === role).length;
  const centred = new Set(['drums', 'bass']);
  const firstLead = stems.find((s) => s.role === 'lead');
  const spread = stems.filter((s) => !centred.has(s.role) && s !== firstLead);
  const positions = spreadPositions(spread.length);
  const settings: StemSetting[] = [];
  for (const s of stems) {
    const lufs = measure(s.audio, sampleRate).integratedLufs;
    if (lufs === null) continue;
    const gainDb = ROLE_LUFS[s.role] - 10 * Math.log10(count(s.role)) - lufs + (roleOffsetsDb[s.role] ?? 0);
    const i = spread.indexOf(s);
    const pan = i < 0 ? 0 : positions[i];
    const theta = ((pan + 1) * Math.PI) / 4; // constant power, unity at the centre
    const g = 10 ** (gainDb / 20);
    const gl = g * Math.SQRT2 * Math.cos(theta);
    const gr = g * Math.SQRT2 * Math.sin(theta);
    for (let n = 0; n < frames; n++) {
      mix[0][n] += gl * s.audio[0][n];
      mix[1][n] += gr * s.audio[1][n];
    }
    settings.push({ name: s.name, role: s.role, gainDb, pan });
  }
  // The limiter lowers the loudness a little where it acts: drive it again by what is missing.
  const before = measure(mix, sampleRate);
  let driveDb = MIX_LUFS - (before.integratedLufs ?? MIX_LUFS);
  let audio: Float32Array[] = mix;
  let reading = before;
  for (let pass = 0; pass < 3; pass++) {
    audio = render(mix, sampleRate, [move('limiter', { inputGainDb: driveDb, ceilingDbtp: MIX_CEILING_DBTP, releaseMs: 150, lookaheadMs: 5 })]);
    reading = measure(audio, sampleRate);
    const missing = MIX_LUFS - (reading.integratedLufs ?? MIX_LUFS);
    if (Math.abs(missing) < 0.02) break;
    driveDb += missing;
  }
  const limiterDb = Math.max(0, (before.truePeakDbtp ?? -Infinity) + driveDb - MIX_CEILING_DBTP);
  return { audio, sampleRate, stems: settings, limiterDb, reading };
}
