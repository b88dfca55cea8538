import { AmaError } from '../../util/errors.js';
import { DEMUCS_BINS, demucsFrames } from './demucs.js';

/** Names, shapes (-1 for a symbolic dimension) and element types of a session's inputs and outputs. */
export interface SessionShape {
  inputs: { name: string; shape: number[]; type: string }[];
  outputs: { name: string; shape: number[]; type: string }[];
}

/** Which tensor is which in an HTDemucs-contract model, and its segment length. */
export interface DemucsTensors {
  waveInput: string;
  specInput: string;
  specOutput: string;
  waveOutput: string;
  /** Segment length S, samples at 44.1 kHz. */
  segment: number;
  /** Spectrogram frames per segment, ceil(S / 1024). */
  frames: number;
}

function describe(list: SessionShape['inputs']): string {
  return list.map((t) => `${t.name} [${t.shape.join(',')}] ${t.type}`).join(', ') || 'none';
}

function same(shape: number[], want: number[]): boolean {
  return shape.length === want.length && shape.every((d, i) => d === want[i] || d === -1);
}

/**
 * Finds the HTDemucs tensors by rank (the exported names are auto-generated) and checks every
 * dimension: waveform [1,2,S] and spectrogram [1,4,2048,ceil(S/1024)] in; spectrograms
 * [1,4,4,2048,T] and waveforms [1,4,2,S] out, all float32.
 */
export function checkDemucsSession(s: SessionShape, file: string): DemucsTensors {
  const fail = (what: string): never => {
    throw new AmaError('MODEL_CONTRACT', `${file} is not an HTDemucs-contract model: ${what} (inputs: ${describe(s.inputs)}; outputs: ${describe(s.outputs)}). Reinstall it with: ama models install htdemucs`);
  };
  if (s.inputs.length !== 2 || s.outputs.length !== 2) fail('it needs exactly 2 inputs and 2 outputs');
  const wave = s.inputs.find((t) => t.shape.length === 3) ?? fail('no rank-3 waveform input');
  const spec = s.inputs.find((t) => t.shape.length === 4) ?? fail('no rank-4 spectrogram input');
  const specOut = s.outputs.find((t) => t.shape.length === 5) ?? fail('no rank-5 spectrogram output');
  const waveOut = s.outputs.find((t) => t.shape.length === 4) ?? fail('no rank-4 waveform output');
  const S = wave.shape[2];
  if (!(S >= 4096)) fail(`the waveform input needs a fixed segment length >= 4096 samples, got ${S}`);
  const T = demucsFrames(S);
  if (!same(wave.shape, [1, 2, S])) fail(`waveform input must be [1,2,${S}]`);
  if (!same(spec.shape, [1, 4, DEMUCS_BINS, T])) fail(`spectrogram input must be [1,4,${DEMUCS_BINS},${T}]`);
  if (!same(specOut.shape, [1, 4, 4, DEMUCS_BINS, T])) fail(`spectrogram output must be [1,4,4,${DEMUCS_BINS},${T}]`);
  if (!same(waveOut.shape, [1, 4, 2, S])) fail(`waveform output must be [1,4,2,${S}]`);
  for (const t of [...s.inputs, ...s.outputs]) if (t.type !== 'float32') fail(`${t.name} is ${t.type}, not float32`);
  return { waveInput: wave.name, specInput: spec.name, specOutput: specOut.name, waveOutput: waveOut.name, segment: S, frames: T };
}

/** Checks one Open-Unmix target model: magnitude [B,2,2049,T] in, the same shape out, float32. */
export function checkUmxSession(s: SessionShape, file: string): { input: string; output: string } {
  const fail = (what: string): never => {
    throw new AmaError('MODEL_CONTRACT', `${file} is not an Open-Unmix-contract model: ${what} (inputs: ${describe(s.inputs)}; outputs: ${describe(s.outputs)}). Export it again as models/README.md shows.`);
  };
  if (s.inputs.length !== 1 || s.outputs.length !== 1) fail('it needs exactly 1 input and 1 output');
  const [i] = s.inputs;
  const [o] = s.outputs;
  const want = [-1, 2, 2049, -1];
  if (i.shape.length !== 4 || !same([-1, i.shape[1], i.shape[2], -1], want) || (i.shape[0] !== -1 && i.shape[0] !== 1)) fail('the input must be a magnitude spectrogram [B,2,2049,T]');
  if (o.shape.length !== 4 || !same([-1, o.shape[1], o.shape[2], -1], want)) fail('the output must be a magnitude estimate [B,2,2049,T]');
  if (i.shape[3] !== -1) fail('the frame dimension T must be dynamic (export with dynamic_axes)');
  if (i.type !== 'float32' || o.type !== 'float32') fail('tensors must be float32');
  return { input: i.name, output: o.name };
}
