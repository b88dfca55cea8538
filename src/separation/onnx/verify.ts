import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * sha256 of model files, remembered per folder in `.verified.json` by size, mtime and inode: hashing
 * the 174 MB HTDemucs file costs ~0.3 s warm (seconds from a cold disk), so each open after the first
 * only stats the file. Replacing or editing the file changes its mtime or inode and forces a re-hash.
 */

/** Streams a file through sha256; hex digest. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (d) => hash.update(d))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

interface Remembered {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

const CACHE = '.verified.json';

async function readCache(dir: string): Promise<Record<string, Remembered>> {
  try {
    const json = JSON.parse(await readFile(path.join(dir, CACHE), 'utf8')) as unknown;
    return json && typeof json === 'object' ? (json as Record<string, Remembered>) : {};
  } catch {
    return {};
  }
}

/**
 * The sha256 of `file` (inside `dir`), from the cache when size, mtime and inode are unchanged.
 * `onHashing` is called before a full hash. A cache that cannot be written is skipped silently: the next open hashes again.
 */
export async function cachedSha256(dir: string, file: string, onHashing?: () => void): Promise<string> {
  const st = await stat(file);
  const key = path.relative(dir, file);
  const cache = await readCache(dir);
  const hit = cache[key];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs && hit.ino === st.ino && typeof hit.sha256 === 'string') return hit.sha256;
  onHashing?.();
  const sha256 = await sha256File(file);
  cache[key] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
  try {
    await writeFile(path.join(dir, CACHE), `${JSON.stringify(cache, null, 2)}\n`);
  } catch {
    // read-only models folder: hash on every open instead
  }
  return sha256;
}

/** Records a sha256 just computed for `file` (e.g. while downloading it), so the next open does not hash it again. */
export async function rememberSha256(dir: string, file: string, sha256: string): Promise<void> {
  const st = await stat(file);
  const cache = await readCache(dir);
  cache[path.relative(dir, file)] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
  try {
    await writeFile(path.join(dir, CACHE), `${JSON.stringify(cache, null, 2)}\n`);
  } catch {
    // read-only models folder: the next open hashes instead
  }
}
