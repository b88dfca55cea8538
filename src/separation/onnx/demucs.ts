import { AmaError } from '../../util/errors.js';
import { analyse, HOP, synthesise, SpecWorkspace, windowEnvelope } from './spectrogram.js';

/**
 * The host side of the HTDemucs contract: segmenting, the model's own STFT framing, the inverse of
 * its spectrogram outputs, and the triangular blending of overlapping segments. The model itself is
 * behind `DemucsRunner`, so this file runs (and is tested) without onnxruntime.
 */

/** Sources of an HTDemucs model, in the order of its outputs. */
export const DEMUCS_SOURCES = ['drums', 'bass', 'other', 'vocals'] as const;
/** Frequency bins of the spectrogram input and output (n_fft/2, the last bin dropped). */
export const DEMUCS_BINS = 2048;
/** Fraction of a segment that consecutive segments share. */
export const DEMUCS_OVERLAP = 0.25;
/** Samples of reflection padding before the first frame (hop/2 * 3, as the model was trained). */
const PAD = (HOP / 2) * 3;

/** Spectrogram frames for a segment of `segment` samples. */
export function demucsFrames(segment: number): number {
  return Math.ceil(segment / HOP);
}

/** One model call: waveform [2*S] and spectrogram [4*2048*T] in; [4 sources*4*2048*T] and [4*2*S] out. */
export interface DemucsRunner {
  /** Segment length S the model takes, samples at 44.1 kHz. */
  readonly segment: number;
  run(wave: Float32Array, spec: Float32Array): Promise<{ spec: Float32Array; wave: Float32Array }>;
}

/**
 * The spectrogram input of one segment, [4, 2048, T] as L.re, L.im, R.re, R.im: frame j is the
 * normalized (1/sqrt(n_fft)) FFT of samples [j*hop - 1536, j*hop + 2560) of the reflect-padded segment.
 */
export function demucsSpectrogram(left: Float32Array, right: Float32Array, ws = new SpecWorkspace(), out = new Float32Array(4 * DEMUCS_BINS * demucsFrames(left.length))): Float32Array {
  const T = demucsFrames(left.length);
  analyse(left, right, -PAD, T, DEMUCS_BINS, 1 / Math.sqrt(4096), out, (ch, reim, k, j) => ((ch * 2 + reim) * DEMUCS_BINS + k) * T + j, ws);
  return out;
}

/**
 * The waveform of source `s` of a spectrogram output [sources, 4, 2048, T] of a segment of `segment`
 * samples: inverse of demucsSpectrogram framing, with two empty frames on each side as the model's
 * own inverse has (they count in the window envelope). Returns [left, right].
 */
export function demucsInverse(
  spec: Float32Array, s: number, segment: number, ws = new SpecWorkspace(), envelope?: Float64Array,
  into: [Float64Array, Float64Array] = [new Float64Array(segment), new Float64Array(segment)],
): [Float64Array, Float64Array] {
  const T = demucsFrames(segment);
  const [l, r] = into;
  l.fill(0);
  r.fill(0);
  const base = s * 4 * DEMUCS_BINS * T;
  synthesise(T, DEMUCS_BINS, Math.sqrt(4096), (ch, reim, k, j) => spec[base + ((ch * 2 + reim) * DEMUCS_BINS + k) * T + j], -PAD, l, r, ws);
  const env = envelope ?? demucsEnvelope(segment, ws);
  for (let i = 0; i < segment; i++) {
    l[i] /= env[i];
    r[i] /= env[i];
  }
  return [l, r];
}

/** The window envelope of demucsInverse for a segment length. */
export function demucsEnvelope(segment: number, ws = new SpecWorkspace()): Float64Array {
  return windowEnvelope(segment, demucsFrames(segment) + 4, -PAD - 2 * HOP, ws);
}

/** Triangular blending weight of sample i (0-based) of a segment of `segment` samples: 1, 2, ... up, then down to 1. */
export function triangleWeight(i: number, segment: number): number {
  const half = Math.floor(segment / 2);
  return i < half ? i + 1 : segment - i;
}

/** Where one segment sits: `start` of the model window (may be < 0 or run past the end: zeros), and the `offset`/`length` it contributes. */
export interface SegmentPlan {
  offset: number;
  length: number;
  start: number;
}

/**
 * Segments covering `total` samples: offsets every (1 - overlap) * segment; a short last chunk is
 * centred in its model window, with real audio on both sides where there is some.
 */
export function planSegments(total: number, segment: number, overlap = DEMUCS_OVERLAP): SegmentPlan[] {
  const stride = Math.floor((1 - overlap) * segment);
  const plans: SegmentPlan[] = [];
  for (let offset = 0; offset < total; offset += stride) {
    const length = Math.min(segment, total - offset);
    plans.push({ offset, length, start: offset - Math.floor((segment - length) / 2) });
  }
  return plans;
}

/** Hooks of a long separation: progress 0..1 and a check that throws to stop between segments. */
export interface RunHooks {
  onProgress?: (fraction: number) => void;
  checkAbort?: () => void;
}

