import type { PositionalFile } from './fileAccess.js';
import { HEAD_BYTES } from './fileAccess.js';
import { findMpegFrames } from './mpegHeader.js';

/** What the first bytes of a file say it is. Extensions are never consulted. */
export type Sniffed =
  | { kind: 'wav' }
  | { kind: 'aiff' }
  /** `offset`: where "fLaC" starts (after any ID3v2 tag). */
  | { kind: 'flac'; offset: number }
  /** `offset`: where the first MPEG audio frame starts. */
  | { kind: 'mp3'; offset: number }
  | { kind: 'ogg'; codec: 'vorbis' | 'opus' | 'flac' | 'speex' | 'unknown' }
  /** A container ama reads only through ffmpeg; `container` names it for messages. */
  | { kind: 'ffmpeg'; container: string }
  /** Readable text: certainly not audio. */
  | { kind: 'text'; preview: string }
  /** A known non-audio binary (image, archive...), named for the message. */
  | { kind: 'other'; what: string }
  /** Unrecognised binary: ffprobe may still know it. `what` describes it for a NOT_AUDIO message. */
  | { kind: 'unknown'; what: string };

const FFMPEG_MAGIC: Array<[number, string, string]> = [
  [4, 'ftyp', 'MP4/M4A'], [4, 'moov', 'QuickTime'], [4, 'mdat', 'QuickTime'], [4, 'wide', 'QuickTime'],
  [0, 'caff', 'CAF'], [0, '.snd', 'AU'], [0, 'wvpk', 'WavPack'], [0, 'MAC ', "Monkey's Audio"], [0, 'TTA1', 'TTA'],
  [0, 'MPCK', 'Musepack'], [0, 'MP+', 'Musepack'], [0, '#!AMR', 'AMR'], [0, 'DSD ', 'DSF'], [0, 'FRM8', 'DSDIFF'],
  [0, 'RIFX', 'RIFX (big-endian WAV)'], [0, '\x1aE\xdf\xa3', 'Matroska/WebM'],
  [0, '0&\xb2u\x8ef\xcf\x11', 'WMA/ASF'], [0, '\x0bw', 'AC-3'], [0, '\x7f\xfe\x80\x01', 'DTS'],
];

const OTHER_MAGIC: Array<[number, string, string]> = [
  [0, '\x89PNG', 'a PNG image'], [0, '\xff\xd8\xff', 'a JPEG image'], [0, 'GIF8', 'a GIF image'],
  [0, '%PDF', 'a PDF document'], [0, 'PK\x03\x04', 'a ZIP archive'], [0, '\x1f\x8b', 'a gzip archive'],
  [0, '\x7fELF', 'a program (ELF)'], [0, 'MThd', 'a MIDI file (notes, not audio: render it to audio in your DAW)'],
];

/** Identifies a file from its head; `head` holds its first HEAD_BYTES bytes (or the whole file). */
export async function sniff(file: PositionalFile, head: Buffer): Promise<Sniffed> {
  const at = (pos: number, magic: string): boolean => head.length >= pos + magic.length && head.toString('latin1', pos, pos + magic.length) === magic;
  const riffType = head.toString('latin1', 8, 12);
  // Too short to say more: let the WAV/AIFF parser report the truncated header.
  if (head.length < 12 && (at(0, 'RIFF') || at(0, 'RF64') || at(0, 'BW64'))) return { kind: 'wav' };
  if (head.length < 12 && at(0, 'FORM')) return { kind: 'aiff' };
  if ((at(0, 'RIFF') || at(0, 'RF64') || at(0, 'BW64')) && riffType === 'WAVE') return { kind: 'wav' };
  if (at(0, 'RIFF') && riffType === 'AVI ') return { kind: 'ffmpeg', container: 'AVI' };
  if (at(0, 'FORM') && (riffType === 'AIFF' || riffType === 'AIFC')) return { kind: 'aiff' };
  if (at(0, 'FORM') && riffType === '8SVX') return { kind: 'ffmpeg', container: 'IFF 8SVX' };
  if (at(0, 'fLaC')) return { kind: 'flac', offset: 0 };
  if (at(0, 'OggS')) return { kind: 'ogg', codec: oggCodec(head) };
  if (at(0, 'ID3')) return afterId3(file, head);
  if (findMpegFrames(head.subarray(0, Math.min(head.length, 8192)), 0) === 0) return { kind: 'mp3', offset: 0 };
  if (isAdts(head, 0)) return { kind: 'ffmpeg', container: 'AAC (ADTS)' };
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return { kind: 'ffmpeg', container: 'MPEG-TS' };
  for (const [pos, magic, name] of FFMPEG_MAGIC) if (at(pos, magic)) return { kind: 'ffmpeg', container: name };
  for (const [pos, magic, what] of OTHER_MAGIC) if (at(pos, magic)) return { kind: 'other', what };
  const text = textPreview(head);
  if (text !== null) return { kind: 'text', preview: text };
  const bytes = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return { kind: 'unknown', what: `it starts with bytes ${bytes}, which match no audio format ama knows` };
}

