import type { BiquadCoeffs } from '../dsp/biquad.js';
import { eqBandCoeffs } from '../dsp/eqDesign.js';
import { MAX_CROSSOVER_FRACTION } from '../dsp/linkwitzRiley.js';
import type { ParamsByKind, Suggestion } from '../suggest/types.js';
import { AmaError } from '../util/errors.js';
import { CompressorStage, type DetectorMode } from './compressor.js';
import { EqStage } from './eq.js';
import { balanceGainsDb, GainStage } from './gain.js';
import { LimiterStage } from './limiter.js';
import { MidSideStage, type RenderStage } from './stage.js';
import { suggestionProblems } from './validate.js';
import { MonoBelowStage, WidthStage } from './width.js';

/**
 * Turns approved-or-previewed suggestions into render stages, in a fixed order whatever the order
 * of the list: 1. EQ (high-pass, shelves, peaks; master, then mid, then side), 2. stem gains (mixed
 * into the input, which equals applying them after the linear EQ), 3. width, mono-below, balance,
 * 4. compressors (in list order), 5. gain (master, mid, side), 6. the limiter (the last one listed).
 *
 * Channels: master moves act on every channel (compressor and limiter linked over all of them);
 * mid/side moves and width, mono-below and balance act on channels 0 and 1 (L, R). Width and
 * mono-below pass the other channels through the same all-pass as mid, to keep their phase coherent.
 * Mono input: a mid move acts on the one channel (mono is all mid); side, width, mono-below and
 * balance moves do nothing, and a note says so. Kind 'note' is ignored.
 */

/** Render stages and what a person should know about them. */
export interface RenderPlan {
  /** Stages in processing order. */
  stages: RenderStage[];
  /** Stem gains to mix into the input: stem name -> gain change in dB (summed per stem). */
  stemGainsDb: Map<string, number>;
  /** Sentences: moves that were skipped or changed, and why. */
  notes: string[];
}

/** Options of the planner. */
export interface PlanOptions {
  /** Names of the stems that are available (scope `stem:<name>`); none by default. */
  stems?: readonly string[];
  /** Compressor detector; default 'peak' (see src/render/compressor.ts). */
  detector?: DetectorMode;
}

type Of<K extends keyof ParamsByKind> = Extract<Suggestion, { kind: K }>;
const fmt = (s: Suggestion): string => `${s.kind} ${s.key}`;