/**
 * Receives finished stem audio as the separation goes: `chunks[s]` = [left, right] of source s
 * (DEMUCS_SOURCES order) for samples [offset, offset + length). Chunks come in order, without gaps,
 * and their arrays are the receiver's to keep.
 */
export type StemSink = (offset: number, chunks: Float32Array[][]) => Promise<void> | void;

/**
 * Separates 44.1 kHz stereo audio with an HTDemucs-contract model, handing the stems to `sink` as
 * soon as no later segment overlaps them: memory is a segment or two whatever the audio's length.
 */
export async function streamDemucs(left: Float32Array, right: Float32Array, runner: DemucsRunner, sink: StemSink, hooks: RunHooks = {}): Promise<void> {
  const S = runner.segment;
  const total = left.length;
  const T = demucsFrames(S);
  const ws = new SpecWorkspace();
  const env = demucsEnvelope(S, ws);
  // Weighted sums of the samples not handed on yet, from `base` on: a segment never reaches past
  // base + S, because each one starts where the previous hand-over ended.
  let base = 0;
  const acc = DEMUCS_SOURCES.map(() => [new Float32Array(S), new Float32Array(S)]);
  const weightSum = new Float32Array(S);
  const wScale = 1 / triangleWeight(Math.floor(S / 2) - 1, S);
  const segL = new Float32Array(S);
  const segR = new Float32Array(S);
  const wave = new Float32Array(2 * S);
  // Buffers reused for every segment: per-segment garbage of ~100 MB would otherwise pile up
  // between collections of external memory.
  const spec = new Float32Array(4 * DEMUCS_BINS * T);
  const stem: [Float64Array, Float64Array] = [new Float64Array(S), new Float64Array(S)];
  const plans = planSegments(total, S);
  const handOn = async (upTo: number) => {
    const n = upTo - base;
    if (n <= 0) return;
    const chunks = acc.map((pair) => pair.map((a) => {
      const out = a.slice(0, n);
      for (let i = 0; i < n; i++) out[i] /= weightSum[i];
      a.copyWithin(0, n);
      a.fill(0, S - n);
      return out;
    }));
    weightSum.copyWithin(0, n);
    weightSum.fill(0, S - n);
    const at = base;
    base = upTo;
    await sink(at, chunks);
  };
  for (let p = 0; p < plans.length; p++) {
    hooks.checkAbort?.();
    const { offset, length, start } = plans[p];
    segL.fill(0);
    segR.fill(0);
    const from = Math.max(0, start);
    const to = Math.min(total, start + S);
    segL.set(left.subarray(from, to), from - start);
    segR.set(right.subarray(from, to), from - start);
    wave.set(segL, 0);
    wave.set(segR, S);
    demucsSpectrogram(segL, segR, ws, spec);
    const out = await runner.run(wave, spec);
    if (out.spec.length !== DEMUCS_SOURCES.length * 4 * DEMUCS_BINS * T || out.wave.length !== DEMUCS_SOURCES.length * 2 * S) {
      throw new AmaError('MODEL_CONTRACT', `The separation model returned ${out.spec.length} spectrogram and ${out.wave.length} waveform values for a segment; the HTDemucs contract needs ${DEMUCS_SOURCES.length * 4 * DEMUCS_BINS * T} and ${DEMUCS_SOURCES.length * 2 * S}. Reinstall the model: ama models install htdemucs.`);
    }
    const skip = offset - start;
    const o = offset - base;
    for (let s = 0; s < DEMUCS_SOURCES.length; s++) {
      const [l, r] = demucsInverse(out.spec, s, S, ws, env, stem);
      const wl = (s * 2) * S + skip;
      const wr = (s * 2 + 1) * S + skip;
      const [al, ar] = acc[s];
      for (let i = 0; i < length; i++) {
        const w = triangleWeight(i, S) * wScale;
        al[o + i] += w * (l[skip + i] + out.wave[wl + i]);
        ar[o + i] += w * (r[skip + i] + out.wave[wr + i]);
      }
    }
    for (let i = 0; i < length; i++) weightSum[o + i] += triangleWeight(i, S) * wScale;
    // Samples before the next segment's offset get nothing more: hand them on.
    await handOn(p + 1 < plans.length ? plans[p + 1].offset : total);
    hooks.onProgress?.((p + 1) / plans.length);
  }
}

/**
 * Separates 44.1 kHz stereo audio with an HTDemucs-contract model. Returns per source (model order,
 * DEMUCS_SOURCES) [left, right] of the input's length.
 */
export async function separateDemucs(left: Float32Array, right: Float32Array, runner: DemucsRunner, hooks: RunHooks = {}): Promise<Float32Array[][]> {
  const stems = DEMUCS_SOURCES.map(() => [new Float32Array(left.length), new Float32Array(left.length)]);
  await streamDemucs(left, right, runner, (offset, chunks) => chunks.forEach((pair, s) => pair.forEach((c, ch) => stems[s][ch].set(c, offset))), hooks);
  return stems;
}
