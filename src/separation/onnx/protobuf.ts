import { fstatSync, readSync } from 'node:fs';

/**
 * The protobuf wire format, as far as ONNX files need it (varint, 64-bit, length-delimited and
 * 32-bit fields): reading a message's fields from bytes in memory or straight from a file (payloads
 * are read only when asked for), and encoding length-delimited, string and varint fields.
 */

export interface Field {
  no: number;
  wire: number;
  /** Start of the whole field (key included) and end, in the buffer. */
  start: number;
  end: number;
  /** Length-delimited payload range. */
  data?: [number, number];
  varint?: number;
}

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new Error('varint too long');
}

/** Bytes of a model: in memory, or read on demand from a file (so initializers stay on disk). */
export interface ByteSource {
  readonly length: number;
  read(from: number, to: number): Uint8Array;
}

export function memorySource(buf: Uint8Array): ByteSource {
  return { length: buf.length, read: (from, to) => buf.subarray(from, to) };
}

/** A source reading a file through `fd` (the caller closes it once the parts are encoded). */
export function fileSource(fd: number): ByteSource {
  return {
    length: fstatSync(fd).size,
    read(from, to) {
      const out = new Uint8Array(to - from);
      let got = 0;
      while (got < out.length) {
        const n = readSync(fd, out, got, out.length - got, from + got);
        if (n === 0) throw new Error('the file ended early');
        got += n;
      }
      return out;
    },
  };
}

/** The fields of the message at [from, to) of `src`, headers read as needed (payloads are not read). */
export function* fields(src: ByteSource, from = 0, to = src.length): Generator<Field> {
  let pos = from;
  while (pos < to) {
    const start = pos;
    const head = src.read(pos, Math.min(to, pos + 20));
    const [key, p] = readVarint(head, 0);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    let q = p;
    const f: Field = { no, wire, start, end: 0 };
    if (wire === 0) [f.varint, q] = readVarint(head, q);
    else if (wire === 1) q += 8;
    else if (wire === 5) q += 4;
    else if (wire === 2) {
      const [len, r] = readVarint(head, q);
      f.data = [pos + r, pos + r + len];
      q = r + len;
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${pos}`);
    pos += q;
    if (pos > to) throw new Error(`a field at byte ${start} runs past the end of its message`);
    f.end = pos;
    yield f;
  }
}

const decoder = new TextDecoder();
export const str = (src: ByteSource, f: Field) => decoder.decode(src.read(f.data![0], f.data![1]));

function varintBytes(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Concatenates encoded pieces into one length-delimited field `no`. */
export function lengthDelimited(no: number, pieces: readonly Uint8Array[]): Uint8Array {
  const len = pieces.reduce((n, p) => n + p.length, 0);
  const head = [...varintBytes(no * 8 + 2), ...varintBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let at = head.length;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const stringField = (no: number, s: string) => lengthDelimited(no, [new TextEncoder().encode(s)]);
export const varintField = (no: number, n: number) => Uint8Array.from([...varintBytes(no * 8), ...varintBytes(n)]);

/** The pieces, one after the other. */
export function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
