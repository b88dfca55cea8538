import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { AmaError } from '../util/errors.js';

/** Paths of the ffmpeg and ffprobe executables that ama runs. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

/**
 * Finds ffmpeg and ffprobe: $AMA_FFMPEG / $AMA_FFPROBE when set (a path, or a name looked up on PATH),
 * else `ffmpeg` / `ffprobe` on PATH. Null when either is missing. Looked up on every call, so tests
 * (and users) can change the environment between files.
 */
export function findFfmpegTools(env: NodeJS.ProcessEnv = process.env): FfmpegTools | null {
  const ffmpeg = findExecutable(env.AMA_FFMPEG || 'ffmpeg', env);
  const ffprobe = findExecutable(env.AMA_FFPROBE || 'ffprobe', env);
  return ffmpeg && ffprobe ? { ffmpeg, ffprobe } : null;
}

/** The NEEDS_FFMPEG error for a container or codec that only ffmpeg reads. */
export function needsFfmpegError(what: string): AmaError {
  return new AmaError(
    'NEEDS_FFMPEG',
    `this is ${what} file, which ama reads through ffmpeg, and ffmpeg was not found; ` +
      'install ffmpeg (apt install ffmpeg, brew install ffmpeg, or from ffmpeg.org), or set AMA_FFMPEG and AMA_FFPROBE to their paths',
  );
}

function findExecutable(nameOrPath: string, env: NodeJS.ProcessEnv): string | null {
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || isAbsolute(nameOrPath)) {
    return isExecutableFile(nameOrPath) ? nameOrPath : null;
  }
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, nameOrPath + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
