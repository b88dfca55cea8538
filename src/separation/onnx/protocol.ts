import type { AmaErrorCode } from '../../util/errors.js';
import type { StemName } from '../types.js';

/** The model family a worker runs. */
export type OnnxModelKind = 'htdemucs' | 'umx';

/** What the separation worker process is started with: JSON in its environment, ONNX_WORKER_INIT_ENV. */
export interface OnnxWorkerInit {
  kind: OnnxModelKind;
  /** htdemucs: one file; umx: one file per target, in the order of `targets`. */
  files: string[];
  /** umx only: the stem each file estimates. */
  targets: StemName[];
  /** onnxruntime intra-op threads (>= 1). */
  threads: number;
}

/** The environment variable that carries the worker's OnnxWorkerInit, as JSON. */
export const ONNX_WORKER_INIT_ENV = 'AMA_ONNX_WORKER_INIT';

/**
 * glibc malloc tunables the worker process is started with (GLIBC_TUNABLES). glibc reads them only
 * from the environment at process start, which is one reason the worker is a child process and
 * not a thread. Blocks of 2 MiB and more (onnxruntime's tensors) always come from mmap and go back
 * to the system when freed (a fixed threshold: glibc's default one grows after such frees, so later
 * tensors stay in the heap and fragment it), free memory at the top of the heap is returned at once,
 * and malloc asks for transparent huge pages. Measured with HTDemucs on 60 s of the bench programme,
 * 2 cores (worker peak RSS, real-time factor): no tunables ~1.36 GB; mmap threshold 16 MiB 1084 MB,
 * RTF 0.63; 4 MiB 892 MB, 0.66; 2 MiB 809 MB, 0.71; 1 MiB 794 MB, 0.74 (page faults cost time).
 * Other C libraries (musl) and older glibc ignore what they do not know.
 */
export const ONNX_CHILD_MALLOC_TUNABLES = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=2097152:glibc.malloc.trim_threshold=0';

/**
 * GLIBC_TUNABLES for the worker: `existing` (the parent's, if any) with ours appended for the
 * tunables it does not set already (the user's own settings win).
 */
export function mergeMallocTunables(existing: string | undefined): string {
  const parts = (existing ?? '').split(':').filter((p) => p.length > 0);
  const set = new Set(parts.map((p) => p.split('=')[0]));
  for (const ours of ONNX_CHILD_MALLOC_TUNABLES.split(':')) if (!set.has(ours.split('=')[0])) parts.push(ours);
  return parts.join(':');
}

/**
 * Messages to the worker. Audio, at MODEL_RATE (ama resamples both ways, so the worker holds no
 * copy at the caller's rate), goes one channel per message (IPC copies it; separate messages keep
 * the serialised copies small), then the `separate` that starts the request.
 */
export type ToOnnxWorker =
  | { kind: 'audio'; id: number; channel: number; data: Float32Array }
  | { kind: 'separate'; id: number; channels: number };

/**
 * Messages from the worker. A request's stems come at MODEL_RATE as they are finished: one channel
 * of one stretch [offset, offset + data.length) per message, stretches in order without gaps; then
 * its `result` (or a `failed`). `peakRssBytes`: the worker process's peak resident memory so far.
 */
export type FromOnnxWorker =
  | { kind: 'ready'; description: string; peakRssBytes?: number }
  | { kind: 'progress'; id: number; fraction: number }
  | { kind: 'stem'; id: number; stem: StemName; channel: number; offset: number; data: Float32Array }
  | { kind: 'result'; id: number; peakRssBytes: number; cpuSeconds?: number }
  | { kind: 'failed'; id: number | null; code: AmaErrorCode; message: string };

/**
 * How to start the worker process (Node, with an IPC channel): its entry file (a path) with extra
 * Node options (tests add a loader for the TypeScript sources), or JavaScript source run as
 * CommonJS by `node -e` (tests stand in broken workers with it).
 */
export type OnnxWorkerLaunch = { entry: string; execArgv?: string[] } | { code: string; execArgv?: string[] };

/** Sample rate every ONNX separation model here works at, Hz. */
export const MODEL_RATE = 44_100;
