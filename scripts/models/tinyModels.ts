import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeModel, type InitSpec, type NodeSpec } from './onnxWriter.js';

/**
 * Tiny models that follow the separation contracts with trivial, known behaviour, so that tests can
 * check ama's host code (STFT, inverse, segmenting, blending, resampling, masks) against a truth
 * computed from the input alone. Usage: node dist/scripts/models/tinyModels.js OUTDIR [SEGMENT]
 * writes OUTDIR/htdemucs.onnx and OUTDIR/umx/{vocals,drums,bass,other}.onnx.
 */

/** Spectrogram bins of the HTDemucs contract below which the tiny model's vocals keep the spectrogram. */
export const TINY_VOCALS_CUTOFF_BIN = 512;

/**
 * An HTDemucs-contract model (segment S, frames ceil(S/1024)) whose sources are known functions of the input:
 *   drums  = 0.5 x                         (spectrogram path only)
 *   bass   = 0.25 x                        (waveform path only)
 *   other  = 0.25 swap(x) + 0.25 x         (spectrogram with L and R exchanged, plus waveform)
 *   vocals = x low-passed at bin 512 (5.5 kHz)  (spectrogram bins >= 512 zeroed)
 * Inputs are declared spectrogram first and outputs waveform first, with auto-generated-style names,
 * so the host must find them by shape, as it must for the real export.
 */
export function tinyDemucs(segment = 343_980): Uint8Array {
  const T = Math.ceil(segment / 1024);
  const inits: InitSpec[] = [
    { name: 'half', dims: [], type: 'float', values: [0.5] },
    { name: 'quarter', dims: [], type: 'float', values: [0.25] },
    { name: 'zero', dims: [], type: 'float', values: [0] },
    { name: 'swap', dims: [4], type: 'int64', values: [2, 3, 0, 1] },
    { name: 'axis1', dims: [1], type: 'int64', values: [1] },
    { name: 'low', dims: [1, 1, 2048, 1], type: 'float', values: Array.from({ length: 2048 }, (_, k) => (k < TINY_VOCALS_CUTOFF_BIN ? 1 : 0)) },
  ];
  const spec = 'onnx::ReduceMean_1';
  const wave = 'input';
  // Node names follow PyTorch's export (`/module.N/Op`), so the worker cuts this model into parts
  // at its blocks and runs them as a chain of sessions, as it does the real HTDemucs.
  const nodes: NodeSpec[] = [
    { op: 'Mul', inputs: [spec, 'half'], outputs: ['s_drums'], name: '/spec.0/Mul' },
    { op: 'Mul', inputs: [spec, 'zero'], outputs: ['s_bass'], name: '/spec.0/Mul_1' },
    { op: 'Gather', inputs: [spec, 'swap'], outputs: ['s_swapped'], attrs: { axis: 1 }, name: '/spec.0/Gather' },
    { op: 'Mul', inputs: ['s_swapped', 'quarter'], outputs: ['s_other'], name: '/spec.1/Mul' },
    { op: 'Mul', inputs: [spec, 'low'], outputs: ['s_vocals'], name: '/spec.1/Mul_1' },
    { op: 'Mul', inputs: [wave, 'zero'], outputs: ['w_drums'], name: '/wave.0/Mul' },
    { op: 'Mul', inputs: [wave, 'quarter'], outputs: ['w_bass'], name: '/wave.0/Mul_1' },
    { op: 'Mul', inputs: [wave, 'quarter'], outputs: ['w_other'], name: '/wave.0/Mul_2' },
    { op: 'Mul', inputs: [wave, 'zero'], outputs: ['w_vocals'], name: '/wave.0/Mul_3' },
  ];
  for (const src of ['drums', 'bass', 'other', 'vocals']) {
    nodes.push({ op: 'Unsqueeze', inputs: [`s_${src}`, 'axis1'], outputs: [`su_${src}`], name: `/stack.0/Unsqueeze_s_${src}` });
    nodes.push({ op: 'Unsqueeze', inputs: [`w_${src}`, 'axis1'], outputs: [`wu_${src}`], name: `/stack.0/Unsqueeze_w_${src}` });
  }
  nodes.push({ op: 'Concat', inputs: ['su_drums', 'su_bass', 'su_other', 'su_vocals'], outputs: ['output'], attrs: { axis: 1 }, name: '/stack.1/Concat' });
  nodes.push({ op: 'Concat', inputs: ['wu_drums', 'wu_bass', 'wu_other', 'wu_vocals'], outputs: ['5073'], attrs: { axis: 1 }, name: '/stack.1/Concat_1' });
  return writeModel({
    name: 'tiny-htdemucs',
    inputs: [
      { name: spec, shape: [1, 4, 2048, T] },
      { name: wave, shape: [1, 2, segment] },
    ],
    outputs: [
      { name: '5073', shape: [1, 4, 2, segment] },
      { name: 'output', shape: [1, 4, 4, 2048, T] },
    ],
    nodes,
    inits,
  });
}

/** Bin ranges [from, to) of the 2049 magnitude bins each tiny Open-Unmix target passes (the rest it zeroes). */
export const TINY_UMX_BANDS = { bass: [0, 50], vocals: [50, 1000], drums: [1000, 2049], other: [0, 0] } as const;

/** An Open-Unmix-contract target model [B,2,2049,T] -> same shape: the magnitude times 1 inside its band, 0 outside. */
export function tinyUmx(target: keyof typeof TINY_UMX_BANDS): Uint8Array {
  const [from, to] = TINY_UMX_BANDS[target];
  return writeModel({
    name: `tiny-umx-${target}`,
    inputs: [{ name: 'spec', shape: ['batch', 2, 2049, 'frames'] }],
    outputs: [{ name: 'estimate', shape: ['batch', 2, 2049, 'frames'] }],
    nodes: [{ op: 'Mul', inputs: ['spec', 'band'], outputs: ['estimate'] }],
    inits: [{ name: 'band', dims: [1, 1, 2049, 1], type: 'float', values: Array.from({ length: 2049 }, (_, k) => (k >= from && k < to ? 1 : 0)) }],
  });
}

/** Writes the tiny models into `dir` (htdemucs.onnx, umx/<target>.onnx). */
export function writeTinyModels(dir: string, segment = 343_980): void {
  mkdirSync(path.join(dir, 'umx'), { recursive: true });
  writeFileSync(path.join(dir, 'htdemucs.onnx'), tinyDemucs(segment));
  for (const t of Object.keys(TINY_UMX_BANDS) as Array<keyof typeof TINY_UMX_BANDS>) writeFileSync(path.join(dir, 'umx', `${t}.onnx`), tinyUmx(t));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, segment] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node dist/scripts/models/tinyModels.js OUTDIR [SEGMENT]\n');
    process.exit(2);
  }
  writeTinyModels(dir, segment ? Number(segment) : undefined);
  process.stdout.write(`tiny models written to ${dir}\n`);
}
