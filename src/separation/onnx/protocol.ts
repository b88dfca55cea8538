import type { AmaErrorCode } from '../../util/errors.js';
import type { StemName } from '../types.js';

/** The model family a worker runs. */
export type OnnxModelKind = 'htdemucs' | 'umx';

/** What the separation worker is started with (workerData). */
export interface OnnxWorkerInit {
  kind: OnnxModelKind;
  /** htdemucs: one file; umx: one file per target, in the order of `targets`. */
  files: string[];
  /** umx only: the stem each file estimates. */
  targets: StemName[];
  /** onnxruntime intra-op threads (>= 1). */
  threads: number;
}

/** Messages to the worker. Audio travels in SharedArrayBuffers (no copy, no detached buffers). */
export type ToOnnxWorker = { kind: 'separate'; id: number; channels: Float32Array[]; sampleRate: number };

/** Messages from the worker. */
export type FromOnnxWorker =
  | { kind: 'ready'; description: string }
  | { kind: 'progress'; id: number; fraction: number }
  | { kind: 'result'; id: number; stems: Record<StemName, Float32Array[]> }
  | { kind: 'failed'; id: number | null; code: AmaErrorCode; message: string };

/** How to start the worker thread: its entry module, or (eval) JavaScript source run as CommonJS. */
export interface OnnxWorkerLaunch {
  entry: URL | string;
  eval?: boolean;
}

/** Sample rate every ONNX separation model here works at, Hz. */
export const MODEL_RATE = 44_100;
