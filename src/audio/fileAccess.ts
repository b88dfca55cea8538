import { promises as fsp, type Stats } from 'node:fs';
import { AmaError } from '../util/errors.js';

/** Size of the head that openAudioFile reads once to sniff the format and parse most headers. */
export const HEAD_BYTES = 64 * 1024;

/** An open file read by absolute position; short reads happen only at end of file. */
export class PositionalFile {
  private constructor(
    private readonly handle: fsp.FileHandle,
    /** File size in bytes at open time. */
    readonly sizeBytes: number,
  ) {}

  /** Opens a file for reading, turning the OS errors a user can meet into AmaErrors. */
  static async open(path: string): Promise<PositionalFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, 'r');
    } catch (err) {
      throw openError(err);
    }
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw directoryError();
      return new PositionalFile(handle, stats.size);
    } catch (err) {
      await handle.close();
      throw err instanceof AmaError ? err : openError(err);
    }
  }

  /** Reads up to `length` bytes at `position` into `target` from `offset`; returns the byte count read. */
  async readInto(target: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(target, offset + done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  /** Reads up to `length` bytes at `position` into a new Buffer (shorter at end of file). */
  async readAt(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.sizeBytes - position));
    const buf = Buffer.alloc(wanted);
    const got = await this.readInto(buf, 0, wanted, position);
    return got === wanted ? buf : buf.subarray(0, got);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** stat() with the errors a user can meet turned into AmaErrors; refuses directories and empty files. */
export async function statAudioFile(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await fsp.stat(path);
  } catch (err) {
    throw openError(err);
  }
  if (stats.isDirectory()) throw directoryError();
  if (!stats.isFile()) {
    throw new AmaError('FILE_UNREADABLE', 'not a regular file (a device, socket or pipe); give the path of an audio file');
  }
  if (stats.size === 0) {
    throw new AmaError('EMPTY_FILE', 'the file is empty (0 bytes); it was probably not finished writing or copying: export it again');
  }
  return stats;
}

function directoryError(): AmaError {
  return new AmaError('FILE_UNREADABLE', 'is a directory, not an audio file; give the path of a file inside it');
}

function openError(err: unknown): AmaError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new AmaError('FILE_NOT_FOUND', 'no such file; check the path and its spelling', { cause: err });
    case 'ENOTDIR':
      return new AmaError('FILE_NOT_FOUND', 'no such file (a part of the path is not a folder); check the path', { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new AmaError('FILE_UNREADABLE', 'permission denied; make the file readable (chmod +r) or run as its owner', { cause: err });
    case 'EISDIR':
      return directoryError();
    default:
      return new AmaError('FILE_UNREADABLE', `cannot be read (${code ?? String(err)}); check the disk and the path`, { cause: err });
  }
}
