import type { Suggestion } from '../suggest/types.js';
import { AmaError } from '../util/errors.js';
import { RenderChain } from './chain.js';
import type { DetectorMode } from './compressor.js';
import { dbToGain } from './gain.js';
import { planRender } from './plan.js';

export { RenderChain } from './chain.js';
export { planRender, type RenderPlan, type PlanOptions } from './plan.js';
export type { RenderStage } from './stage.js';

/**
 * `ama apply`: renders suggestions onto audio with ama's own DSP, so an engineer can listen before
 * touching the session. Order and channel rules: see src/render/plan.ts.
 */

/** Options of renderSuggestions. */
export interface RenderOptions {
  /** Separated stems (name -> planar channels like the mix): lets stemGain moves act. */
  stems?: Record<string, Float32Array[]>;
  /** Compressor detector; default 'peak'. */
  detector?: DetectorMode;
  /** Internal block size, frames; default 4096. */
  blockFrames?: number;
}

/** What a render returns. */
export interface RenderResult {
  /** New planar channels, same count and length as the input (latency removed). */
  audio: Float32Array[];
  /** Sentences about moves that were skipped or changed, and about the input. */
  notes: string[];
  /** What was applied, in order, one label per stage. */
  applied: string[];
}

/** A streaming render chain for a live preview (no stems), with the planner's notes. */
export function createRenderChain(suggestions: readonly Suggestion[], sampleRate: number, channels: number, detector?: DetectorMode): { chain: RenderChain; notes: string[] } {
  checkFormat(sampleRate, channels);
  const plan = planRender(suggestions, sampleRate, channels, { detector });
  return { chain: new RenderChain(plan.stages, channels), notes: plan.notes };
}

/**
 * Applies `suggestions` to `audio` (planar float32, `sampleRate` Hz, 1..32 channels) and returns new
 * arrays of the same shape. Throws AmaError BAD_OPTION for unknown kinds or invalid params (all
 * problems listed at once), BAD_FORMAT for mismatched channels. Finite input gives finite output.
 */
export function renderSuggestions(audio: Float32Array[], sampleRate: number, suggestions: readonly Suggestion[], options: RenderOptions = {}): RenderResult {
  const channels = audio.length;
  checkFormat(sampleRate, channels);
  const frames = audio[0].length;
  if (audio.some((ch) => ch.length !== frames)) {
    throw new AmaError('BAD_FORMAT', `all channels must have the same length, got ${audio.map((c) => c.length).join(', ')} frames`);
  }
  const stemNames = Object.keys(options.stems ?? {});
  for (const name of stemNames) {
    const stem = options.stems?.[name] ?? [];
    if (stem.length !== channels || stem.some((ch) => ch.length !== frames)) {
      throw new AmaError('BAD_FORMAT', `stem "${name}" must have ${channels} channel(s) of ${frames} frames like the mix`);
    }
  }
  const plan = planRender(suggestions, sampleRate, channels, { stems: stemNames, detector: options.detector });
  const block = options.blockFrames ?? 4096;
  if (!Number.isInteger(block) || block < 1 || block > 1 << 20) {
    throw new AmaError('BAD_OPTION', `blockFrames must be a whole number of frames within [1, ${1 << 20}], got ${block}`);
  }
  const chain = new RenderChain(plan.stages, channels, block);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const stemMix = [...plan.stemGainsDb].map(([name, db]) => ({ audio: options.stems?.[name] as Float32Array[], k: dbToGain(db) - 1 }));
  const latency = chain.latencyFrames;
  const scratchIn = Array.from({ length: channels }, () => new Float32Array(block));
  const scratchOut = Array.from({ length: channels }, () => new Float32Array(block));
  // The timeline runs `latency` frames past the end, fed with silence, so the delayed output is
  // complete. Output frame i is input frame i + latency; blocks read and write the caller's and the
  // result's arrays directly where they can, and go through scratch blocks at the edges.
  for (let pos = 0; pos < frames + latency; pos += block) {
    const n = Math.min(block, frames + latency - pos);
    const have = Math.max(0, Math.min(n, frames - pos));
    let input: Float32Array[];
    if (have === n && stemMix.length === 0) input = audio.map((ch) => ch.subarray(pos, pos + n));
    else {
      input = scratchIn;
      for (let c = 0; c < channels; c++) {
        const x = scratchIn[c];
        x.set(audio[c].subarray(pos, pos + have));
        x.fill(0, have, n);
        // Stem gains: mix + (g - 1) stem, the same as changing the stem's level inside the mix.
        for (const s of stemMix) {
          const st = s.audio[c];
          for (let i = 0; i < have; i++) x[i] += s.k * st[pos + i];
        }
      }
    }
    const at = pos - latency;
    if (at >= 0 && at + n <= frames) {
      chain.process(input, out.map((ch) => ch.subarray(at, at + n)), n);
      continue;
    }
    chain.process(input, scratchOut, n);
    const from = Math.max(0, -at), to = Math.min(n, frames - at);
    if (to > from) for (let c = 0; c < channels; c++) out[c].set(scratchOut[c].subarray(from, to), at + from);
  }
  const notes = [...plan.notes];
  if (chain.nonFiniteInput > 0) notes.push(`${chain.nonFiniteInput} non-finite input sample(s) (NaN or infinity) were rendered as silence.`);
  return { audio: out, notes, applied: chain.labels };
}

function checkFormat(sampleRate: number, channels: number): void {
  if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 384000)) {
    throw new AmaError('BAD_FORMAT', `sampleRate must be within [8000, 384000] Hz, got ${sampleRate}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    throw new AmaError('BAD_FORMAT', `audio must have 1 to 32 channels, got ${channels}`);
  }
}
