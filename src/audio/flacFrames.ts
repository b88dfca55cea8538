/**
 * Splits a native FLAC byte stream into frames, each checked by its header CRC-8 and its footer
 * CRC-16, and numbered by the first sample it holds. A damaged frame is dropped, so the stream goes on
 * at the next good frame and the caller sees the gap in the sample numbers.
 */

/** One complete, CRC-checked frame. */
export interface FlacFrame {
  bytes: Uint8Array;
  /** Index of the frame's first sample in the stream. */
  firstSample: number;
  blockSize: number;
}

/** What the splitter needs from STREAMINFO. */
export interface FlacStreamLimits {
  channels: number;
  /** Block size of fixed-blocksize streams (STREAMINFO min = max); frame numbers count in these. */
  fixedBlockSize: number;
  /** Largest frame in bytes, 0 when STREAMINFO does not say. */
  maxFrameBytes: number;
  /** Largest block size, for a worst-case frame size when maxFrameBytes is 0. */
  maxBlockSize: number;
}

interface Header {
  length: number;
  firstSample: number;
  blockSize: number;
}

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c8 = i;
  let c16 = i << 8;
  for (let k = 0; k < 8; k++) {
    c8 = (c8 & 0x80 ? (c8 << 1) ^ 0x07 : c8 << 1) & 0xff;
    c16 = (c16 & 0x8000 ? (c16 << 1) ^ 0x8005 : c16 << 1) & 0xffff;
  }
  CRC8[i] = c8;
  CRC16[i] = c16;
}

/** Longest possible frame header: 2 sync + 2 codes + 7 number + 2 block size + 2 rate + 1 CRC. */
const MAX_HEADER_BYTES = 16;

export class FlacFrameSplitter {
  private buf = new Uint8Array(256 * 1024);
  private len = 0;
  /** Start of the frame being scanned, or -1 while looking for a header. */
  private start = -1;
  private startHeader: Header | null = null;
  /** Bytes [start, scan) are covered by `crc`. */
  private scan = 0;
  private crc = 0;
  private readonly maxFrameBytes: number;
  /** Bytes dropped as damaged since the last call to takeDropped(). */
  private dropped = 0;

  constructor(private readonly limits: FlacStreamLimits) {
    const worst = limits.maxBlockSize * limits.channels * 4 + 1024;
    this.maxFrameBytes = (limits.maxFrameBytes > 0 ? limits.maxFrameBytes : worst) + MAX_HEADER_BYTES;
  }

  /** Adds bytes; returns the frames completed by them. */
  push(chunk: Uint8Array): FlacFrame[] {
    this.append(chunk);
    const frames: FlacFrame[] = [];
    this.split(frames, false);
    return frames;
  }