/** Validates every suggestion (one AmaError BAD_OPTION listing all problems) and builds the stages. */
export function planRender(suggestions: readonly Suggestion[], sampleRate: number, channels: number, options: PlanOptions = {}): RenderPlan {
  if (!Array.isArray(suggestions)) throw new AmaError('BAD_OPTION', `suggestions must be an array, got ${typeof suggestions}`);
  const problems = suggestions.flatMap((s, i) => suggestionProblems(s, i));
  if (problems.length > 0) throw new AmaError('BAD_OPTION', `Cannot render these suggestions:\n${problems.join('\n')}`);
  const notes: string[] = [];
  const stereo = channels >= 2;
  const nyquist = sampleRate / 2;
  const stems = new Set(options.stems ?? []);
  const eq: Record<'master' | 'mid' | 'side', BiquadCoeffs[]> = { master: [], mid: [], side: [] };
  const gainDb = { master: 0, mid: 0, side: 0 };
  const stemGainsDb = new Map<string, number>();
  const widthStages: RenderStage[] = [];
  const monoStages: RenderStage[] = [];
  const compressors: RenderStage[] = [];
  let balanceDb = 0;
  let limiter: Of<'limiter'> | null = null;

  /** Where a move with a mid/side/master scope acts; null (with a note) when it cannot act. */
  const route = (s: Suggestion): 'master' | 'mid' | 'side' | null => {
    const scope = s.scope;
    if (scope.startsWith('stem:')) {
      notes.push(`Skipped ${fmt(s)}: only stem gains are rendered on stems, and ${scope} needs that stem's own audio.`);
      return null;
    }
    if (scope === 'master' || (scope === 'mid' && !stereo)) return 'master';
    if (!stereo) {
      notes.push(`Skipped ${fmt(s)}: the input is mono, so it has no side channel.`);
      return null;
    }
    return scope as 'mid' | 'side';
  };
  const needStereo = (s: Suggestion): boolean => {
    if (s.scope.startsWith('stem:')) return route(s) !== null;
    if (!stereo) notes.push(`Skipped ${fmt(s)}: the input is mono, so there is no stereo image to change.`);
    return stereo;
  };

  for (const s of suggestions) {
    switch (s.kind) {
      case 'note':
        break;
      case 'eqBand': {
        const where = route(s);
        if (where === null) break;
        if (s.params.frequencyHz >= nyquist) {
          notes.push(`Skipped ${fmt(s)}: ${s.params.frequencyHz} Hz is at or above the Nyquist frequency (${nyquist} Hz) of this audio.`);
          break;
        }
        eq[where].push(eqBandCoeffs(s.params, sampleRate));
        break;
      }
      case 'stemGain': {
        const name = s.scope.slice('stem:'.length);
        if (!stems.has(name)) notes.push(`Skipped ${fmt(s)}: no "${name}" stem was given, so its level cannot change.`);
        else stemGainsDb.set(name, (stemGainsDb.get(name) ?? 0) + s.params.gainDb);
        break;
      }
      case 'width': {
        if (!needStereo(s)) break;
        const { lowHz, highHz, sideGainDb } = s.params;
        if (lowHz >= MAX_CROSSOVER_FRACTION * sampleRate) {
          notes.push(`Skipped ${fmt(s)}: its band starts at ${lowHz} Hz, too close to Nyquist (${nyquist} Hz).`);
          break;
        }
        widthStages.push(new WidthStage(sampleRate, channels, lowHz, highHz, sideGainDb));
        break;
      }
      case 'monoBelow':
        if (!needStereo(s)) break;
        if (s.params.frequencyHz >= MAX_CROSSOVER_FRACTION * sampleRate) {
          notes.push(`Skipped ${fmt(s)}: ${s.params.frequencyHz} Hz is too close to Nyquist (${nyquist} Hz).`);
          break;
        }
        monoStages.push(new MonoBelowStage(sampleRate, channels, s.params.frequencyHz));
        break;
      case 'balance':
        if (needStereo(s)) balanceDb += s.params.balanceDb;
        break;
      case 'compressor': {
        const where = route(s);
        if (where === null) break;
        if (s.params.lowHz !== undefined && s.params.lowHz >= MAX_CROSSOVER_FRACTION * sampleRate) {
          notes.push(`Skipped ${fmt(s)}: its band starts at ${s.params.lowHz} Hz, too close to Nyquist (${nyquist} Hz).`);
          break;
        }
        const settings = { ...s.params, detector: options.detector ?? 'peak' };
        compressors.push(where === 'master'
          ? new CompressorStage(sampleRate, channels, settings)
          : new MidSideStage(new CompressorStage(sampleRate, 1, settings), where));
        break;
      }
      case 'gain': {
        const where = route(s);
        if (where !== null) gainDb[where] += s.params.gainDb;
        break;
      }
      case 'limiter':
        if (s.scope.startsWith('stem:')) route(s);
        else {
          if (limiter) notes.push(`Skipped ${fmt(limiter)}: only one limiter is rendered, the last one listed (${limiter.key} comes before ${s.key}).`);
          limiter = s;
        }
        break;
    }
  }

  const stages: RenderStage[] = [];
  if (eq.master.length) stages.push(new EqStage(eq.master, channels, `EQ, ${eq.master.length} band(s)`));
  if (eq.mid.length) stages.push(new MidSideStage(new EqStage(eq.mid, 1, `EQ, ${eq.mid.length} band(s)`), 'mid'));
  if (eq.side.length) stages.push(new MidSideStage(new EqStage(eq.side, 1, `EQ, ${eq.side.length} band(s)`), 'side'));
  stages.push(...widthStages, ...monoStages);
  if (balanceDb !== 0) stages.push(new GainStage(balanceGainsDb(balanceDb, channels), `balance ${balanceDb} dB`));
  stages.push(...compressors);
  if (gainDb.master !== 0) stages.push(new GainStage(new Array<number>(channels).fill(gainDb.master), `gain ${gainDb.master} dB`));
  for (const w of ['mid', 'side'] as const) {
    if (gainDb[w] !== 0) stages.push(new MidSideStage(new GainStage([gainDb[w]], `gain ${gainDb[w]} dB`), w));
  }
  if (limiter) stages.push(new LimiterStage(sampleRate, channels, (limiter as Of<'limiter'>).params));
  return { stages, stemGainsDb, notes };
}