/** The codec of an Ogg stream, from the first packet of its first page. */
function oggCodec(head: Buffer): 'vorbis' | 'opus' | 'flac' | 'speex' | 'unknown' {
  if (head.length < 28) return 'unknown';
  const packet = 27 + head[26];
  const starts = (magic: string): boolean => head.toString('latin1', packet, packet + magic.length) === magic;
  if (starts('\x01vorbis')) return 'vorbis';
  if (starts('OpusHead')) return 'opus';
  if (starts('\x7fFLAC')) return 'flac';
  if (starts('Speex   ')) return 'speex';
  return 'unknown';
}

/** Skips one or more ID3v2 tags (which may hold megabytes of cover art) and looks at what follows. */
async function afterId3(file: PositionalFile, head: Buffer): Promise<Sniffed> {
  let pos = 0;
  let buf = head;
  let bufStart = 0;
  for (;;) {
    const rel = pos - bufStart;
    if (rel + 10 > buf.length || buf.toString('latin1', rel, rel + 3) !== 'ID3') break;
    const size = (buf[rel + 6] << 21) | (buf[rel + 7] << 14) | (buf[rel + 8] << 7) | buf[rel + 9];
    pos += 10 + size + (buf[rel + 5] & 0x10 ? 10 : 0);
    if (pos + 10 > bufStart + buf.length) {
      buf = await file.readAt(pos, HEAD_BYTES);
      bufStart = pos;
    }
  }
  const rel = pos - bufStart;
  if (buf.toString('latin1', rel, rel + 4) === 'fLaC') return { kind: 'flac', offset: pos };
  if (isAdts(buf, rel)) return { kind: 'ffmpeg', container: 'AAC (ADTS)' };
  // Some taggers leave zero padding or junk between the tag and the first frame.
  const frame = findMpegFrames(buf, rel);
  if (frame !== null) return { kind: 'mp3', offset: bufStart + frame };
  return { kind: 'unknown', what: 'it has an ID3 tag but no MPEG audio frames after it' };
}

function isAdts(buf: Uint8Array, at: number): boolean {
  return buf.length >= at + 7 && buf[at] === 0xff && (buf[at + 1] & 0xf6) === 0xf0 && ((buf[at + 2] >> 2) & 0xf) < 13;
}

/** The first characters (up to 9, then "...") when the head reads as text, else null. */
function textPreview(head: Buffer): string | null {
  const sample = head.subarray(0, 512);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(sample));
  } catch {
    return null;
  }
  if (text.length === 0) return null;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 && ch !== '\n' && ch !== '\r' && ch !== '\t') return null;
    if (code === 0x7f) return null;
  }
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > 9 ? `${chars.slice(0, 9).join('')}...` : chars.join('');
}

/** Drops an incomplete UTF-8 sequence at the end of a slice cut from a longer text. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  let back = 0;
  while (end - back - 1 >= 0 && back < 3 && (bytes[end - back - 1] & 0xc0) === 0x80) back++;
  const lead = end - back - 1;
  if (lead >= 0 && bytes[lead] >= 0xc0) {
    const need = bytes[lead] >= 0xf0 ? 4 : bytes[lead] >= 0xe0 ? 3 : 2;
    if (back + 1 < need) end = lead;
  }
  return bytes.subarray(0, end);
}