  /** Ends the stream: returns the last frame if it is complete, and how many bytes could not be used. */
  end(): { frames: FlacFrame[]; unusedBytes: number } {
    const frames: FlacFrame[] = [];
    this.split(frames, true);
    let unusedBytes = 0;
    if (this.start >= 0 && this.startHeader) {
      let crc = this.crc;
      for (let i = this.scan; i < this.len; i++) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ this.buf[i]];
      if (crc === 0 && this.len - this.start > this.startHeader.length + 2) {
        frames.push(this.frameAt(this.start, this.len, this.startHeader));
      } else {
        unusedBytes = this.len - this.start;
      }
    }
    this.len = 0;
    this.start = -1;
    return { frames, unusedBytes };
  }

  /** Bytes dropped as damaged since the last call. */
  takeDropped(): number {
    const d = this.dropped;
    this.dropped = 0;
    return d;
  }

  private split(frames: FlacFrame[], ending: boolean): void {
    const buf = this.buf;
    for (;;) {
      if (this.start < 0 && !this.sync(ending)) return;
      const header = this.startHeader!;
      let crc = this.crc;
      let q = this.scan;
      const limit = this.len - (ending ? 0 : MAX_HEADER_BYTES);
      let found = -1;
      for (; q < limit; q++) {
        // A frame ends where a valid header starts and the CRC-16 over the frame so far is zero.
        if (crc === 0 && buf[q] === 0xff && (buf[q + 1] & 0xfe) === 0xf8 && q - this.start > header.length + 2 && this.parseHeader(q)) {
          found = q;
          break;
        }
        crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ buf[q]];
      }
      this.crc = crc;
      this.scan = q;
      if (found >= 0) {
        frames.push(this.frameAt(this.start, found, header));
        this.begin(found, this.parseHeader(found)!);
        continue;
      }
      if (q - this.start > this.maxFrameBytes) {
        // No end found within the largest possible frame: this one is damaged. Resync after its header.
        this.dropped += 2;
        const from = this.start + 2;
        this.start = -1;
        this.scan = from;
        continue;
      }
      return;
    }
  }

  /** Finds the next valid header from `scan`; drops the bytes before it. False when more data is needed. */
  private sync(ending: boolean): boolean {
    const limit = this.len - (ending ? 2 : MAX_HEADER_BYTES);
    for (let i = Math.max(this.scan, 0); i < limit; i++) {
      if (this.buf[i] !== 0xff || (this.buf[i + 1] & 0xfe) !== 0xf8) continue;
      const header = this.parseHeader(i);
      if (!header) continue;
      this.dropped += i - Math.max(this.scan, 0);
      this.begin(i, header);
      return true;
    }
    this.dropped += Math.max(0, limit - Math.max(this.scan, 0));
    this.scan = Math.max(limit, this.scan);
    return false;
  }

  private begin(at: number, header: Header): void {
    this.start = at;
    this.startHeader = header;
    this.crc = 0;
    this.scan = at;
  }

  private frameAt(from: number, to: number, header: Header): FlacFrame {
    return { bytes: this.buf.slice(from, to), firstSample: header.firstSample, blockSize: header.blockSize };
  }

  /** The frame header at `p` if it is well-formed, fits the stream, and its CRC-8 matches. */
  private parseHeader(p: number): Header | null {
    const b = this.buf;
    const end = this.len;
    if (p + 6 > end) return null;
    const variable = b[p + 1] & 1;
    const sizeCode = b[p + 2] >> 4;
    const rateCode = b[p + 2] & 0x0f;
    const assignment = b[p + 3] >> 4;
    if (sizeCode === 0 || rateCode === 15 || (b[p + 3] & 1) !== 0 || ((b[p + 3] >> 1) & 7) === 3) return null;
    const channels = assignment < 8 ? assignment + 1 : assignment <= 10 ? 2 : 0;
    if (channels !== this.limits.channels) return null;
    // The frame or sample number, UTF-8 style: the lead byte says how many continuation bytes follow.
    let i = p + 4;
    const lead = b[i++];
    let extra = 0;
    let number = lead;
    if (lead >= 0x80) {
      if (lead >= 0xfe) extra = 6;
      else if (lead >= 0xfc) extra = 5;
      else if (lead >= 0xf8) extra = 4;
      else if (lead >= 0xf0) extra = 3;
      else if (lead >= 0xe0) extra = 2;
      else if (lead >= 0xc0) extra = 1;
      else return null;
      number = lead & (0x3f >> extra);
      if (i + extra > end) return null;
      for (let k = 0; k < extra; k++, i++) {
        if ((b[i] & 0xc0) !== 0x80) return null;
        number = number * 64 + (b[i] & 0x3f);
      }
    }
    let blockSize: number;
    if (sizeCode === 1) blockSize = 192;
    else if (sizeCode <= 5) blockSize = 576 << (sizeCode - 2);
    else if (sizeCode === 6) blockSize = b[i++] + 1;
    else if (sizeCode === 7) {
      blockSize = ((b[i] << 8) | b[i + 1]) + 1;
      i += 2;
    } else blockSize = 256 << (sizeCode - 8);
    if (rateCode === 12) i += 1;
    else if (rateCode === 13 || rateCode === 14) i += 2;
    if (i >= end) return null;
    let crc = 0;
    for (let k = p; k < i; k++) crc = CRC8[crc ^ b[k]];
    if (crc !== b[i]) return null;
    const firstSample = variable ? number : number * this.limits.fixedBlockSize;
    return { length: i + 1 - p, firstSample, blockSize };
  }

  private append(chunk: Uint8Array): void {
    // Keep only what is still needed: from the frame being scanned, or from the resync point.
    const keep = this.start >= 0 ? this.start : Math.max(0, Math.min(this.scan, this.len));
    if (keep > 0) {
      this.buf.copyWithin(0, keep, this.len);
      this.len -= keep;
      this.scan -= keep;
      if (this.start >= 0) this.start -= keep;
    }
    if (this.len + chunk.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }
}
