import { LoudnessMeter } from '../analysis/loudness.js';
import type { ChannelRole } from '../audio/types.js';
import type { Suggestion } from '../suggest/types.js';
import { renderSuggestions, type RenderOptions, type RenderResult } from './index.js';

/**
 * Render, measure, correct: what `ama apply` and the efficacy benchmark hand to the listener. The
 * other moves' effect on loudness and peaks is only predicted (src/suggest/predict.ts); here the
 * render is measured with the BS.1770 meter and the level move (the loudness agent's gain or
 * limiter drive) is trimmed, turned into a true-peak limiter, or added, until the loudness is
 * within `toleranceLu` of the intended one and the true peak at or under the ceiling.
 *
 * With no intended loudness (the loudness agent switched off: the user asked ama not to touch the
 * level) only the ceiling is guarded: when the moves leave the true peak over it (a width move's
 * all-pass lets limited peaks grow back, an EQ boost raises them), a true-peak limiter with 0 dB
 * drive is added, and a note says so.
 */

/** Options of renderWithLevelTrim. */
export interface LevelTrimOptions extends RenderOptions {
  /** Loudness the render should end at, LUFS; null leaves the level alone and only guards the ceiling. */
  intendedLufs: number | null;
  /** True-peak ceiling, dBTP. */
  ceilingDbtp: number;
  /** The measured loudness may miss the intended one by this much, LU; default 0.1. */
  toleranceLu?: number;
  /** Render passes for the loudness at most (the first plus corrections); default 4. */
  maxPasses?: number;
}

/** What renderWithLevelTrim returns. */
export interface LevelTrimResult {
  /** The last render; its notes include what the trim did. */
  rendered: RenderResult;
  /** The moves that were rendered: the input's, with the level move trimmed, replaced or added. */
  final: Suggestion[];
  /** Level change added to the proposed level move, dB (0 when none was needed). */
  trimDb: number;
  /** The meter's reading of the last render. */
  measured: { integratedLufs: number | null; truePeakDbtp: number | null };
  /** Renders made, >= 1. */
  passes: number;
}

/** Default loudness tolerance, LU: a tenth of the 0.5 LU that counts as on target. */
export const TRIM_TOLERANCE_LU = 0.1;
/** Passes spent on a peak still over the ceiling after the loudness passes (limiters are not exact). */
const PEAK_PASSES = 2;
const LIMITER = { releaseMs: 50, lookaheadMs: 1.5 };
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Integrated loudness and true peak of planar audio. */
export function measureLevel(audio: Float32Array[], sampleRate: number, layout: ChannelRole[]): { integratedLufs: number | null; truePeakDbtp: number | null } {
  const meter = new LoudnessMeter({ sampleRate, layout });
  for (let s = 0; s < audio[0].length; s += 65536) meter.process(audio.map((ch) => ch.subarray(s, Math.min(ch.length, s + 65536))));
  const { integratedLufs, truePeakDbtp } = meter.read();
  return { integratedLufs, truePeakDbtp };
}

const isLevelMove = (s: Suggestion) => s.agent === 'loudness' && s.scope === 'master' && (s.kind === 'gain' || s.kind === 'limiter');

/**
 * The moves with the level move shifted by `db` (a gain's gain, a limiter's drive). When there is
 * none and one is needed, a gain is added; a gain becomes a true-peak limiter when the peak would
 * cross the ceiling (`peakOverDb`: how far over it the render's peak lies without any trim).
 */
function levelled(moves: readonly Suggestion[], db: number, peakOverDb: number, ceilingDbtp: number): Suggestion[] {
  const limiter = (inputGainDb: number) => ({ inputGainDb: r2(inputGainDb), ceilingDbtp, ...LIMITER });
  const crosses = peakOverDb + db > 0;
  if (!moves.some(isLevelMove)) {
    if (Math.abs(db) < 0.005 && peakOverDb <= 0) return [...moves];
    const base = { agent: 'loudness' as const, scope: 'master' as const, confidence: 0.9, evidence: { trimDb: r2(db) } };
    const added: Suggestion = crosses
      ? { ...base, key: 'loudness:master:limiter', kind: 'limiter', params: limiter(db), rationale: 'Added at render time: the rendered moves left the true peak over the ceiling or the loudness off target.' }
      : { ...base, key: 'loudness:master:gain', kind: 'gain', params: { gainDb: r2(db) }, rationale: 'Added at render time: the rendered moves left the loudness off target.' };
    return [...moves, added];
  }
  return moves.map((s): Suggestion => {
    if (!isLevelMove(s)) return s;
    if (s.kind === 'gain') {
      if (crosses) return { ...s, key: 'loudness:master:limiter', kind: 'limiter', params: limiter(s.params.gainDb + db) };
      return { ...s, params: { gainDb: r2(s.params.gainDb + db) } };
    }
    if (s.kind === 'limiter') return { ...s, params: { ...s.params, inputGainDb: r2(s.params.inputGainDb + db) } };
    return s;
  });
}

