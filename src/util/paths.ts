import os from 'node:os';
import path from 'node:path';

/** The user's cache directory for ama (reference profiles, demo material), per platform conventions. */
export function cacheDir(): string {
  if (process.env.AMA_CACHE_DIR) return process.env.AMA_CACHE_DIR;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'ama');
  if (process.platform === 'win32') {
    return path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'ama', 'Cache');
  }
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'ama');
}
