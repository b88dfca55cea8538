import { measure, readAudio, ROLE_LUFS } from './mix.js';
import type { CorpusSong, StemRole } from './stems.js';

/**
 * The corpus songs as four role stems (drums, bass, lead, other), each the sum of that role's
 * instrument stems at the balanced recipe's gains and pans (scripts/corpus/mix.ts: ROLE_LUFS per
 * role, mild pan spread of the non-centred parts), and mixes of them with one role offset. No master
 * limiter: the mix is exactly the sum of the role stems times one gain, so the role stems are the
 * true sources of the mix (for SDR) and an offset is exactly what was asked.
 */

/** Loudness every role mix is brought to (plain gain), LUFS. */
export const ROLE_MIX_LUFS = -18;

/** A song's role stems: planar stereo per role present, at the corpus rate. */
export interface RoleStems {
  id: string;
  sampleRate: number;
  roles: Partial<Record<StemRole, Float32Array[]>>;
}

/** Same pan spread as the balanced recipe: alternate left/right, +-0.25, +-0.4, ..., at most +-0.55. */
function spread(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? -1 : 1) * Math.min(0.55, 0.25 + 0.15 * Math.floor(i / 2)));
}

/** Builds a song's role stems from its rendered instrument stems. */
export async function roleStems(song: CorpusSong): Promise<RoleStems> {
  const stems = await Promise.all(song.stems.map(async (s) => ({ ...s, ...(await readAudio(s.file)) })));
  const sampleRate = stems[0].sampleRate;
  const frames = stems[0].audio[0].length;
  const count = (role: StemRole) => stems.filter((s) => s.role === role).length;
  const firstLead = stems.find((s) => s.role === 'lead');
  const spreadOnes = stems.filter((s) => s.role !== 'drums' && s.role !== 'bass' && s !== firstLead);
  const positions = spread(spreadOnes.length);
  const roles: Partial<Record<StemRole, Float32Array[]>> = {};
  for (const s of stems) {
    const lufs = measure(s.audio, sampleRate).integratedLufs;
    if (lufs === null) continue;
    const g = 10 ** ((ROLE_LUFS[s.role] - 10 * Math.log10(count(s.role)) - lufs) / 20);
    const i = spreadOnes.indexOf(s);
    const theta = (((i < 0 ? 0 : positions[i]) + 1) * Math.PI) / 4;
    const gl = g * Math.SQRT2 * Math.cos(theta), gr = g * Math.SQRT2 * Math.sin(theta);
    const out = (roles[s.role] ??= [new Float32Array(frames), new Float32Array(frames)]);
    for (let n = 0; n < frames; n++) {
      out[0][n] += gl * s.audio[0][n];
      out[1][n] += gr * s.audio[1][n];
    }
  }
  return { id: song.id, sampleRate, roles };
}

/**
 * The mix of the role stems with per-role offsets (dB), brought to ROLE_MIX_LUFS by one plain gain,
 * and the role stems as they sit in it (the same gain and offsets applied): mix = sum of `sources`.
 */
export function roleMix(r: RoleStems, offsetsDb: Partial<Record<StemRole, number>> = {}): { mix: Float32Array[]; sources: Partial<Record<StemRole, Float32Array[]>> } {
  const frames = Object.values(r.roles)[0]![0].length;
  const mix = [new Float32Array(frames), new Float32Array(frames)];
  for (const [role, audio] of Object.entries(r.roles) as Array<[StemRole, Float32Array[]]>) {
    const g = 10 ** ((offsetsDb[role] ?? 0) / 20);
    for (let c = 0; c < 2; c++) for (let n = 0; n < frames; n++) mix[c][n] += g * audio[c][n];
  }
  const lufs = measure(mix, r.sampleRate).integratedLufs ?? ROLE_MIX_LUFS;
  const norm = 10 ** ((ROLE_MIX_LUFS - lufs) / 20);
  for (const ch of mix) for (let n = 0; n < frames; n++) ch[n] *= norm;
  const sources: Partial<Record<StemRole, Float32Array[]>> = {};
  for (const [role, audio] of Object.entries(r.roles) as Array<[StemRole, Float32Array[]]>) {
    const g = norm * 10 ** ((offsetsDb[role] ?? 0) / 20);
    sources[role] = audio.map((ch) => ch.map((x) => g * x));
  }
  return { mix, sources };
}
