import { extname } from 'node:path';
import { AmaError } from '../util/errors.js';
import { parseAiff } from './aiffHeader.js';
import { CodecFileSource } from './codecSource.js';
import { FfmpegSource, probeWithFfmpeg } from './ffmpegSource.js';
import { findFfmpegTools, needsFfmpegError } from './ffmpegTools.js';
import { HEAD_BYTES, PositionalFile, statAudioFile } from './fileAccess.js';
import { parseFlac } from './flacFile.js';
import { foreignCodecError } from './headerChecks.js';
import { parseMp3 } from './mp3File.js';
import { parseOggVorbis } from './oggFile.js';
import { PcmFileSource } from './pcmSource.js';
import { sniff, type Sniffed } from './sniff.js';
import type { AudioSource } from './types.js';
import { parseWav } from './wavHeader.js';

export { BLOCK_FRAMES } from './reblock.js';
export type { AudioBlock, AudioFormat, AudioSource } from './types.js';

/**
 * An AudioSource read from a file. Each blocks() call reads the file again from its start, in blocks of
 * BLOCK_FRAMES frames (the last one shorter), without ever holding the whole file in memory.
 */
export interface FileAudioSource extends AudioSource {
  /** Problems a decoder reported and recovered from (skipped damaged frames), filled while blocks() runs. */
  readonly warnings: readonly string[];
}

/**
 * Opens an audio file for streaming. The format is told by the file's first bytes, never by its name:
 * WAV/RF64, AIFF/AIFF-C, FLAC, MP3 and Ogg Vorbis are read in-process; anything else (MP4/M4A, AAC, WMA,
 * Opus, WAVs with ADPCM...) through ffmpeg when it is installed. Throws AmaError whose message names the
 * problem and the fix, without the file name (the caller adds it).
 */
export async function openAudioFile(path: string): Promise<FileAudioSource> {
  await statAudioFile(path);
  const file = await PositionalFile.open(path);
  try {
    const head = await file.readAt(0, HEAD_BYTES);
    if (head.length === 0) {
      throw new AmaError('EMPTY_FILE', 'the file is empty (0 bytes); it was probably not finished writing or copying: export it again');
    }
    const kind = await sniff(file, head);
    return await openSniffed(path, file, head, kind);
  } finally {
    await file.close();
  }
}

async function openSniffed(path: string, file: PositionalFile, head: Buffer, kind: Sniffed): Promise<FileAudioSource> {
  switch (kind.kind) {
    case 'wav': {
      if (head.length < 12) throw tooShort('WAV', head.length);
      const wav = await parseWav(file, head);
      if (wav.kind === 'foreign') return viaFfmpeg(path, wav.codecLabel, foreignCodecError(wav.codecLabel));
      return new PcmFileSource(wav.format, path, wav.span);
    }
    case 'aiff': {
      if (head.length < 12) throw tooShort('AIFF', head.length);
      const aiff = await parseAiff(file, head);
      if (aiff.kind === 'foreign') return viaFfmpeg(path, aiff.codecLabel, foreignCodecError(aiff.codecLabel));
      return new PcmFileSource(aiff.format, path, aiff.span);
    }
    case 'flac': {
      const flac = await parseFlac(file, kind.offset);
      return new CodecFileSource(flac.format, path, flac.plan);
    }
    case 'mp3': {
      const mp3 = await parseMp3(file, kind.offset);
      return new CodecFileSource(mp3.format, path, mp3.plan);
    }
    case 'ogg': {
      if (kind.codec === 'vorbis') {
        const ogg = await parseOggVorbis(file, head);
        return new CodecFileSource(ogg.format, path, ogg.plan);
      }
      const what = kind.codec === 'unknown' ? 'Ogg' : `Ogg ${kind.codec === 'flac' ? 'FLAC' : kind.codec === 'opus' ? 'Opus' : 'Speex'}`;
      return viaFfmpeg(path, what, needsFfmpegError(`an ${what}`));
    }
    case 'ffmpeg':
      return viaFfmpeg(path, kind.container, needsFfmpegError(article(kind.container)));
    case 'text':
      throw notAudio(path, `it starts with text "${kind.preview}"`);
    case 'other':
      throw notAudio(path, `it is ${kind.what}`);
    case 'unknown': {
      // ffprobe knows many more containers than the magic table; without it, say what the bytes are.
      const tools = findFfmpegTools();
      if (!tools) throw notAudio(path, kind.what);
      const format = await probeWithFfmpeg(tools, path, null);
      return new FfmpegSource(format, path, tools);
    }
  }
}

/** Routes a file to ffmpeg, or throws `whenAbsent` when ffmpeg/ffprobe are not installed. */
async function viaFfmpeg(path: string, what: string, whenAbsent: AmaError): Promise<FileAudioSource> {
  const tools = findFfmpegTools();
  if (!tools) throw whenAbsent;
  const format = await probeWithFfmpeg(tools, path, what);
  return new FfmpegSource(format, path, tools);
}

function tooShort(container: string, bytes: number): AmaError {
  return new AmaError('TRUNCATED', `the file is only ${bytes} bytes, too short for a ${container} header; it was cut off: copy or export it again`);
}

const EXPECTED_BY_EXTENSION: Record<string, string> = {
  '.wav': 'a RIFF/WAVE header', '.wave': 'a RIFF/WAVE header', '.bwf': 'a RIFF/WAVE header', '.rf64': 'an RF64 header',
  '.aif': 'a FORM/AIFF header', '.aiff': 'a FORM/AIFF header', '.aifc': 'a FORM/AIFC header',
  '.flac': 'a fLaC header', '.mp3': 'an ID3 tag or an MPEG frame header', '.ogg': 'an OggS page', '.oga': 'an OggS page',
  '.opus': 'an OggS page', '.m4a': 'an MP4 ftyp box', '.mp4': 'an MP4 ftyp box',
};

/** NOT_AUDIO; the extension only picks which header the message says was expected. */
function notAudio(path: string, what: string): AmaError {
  const expected = EXPECTED_BY_EXTENSION[extname(path).toLowerCase()] ?? 'a WAV, AIFF, FLAC, MP3, Ogg or other audio header';
  return new AmaError('NOT_AUDIO', `not an audio file: ${what}; expected ${expected}`);
}

/** "an MP4/M4A", "a WavPack": acronyms are spelled out, so their first letter's sound decides. */
function article(container: string): string {
  const acronym = /^[A-Z0-9]{2}/.test(container);
  return (acronym ? /^[AEFHILMNOSX]/ : /^[AEIOU]/).test(container) ? `an ${container}` : `a ${container}`;
}