/**
 * The moves with the true peak held under the ceiling without touching the level: the last limiter's
 * ceiling lowered by `overDb` (a limiter is there but its output still reads over), or a limiter with
 * 0 dB drive added.
 */
function guarded(moves: readonly Suggestion[], overDb: number, ceilingDbtp: number): { moves: Suggestion[]; note: string } {
  const at = moves.map((s) => s.kind).lastIndexOf('limiter');
  if (at >= 0) {
    const s = moves[at] as Extract<Suggestion, { kind: 'limiter' }>;
    const lowered = r2(s.params.ceilingDbtp - Math.max(0.01, overDb));
    const out = [...moves];
    out[at] = { ...s, params: { ...s.params, ceilingDbtp: lowered } };
    return { moves: out, note: `The limiter's output still read ${overDb.toFixed(2)} dB over the ${ceilingDbtp} dBTP ceiling; its ceiling was set to ${lowered} dBTP.` };
  }
  const added: Suggestion = {
    key: 'loudness:master:limiter', agent: 'loudness', scope: 'master', kind: 'limiter', confidence: 0.9,
    params: { inputGainDb: 0, ceilingDbtp, ...LIMITER }, evidence: { peakOverDb: r2(overDb) },
    rationale: `Added at render time: the rendered moves left the true peak ${overDb.toFixed(2)} dB over the ${ceilingDbtp} dBTP ceiling; a true-peak limiter with 0 dB drive holds it there and leaves the level otherwise alone.`,
  };
  return { moves: [...moves, added], note: `The moves left the true peak ${overDb.toFixed(2)} dB over the ${ceilingDbtp} dBTP ceiling: a true-peak limiter with 0 dB drive was added (the level is otherwise left as it is).` };
}

/**
 * Renders `moves` onto planar `channels` (see renderSuggestions) and corrects the level move until
 * the measured loudness is within `toleranceLu` of `intendedLufs` (when given) and the true peak is
 * at or under `ceilingDbtp` (see the module comment).
 */
export function renderWithLevelTrim(channels: Float32Array[], sampleRate: number, layout: ChannelRole[], moves: readonly Suggestion[], options: LevelTrimOptions): LevelTrimResult {
  const { intendedLufs, ceilingDbtp } = options;
  const tolerance = options.toleranceLu ?? TRIM_TOLERANCE_LU;
  const maxPasses = options.maxPasses ?? 4;
  const render = (list: readonly Suggestion[]) => renderSuggestions(channels, sampleRate, list, options);
  const notes: string[] = [];
  let final: Suggestion[] = [...moves];
  let rendered = render(final);
  let measured = measureLevel(rendered.audio, sampleRate, layout);
  let passes = 1;
  let trim = 0;
  const overOf = () => (measured.truePeakDbtp === null ? -Infinity : measured.truePeakDbtp - ceilingDbtp);
  const again = (list: Suggestion[]) => {
    final = list;
    rendered = render(final);
    measured = measureLevel(rendered.audio, sampleRate, layout);
    passes++;
  };
  // Silence (no measurable loudness) gets no level move.
  for (let pass = 1; intendedLufs !== null && measured.integratedLufs !== null && pass < maxPasses; pass++) {
    const miss = intendedLufs - measured.integratedLufs;
    const over = overOf();
    if (Math.abs(miss) <= tolerance && over <= 0) break;
    // Level moves shift peaks dB for dB, so without any trim the peak would lie `over - trim` over.
    const overUntrimmed = over - trim;
    trim += miss;
    again(levelled(moves, trim, overUntrimmed, ceilingDbtp));
  }
  for (let pass = 0; overOf() > 0 && pass < PEAK_PASSES; pass++) {
    const g = guarded(final, overOf(), ceilingDbtp);
    notes.push(g.note);
    again(g.moves);
  }
  if (trim !== 0) notes.push(`The level move was set ${trim > 0 ? '+' : ''}${trim.toFixed(2)} dB from the proposal so the measured loudness meets the intended ${intendedLufs?.toFixed(1)} LUFS under the ${ceilingDbtp} dBTP ceiling.`);
  rendered = { ...rendered, notes: [...rendered.notes, ...notes] };
  return { rendered, final, trimDb: r2(trim), measured, passes };
}
