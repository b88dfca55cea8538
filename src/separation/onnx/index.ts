import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmaError } from '../../util/errors.js';
import { STEM_NAMES, type SeparateOptions, type SeparatorId, type SourceSeparator, type StemName, type StemSet } from '../types.js';
import { OnnxWorkerHost } from './host.js';
import { entryFor, modelsDir, readManifest } from './manifest.js';
import type { OnnxModelKind, OnnxWorkerInit, OnnxWorkerLaunch } from './protocol.js';
import { cachedSha256 } from './verify.js';

/**
 * The ONNX separators (htdemucs, umx): find the model in the models folder, check it (sha256 for
 * HTDemucs, tensor contract for both), and run it in a worker process (host.ts, worker.ts).
 */

/** Options of openOnnxSeparator. */
export interface OnnxSeparatorOptions {
  /** Models folder (default: $AMA_MODELS_DIR, else the package's models/). */
  modelsDir?: string;
  /** onnxruntime intra-op threads (default: the available cores, at most 4). */
  threads?: number;
  /** Receives sentences for the user (hashing a model, a worker restart). */
  onNotice?: (line: string) => void;
  /** How to start the worker process (tests run the TypeScript sources); the compiled worker.js by default. */
  launch?: OnnxWorkerLaunch;
}

/** Default intra-op threads: every available core up to 4 (more gained nothing measurable here). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The model files for `id`, checked to exist (and, for HTDemucs, to have the manifest's sha256). */
export async function resolveModel(id: OnnxModelKind, dir: string, onNotice?: (line: string) => void): Promise<Pick<OnnxWorkerInit, 'files' | 'targets'>> {
  const entry = entryFor(await readManifest(dir), id);
  if (id === 'htdemucs') {
    const file = path.resolve(dir, entry.file!);
    if (!existsSync(file)) {
      throw new AmaError('MODEL_NOT_INSTALLED', `The htdemucs model is not installed (no ${file}). Install it with: ama models install htdemucs${dir === modelsDir() ? '' : ` --dir ${dir}`}`);
    }
    if (entry.sha256) {
      const sha = await cachedSha256(dir, file, () => onNotice?.(`checking ${path.basename(file)} (sha256)...`));
      if (sha !== entry.sha256) {
        throw new AmaError('MODEL_CORRUPT', `${file} is damaged or not the expected model: its sha256 is ${sha}, the manifest wants ${entry.sha256}. Delete it and run: ama models install htdemucs`);
      }
    }
    return { files: [file], targets: [] };
  }
  const targets: StemName[] = [];
  const files: string[] = [];
  const missing: string[] = [];
  for (const stem of STEM_NAMES) {
    const rel = entry.files?.[stem];
    if (!rel) continue;
    const file = path.resolve(dir, rel);
    if (existsSync(file)) {
      targets.push(stem);
      files.push(file);
    } else missing.push(file);
  }
  if (targets.length === 0) {
    throw new AmaError('MODEL_NOT_INSTALLED', `No Open-Unmix model is installed (looked for ${missing.join(', ')}). Export them from the openunmix Python package as ${path.join(dir, 'README.md')} shows.`);
  }
  if (missing.length > 0) onNotice?.(`umx: no model for ${missing.map((f) => path.basename(f, '.onnx')).join(', ')}; those stems come back silent`);
  return { files, targets };
}

/** An ONNX separator: a SourceSeparator whose model runs in a worker process. */
export interface OnnxSourceSeparator extends SourceSeparator {
  /** Peak resident memory of its worker process so far, bytes (null before the worker reported it). */
  workerPeakRssBytes(): number | null;
  /** CPU time its worker processes used, seconds, as of their last result. */
  workerCpuSeconds(): number;
  /** Process id of its worker while one runs (for measurements). */
  workerPid(): number | undefined;
}

class OnnxSeparator implements OnnxSourceSeparator {
  constructor(
    readonly id: SeparatorId,
    private readonly host: OnnxWorkerHost,
  ) {}

  async separate(channels: readonly Float32Array[], sampleRate: number, options: SeparateOptions = {}): Promise<StemSet> {
    if (channels.length < 1 || channels.length > 2) {
      throw new AmaError('BAD_FORMAT', `The ${this.id} separator takes mono or stereo audio, got ${channels.length} channels; downmix first.`);
    }
    if (channels.length === 2 && channels[0].length !== channels[1].length) {
      throw new AmaError('BAD_FORMAT', `Channels differ in length (${channels[0].length} and ${channels[1].length} samples).`);
    }
    if (!(sampleRate >= 8000 && sampleRate <= 192_000)) {
      throw new AmaError('BAD_OPTION', `Sample rate must be 8000-192000 Hz for separation, got ${sampleRate}.`);
    }
    for (const c of channels) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) {
      throw new AmaError('NON_FINITE_SAMPLES', `The audio has a non-finite sample (${c[i]}) at ${i}; the separator needs finite samples.`);
    }
    if (channels[0].length === 0) {
      const stems = Object.fromEntries(STEM_NAMES.map((s) => [s, channels.map(() => new Float32Array(0))])) as Record<StemName, Float32Array[]>;
      return { sampleRate, stems };
    }
    return { sampleRate, stems: await this.host.separate(channels, sampleRate, options) };
  }

  workerPeakRssBytes(): number | null {
    return this.host.childPeakRssBytes;
  }

  workerCpuSeconds(): number {
    return this.host.childCpuSeconds;
  }

  workerPid(): number | undefined {
    return this.host.pid;
  }

  close(): Promise<void> {
    return this.host.close();
  }
}

/**
 * Opens the `htdemucs` or `umx` separator: resolves and checks the model files, starts the worker and
 * waits for the model to load and pass the contract checks. Throws AmaError MODEL_NOT_INSTALLED,
 * MODEL_CORRUPT or MODEL_CONTRACT with the fix in the message.
 */
export async function openOnnxSeparator(id: SeparatorId, options: OnnxSeparatorOptions = {}): Promise<OnnxSourceSeparator> {
  if (id !== 'htdemucs' && id !== 'umx') throw new AmaError('BAD_OPTION', `openOnnxSeparator runs htdemucs or umx, not ${id}.`);
  const dir = modelsDir(options.modelsDir);
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new AmaError('BAD_OPTION', `threads must be an integer 1-64, got ${threads}.`);
  const model = await resolveModel(id, dir, options.onNotice);
  const launch = options.launch ?? { entry: fileURLToPath(new URL('./worker.js', import.meta.url)) };
  const host = new OnnxWorkerHost({ kind: id, threads, ...model }, launch, options.onNotice);
  try {
    await host.start();
  } catch (err) {
    await host.close();
    throw err;
  }
  return new OnnxSeparator(id, host);
}
