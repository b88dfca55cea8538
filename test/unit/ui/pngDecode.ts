/** A minimal PNG reader for tests: 8-bit grey, RGB or RGBA, non-interlaced (what resvg writes). */
import { inflateSync } from 'node:zlib';

/** Decoded image: size and 8-bit samples, `channels` per pixel, row by row. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` start with the 8-byte PNG signature. */
export function hasPngSignature(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Decodes a PNG; throws on anything this reader does not handle. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (!hasPngSignature(bytes)) throw new Error('not a PNG');
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (pos < bytes.length) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = ({ 0: 1, 2: 3, 6: 4 } as Record<number, number>)[colour] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour ${colour}`);
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(stride * height);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)];
    const src = raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1));
    const out = row * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? data[out + i - channels] : 0;
      const b = row > 0 ? data[out - stride + i] : 0;
      const c = row > 0 && i >= channels ? data[out - stride + i - channels] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      data[out + i] = (src[i] + pred) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Variance of the luma-ish mean of the colour samples over all pixels (0 for a blank image). */
export function pixelVariance(img: DecodedPng): number {
  const n = img.width * img.height;
  const colours = Math.min(3, img.channels);
  let sum = 0, sum2 = 0;
  for (let p = 0; p < n; p++) {
    let v = 0;
    for (let ch = 0; ch < colours; ch++) v += img.data[p * img.channels + ch];
    v /= colours;
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/** Pixels darker than `threshold` (0..255) in every colour channel. */
export function darkPixels(img: DecodedPng, threshold = 128): number {
  let count = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    let dark = true;
    for (let ch = 0; ch < Math.min(3, img.channels); ch++) if (img.data[p * img.channels + ch] >= threshold) dark = false;
    if (dark) count++;
  }
  return count;
}
