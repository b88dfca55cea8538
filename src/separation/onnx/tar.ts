import { AmaError } from '../../util/errors.js';

/**
 * A streaming reader of (uncompressed) tar archives, enough for npm package tarballs: ustar headers
 * with the name prefix, pax 'x' records and GNU 'L' long names. Entries are handed to `onEntry`,
 * which returns a sink for that entry's bytes (or null to skip them); nothing is buffered but the
 * small headers, so a 174 MB member streams straight to disk.
 */

/** Receives one entry's bytes in order, then `end`. */
export interface TarSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

const BLOCK = 512;

function field(h: Buffer, from: number, length: number): string {
  const s = h.subarray(from, from + length);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? s.length : nul).toString('utf8');
}

function octal(h: Buffer, from: number, length: number): number {
  const s = field(h, from, length).trim();
  if (!/^[0-7]*$/.test(s)) throw new AmaError('MODEL_DOWNLOAD_FAILED', `The package archive is damaged (bad size field "${s}"); download it again.`);
  return s === '' ? 0 : parseInt(s, 8);
}

function paxPath(body: Buffer): string | null {
  // Records: "<len> key=value\n".
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(body.subarray(at, space).toString());
    if (!(len > 0)) break;
    const rec = body.subarray(space + 1, at + len - 1).toString('utf8');
    if (rec.startsWith('path=')) return rec.slice(5);
    at += len;
  }
  return null;
}

/** Reads a tar stream chunk by chunk. */
export async function readTar(chunks: AsyncIterable<Buffer>, onEntry: (name: string, size: number) => TarSink | null): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0; // bytes of the current entry still to come
  let padding = 0; // bytes of block padding after it
  // Mutated inside the helpers below: typed loosely so the compiler does not narrow them to null.
  let sink = null as TarSink | null;
  let meta = null as { kind: 'x' | 'L'; parts: Buffer[] } | null;
  let nextName: string | null = null;
  let ended = false;

  const header = (h: Buffer): void => {
    if (h.every((b) => b === 0)) {
      ended = true;
      return;
    }
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = field(h, 345, 155);
    let name = field(h, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    remaining = size;
    padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'L') {
      meta = { kind: type, parts: [] };
      sink = null;
      return;
    }
    if (type === 'g') {
      sink = null;
      return;
    }
    if (nextName) name = nextName;
    nextName = null;
    sink = type === '0' || type === '\0' || type === '7' ? onEntry(name, size) : null;
  };

  const finishEntry = async (): Promise<void> => {
    if (meta) {
      const body = Buffer.concat(meta.parts);
      nextName = meta.kind === 'L' ? field(body, 0, body.length) : paxPath(body) ?? nextName;
      meta = null;
    } else if (sink) await sink.end();
    sink = null;
  };

  for await (const chunk of chunks) {
    if (ended) break;
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (!ended) {
      if (remaining > 0) {
        if (pending.length === 0) break;
        const n = Math.min(remaining, pending.length);
        const part = pending.subarray(0, n);
        if (meta) meta.parts.push(Buffer.from(part));
        else if (sink) await sink.write(part);
        pending = pending.subarray(n);
        remaining -= n;
        if (remaining === 0) await finishEntry();
        continue;
      }
      if (padding > 0) {
        const n = Math.min(padding, pending.length);
        pending = pending.subarray(n);
        padding -= n;
        if (padding > 0) break;
        continue;
      }
      if (pending.length < BLOCK) break;
      const h = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      header(h);
      if (!ended && remaining === 0) await finishEntry();
    }
  }
  if (remaining > 0) throw new AmaError('MODEL_DOWNLOAD_FAILED', 'The package archive ended in the middle of a file (an interrupted download?); run the install again.');
}
