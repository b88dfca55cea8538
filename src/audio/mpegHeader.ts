/** One MPEG audio (Layer I/II/III) frame header, as needed to find frames and describe the stream. */
export interface MpegFrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Bytes from this header to the next one. */
  frameBytes: number;
  samplesPerFrame: number;
}

const BITRATES_KBPS: Record<string, number[]> = {
  // index 0 is free format (unsupported here), 15 is invalid
  'v1l1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  'v1l2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  'v1l3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  'v2l1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  'v2l2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES_HZ: Record<number, number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/** The frame header at `at`, or null when the four bytes there are not a valid (non-free-format) header. */
export function parseMpegHeader(buf: Uint8Array, at: number): MpegFrameHeader | null {
  if (at + 4 > buf.length) return null;
  const b1 = buf[at + 1];
  const b2 = buf[at + 2];
  if (buf[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table = version === 1 ? `v1l${layer}` : layer === 1 ? 'v2l1' : 'v2l2';
  const bitrateKbps = BITRATES_KBPS[table][bitrateIndex];
  const sampleRate = RATES_HZ[version][rateIndex];
  const padding = (b2 >> 1) & 1;
  const channels = buf[at + 3] >> 6 === 3 ? 1 : 2;
  let frameBytes: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameBytes = (Math.floor((12000 * bitrateKbps) / sampleRate) + padding) * 4;
    samplesPerFrame = 384;
  } else if (layer === 2 || version === 1) {
    frameBytes = Math.floor((144000 * bitrateKbps) / sampleRate) + padding;
    samplesPerFrame = 1152;
  } else {
    frameBytes = Math.floor((72000 * bitrateKbps) / sampleRate) + padding;
    samplesPerFrame = 576;
  }
  return { version, layer, bitrateKbps, sampleRate, channels, frameBytes, samplesPerFrame };
}

/**
 * Offset of the first of `run` consecutive valid frames with the same rate and layer, searching
 * [from, buf.length); null when there is none. Several frames in a row rule out chance sync words.
 */
export function findMpegFrames(buf: Uint8Array, from: number, run = 3): number | null {
  for (let at = from; at + 4 <= buf.length; at++) {
    if (buf[at] !== 0xff) continue;
    const first = parseMpegHeader(buf, at);
    if (!first) continue;
    let ok = true;
    for (let k = 1, p = at + first.frameBytes; k < run && p < buf.length; k++) {
      const next = parseMpegHeader(buf, p);
      if (!next || next.sampleRate !== first.sampleRate || next.layer !== first.layer) {
        ok = false;
        break;
      }
      p += next.frameBytes;
    }
    if (ok) return at;
  }
  return null;
}

/** What the first frame's Xing/Info or VBRI tag says about the stream length, when it has one. */
export interface MpegLengthTag {
  /** Frames in the stream, excluding the tag frame. */
  frames: number;
  /** Encoder delay and padding in samples, from a LAME tag (0 when absent). */
  delaySamples: number;
  paddingSamples: number;
}

/** Reads a Xing/Info (with LAME extension) or VBRI tag from the frame at `at`, or null when there is none. */
export function readMpegLengthTag(buf: Uint8Array, at: number, header: MpegFrameHeader): MpegLengthTag | null {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const sideInfo = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = at + 4 + sideInfo;
  const id = view.toString('latin1', xing, xing + 4);
  if ((id === 'Xing' || id === 'Info') && xing + 8 <= view.length) {
    const flags = view.readUInt32BE(xing + 4);
    if (!(flags & 1) || xing + 12 > view.length) return null;
    const frames = view.readUInt32BE(xing + 8);
    let p = xing + 12;
    if (flags & 2) p += 4;
    if (flags & 4) p += 100;
    if (flags & 8) p += 4;
    let delaySamples = 0;
    let paddingSamples = 0;
    // LAME extension: 9-byte encoder name, then delay (12 bits) and padding (12 bits) at +21.
    if (p + 24 <= view.length && /^(LAME|Lavc|Lavf)/.test(view.toString('latin1', p, p + 4))) {
      const d = view.readUIntBE(p + 21, 3);
      delaySamples = d >> 12;
      paddingSamples = d & 0xfff;
    }
    return { frames, delaySamples, paddingSamples };
  }
  const vbri = at + 4 + 32;
  if (view.toString('latin1', vbri, vbri + 4) === 'VBRI' && vbri + 18 <= view.length) {
    return { frames: view.readUInt32BE(vbri + 14), delaySamples: view.readUInt16BE(vbri + 6), paddingSamples: 0 };
  }
  return null;
}
