import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { installModel, licenceNotice } from '../separation/onnx/install.js';
import { entryFor, modelsDir, readManifest } from '../separation/onnx/manifest.js';
import { STEM_NAMES } from '../separation/types.js';

/** Options of `ama models install`. */
export interface ModelsInstallCliOptions {
  dir?: string;
  from?: string;
  json?: boolean;
}

/** `ama models install <id>`: downloads, checks and records a model; prints its licence notice. */
export async function runModelsInstall(id: string, opts: ModelsInstallCliOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const r = await installModel(id, { dir: opts.dir, from: opts.from, onLine: log });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ id, status: r.status, file: r.file, sha256: r.sha256, licence: r.licence })}\n`);
    return 0;
  }
  const size = (await stat(r.file)).size;
  const lines = [
    r.status === 'installed' ? `installed htdemucs: ${r.file} (${(size / 1e6).toFixed(1)} MB)` : `htdemucs is already installed: ${r.file} (${(size / 1e6).toFixed(1)} MB)`,
    `sha256 ${r.sha256} (verified)`,
    `recorded in ${path.join(path.dirname(r.file), 'manifest.json')}`,
    '',
    licenceNotice(r.licence),
    '',
    'Use it with: ama separate MIX --model htdemucs, or --separator htdemucs on suggest/apply.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `ama models list`: the models ama knows, where they would live, and whether they are there. */
export async function runModelsList(opts: { dir?: string; json?: boolean }): Promise<number> {
  const dir = modelsDir(opts.dir);
  const manifest = await readManifest(dir);
  const rows = (['htdemucs', 'umx'] as const).map((id) => {
    const e = entryFor(manifest, id);
    const files = id === 'htdemucs' ? [e.file!] : STEM_NAMES.map((s) => e.files?.[s]).filter((f): f is string => !!f);
    const present = files.filter((f) => existsSync(path.resolve(dir, f)));
    return { id, installed: present.length === files.length, files: files.map((f) => path.resolve(dir, f)), present: present.length, sha256: e.sha256 ?? null, licence: e.licence, source: e.source };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ dir, models: [{ id: 'dsp', installed: true, builtIn: true }, ...rows] }, null, 2)}\n`);
    return 0;
  }
  const out = [`models folder: ${dir}`, `  dsp       built in`];
  for (const r of rows) {
    const state = r.installed ? 'installed' : r.present > 0 ? `partly installed (${r.present} of ${r.files.length} files)` : 'not installed';
    const how = r.id === 'htdemucs' ? 'ama models install htdemucs' : 'export from openunmix (models/README.md)';
    out.push(`  ${r.id.padEnd(9)} ${state}${r.installed ? '' : ` - ${how}`}`);
    out.push(`            licence: ${r.licence}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
